// Issue 16, the short form of `npm run chaos -- disk-clock`. The clock half: a requester whose
// system clock runs 2 minutes behind, one provider 2 minutes ahead and one 2 minutes behind, among
// three on the right time, jobs paid by escrow on a Hardhat chain. Every skewed node corrects its
// clock by its peers' median; the skewed providers (the cheapest) win jobs. The disk half, on the
// same network: the cheapest provider's data dir sits on faultfs (a FUSE pass-through) and its
// fsync starts failing with EIO while it runs a job; that job ends at once, and the provider must
// stop taking work, say why, keep on disk everything its store held, and work again after a
// restart. Every job completes and the chain
// paid none twice. The disk half needs root (mounts); otherwise it reports skipped.
import { expect } from 'chai'
import { runDiskClock } from '../../scripts/chaos/disk-clock.ts'
import { CLOCK_SYNC } from '../../protocol/clock-offset.ts'
import type { DiskClockReport } from '../../scripts/chaos/disk-clock.ts'

describe('chaos disk-clock (short form, issue 16)', function () {
  this.timeout(180_000)
  let r: DiskClockReport

  before(async () => {
    r = await runDiskClock({
      providers: 3,
      skewMs: 120_000,
      k1Jobs: 8,
      k2Jobs: 2,
      concurrency: 2,
      holdMs: 100,
      bidWindowMs: 2_000,
      seed: 8,
      diskFaults: ['fsync-eio'],
      diskJobs: 2,
      say: (text) => process.stderr.write(`  ${text}\n`),
    })
    console.log(JSON.stringify(r))
  })

  it('clocks 2 min off are corrected by peers; every paid job completes, none paid twice', () => {
    for (const c of r.clocks) {
      expect(c.correctedWithinMs, `${c.node} corrected its clock`).to.be.a('number')
      expect(Math.abs(c.offsetMs + c.skewMs), `${c.node}: ${c.offsetMs} ms for a ${c.skewMs} ms skew`).to.be.below(
        CLOCK_SYNC.deadbandMs,
      )
    }
    expect(r.lostJobs, JSON.stringify(r.failures)).to.equal(0)
    // 10 of the clock half, and those of the disk half when it ran (at least 2 + 2 + 1)
    expect(r.completed).to.equal(r.jobs)
    expect(r.jobs).to.be.at.least(Array.isArray(r.disk) ? 15 : 10)
    expect(r.doublePaid).to.equal(0)
    expect(r.chain.underpaidJobs).to.equal(0)
    expect(r.skewedProviderWins, 'the skewed providers took part').to.be.at.least(1)
  })

  it('fsync failing with EIO: the provider stops bidding, says why, keeps what it held, serves again', function () {
    if (!Array.isArray(r.disk)) {
      console.log(`    skipped: ${r.disk.skipped}`)
      this.skip()
    }
    const [f] = r.disk
    expect(f.fault).to.equal('fsync-eio')
    expect(f.winsBefore, 'the cheapest provider won while its disk worked').to.be.at.least(1)
    // the job it was running when fsync began failing ends at once, in a defined state: its
    // output delivered and paid, or failed with nothing paid (not waiting out its 60 s wall time)
    expect(f.midJob.faultWhileRunning, 'the fault landed mid-run').to.equal(true)
    expect(f.midJob.paid, JSON.stringify(f.midJob)).to.equal(f.midJob.delivered && f.midJob.phase === 'completed')
    // not delivered: its escrow is cancelled when the job settles (or, when the provider's
    // commitment reached the chain before its own store failed, disputed), never left locked
    if (f.midJob.delivered) expect(f.midJob.escrow).to.equal('paid')
    else {
      expect(f.midJob.phase).to.equal('failed')
      expect(f.midJob.escrow).to.be.oneOf(['refunded', 'disputed'])
    }
    expect(f.midJob.endedAfterFaultMs).to.be.below(30_000)
    expect(f.code, 'the provider noticed').to.equal('LEVEL_IO_ERROR')
    expect(f.message).to.match(/Input\/output error/)
    expect(f.bidsWhileFailing).to.equal(0)
    expect(f.entriesHeld).to.be.above(0)
    expect(f.entriesMissing, 'entries its store held that the disk lacked').to.equal(0)
    expect(f.servedAfterRestart).to.equal(true)
  })
})
