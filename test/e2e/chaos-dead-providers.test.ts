// Issue 16, the short form of `npm run chaos -- dead-providers`: in-process providers (the full
// scenario runs them as processes and SIGKILLs them), a kill every few jobs, jobs with k = 1 and
// k = 2. Every job completes, no slot is accepted twice, and dead providers are found in seconds.
import { expect } from 'chai'
import { runDeadProviders } from '../../scripts/chaos/dead-providers.ts'

describe('chaos dead-providers (short form, issue 16)', function () {
  this.timeout(120_000)

  it('8 providers, 12 jobs k = 1 and 4 k = 2, a provider killed mid-run every 4 jobs: all complete, none paid twice', async () => {
    const r = await runDeadProviders({
      providers: 8,
      k1Jobs: 12,
      k2Jobs: 4,
      killEvery: 4,
      holdMs: 1_500,
      concurrency: 4,
      bidWindowMs: 3_000,
      mode: 'in-process',
      seed: 16,
    })
    console.log(JSON.stringify(r))
    expect(r.jobs).to.equal(16)
    expect(r.lostJobs, JSON.stringify(r.failures)).to.equal(0)
    expect(r.completed).to.equal(16)
    expect(r.doublePaid).to.equal(0)
    expect(r.kills).to.be.at.least(3)
    // a kill aims at a provider mid-run, but its job may finish in the same instant: at least one
    // kill must have hit a running job (since the bid lottery and early award landed, 2 of 4 did)
    expect(r.killedJobs).to.be.at.least(1)
    expect(r.falseRevocations).to.equal(0)
    expect(r.detectionP95Ms).to.be.a('number').and.at.most(5_000)
  })
})
