// Issue 16, the short form of `npm run chaos -- churn`: in-process providers (the full scenario
// runs 30 as processes), one leaving every 2–4 s, cleanly or at once, and a newcomer joining in
// its place, while jobs with k = 1 and k = 2 run, each paid through an escrow on a Hardhat chain.
// Every job completes, the chain paid each completed slot once and none twice.
import { expect } from 'chai'
import { runChurn } from '../../scripts/chaos/churn.ts'

describe('chaos churn (short form, issue 16)', function () {
  this.timeout(150_000)

  it(
    '8 providers turning over every 2-4 s while 24 jobs k = 1 and' + ' 6 k = 2 run: all complete, none paid twice',
    async () => {
      const r = await runChurn({
        providers: 8,
        k1Jobs: 24,
        k2Jobs: 6,
        minGapMs: 2_000,
        maxGapMs: 4_000,
        holdMs: 1_500,
        concurrency: 3,
        bidWindowMs: 3_000,
        mode: 'in-process',
        payments: 'escrow',
        seed: 16,
        say: (text) => process.stderr.write(`  ${text}\n`),
      })
      console.log(JSON.stringify(r))
      expect(r.jobs).to.equal(30)
      expect(r.lostJobs, JSON.stringify(r.failures)).to.equal(0)
      expect(r.completed).to.equal(30)
      expect(r.doublePaid).to.equal(0)
      expect(r.chain?.underpaidJobs).to.equal(0)
      expect(r.chain?.escrowsPaid).to.be.at.least(36)
      // the fleet really turned over, both ways, and joins kept up
      expect(r.cleanLeaves).to.be.at.least(2)
      expect(r.kills).to.be.at.least(2)
      expect(r.joins).to.equal(r.cleanLeaves + r.kills)
    },
  )
})
