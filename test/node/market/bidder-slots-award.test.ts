// Issue 14: a bid states the slots its provider had free (Bid.free_slots), and a requester that
// has since awarded that provider as many of its own jobs asks the job's other bidders first,
// instead of collecting a NO_CAPACITY decline (an exchange, two signatures and journal entries on
// both sides) and only then asking them. Real nodes on 127.0.0.1: two jobs posted together, both
// bid on by a cheap provider of one slot and a dearer one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { inJobsTopic, postTwoAtOnce, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'

describe('node/market a bidder our other job filled is asked last (issue 14)', function () {
  this.timeout(120_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let cheap: LivePeer
  let dear: LivePeer

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-slots-'))
    pool = new WorkerPool({ size: 2 })
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    const provider = async (name: string, price: string): Promise<LivePeer> =>
      await startLivePeer(name, { root, roles: 'provider', bootstrap: requester, pool, capacity: 1, price })
    cheap = await provider('p-cheap', '0.001')
    dear = await provider('p-dear', '0.05')
    await inJobsTopic(requester, [cheap, dear])
  })

  after(async () => {
    for (const p of [requester, cheap, dear]) await p?.node.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('two jobs bid on by a one-slot cheap provider: the second goes to the dearer one, no decline', async () => {
    const records = await postTwoAtOnce(requester, { holdMs: 1_500, providerEstimate: 2 })
    for (const r of records) expect(r.phase, JSON.stringify(r.failure)).to.equal('completed')
    // every bid stated one free slot, and both providers bid on both jobs
    for (const r of records) expect(r.bids.map((b) => b.provider).sort()).to.have.length(2)
    const awarded = records.map((r) => r.awards.map((a) => a.provider))
    const [cheapId, dearId] = [cheap, dear].map((p) => p.node.peerId.toString())
    // one award per job, one to each provider: the cheap one's slot went to the first job
    expect(
      awarded.every((a) => a.length === 1),
      JSON.stringify(awarded),
    ).to.equal(true)
    expect(awarded.flat().sort()).to.deep.equal([cheapId, dearId].sort())
    const declines = cheap.events.filter((e) => e.type === 'provider:declined')
    expect(declines, 'no award was declined for capacity').to.deep.equal([])
  })
})
