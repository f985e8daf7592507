import { expect } from 'chai'
import { MessageType } from '../../../protocol/gen/market.ts'
import { createJobRequest, signClearing } from '../../../protocol/market/build.ts'
import {
  gossipVerdict,
  MARKET_ERROR_ACTIONS,
  MARKET_ERROR_CODES,
  MarketValidationError,
} from '../../../protocol/market/errors.ts'
import { validateClearing } from '../../../protocol/market/validate-clearing.ts'
import { validateJobRequest } from '../../../protocol/market/validate-job.ts'
import {
  CLEARING_TOPIC,
  DIRECT_LIMITS,
  jobsTopic,
  MAX_GOSSIP_MESSAGE_BYTES,
  MAX_MESSAGE_BYTES,
  PROTOCOLS,
} from '../../../protocol/topics.ts'
import { expectMarketError, jobInput, keyFromSeed, NOW, peerOf } from './fixtures.ts'

describe('protocol/topics', () => {
  it('names versioned topics per executor class', () => {
    expect(jobsTopic('wasm')).to.equal('hive/jobs/wasm/1')
    expect(jobsTopic('container')).to.equal('hive/jobs/container/1')
    expect(CLEARING_TOPIC).to.equal('hive/clearing/1')
    for (const bad of ['../x', 'WASM', '', 'a/b']) expect(() => jobsTopic(bad), bad).to.throw(TypeError)
  })

  it('has the protocol ids the services register', () => {
    expect(PROTOCOLS).to.deep.equal({
      request: '/hive/request/1.0.0',
      requestBid: '/hive/request/2.0.0',
      bid: '/hive/bid/1.0.0',
      award: '/hive/award/1.0.0',
      awardData: '/hive/award/2.0.0',
      result: '/hive/result/1.0.0',
      resultData: '/hive/result/2.0.0',
      blob: '/hive/blob/1.0.0',
      audit: '/hive/audit/1.0.0',
      voucher: '/hive/voucher/2.0.0',
      heartbeat: '/hive/heartbeat/1.0.0',
      heartbeatLog: '/hive/heartbeat/1.1.0',
      revoke: '/hive/revoke/1.0.0',
      reopen: '/hive/reopen/1.0.0',
    })
    expect(DIRECT_LIMITS.bid.request).to.equal(MessageType.BID)
    expect(DIRECT_LIMITS.blob.maxResponseFrameBytes).to.equal(MAX_MESSAGE_BYTES.blobChunk)
    expect(MAX_GOSSIP_MESSAGE_BYTES).to.equal(MAX_MESSAGE_BYTES.jobRequest)
  })

  it("validates each topic's messages with its own validator, refusing the other kind", async () => {
    const key = await keyFromSeed(1)
    const job = await createJobRequest(jobInput(), key)
    const clearing = await signClearing(
      {
        jobId: job.jobId,
        winners: [{ provider: peerOf(key), price: 5n }],
        timestamp: NOW,
        executor: 'wasm',
        wallTimeMs: 5,
        memoryBytes: 65536,
      },
      key,
    )
    const validJob = await validateJobRequest(job.bytes, { now: NOW })
    expect(`${validJob.jobId} ${validJob.maxPrice}`).to.equal(`${job.jobId} 1000000`)
    const validClearing = await validateClearing(clearing, { now: NOW })
    expect(`${validClearing.jobId} ${validClearing.winners[0].price}`).to.equal(`${job.jobId} 5`)
    await expectMarketError(() => validateJobRequest(clearing, { now: NOW }), 'WRONG_TYPE', 'REJECT')
    const oversized = new Uint8Array(MAX_MESSAGE_BYTES.clearing + 1)
    await expectMarketError(() => validateClearing(oversized, { now: NOW }), 'OVERSIZED', 'REJECT')
  })

  it('maps every error code to its fixed verdict, and foreign errors to ignore', () => {
    for (const code of MARKET_ERROR_CODES) {
      const err = new MarketValidationError(code, 'x')
      expect(err.action).to.equal(MARKET_ERROR_ACTIONS[code])
      expect(gossipVerdict(err)).to.equal(MARKET_ERROR_ACTIONS[code] === 'REJECT' ? 'reject' : 'ignore')
    }
    expect(gossipVerdict(new Error('our bug'))).to.equal('ignore')
    // the honest-peer cases must never be REJECT
    for (const code of [
      'JOB_EXPIRED',
      'BID_EXPIRED',
      'AWARD_EXPIRED',
      'FROM_FUTURE',
      'DUPLICATE',
      'UNKNOWN_JOB',
      'STALE_CLEARING',
      'AWARD_REVOKED',
    ] as const) {
      expect(MARKET_ERROR_ACTIONS[code]).to.equal('IGNORE')
    }
  })
})
