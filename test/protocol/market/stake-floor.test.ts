import { expect } from 'chai'
import fc from 'fast-check'
import { DEFAULT_STAKE_PER_VALUE, stakeFloor } from '../../../protocol/market/stake-floor.ts'

describe('protocol/market stake floor', () => {
  it("is the protocol minimum for cheap jobs and grows with the job's value", () => {
    expect(stakeFloor({ minStake: 100n, maxPrice: 1n })).to.equal(100n)
    expect(stakeFloor({ minStake: 100n, maxPrice: 50n })).to.equal(50n * BigInt(DEFAULT_STAKE_PER_VALUE))
    expect(stakeFloor({ minStake: 100n, maxPrice: 50n, stakePerValue: 2.5 })).to.equal(125n)
    expect(stakeFloor({ minStake: 100n, maxPrice: 10n ** 30n, stakePerValue: 0 })).to.equal(100n)
  })

  it('refuses nonsense ratios and negative amounts', () => {
    expect(() => stakeFloor({ minStake: 1n, maxPrice: 1n, stakePerValue: -1 })).to.throw(RangeError)
    expect(() => stakeFloor({ minStake: 1n, maxPrice: 1n, stakePerValue: Number.POSITIVE_INFINITY })).to.throw(
      RangeError,
    )
    expect(() => stakeFloor({ minStake: 1n, maxPrice: -1n })).to.throw(RangeError)
  })

  it("property: never below the minimum, monotone in the job's value", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        (min, a, b) => {
          const [lo, hi] = a < b ? [a, b] : [b, a]
          const fl = stakeFloor({ minStake: min, maxPrice: lo })
          expect(fl >= min).to.equal(true)
          expect(stakeFloor({ minStake: min, maxPrice: hi }) >= fl).to.equal(true)
        },
      ),
    )
  })
})
