// Issue 16 end to end: the defect as reported. A k = 1 job with a 60 s wall-time limit; two
// providers in processes of their own bid; the awarded one is SIGKILLed one second after it
// accepted. The requester notices within seconds (not at the award deadline 65 s later), revokes
// the award and re-awards the slot to the second bidder, which completes the job; the slot is
// delivered (and would be paid) once.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Fleet } from '../../scripts/chaos/fleet.ts'
import { helloModule } from '../../scripts/chaos/held-executor.ts'
import { eventOf, startLivePeer } from '../node/market/liveness-helpers.ts'
import { waitFor } from '../support/wait.ts'
import type { LivePeer } from '../node/market/liveness-helpers.ts'

describe('e2e: a SIGKILLed provider is replaced within seconds (issue 16)', function () {
  this.timeout(120_000)
  let root: string
  let requester: LivePeer
  let fleet: Fleet

  before(async function () {
    this.timeout(90_000)
    root = mkdtempSync(join(tmpdir(), 'hive-e2e-sigkill-'))
    requester = await startLivePeer('requester', { root, roles: 'requester' })
    fleet = new Fleet({ root, requester: requester.node, mode: 'process' })
    await Promise.all([fleet.spawn(), fleet.spawn()])
  })
  after(async () => {
    await fleet?.stop()
    await requester?.node.stop().catch(() => {})
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it(
    'k = 1, --wall-time 60s: SIGKILL 1 s after the acceptance,' + ' the second bidder completes it, delivered once',
    async () => {
      const { jobId } = await requester.market.requester!.post({
        module: await helloModule(),
        args: ['hold=4000'],
        maxPrice: 10n ** 18n,
        bidWindowMs: 3_000,
        timeoutMs: 150_000,
        limits: { wallTimeMs: 60_000 },
      })
      const accepted = await waitFor(() => eventOf(requester.events, 'job:accepted', jobId), {
        what: 'the acceptance',
        timeoutMs: 20_000,
      })
      await waitFor(() => Date.now() >= accepted.at + 1_000, { what: 'one second after the acceptance' })
      const killedAt = Date.now()
      await fleet.kill(accepted.provider)

      const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      const revoked = eventOf(requester.events, 'job:revoked', jobId)
      expect(revoked?.provider).to.equal(accepted.provider)
      expect(revoked?.reason).to.equal('CONNECTION_LOST')
      expect(revoked!.at - killedAt, 'detection after SIGKILL').to.be.at.most(5_000)
      const delivered = record.awards.filter((a) => a.status === 'delivered')
      expect(delivered).to.have.length(1)
      expect(delivered[0].provider).to.not.equal(accepted.provider)
      expect(record.completedAt! - killedAt, 'completed within seconds of the kill').to.be.below(20_000)
    },
  )
})
