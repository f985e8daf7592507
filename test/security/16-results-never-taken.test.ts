// Attack (issues 14, 16): requesters that never take their results, to make a provider run job
// after job. A provider frees a job's slot once its run is over, while the result is sent or
// retried (up to 20 s); each such delivery holds the job's output in memory. Only `capacity`
// deliveries are let off (node/market/slots-taken.ts): with capacity 1, a second job may run while
// the first one's result waits, but a third requester's job finds the provider full until a
// delivery ends. Without the bound the provider bid on every job its unreachable requesters sent.
// Real nodes on 127.0.0.1; a requester is cut off (PartitionTable) as its job's result leaves.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../node/exec/index.ts'
import { PartitionTable } from '../../node/p2p/partition.ts'
import { waitFor } from '../support/wait.ts'
import { eventOf, inJobsTopic, postHelloJob, startLivePeer } from '../node/market/liveness-helpers.ts'
import type { LivePeer } from '../node/market/liveness-helpers.ts'

describe('attack 16: requesters that never take their results cannot fill a provider without bound', function () {
  this.timeout(90_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-results-never-taken-'))
  const pool = new WorkerPool({ size: 1 })
  const partition = new PartitionTable()
  /** job id → its requester's peer id, so the provider's completion cuts the right pair */
  const requesterOf = new Map<string, string>()
  let provider: LivePeer
  let requesters: LivePeer[] = []
  let providerId = ''

  before(async () => {
    const first = await startLivePeer('r1', {
      root,
      roles: 'requester',
      connectionGater: partition.gaterFor(() => undefined),
    })
    provider = await startLivePeer('provider', {
      root,
      roles: 'provider',
      bootstrap: first,
      pool,
      capacity: 1,
      connectionGater: partition.gaterFor(() => providerId),
      // the job ran and its result is about to leave: its requester is cut off before it does
      onEvent: (e) => {
        const requester = e.type === 'provider:completed' ? requesterOf.get(e.jobId) : undefined
        if (requester === undefined) return
        partition.cut(requester, providerId)
        for (const c of provider.node.libp2p.getConnections()) {
          if (c.remotePeer.toString() === requester) c.abort(new Error('cut by the test'))
        }
      },
    })
    providerId = provider.node.peerId.toString()
    const others = await Promise.all(
      ['r2', 'r3'].map(async (name) => await startLivePeer(name, { root, roles: 'requester', bootstrap: provider })),
    )
    requesters = [first, ...others]
    for (const r of requesters) await inJobsTopic(r, [provider])
  })

  after(async () => {
    for (const p of [provider, ...requesters]) await p?.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  const post = async (requester: LivePeer): Promise<string> => {
    const jobId = await postHelloJob(requester)
    requesterOf.set(jobId, requester.node.peerId.toString())
    return jobId
  }

  it('a second job runs while the first result waits; a third finds the provider full', async () => {
    const [r1, r2, r3] = requesters
    for (const r of [r1, r2]) {
      const jobId = await post(r)
      await waitFor(() => eventOf(provider.events, 'provider:result-undelivered', jobId) !== undefined, {
        what: `the result of ${jobId} to fail to leave`,
        timeoutMs: 30_000,
      })
    }
    // two results wait for requesters that cannot be reached (each retried up to 20 s): the push
    // of a third requester's job is answered (job:posted comes once every push is) without a bid
    const third = await post(r3)
    await waitFor(() => eventOf(r3.events, 'job:posted', third) !== undefined, {
      what: 'the third job pushed',
      timeoutMs: 15_000,
    })
    expect(eventOf(r3.events, 'job:posted', third)!.pushedTo, 'the provider was asked').to.equal(1)
    expect(eventOf(provider.events, 'provider:bid', third), 'the provider did not bid').to.equal(undefined)
    expect(eventOf(r3.events, 'job:bid', third)).to.equal(undefined)
  })
})
