import { expect } from 'chai'
import fc from 'fast-check'
import { ClearingBook } from '../../../protocol/market/clearing-book.ts'
import { grossUpForFee, loadMultiplier, netAfterFee, priceJob } from '../../../protocol/market/pricing.ts'
import { MEMORY_TIER_BYTES, priceUnits } from '../../../protocol/market/units.ts'
import type { PriceJobInput, PriceSheet, PricingJob } from '../../../protocol/market/pricing.ts'

const NOW = 10_000_000
const sheet: PriceSheet = { executors: { wasm: { perUnit: 1000n, perJob: 500n, floorPerUnit: 400n } } }
// 5 s × 1 tier = 5 units: list 5500, floor 2500
const job: PricingJob = {
  executor: 'wasm',
  token: '',
  wallTimeMs: 5000,
  memoryBytes: 64 * 1024 * 1024,
  outputBytes: 0,
  maxPrice: 1_000_000n,
}
const input = (o: Partial<PriceJobInput> = {}): PriceJobInput => ({
  sheet,
  load: 0,
  recentClearings: new ClearingBook(),
  job,
  now: NOW,
  ...o,
})
let n = 0
function bookWith(
  entries: Array<{ price: bigint; ageMs?: number; executor?: string; token?: string; wallTimeMs?: number }>,
): ClearingBook {
  const book = new ClearingBook({ capacity: 100, maxAgeMs: 3_600_000 })
  for (const e of entries) {
    book.add(
      {
        jobId: (n++).toString(16).padStart(64, '0'),
        executor: e.executor ?? 'wasm',
        token: e.token ?? '',
        wallTimeMs: e.wallTimeMs ?? 5000,
        memoryBytes: 64 * 1024 * 1024,
        prices: [e.price],
      },
      NOW - (e.ageMs ?? 0),
    )
  }
  return book
}
const price = (o: Partial<PriceJobInput> = {}): bigint => BigInt(priceJob(input(o)).price)

