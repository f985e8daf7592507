// Issue 16, the short form of `npm run chaos -- crash-steps`: a provider process that dies
// (SIGKILL to itself, HIVE_FAILPOINTS) right after accepting and in the middle of the run wins a
// k = 1 job each time; both jobs still complete on another provider, the dead award is let go of,
// and no slot is accepted twice. The full scenario covers every provider failpoint.
import { expect } from 'chai'
import { runCrashSteps } from '../../scripts/chaos/crash-steps.ts'

describe('chaos crash-steps (short form, issue 16)', function () {
  this.timeout(180_000)

  it('a provider dies after accepting, and mid-run: each job completes elsewhere, paid once', async () => {
    const r = await runCrashSteps({ holdMs: 1_000, steps: ['provider:after-accept', 'provider:mid-run'] })
    console.log(JSON.stringify(r))
    expect(r.steps.map((s) => [s.step, s.phase, s.crashed])).to.deep.equal([
      ['provider:after-accept', 'completed', true],
      ['provider:mid-run', 'completed', true],
    ])
    expect(r.steps.map((s) => s.how)).to.deep.equal(['revoked', 'revoked'])
    expect(r.doublePaid).to.equal(0)
  })
})
