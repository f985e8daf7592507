import { expect } from 'chai'
import { MessageType } from '../../../protocol/gen/market.ts'
import { createJobRequest, signClearing } from '../../../protocol/market/build.ts'
import { gossipVerdict, MARKET_ERROR_ACTIONS, MARKET_ERROR_CODES, MarketValidationError } from '../../../protocol/market/errors.ts'
import {
  CLEARING_TOPIC, DIRECT_LIMITS, GOSSIP_TYPES, jobsTopic, MAX_GOSSIP_MESSAGE_BYTES, MAX_MESSAGE_BYTES, parseTopic, PROTOCOLS, topicName,
} from '../../../protocol/topics.ts'
import { expectMarketError, jobInput, keyFromSeed, NOW, peerOf } from './fixtures.ts'
import type { GossipHandlers, GossipKind } from '../../../protocol/topics.ts'

describe('protocol/topics', () => {
  it('names versioned topics per executor class and parses them back', () => {
    expect(jobsTopic('wasm')).to.equal('hive/jobs/wasm/1')
    expect(CLEARING_TOPIC).to.equal('hive/clearing/1')
    expect(parseTopic('hive/jobs/wasm/1')).to.deep.equal({ kind: 'jobs', executor: 'wasm' })
    expect(parseTopic('hive/clearing/1')).to.deep.equal({ kind: 'clearing' })
    for (const t of ['hive/jobs/wasm/2', 'hive/jobs/WASM/1', 'hive/jobs//1', 'hive/clearing/2', 'hive/jobs/wasm/1/x', '']) {
      expect(parseTopic(t), t).to.equal(undefined)
    }
    expect(topicName({ kind: 'jobs', executor: 'container' })).to.equal('hive/jobs/container/1')
    expect(() => jobsTopic('../x')).to.throw(TypeError)
  })

  it('has the protocol ids the services register', () => {
    expect(PROTOCOLS).to.deep.equal({
      request: '/hive/request/1.0.0', bid: '/hive/bid/1.0.0', award: '/hive/award/1.0.0',
      result: '/hive/result/1.0.0', blob: '/hive/blob/1.0.0', audit: '/hive/audit/1.0.0',
      voucher: '/hive/voucher/2.0.0',
    })
    expect(DIRECT_LIMITS.bid.request).to.equal(MessageType.BID)
    expect(DIRECT_LIMITS.blob.maxResponseFrameBytes).to.equal(MAX_MESSAGE_BYTES.blobChunk)
    expect(MAX_GOSSIP_MESSAGE_BYTES).to.equal(MAX_MESSAGE_BYTES.jobRequest)
  })

  it('dispatches by kind to a typed validator and handler', async () => {
    const key = await keyFromSeed(1)
    const job = await createJobRequest(jobInput(), key)
    const clearing = await signClearing({ jobId: job.jobId, winners: [{ provider: peerOf(key), price: 5n }], timestamp: NOW, executor: 'wasm', wallTimeMs: 5, memoryBytes: 65536 }, key)
    const got: string[] = []
    const handlers: GossipHandlers = {
      jobs: (m) => { got.push(`job ${m.jobId} max ${m.maxPrice}`) },
      clearing: (m) => { got.push(`clearing ${m.jobId} ${m.winners[0].price}`) },
    }
    async function onMessage<K extends GossipKind> (kind: K, bytes: Uint8Array): Promise<void> {
      const valid = await GOSSIP_TYPES[kind].validate(bytes, { now: NOW })
      await (handlers[kind] as (m: typeof valid, t: string) => void)(valid, 'topic')
    }
    await onMessage('jobs', job.bytes)
    await onMessage('clearing', clearing)
    expect(got).to.deep.equal([`job ${job.jobId} max 1000000`, `clearing ${job.jobId} 5`])
    await expectMarketError(() => onMessage('jobs', clearing), 'WRONG_TYPE', 'REJECT')
    await expectMarketError(() => onMessage('clearing', new Uint8Array(GOSSIP_TYPES.clearing.maxBytes + 1)), 'OVERSIZED', 'REJECT')
  })

  it('maps every error code to its fixed verdict, and foreign errors to ignore', () => {
    for (const code of MARKET_ERROR_CODES) {
      const err = new MarketValidationError(code, 'x')
      expect(err.action).to.equal(MARKET_ERROR_ACTIONS[code])
      expect(gossipVerdict(err)).to.equal(MARKET_ERROR_ACTIONS[code] === 'REJECT' ? 'reject' : 'ignore')
    }
    expect(gossipVerdict(new Error('our bug'))).to.equal('ignore')
    // the honest-peer cases must never be REJECT
    for (const code of ['JOB_EXPIRED', 'BID_EXPIRED', 'AWARD_EXPIRED', 'FROM_FUTURE', 'DUPLICATE', 'UNKNOWN_JOB', 'STALE_CLEARING'] as const) {
      expect(MARKET_ERROR_ACTIONS[code]).to.equal('IGNORE')
    }
  })
})
