// Issue 14/16: a new job is pushed to the requester's best known candidates; when a target is gone
// (stopped, its profile still fresh in the discovery view) its push goes to the next best live
// provider not asked yet, inside the job's own bid window. Before, both pushes of a k = 2 job went
// to providers an earlier test had stopped, the lottery drew none of the live providers that heard
// it by gossip, and the job failed NO_BIDS (a CI flake). Real nodes on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { waitFor } from '../../support/wait.ts'
import { eventOf, helloModule, inJobsTopic, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'

const HIVE = 10n ** 18n

describe('node/market pushes: a target that is gone hands its push to the next live provider', function () {
  this.timeout(120_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let cheap: LivePeer[]
  let dear: LivePeer[]
  let hello: Uint8Array

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-push-spare-'))
    pool = new WorkerPool({ size: 1 })
    hello = await helloModule('done\n')
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    // the cheap ones rank first among the requester's candidates once they have bid
    cheap = []
    for (let i = 0; i < 2; i++)
      cheap.push(
        await startLivePeer(`cheap${i}`, { root, roles: 'provider', bootstrap: requester, price: '0.0005', pool }),
      )
    dear = []
    for (let i = 0; i < 3; i++)
      dear.push(
        await startLivePeer(`dear${i}`, { root, roles: 'provider', bootstrap: requester, price: '0.002', pool }),
      )
    await inJobsTopic(requester, [...cheap, ...dear])
  })

  after(async () => {
    for (const p of [requester, ...cheap, ...dear]) await p?.node.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const idOf = (p: LivePeer): string => p.node.peerId.toString()

  it('both chosen targets stopped: their pushes go to two live providers, which bid in the window', async () => {
    // every provider is pushed this one (m = 5 covers the view) and bids: the requester learns prices
    const first = await requester.market.requester!.post({
      module: hello,
      maxPrice: HIVE,
      maxBidders: 5,
      bidWindowMs: 3_000,
      timeoutMs: 60_000,
    })
    await waitFor(() => requester.events.filter((e) => e.type === 'job:bid' && e.jobId === first.jobId).length === 5, {
      what: 'five bids on the first job',
      timeoutMs: 30_000,
    })
    expect(
      (await requester.market.requester!.wait(first.jobId, { signal: AbortSignal.timeout(30_000) })).phase,
    ).to.equal('completed')
    // the two best candidates stop; their profiles stay in the requester's discovery view
    await Promise.all(cheap.map(async (p) => await p.node.stop()))

    const { jobId } = await requester.market.requester!.post({
      module: hello,
      maxPrice: HIVE,
      redundancy: 1,
      maxBidders: 2,
      bidWindowMs: 5_000,
      timeoutMs: 60_000,
    })
    const posted = await waitFor(() => eventOf(requester.events, 'job:posted', jobId), {
      what: 'the pushes of the second job',
      timeoutMs: 30_000,
    })
    // both dead targets failed, and each handed its push to a live provider that took it
    expect(posted.pushedTo).to.equal(2)
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    const live = new Set(dear.map(idOf))
    const bidders = record.bids.map((b) => b.provider)
    expect(bidders.filter((p) => live.has(p)).length).to.be.at.least(2)
    for (const b of record.bids) expect(b.receivedAt).to.be.below(record.bidsCloseAt)
    expect(record.reopens ?? []).to.deep.equal([])
  })
})
