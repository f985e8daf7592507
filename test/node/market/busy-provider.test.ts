// Issue 16: a provider that bid while it had a free slot, and is full when the award comes
// (another job's award came first), declines NO_CAPACITY. That passes: the requester asks it
// again (1, 2, 4 s later) and the provider, which forgot the declined award, takes the new one.
// Before, the provider was "tried" for good; with nobody else to ask the job was lost (the
// chaos chain-faults run lost a job this way). Real nodes on 127.0.0.1, one provider of capacity 1.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { inJobsTopic, postTwoAtOnce, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'

describe('node/market a provider full at its award is asked again (issue 16)', function () {
  this.timeout(120_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let provider: LivePeer

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-busy-'))
    pool = new WorkerPool({ size: 1 })
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    provider = await startLivePeer('p', { root, roles: 'provider', bootstrap: requester, pool, capacity: 1 })
    await inJobsTopic(requester, [provider])
  })

  after(async () => {
    for (const p of [requester, provider]) await p?.node.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('two jobs bid on at once, one slot: the second is declined NO_CAPACITY, taken when the first ends', async () => {
    // the first holds its slot 3.5 s: the retry timers (1, 2, 4 s after each decline) find it busy
    // at 1 and 3 s, and the next would come at 7 s
    const records = await postTwoAtOnce(requester, { holdMs: 3_500, providerEstimate: 1 })
    const id = provider.node.peerId.toString()
    for (const r of records) expect(r.phase, JSON.stringify(r.failure)).to.equal('completed')
    const declined = provider.events.filter((e) => e.type === 'provider:declined')
    expect(declined.map((e) => (e.type === 'provider:declined' ? e.reason : ''))).to.include('NO_CAPACITY')
    // the one that waited: busy declines first, then the award it ran — all to the one provider
    const waited = records.find((r) => r.awards.some((a) => a.busy === true))
    expect(waited, 'a job was declined for capacity').to.not.equal(undefined)
    expect(waited!.awards.every((a) => a.provider === id)).to.equal(true)
    expect(waited!.awards.at(-1)).to.include({ status: 'delivered' })
    expect(waited!.awards.slice(0, -1).every((a) => a.busy === true && a.status === 'failed')).to.equal(true)
    expect(waited!.reopens ?? []).to.deep.equal([])
    // asked again as soon as the first job's result came (the slot then free on both sides:
    // the provider frees it once the run is over, the requester wakes the job waiting for it),
    // not at its next retry timer, 3.5 s later
    const firstResult = requester.events.find((e) => e.type === 'job:result' && e.jobId !== waited!.jobId)
    const gap = waited!.awards.at(-1)!.awardedAt - firstResult!.at
    expect(gap, 'ms from the first result to the award the second job ran').to.be.within(0, 1_000)
  })
})
