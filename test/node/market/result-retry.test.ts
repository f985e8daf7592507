// Issue 16: a result that finds no way to its requester is sent again. The provider finished the
// job; just as its result leaves, its connections to the requester drop and new ones are refused
// (a PartitionTable's gaters). The path heals after the first failed attempt. A provider that
// tried once and gave up left the award to be revoked for the lost connection 2 s later and, with
// nobody else to take it, the job failed NO_PROVIDER_LEFT; now the result goes again and the job
// completes on its one award.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { PartitionTable } from '../../../node/p2p/partition.ts'
import { waitFor } from '../../support/wait.ts'
import { eventOf, expectOneDeliveredAward, inJobsTopic, postHelloJob, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'

describe('node/market: a result the requester could not be reached for is sent again (issue 16)', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-result-retry-'))
  const pool = new WorkerPool({ size: 1 })
  const partition = new PartitionTable()
  const ids: { requester?: string; provider?: string } = {}
  let requester: LivePeer
  let provider: LivePeer

  before(async () => {
    requester = await startLivePeer('requester', {
      root,
      roles: 'requester',
      connectionGater: partition.gaterFor(() => ids.requester),
    })
    ids.requester = requester.node.peerId.toString()
    provider = await startLivePeer('provider', {
      root,
      roles: 'provider',
      bootstrap: requester,
      pool,
      connectionGater: partition.gaterFor(() => ids.provider),
      // the job ran and its result is about to leave: the pair is cut (connections dropped, new
      // ones refused) before it does
      onEvent: (e) => {
        if (e.type !== 'provider:completed' || ids.requester === undefined) return
        partition.cut(ids.requester, ids.provider!)
        const open = provider.node.libp2p.getConnections(requester.node.peerId)
        for (const c of open) c.abort(new Error('cut by the test'))
      },
    })
    ids.provider = provider.node.peerId.toString()
    await inJobsTopic(requester, [provider])
  })

  after(async () => {
    for (const p of [provider, requester]) await p?.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('delivers the result once the path is back: one award, no revocation', async () => {
    const jobId = await postHelloJob(requester)
    await waitFor(() => eventOf(provider.events, 'provider:result-undelivered', jobId) !== undefined, {
      what: 'the result to fail to leave once',
      timeoutMs: 30_000,
      intervalMs: 1,
    })
    expect(partition.size, 'the pair was cut').to.equal(1)
    partition.heal()

    await expectOneDeliveredAward(requester, jobId, ids.provider!)
    const failure = eventOf(provider.events, 'provider:result-undelivered', jobId)!
    expect(failure.attempt).to.equal(1)
    expect(failure.retryInMs, 'a retry was scheduled').to.be.a('number')
    expect(provider.market.provider!.results.counts.retried).to.be.greaterThan(0)
  })
})
