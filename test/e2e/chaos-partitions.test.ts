// Issue 16, the short form of `npm run chaos -- partitions`: in-process nodes whose connection
// gaters obey one partition table. A provider is cut off from the requester mid-job (for 4 s, and
// 8 s); each job completes on another provider and the cut provider comes back once healed. Then
// the network is split in halves for 8 s while jobs run: every job completes on the requester's
// half, and after the heal the meshes, the requester's view of the far half and DHT lookups across
// the old split all recover. Jobs are paid by escrow; the chain paid none twice.
import { expect } from 'chai'
import { runPartitions } from '../../scripts/chaos/partitions.ts'

describe('chaos partitions (short form, issue 16)', function () {
  this.timeout(150_000)

  it('a provider cut off mid-job for 4 s and 8 s, the network split in halves for 8 s: all jobs complete, everything recovers', async () => {
    const r = await runPartitions({
      providers: 6,
      cutsMs: [4_000, 8_000],
      splitMs: 8_000,
      splitJobs: 8,
      holdMs: 2_000,
      bidWindowMs: 3_000,
      recoveryCapMs: 45_000,
      payments: 'escrow',
      seed: 16,
      say: (text) => process.stderr.write(`  ${text}\n`),
    })
    console.log(JSON.stringify(r))
    expect(r.lostJobs, JSON.stringify(r.failures)).to.equal(0)
    expect(r.completed).to.equal(10)
    expect(r.doublePaid).to.equal(0)
    expect(r.chain?.underpaidJobs).to.equal(0)
    for (const c of r.cuts) {
      expect(c.completed, `cut of ${c.cutMs} ms`).to.equal(true)
      // a cut is a lost connection: revoked after the reconnect grace, in seconds
      expect(c.detectionMs, `cut of ${c.cutMs} ms`).to.be.a('number').and.at.most(10_000)
      expect(c.reconnectMs, `cut of ${c.cutMs} ms: reconnected`).to.be.a('number')
      expect(c.topicMs, `cut of ${c.cutMs} ms: back in the topic`).to.be.a('number')
    }
    expect(r.split.completed).to.equal(8)
    expect(r.split.meshDuring, 'the split cut mesh links').to.be.below(r.split.meshBefore)
    expect(r.split.meshRecoveryMs, 'meshes recovered').to.be.a('number')
    expect(r.split.topicRecoveryMs, 'the far half back in view').to.be.a('number')
    expect(r.split.dhtRecoveryMs, 'DHT lookups across the old split').to.be.a('number')
  })
})
