// Direct pushes and the bid lottery (issue 14 goal 1): the requester pushes a new job to its best
// m known candidates; the other providers hear it by gossip and bid only when their lottery
// ticket wins, so a job gets about m bids however many providers hear it. One unsharded jobs
// topic here, so every provider hears every job by gossip (shards.test.ts: the sharded default).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { WorkerPool } from '../../../node/exec/index.ts'
import { JobRequest, SignedEnvelope } from '../../../protocol/gen/market.ts'
import { WEIGHT_SCALE, defaultMaxBidders, estimateBounds, winsLottery } from '../../../protocol/market/lottery.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { startMarketPeer, text, waitFor } from './helpers.ts'
import type { MarketPeer } from './helpers.ts'

const HIVE = 10n ** 18n
const M = defaultMaxBidders(1)
const PROVIDERS = M + 3

describe('node/market: direct pushes and the bid lottery', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-push-'))
  const pool = new WorkerPool({ size: 2 })
  const peers: MarketPeer[] = []
  let requester: MarketPeer
  let wordcount: Uint8Array

  before(async () => {
    wordcount = readFileSync((await buildExamples()).wordcount)
    const settings = { jobShards: 1 }
    requester = await startMarketPeer('requester', { roles: 'requester', root, settings })
    peers.push(requester)
    for (let i = 0; i < PROVIDERS; i++)
      peers.push(
        await startMarketPeer(`provider-${i}`, { roles: 'provider', root, bootstrap: requester, pool, settings }),
      )
    await waitFor(
      'every provider in the jobs topic',
      () => jobSubscribers(requester.node.libp2p.services.pubsub).length === PROVIDERS,
    )
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  async function post(i: number): Promise<string> {
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'in.txt', data: text(`job ${i}\n`) }],
      maxPrice: HIVE,
      bidWindowMs: 1500,
      // wait for the whole window: every bid that comes is in the record
      policy: { reserve: 99 },
    })
    return jobId
  }

  it('a requester that knows no bidder yet states N ≤ m: every provider that hears the job bids', async () => {
    const jobId = await post(0)
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(20_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    const spec = JobRequest.decode(SignedEnvelope.decode(Buffer.from(record.requestHex, 'hex')).payload).spec!
    expect(spec.providerEstimate, 'topic-only peers count at most m').to.equal(M)
    expect(record.bids).to.have.length(PROVIDERS)
  })

  it(`then pushes a job to m = ${M} of ${PROVIDERS} providers; other bids come only from lottery winners`, async () => {
    for (const p of peers.slice(1)) {
      p.market.provider!.lottery.won = 0
      p.market.provider!.lottery.lost = 0
    }
    const before = requester.market.requester!.lotteryStats()
    const jobId = await post(1)
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(20_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    const posted = requester.events.find((e) => e.type === 'job:posted' && e.jobId === jobId)
    expect(posted?.type === 'job:posted' ? posted.pushedTo : -1).to.equal(M)

    const spec = JobRequest.decode(SignedEnvelope.decode(Buffer.from(record.requestHex, 'hex')).payload).spec!
    expect(spec.maxBidders).to.equal(M)
    expect(spec.providerEstimate, 'N: the providers that bid before, by stake weight').to.equal(PROVIDERS)
    const after = requester.market.requester!.lotteryStats()
    expect(after.pushed - before.pushed).to.equal(M)
    expect(after.pushedBids - before.pushedBids + (after.wonBids - before.wonBids)).to.equal(record.bids.length)
    expect(
      Object.values(after.dropped).reduce((a, b) => a + b, 0),
      'honest providers never bid out of turn',
    ).to.equal(0)
    // every provider also heard the job by gossip and drew: a provider that lost its draw bid
    // only if it was pushed (at most m of them), and one that neither won nor was pushed is silent
    const bidders = new Set(record.bids.map((b) => b.provider))
    const providers = peers
      .slice(1)
      .map((p) => ({ p, bid: bidders.has(p.node.peerId.toString()), ...p.market.provider!.lottery }))
    expect(
      providers.every((x) => x.won + x.lost === 1),
      'each drew once',
    ).to.equal(true)
    // a pushed provider also heard the job by gossip: the second copy of the same signed bytes
    // is taken by its hash, not decoded and verified again (unless both arrived at once)
    const checks = peers.slice(1).map((p) => p.market.provider!.requestChecks)
    expect(
      checks.reduce((n, c) => n + c.reused, 0),
      'second copies not re-verified',
    ).to.be.greaterThan(0)
    const lostButBid = providers.filter((x) => x.lost === 1 && x.bid).length
    expect(lostButBid, 'bidders without a winning ticket (pushed)').to.be.at.most(M)
    expect(
      providers.filter((x) => x.won === 1).every((x) => x.bid),
      'every winner bid',
    ).to.equal(true)
    // a winner's ticket wins at least at the most generous N the requester accepts
    const { min } = estimateBounds(M, spec.providerEstimate)
    for (const x of providers.filter((y) => y.won === 1)) {
      const bytes = peerIdToBytes(peerIdFromString(x.p.node.peerId.toString()))
      expect(winsLottery({ nonce: spec.nonce, jobId, maxBidders: M, estimate: min }, bytes, WEIGHT_SCALE)).to.equal(
        true,
      )
    }
  })
})
