// Issue 16: a dead provider is replaced in seconds, not at its award's deadline. One requester,
// two providers over TCP on 127.0.0.1; the awarded provider's node is stopped one second after it
// accepted a k = 1 job with a 60 s wall-time limit (award deadline 65 s): the requester takes it
// for dead within the reconnect grace, revokes the award and re-awards the slot to the other
// bidder, which completes the job; the dead provider's slot is never delivered (nor paid).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { WorkerPool } from '../../../node/exec/index.ts'
import { waitFor } from '../../support/wait.ts'
import { eventOf, helloModule, inJobsTopic, startLivePeer } from './liveness-helpers.ts'
import type { LivePeer } from './liveness-helpers.ts'

const HIVE = 10n ** 18n

describe('node/market liveness: a dead provider is replaced in seconds (issue 16)', function () {
  this.timeout(90_000)
  let root: string
  let pool: WorkerPool
  let requester: LivePeer
  let providers: LivePeer[]
  let hello: Uint8Array

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hive-liveness-'))
    pool = new WorkerPool({ size: 1 })
    hello = await helloModule('done\n')
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    providers = [
      await startLivePeer('p-cheap', { root, roles: 'provider', bootstrap: requester, price: '0.001', pool }),
      await startLivePeer('p-dear', { root, roles: 'provider', bootstrap: requester, price: '0.002', pool }),
    ]
    await inJobsTopic(requester, providers)
  })

  after(async () => {
    for (const p of [requester, ...providers]) await p?.node.stop().catch(() => {})
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it(
    'k = 1: the awarded provider stops 1 s after accepting; the' + ' second bidder completes the job within seconds',
    async () => {
      const { jobId } = await requester.market.requester!.post({
        module: hello,
        args: ['hold=1500'],
        maxPrice: HIVE,
        bidWindowMs: 2_000,
        timeoutMs: 120_000,
        limits: { wallTimeMs: 60_000 },
      })
      const accepted = await waitFor(() => eventOf(requester.events, 'job:accepted', jobId), {
        what: 'the first acceptance',
      })
      const victim = providers.find((p) => p.node.peerId.toString() === accepted.provider)!
      const survivor = providers.find((p) => p !== victim)!
      await waitFor(() => Date.now() >= accepted.at + 1_000, { what: 'one second after the acceptance' })
      const killedAt = Date.now()
      await victim.node.stop()

      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      const revoked = eventOf(requester.events, 'job:revoked', jobId)
      expect(revoked?.provider).to.equal(victim.node.peerId.toString())
      expect(revoked!.at - killedAt, 'detection time').to.be.at.most(5_000)
      const delivered = record.awards.filter((a) => a.status === 'delivered')
      expect(delivered.map((a) => a.provider)).to.deep.equal([survivor.node.peerId.toString()])
      const first = record.awards.find((a) => a.provider === victim.node.peerId.toString())
      expect(first?.status).to.equal('failed')
      expect(first?.revokedAt).to.be.a('number')
      // completed within seconds of the kill, long before the first award's deadline
      expect(record.completedAt! - killedAt).to.be.below(15_000)
      expect(record.completedAt!).to.be.below(first!.deadline!)
    },
  )
})
