// Issue 16, nothing lost: a requester that stops while its job runs, and starts again on its data
// dir, takes the job up where it was. The award was accepted and the provider is working (it holds
// the job); the requester node stops and a new one starts on the same data dir (same peer id, a
// new port), dialling the provider. The provider's result completes the job on its one award — no
// second run, no revocation. Before, every unfinished job of a restarted requester failed
// REQUESTER_RESTARTED and the provider's finished work was refused; and a result the provider had
// given up sending while the requester was away (20 s of retries) was lost, the award revoked for
// silence after the restart.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { waitFor } from '../../support/wait.ts'
import { eventOf, helloModule, inJobsTopic, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'

describe('node/market: a restarted requester resumes its running job (issue 16)', function () {
  this.timeout(90_000)
  let root: string
  let pool: WorkerPool
  const peers: LivePeer[] = []

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-requester-restart-'))
    pool = new WorkerPool({ size: 1 })
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  /**
   * A job held `holdMs` by the provider; the requester stops once the run is under way and
   * `whileAway` resolves, then starts again. Resolves with the job's end as the new requester sees it.
   */
  async function restartWhileRunning(opts: {
    name: string
    holdMs: number
    resultDeliveryMs?: number
    whileAway: (provider: LivePeer, jobId: string) => Promise<void>
  }): Promise<void> {
    const first = await startLivePeer(`requester-${opts.name}`, { root, roles: 'requester' })
    peers.push(first)
    let holding = 0
    const provider = await startLivePeer(`provider-${opts.name}`, {
      root,
      roles: 'provider',
      bootstrap: first,
      pool,
      ...(opts.resultDeliveryMs !== undefined ? { resultDeliveryMs: opts.resultDeliveryMs } : {}),
      onHold: () => {
        holding++
      },
    })
    peers.push(provider)
    await inJobsTopic(first, [provider])
    const { jobId } = await first.market.requester!.post({
      module: await helloModule('resumed\n'),
      args: [`hold=${opts.holdMs}`],
      maxPrice: 10n ** 18n,
      bidWindowMs: 1_000,
      timeoutMs: 60_000,
      limits: { wallTimeMs: 20_000 },
    })
    // its module and inputs fetched from the requester: the run is under way
    await waitFor(() => holding === 1, { what: 'the provider running the job', timeoutMs: 20_000 })
    expect(eventOf(provider.events, 'provider:completed', jobId), 'still running at the stop').to.equal(undefined)
    await first.node.stop()
    peers.splice(peers.indexOf(first), 1)
    await opts.whileAway(provider, jobId)

    const again = await startLivePeer(`requester-${opts.name}`, { root, roles: 'requester', bootstrap: provider })
    peers.push(again)
    expect(again.node.peerId.equals(first.node.peerId), 'the same requester, from its data dir').to.equal(true)
    const record = await again.market.requester!.wait(jobId, { signal: AbortSignal.timeout(45_000) })
    expect(record.phase, JSON.stringify([record.failure, record.awards])).to.equal('completed')
    expect(
      record.awards.map((a) => [a.provider, a.status]),
      'one award, delivered',
    ).to.deep.equal([[provider.node.peerId.toString(), 'delivered']])
    expect(again.events.filter((e) => e.type === 'job:revoked')).to.deep.equal([])
    expect(
      provider.events.filter((e) => e.type === 'provider:completed' && e.jobId === jobId),
      'run once',
    ).to.have.length(1)
    const bundle = await again.market.requester!.output(jobId)
    expect(new TextDecoder().decode(bundle?.stdout)).to.contain('resumed')
  }

  it('the job accepted before the stop completes after the restart, on its one award', async () => {
    await restartWhileRunning({ name: 'a', holdMs: 3_000, whileAway: async () => {} })
  })

  it('a result the provider gave up sending while the requester was away goes once it is back', async () => {
    await restartWhileRunning({
      name: 'b',
      holdMs: 500,
      // the provider tries for 300 ms, and the requester stays away until it gave up
      resultDeliveryMs: 300,
      whileAway: async (provider, jobId) => {
        await waitFor(
          () =>
            provider.events.some(
              (e) => e.type === 'provider:result-undelivered' && e.jobId === jobId && e.retryInMs === null,
            ),
          { what: 'the provider giving its result up', timeoutMs: 20_000 },
        )
        expect(provider.market.provider!.undelivered.size, 'kept for the requester').to.equal(1)
      },
    })
  })
})
