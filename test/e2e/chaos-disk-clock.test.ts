// Issue 16, the short form of `npm run chaos -- disk-clock` (its clock half; the disk half is not
// built): a requester whose system clock runs 2 minutes behind, one provider 2 minutes ahead and
// one 2 minutes behind, among three on the right time, jobs paid by escrow on a Hardhat chain.
// Every skewed node corrects its clock by its peers' median; the skewed providers (the cheapest)
// win jobs; every job completes and the chain paid none twice.
import { expect } from 'chai'
import { runDiskClock } from '../../scripts/chaos/disk-clock.ts'
import { CLOCK_SYNC } from '../../protocol/clock-offset.ts'

describe('chaos disk-clock, the clock half (short form, issue 16)', function () {
  this.timeout(150_000)

  it('clocks 2 min off are corrected by peers, and 8 + 2 paid jobs all complete, none paid twice', async () => {
    const r = await runDiskClock({
      providers: 3,
      skewMs: 120_000,
      k1Jobs: 8,
      k2Jobs: 2,
      concurrency: 2,
      holdMs: 100,
      bidWindowMs: 2_000,
      seed: 8,
      say: (text) => process.stderr.write(`  ${text}\n`),
    })
    console.log(JSON.stringify(r))
    for (const c of r.clocks) {
      expect(c.correctedWithinMs, `${c.node} corrected its clock`).to.be.a('number')
      expect(Math.abs(c.offsetMs + c.skewMs), `${c.node}: ${c.offsetMs} ms for a ${c.skewMs} ms skew`).to.be.below(
        CLOCK_SYNC.deadbandMs,
      )
    }
    expect(r.lostJobs, JSON.stringify(r.failures)).to.equal(0)
    expect(r.completed).to.equal(10)
    expect(r.doublePaid).to.equal(0)
    expect(r.chain.underpaidJobs).to.equal(0)
    expect(r.skewedProviderWins, 'the skewed providers took part').to.be.at.least(1)
  })
})
