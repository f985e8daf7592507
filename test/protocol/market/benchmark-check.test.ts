import { expect } from 'chai'
import { benchmarkFactors } from '../../../protocol/market/benchmark-check.ts'

describe('protocol/market benchmark check (redundant runs as probes)', () => {
  it('discounts a claim the same work contradicts, to what the work implied', () => {
    const f = benchmarkFactors([
      { provider: 'honest', claimedScore: 1000, elapsedMs: 400 },
      { provider: 'liar', claimedScore: 100_000, elapsedMs: 500 },
    ])
    expect(f.get('honest')).to.equal(1)
    // the honest run says the work is 1000 × 400; the liar's 500 ms imply 800
    expect(f.get('liar')).to.be.closeTo(800 / 100_000, 1e-12)
  })

  it('tolerates what is not CPU (3× by default), and checks nothing without a second usable run', () => {
    expect(
      benchmarkFactors([
        { provider: 'a', claimedScore: 2500, elapsedMs: 100 },
        { provider: 'b', claimedScore: 1000, elapsedMs: 100 },
      ]).get('a'),
    ).to.equal(1)
    expect(
      benchmarkFactors([
        { provider: 'a', claimedScore: 5000, elapsedMs: 100 },
        { provider: 'b', claimedScore: 1000, elapsedMs: 100 },
      ]).get('a'),
    ).to.equal(0.2)
    expect(benchmarkFactors([{ provider: 'a', claimedScore: 5000, elapsedMs: 100 }]).size).to.equal(0)
    expect(
      benchmarkFactors([
        { provider: 'a', claimedScore: 5000, elapsedMs: 100 },
        { provider: 'b', claimedScore: 0, elapsedMs: 100 },
      ]).size,
    ).to.equal(0)
  })
})
