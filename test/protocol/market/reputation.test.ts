import { expect } from 'chai'
import fc from 'fast-check'
import { EMPTY_HISTORY, addHistory, latencyScore, reputationScore } from '../../../protocol/market/reputation.ts'

describe('protocol/market reputation', () => {
  it('a newcomer and a slashed owner score zero; clean paid work earns slowly', () => {
    expect(reputationScore(undefined)).to.equal(0)
    expect(reputationScore(EMPTY_HISTORY)).to.equal(0)
    expect(reputationScore({ paid: 10 })).to.equal(0.5)
    expect(reputationScore({ paid: 1000, slashed: true })).to.equal(0)
  })

  it('a failed spot check outweighs ten paid jobs; a dissent five', () => {
    expect(reputationScore({ paid: 10, spotFailed: 1 })).to.be.closeTo(10 / 30, 1e-12)
    expect(reputationScore({ paid: 10, dissents: 1 })).to.be.closeTo(10 / 25, 1e-12)
    expect(reputationScore({ paid: 10, spotPassed: 1 })).to.be.closeTo(12 / 22, 1e-12)
    // nonsense counts count as zero
    expect(reputationScore({ paid: Number.NaN, failures: -3 })).to.equal(0)
  })

  it('addHistory only adds, and a slash sticks', () => {
    const h = addHistory(addHistory(EMPTY_HISTORY, { paid: 2, slashed: true }), { dissents: 1 })
    expect(h).to.deep.equal({ paid: 2, spotPassed: 0, spotFailed: 0, dissents: 1, failures: 0, slashed: true })
  })

  it('latency: 0.5 at the references or unmeasured, better when faster', () => {
    const ref = { rttMs: 20, bidDelayMs: 200 }
    expect(latencyScore({}, ref)).to.equal(0.5)
    expect(latencyScore({ rttMs: 20, bidDelayMs: 200 }, ref)).to.equal(0.5)
    expect(latencyScore({ rttMs: 0, bidDelayMs: 0 }, ref)).to.equal(1)
  })

  it('property: the score is in [0, 1), more bad history never raises it, more paid work never lowers it', () => {
    const hist = fc.record({
      paid: fc.nat(1000),
      spotPassed: fc.nat(50),
      spotFailed: fc.nat(50),
      dissents: fc.nat(50),
      failures: fc.nat(50),
      slashed: fc.constant(false),
    })
    fc.assert(
      fc.property(hist, fc.nat(20), (h, d) => {
        const s = reputationScore(h)
        expect(s).to.be.at.least(0).and.below(1)
        expect(reputationScore(addHistory(h, { dissents: d }))).to.be.at.most(s)
        expect(reputationScore(addHistory(h, { spotFailed: d }))).to.be.at.most(s)
        expect(reputationScore(addHistory(h, { paid: d }))).to.be.at.least(s)
      }),
    )
  })
})
