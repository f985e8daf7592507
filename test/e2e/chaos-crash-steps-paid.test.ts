// Issue 16, the short form of `npm run chaos -- crash-steps` with payments: on a Hardhat chain,
// with every node in its own process, the provider awarded a job dies right after storing the
// requester's voucher (before its ack leaves), and the requester dies right after signing a
// voucher (before sending it). Each is started again on its data dir; the jobs end verified and
// paid once, no voucher nonce goes back, and every channel closes on chain at the highest
// acknowledged voucher, paying no more than the jobs' prices. The full scenario covers all 16 steps.
import { expect } from 'chai'
import { runPaidCrashSteps } from '../../scripts/chaos/crash-steps-paid.ts'

describe('chaos crash-steps with channel payments (short form, issue 16)', function () {
  this.timeout(300_000)

  it(
    'a provider dies after storing a voucher, the requester after' +
      ' signing one: paid once, channels at the highest ack',
    async () => {
      const r = await runPaidCrashSteps({ holdMs: 500, steps: ['provider:voucher-stored', 'requester:voucher-signed'] })
      console.log(JSON.stringify(r))
      expect(r.crashStepsCovered, 'both nodes died at their failpoint').to.deep.equal({ provider: 1, requester: 1 })
      expect(r.steps.flatMap((s) => s.jobs.map((j) => [s.step, j.phase, j.paid]))).to.deep.include.members([
        ['requester:voucher-signed', 'completed', 1],
      ])
      expect(r.lostJobs, 'jobs neither completed nor failed-and-unpaid').to.equal(0)
      expect(r.paidButFailed).to.equal(0)
      expect(r.doublePaid).to.equal(0)
      expect(r.noncesBackwards).to.equal(0)
      expect(r.channelsClosedOnChain).to.equal(r.channels)
      expect(r.channelsAtHighestAck).to.equal(r.channels)
    },
  )
})
