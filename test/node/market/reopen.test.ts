// Issue 16: a job whose bidders all died gets new bids. With a small lottery (m = maxBidders) a
// job holds only a few bids; when every provider that bid is stopped after accepting, the
// requester revokes their awards, finds no bid left, re-opens bidding with a signed BidReopen
// pushed to live providers that were not tried, and the job completes on one that had not bid.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { waitFor } from '../../support/wait.ts'
import { eventOf, helloModule, inJobsTopic, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'

const HIVE = 10n ** 18n

describe('node/market re-opened bidding: every bidder dies, new providers finish the job (issue 16)', function () {
  this.timeout(120_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let providers: LivePeer[]
  let hello: Uint8Array

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-reopen-'))
    pool = new WorkerPool({ size: 1 })
    hello = await helloModule('done\n')
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    providers = []
    // 12: a k = 2 job that drew one bid re-opens at its window's close and may gather up to 2k + 2
    // more bidders, all of whom the test then kills; the second reopen needs providers left alive
    for (let i = 0; i < 12; i++)
      providers.push(await startLivePeer(`p${i}`, { root, roles: 'provider', bootstrap: requester, pool }))
    for (const p of providers) alive.add(p)
    await inJobsTopic(requester, providers)
  })

  after(async () => {
    for (const p of [requester, ...providers]) await p?.node.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const alive = new Set<LivePeer>()
  const idOf = (p: LivePeer): string => p.node.peerId.toString()

  async function killEveryBidder(k: number): Promise<void> {
    const { jobId } = await requester.market.requester!.post({
      module: hello,
      args: ['hold=1500'],
      maxPrice: HIVE,
      redundancy: k,
      // a tiny lottery: the job holds about k bids, so no bid is left once they die
      maxBidders: k,
      // long enough for a loaded machine (npm test runs two suites at once): the bidders' pushes
      // and bids must land in it, or the job starts without them
      bidWindowMs: 3_000,
      timeoutMs: 90_000,
      limits: { wallTimeMs: 20_000 },
    })
    // every slot accepted: now stop every provider that bid (abruptly: no result, no goodbye)
    await waitFor(() => requester.events.filter((e) => e.type === 'job:accepted' && e.jobId === jobId).length >= k, {
      what: `${k} acceptance(s)`,
      timeoutMs: 30_000,
    }).catch(async (err: unknown) => {
      // say where the job stood: which bids came, what was awarded, why it failed
      const r = await requester.market.requester!.get(jobId)
      const where = { phase: r?.phase, failure: r?.failure, awards: r?.awards }
      throw new Error(`${String(err)}; job: ${JSON.stringify(where)}`)
    })
    await waitFor(() => Date.now() >= (eventOf(requester.events, 'job:accepted', jobId)?.at ?? 0) + 1_000, {
      what: 'the bid window closed and a second passed',
    })
    const bidders = new Set(
      requester.events.flatMap((e) => (e.type === 'job:bid' && e.jobId === jobId ? [e.provider] : [])),
    )
    const victims = providers.filter((p) => bidders.has(idOf(p)) && alive.has(p))
    const killedAt = Date.now()
    await Promise.all(victims.map(async (v) => await v.node.stop()))
    for (const v of victims) alive.delete(v)

    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    const delivered = record.awards.filter((a) => a.status === 'delivered').map((a) => a.provider)
    expect(delivered).to.have.length(k)
    for (const d of delivered) expect(bidders.has(d), `${d} had not bid before the reopen`).to.equal(false)
    const revoked = requester.events.flatMap((e) => (e.type === 'job:revoked' && e.jobId === jobId ? [e] : []))
    expect(revoked.map((e) => e.provider).sort()).to.include.members(
      record.awards.filter((a) => a.revokedAt !== undefined).map((a) => a.provider),
    )
    const reopened = eventOf(requester.events, 'job:reopened', jobId)
    expect(reopened?.sequence).to.equal(1)
    expect(record.reopens?.[0]?.willing).to.be.at.least(k)
    const figures = {
      k,
      victims: victims.length,
      detectionMs: revoked[0].at - killedAt,
      reopenAfterLastRevokeMs: reopened!.at - revoked.at(-1)!.at,
      extraLatencyMs: record.completedAt! - killedAt,
    }
    console.log(`      reopen figures: ${JSON.stringify(figures)}`)
    expect(record.completedAt!).to.be.below(record.deadline)
  }

  it('k = 1, m = 1: the only bidder dies; a provider that had not bid completes the job', async () => {
    await killEveryBidder(1)
  })

  it('k = 2, m = 2: both bidders die; two providers that had not bid complete the job', async () => {
    await killEveryBidder(2)
  })
})
