// Issue 16, the short form of `npm run chaos -- chain-faults`: in-process providers paid on a
// Hardhat chain, every node behind an RPC fault proxy: jobs paid by escrow and by channel while
// the RPC errs, times out and lags; reorgs of depth 1-3 that drop the anchors of an anchorer;
// the providers' RPC down while the requester starts a unilateral close. Every job completes,
// nothing is paid twice, every dropped anchor is sent again, the watchtower answers in time.
import { expect } from 'chai'
import { CHAIN_FAULTS_DEFAULTS, runChainFaults } from '../../scripts/chaos/chain-faults.ts'

describe('chaos chain-faults (short form, issue 16)', function () {
  this.timeout(240_000)

  it(
    'flaky RPC, reorgs of depth 1-3 and a 10 s RPC outage during' + ' a close: nothing lost, nothing paid twice',
    async () => {
      const r = await runChainFaults({
        ...CHAIN_FAULTS_DEFAULTS,
        providers: 3,
        flakyEscrowJobs: 4,
        flakyChannelJobs: 4,
        reorgs: 3,
        reorgJobs: 3,
        outageMs: 10_000,
        say: (text) => process.stderr.write(`  ${text}\n`),
      })
      console.log(JSON.stringify(r))
      expect(r.jobs).to.equal(11)
      expect(r.lostJobs, JSON.stringify(r.failures)).to.equal(0)
      expect(r.doublePaid).to.equal(0)
      expect(r.chain.underpaidJobs).to.equal(0)
      // the faults really happened
      expect(r.rpc.requester.errorsBefore + r.rpc.requester.errorsAfter + r.rpc.requester.timeouts).to.be.above(0)
      // depth 1, 2, 3 asked; the snapshot is taken before the anchor is written, so the nodes' own
      // transactions mined before the hold deepen a reorg (4 seen under load): at least the depth asked
      expect(r.reorgDepths).to.have.length(3)
      for (const [i, d] of r.reorgDepths.entries()) expect(d).to.be.within(i + 1, i + 4)
      expect(r.anchorsDropped).to.equal(3)
      expect(r.anchorsResubmitted).to.equal(3)
      expect(r.anchorsCurrent).to.equal(true)
      expect(r.reorgsSeenByPoller).to.equal(3)
      expect(r.paramsCurrent).to.equal(true)
      expect(r.rpcOutageMs).to.be.at.least(10_000)
      expect(r.watchtowerMarginMs).to.be.above(0)
      expect(r.channelClosedAtBest).to.equal(true)
      expect(r.noncesBackwards).to.equal(0)
    },
  )
})