describe('protocol/market pricing', () => {
  it('prices in wall-time seconds × 256 MiB tiers, rounded up', () => {
    expect(priceUnits(5000, 64 * 1024 * 1024)).to.equal(5n)
    expect(priceUnits(5001, MEMORY_TIER_BYTES + 1)).to.equal(12n)
    expect(priceUnits(1, 1)).to.equal(1n)
  })

  it('idle and without market data, bids its list price', () => {
    const q = priceJob(input())
    expect(q).to.include({ price: '5500', list: '5500', floor: '2500', units: '5', bid: true, loadMultiplier: 1 })
    expect(q.market).to.equal(undefined)
  })

  it('load raises the price: 1× idle, 3× full by default, steeper near full', () => {
    expect([0, 0.5, 1].map((l) => price({ load: l }))).to.deep.equal([5500n, 8250n, 16500n])
    expect(loadMultiplier(2)).to.equal(3)
    expect(loadMultiplier(-1)).to.equal(1)
    expect(loadMultiplier(Number.NaN)).to.equal(3)
    expect(price({ load: 1, sheet: { ...sheet, maxLoadMultiplier: 1 } })).to.equal(5500n)
  })

  it('clearing prices pull the price toward the market, by marketWeight', () => {
    const cheap = bookWith([{ price: 3500n }, { price: 3500n }])
    const q = priceJob(input({ recentClearings: cheap }))
    expect(q.market).to.equal('3500')
    expect(q.price).to.equal('4500') // halfway between 5500 and 3500
    expect(price({ recentClearings: cheap, sheet: { ...sheet, marketWeight: 1 } })).to.equal(3500n)
    expect(price({ recentClearings: cheap, sheet: { ...sheet, marketWeight: 0 } })).to.equal(5500n)
    expect(price({ recentClearings: bookWith([{ price: 9500n }]) })).to.equal(7500n)
  })

  it('scales clearings of other job sizes to this one', () => {
    // a 10 s job (10 units) cleared at 7000: 3500 for our 5 units
    expect(priceJob(input({ recentClearings: bookWith([{ price: 7000n, wallTimeMs: 10_000 }]) })).market).to.equal(
      '3500',
    )
  })

  it('never bids below its floor, however low the market', () => {
    const q = priceJob(input({ recentClearings: bookWith([{ price: 1500n }]), sheet: { ...sheet, marketWeight: 1 } }))
    expect(q.price).to.equal('2500')
  })

  it("bounds one record's influence: an absurd clearing counts as at most 4× or at least ¼ of list", () => {
    expect(priceJob(input({ recentClearings: bookWith([{ price: 10n ** 30n }]) })).market).to.equal('22000')
    expect(priceJob(input({ recentClearings: bookWith([{ price: 1n }]) })).market).to.equal('1375')
  })

  it('recent clearings count more than old ones', () => {
    const book = bookWith([{ price: 9500n, ageMs: 30 * 60 * 1000 }, { price: 3500n }])
    const market = BigInt(priceJob(input({ recentClearings: book })).market!)
    expect(market > 3500n && market < 4500n).to.equal(true) // 1 : 1/8 weights
  })

  it('ignores clearings of other executors or tokens', () => {
    const book = bookWith([
      { price: 3500n, executor: 'container' },
      { price: 3500n, token: '0x' + '1'.repeat(40) },
    ])
    expect(priceJob(input({ recentClearings: book })).market).to.equal(undefined)
  })

  it("caps at the job's max price while that is above the floor; declines when it is not", () => {
    expect(priceJob(input({ job: { ...job, maxPrice: 4000n } }))).to.include({ price: '4000', bid: true })
    expect(priceJob(input({ job: { ...job, maxPrice: 2000n } }))).to.include({
      bid: false,
      reason: 'FLOOR_ABOVE_MAX_PRICE',
    })
    expect(priceJob(input({ job: { ...job, executor: 'gpu' } }))).to.include({
      bid: false,
      reason: 'NO_PRICE_FOR_EXECUTOR',
    })
  })

  it('prices output as memory held for the wall time: a MiB is 1/256 tier a second, outside market and load', () => {
    const MiB = 1024 * 1024
    // 5 s × 4 MiB = 20 MiB·s: 1000 × 20 / 256 = 78 on the list, 400 × 20 / 256 = 31 on the floor
    const q = priceJob(input({ job: { ...job, outputBytes: 4 * MiB } }))
    expect(q).to.include({ price: '5578', list: '5578', floor: '2531', output: '78' })
    expect(priceJob(input({ job: { ...job, outputBytes: 1 } })).output).to.equal('19') // a started MiB counts whole
    // added after the load multiplier: a busy provider does not multiply the output charge
    expect(price({ load: 1, job: { ...job, outputBytes: 4 * MiB } }) - price({ load: 1 })).to.equal(78n)
    // a low max price cannot buy a large output at the compute price
    const large = priceJob(input({ job: { ...job, outputBytes: 256 * MiB, maxPrice: 3000n } }))
    expect(large).to.include({ bid: false, floor: '4500' })
  })

  it('property: more outputBytes is never quoted less', () => {
    const bytes = fc.integer({ min: 0, max: 256 * 1024 * 1024 })
    fc.assert(
      fc.property(
        bytes,
        bytes,
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, wallTimeMs, load) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a]
          const at = (outputBytes: number): bigint =>
            price({ load, job: { ...job, wallTimeMs, outputBytes, maxPrice: 10n ** 30n } })
          expect(at(lo) <= at(hi)).to.equal(true)
          if (Math.ceil(hi / 1048576) > Math.ceil(lo / 1048576)) expect(at(lo) < at(hi)).to.equal(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never bids zero, even with an all-zero sheet', () => {
    expect(price({ sheet: { executors: { wasm: { perUnit: 0n, perJob: 0n, floorPerUnit: 0n } } } })).to.equal(1n)
  })

  it('property: never below floor nor above max when it bids; monotone in load', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            price: fc.bigInt({ min: 1n, max: 10n ** 9n }),
            ageMs: fc.nat(3_000_000),
            wallTimeMs: fc.integer({ min: 1, max: 100_000 }),
          }),
          { maxLength: 10 },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (entries, l1, l2, maxPrice, marketWeight) => {
          const book = bookWith(entries)
          const s = { ...sheet, marketWeight }
          const q = priceJob(input({ recentClearings: book, load: l1, sheet: s, job: { ...job, maxPrice } }))
          if (q.bid) {
            expect(BigInt(q.price) >= BigInt(q.floor)).to.equal(true)
            expect(BigInt(q.price) <= maxPrice).to.equal(true)
          } else {
            expect(BigInt(q.floor) > maxPrice).to.equal(true)
          }
          const [lo, hi] = l1 <= l2 ? [l1, l2] : [l2, l1]
          const free = { ...job, maxPrice: 10n ** 30n }
          expect(
            price({ recentClearings: book, load: lo, sheet: s, job: free }) <=
              price({ recentClearings: book, load: hi, sheet: s, job: free }),
          ).to.equal(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  describe('the protocol fee', () => {
    it('grosses the bid up so the provider nets its price: list / (1 - fee), rounded up', () => {
      // 5500 / 0.95 = 5789.47… → 5790; the chain keeps ⌊5790 × 500 / 10000⌋ = 289, the provider 5501
      const q = priceJob(input({ feeBps: 500n }))
      expect(q).to.include({ price: '5790', list: '5500', floor: '2500', fee: '289', bid: true })
      expect(netAfterFee(5790n, 500n)).to.equal(5501n)
      // one less is under list / (1 - fee) in exact arithmetic (the chain's rounding down of the fee may still cover
      // it)
      expect(5789n * 9500n < 5500n * 10_000n).to.equal(true)
      expect(priceJob(input()).fee).to.equal('0')
      expect(grossUpForFee(5500n, 0n)).to.equal(5500n)
      expect(grossUpForFee(1n, 1000n)).to.equal(2n)
      expect(() => grossUpForFee(1n, 10_000n)).to.throw(RangeError)
    })

    it('compares the max price with the gross: caps there, and declines when the grossed floor is over it', () => {
      // floor 2500 grosses up to ⌈2500 / 0.9⌉ = 2778 at 1000 bps
      expect(priceJob(input({ feeBps: 1000n, job: { ...job, maxPrice: 2778n } }))).to.include({
        price: '2778',
        bid: true,
      })
      expect(priceJob(input({ feeBps: 1000n, job: { ...job, maxPrice: 2777n } }))).to.include({
        bid: false,
        reason: 'FLOOR_ABOVE_MAX_PRICE',
      })
      // without the fee it would bid
      expect(priceJob(input({ job: { ...job, maxPrice: 2777n } }))).to.include({ bid: true })
    })

    it(
      'property: the gross is net / (1 - fee) rounded up and nets at' +
        ' least the price, for any fee the chain allows',
      () => {
        fc.assert(
          fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 1000n }), (net, fee) => {
            const gross = grossUpForFee(net, fee)
            expect(netAfterFee(gross, fee) >= net).to.equal(true)
            if (gross > 0n) expect((gross - 1n) * (10_000n - fee) < net * 10_000n).to.equal(true)
          }),
          { numRuns: 500 },
        )
      },
    )

    it('property: when it bids under a fee, the provider nets at least its floor and the bid stays within max', () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 1n, max: 10n ** 9n }),
          fc.bigInt({ min: 0n, max: 1000n }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (maxPrice, fee, load) => {
            const q = priceJob(input({ feeBps: fee, load, job: { ...job, maxPrice } }))
            if (!q.bid) return
            expect(BigInt(q.price) <= maxPrice).to.equal(true)
            expect(netAfterFee(BigInt(q.price), fee) >= BigInt(q.floor)).to.equal(true)
            expect(BigInt(q.fee)).to.equal(BigInt(q.price) - netAfterFee(BigInt(q.price), fee))
          },
        ),
        { numRuns: 300 },
      )
    })
  })
})
