// Issue 16, the short form of `npm run chaos -- partitions`: in-process nodes whose connection
// gaters obey one partition table. A provider is cut off from the requester mid-job for 5 s (the
// full run: 10 s and 60 s); the job completes on another provider and the cut one comes back. Then
// the network is split in halves for 8 s while jobs run: every job completes on the requester's
// half, and after the heal the requester's view of the far half and DHT lookups across the old
// split recover (the providers' meshes across it only in part: see the comment below). Jobs are paid
// by escrow; the chain paid none twice, and the cut provider's escrow was refunded, not committed.
import { expect } from 'chai'
import { runPartitions } from '../../scripts/chaos/partitions.ts'

describe('chaos partitions (short form, issue 16)', function () {
  this.timeout(240_000)

  it(
    'a provider cut off mid-job for 5 s, the network split in halves' +
      ' for 8 s: all jobs complete, everything recovers',
    async () => {
      const r = await runPartitions({
        providers: 6,
        cutsMs: [5_000],
        splitMs: 8_000,
        splitJobs: 6,
        holdMs: 2_000,
        bidWindowMs: 3_000,
        recoveryCapMs: 20_000,
        payments: 'escrow',
        seed: 16,
        say: (text) => process.stderr.write(`  ${text}\n`),
      })
      console.log(JSON.stringify(r))
      expect(r.lostJobs, JSON.stringify(r.failures)).to.equal(0)
      expect(r.completed).to.equal(7)
      expect(r.doublePaid).to.equal(0)
      expect(r.chain?.underpaidJobs).to.equal(0)
      // the cut provider's escrow went back to the requester: the provider, finishing its run while
      // cut off, asked the requester before committing on chain and heard AWARD_REVOKED (without that
      // it committed first, the requester's cancel was shut out, and it was paid beside its
      // replacement once the challenge window passed: 2 jobs paid twice in a full run)
      expect(r.chain?.revokedEscrowsRefunded, 'revoked escrows refunded').to.be.at.least(1)
      expect(r.chain?.revokedEscrowsOpen, 'revoked escrows locked').to.equal(0)
      expect(r.chain?.revokedEscrowsCommitted, 'revoked escrows committed to').to.equal(0)
      for (const c of r.cuts) {
        expect(c.completed, `cut of ${c.cutMs} ms`).to.equal(true)
        // a cut is a lost connection: revoked after the reconnect grace, in seconds
        expect(c.detectionMs, `cut of ${c.cutMs} ms`).to.be.a('number').and.at.most(10_000)
        // reconnectMs / topicMs are reported, not asserted: since job topics are sharded nothing makes
        // the requester and a healed, idle provider dial each other again within the wait (they
        // reconnect when the next push or bid needs it); the split below asserts recovery instead
      }
      expect(r.split.completed).to.equal(6)
      expect(r.split.meshDuring, 'the split cut mesh links').to.be.below(r.split.meshBefore)
      // the providers' meshes re-form only in part within the wait (one run: 30 links before, 12
      // during, 28 after 20 s): asserted as "more than during", the full figures are in the JSON
      expect(r.split.meshAfter, 'mesh links re-formed after the heal').to.be.above(r.split.meshDuring)
      expect(r.split.topicRecoveryMs, 'the far half back in view').to.be.a('number')
      expect(r.split.dhtRecoveryMs, 'DHT lookups across the old split').to.be.a('number')
    },
  )
})
