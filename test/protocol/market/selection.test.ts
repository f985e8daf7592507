import { expect } from 'chai'
import fc from 'fast-check'
import { reputationScore } from '../../../protocol/market/reputation.ts'
import { DEFAULT_GOOD_SCORE, enoughBids, scoreBid, selectBids } from '../../../protocol/market/selection.ts'
import type { BidCandidate, SelectionOptions } from '../../../protocol/market/selection.ts'

const NOW = 1_000_000
const MIN_STAKE = 100n
const base: SelectionOptions = { k: 1, maxPrice: 1000n, now: NOW, minStake: MIN_STAKE }
const bid = (provider: string, o: Partial<BidCandidate> = {}): BidCandidate => ({
  provider,
  price: 500n,
  expiresAt: NOW + 10_000,
  stake: MIN_STAKE,
  benchmarkScore: 1000,
  rttMs: 20,
  ...o,
})
const names = (xs: Array<{ bid: BidCandidate }>): string[] => xs.map((x) => x.bid.provider)

describe('protocol/market selection', () => {
  it('the cheapest bid wins when all else is equal', () => {
    const s = selectBids([bid('a', { price: 600n }), bid('b', { price: 400n }), bid('c', { price: 500n })], base)
    expect(names(s.winners)).to.deep.equal(['b'])
    expect(names(s.reserves)).to.deep.equal(['c', 'a'])
  })

  it('stake counts, and more so with a heavier stake weight', () => {
    const bids = [bid('cheap', { price: 450n }), bid('staked', { price: 500n, stake: 10n * MIN_STAKE })]
    expect(names(selectBids(bids, base).winners)).to.deep.equal(['staked']) // 0.05 price gap < stake gain
    const wide = [bid('cheap', { price: 200n }), bid('staked', { price: 500n, stake: 10n * MIN_STAKE })]
    expect(names(selectBids(wide, base).winners)).to.deep.equal(['cheap'])
    expect(names(selectBids(wide, { ...base, weights: { stake: 2 } }).winners)).to.deep.equal(['staked'])
  })

  it("reputation: the requester's own score of the owner's history; a newcomer starts at zero", () => {
    const veteran = bid('veteran', { reputation: reputationScore({ paid: 50 }) })
    const newcomer = bid('newcomer')
    const caught = bid('caught', { reputation: reputationScore({ paid: 10, spotFailed: 1 }) })
    expect(names(selectBids([newcomer, caught, veteran], { ...base, k: 3 }).winners)).to.deep.equal([
      'veteran',
      'caught',
      'newcomer',
    ])
    expect(scoreBid(newcomer, base).parts.reputation).to.equal(0)
    expect(scoreBid(bid('x', { reputation: 7 }), base).parts.reputation).to.equal(1)
    expect(scoreBid(bid('x', { reputation: Number.NaN }), base).parts.reputation).to.equal(0)
  })

  it('latency: measured RTT and time-to-bid, each half of the part', () => {
    expect(scoreBid(bid('ref', { rttMs: 20, bidDelayMs: 200 }), base).parts.latency).to.equal(0.5)
    expect(scoreBid(bid('slow-bidder', { rttMs: 20, bidDelayMs: 1800 }), base).parts.latency).to.be.closeTo(
      0.25 + 0.05,
      1e-9,
    )
    const quick = bid('quick', { price: 505n, rttMs: 2, bidDelayMs: 20 })
    const late = bid('late', { price: 500n, rttMs: 200, bidDelayMs: 2000 })
    expect(names(selectBids([late, quick], base).winners)).to.deep.equal(['quick'])
  })

  it('benchmark and latency break near-ties in price; weights can switch them off', () => {
    const fast = bid('fast', { price: 510n, benchmarkScore: 4000, rttMs: 2 })
    const slow = bid('slow', { price: 500n, benchmarkScore: 200, rttMs: 150 })
    expect(names(selectBids([slow, fast], base).winners)).to.deep.equal(['fast'])
    expect(names(selectBids([slow, fast], { ...base, weights: { benchmark: 0, latency: 0 } }).winners)).to.deep.equal([
      'slow',
    ])
    expect(scoreBid(bid('u', { rttMs: undefined, benchmarkScore: undefined }), base).parts).to.include({
      latency: 0.5,
      benchmark: 0,
    })
  })

  it('ties break by price, then stake, then provider id', () => {
    const a = bid('a')
    const b = bid('b')
    expect(names(selectBids([b, a], { ...base, k: 2 }).winners)).to.deep.equal(['a', 'b'])
    // equal scores with different prices: only possible with weights that ignore price
    const pricey = bid('p', { price: 900n })
    expect(
      names(selectBids([pricey, bid('q', { price: 100n })], { ...base, weights: { price: 0 } }).winners),
    ).to.deep.equal(['q'])
    const rich = bid('r', { stake: 2n * MIN_STAKE })
    expect(
      names(
        selectBids([bid('s'), rich], {
          ...base,
          weights: { price: 1, stake: 0, reputation: 0, benchmark: 0, latency: 0 },
        }).winners,
      ),
    ).to.deep.equal(['r'])
  })

  it('returns the next best as reserves for re-award, and fewer winners when k exceeds the bids', () => {
    const bids = ['a', 'b', 'c', 'd', 'e'].map((p, i) => bid(p, { price: BigInt(100 + i * 100) }))
    const s = selectBids(bids, { ...base, k: 2 })
    expect(names(s.winners)).to.deep.equal(['a', 'b'])
    expect(names(s.reserves)).to.deep.equal(['c', 'd', 'e'])
    const few = selectBids(bids.slice(0, 2), { ...base, k: 3 })
    expect(names(few.winners)).to.deep.equal(['a', 'b'])
    expect(few.reserves).to.deep.equal([])
    expect(selectBids([], { ...base, k: 3 }).winners).to.deep.equal([])
  })

  it('excludes unstaked, slashed, expired, over-max, excluded and duplicate bids, saying why', () => {
    const bids = [
      bid('ok'),
      bid('poor', { stake: MIN_STAKE - 1n }),
      bid('none', { stake: 0n }),
      bid('slashed', { slashed: true, stake: 10n ** 6n }),
      bid('late', { expiresAt: NOW }),
      bid('dear', { price: 1001n }),
      bid('failed-before'),
      bid('free', { price: 0n }),
      bid('twice', { price: 300n }),
      bid('twice', { price: 200n }),
    ]
    const s = selectBids(bids, { ...base, k: 5, exclude: new Set(['failed-before']) })
    expect(names(s.winners)).to.deep.equal(['twice', 'ok'])
    expect(s.winners[0].bid.price).to.equal(200n)
    expect(s.excluded.map((e) => `${e.bid.provider}:${e.reason}`).sort()).to.deep.equal([
      'dear:OVER_MAX_PRICE',
      'failed-before:EXCLUDED',
      'free:INVALID_PRICE',
      'late:EXPIRED',
      'none:UNSTAKED',
      'poor:UNSTAKED',
      'slashed:SLASHED',
      'twice:DUPLICATE_PROVIDER',
    ])
  })

  it('keeps at most one bid per stake owner: two peer ids of one owner are one provider', () => {
    const bids = [
      bid('sybil-a', { price: 100n, owner: '0xAbC' }),
      bid('sybil-b', { price: 110n, owner: '0xabc' }),
      bid('honest', { price: 400n, owner: '0xdef' }),
      bid('unknown-owner', { price: 450n }),
    ]
    const s = selectBids(bids, { ...base, k: 2 })
    expect(names(s.winners)).to.deep.equal(['sybil-a', 'honest'])
    expect(names(s.reserves)).to.deep.equal(['unknown-owner'])
    expect(s.excluded.map((e) => `${e.bid.provider}:${e.reason}`)).to.deep.equal(['sybil-b:DUPLICATE_OWNER'])
    // an owner that already holds a slot of the job is not picked again, under any of its peer ids
    const again = selectBids(bids, { ...base, k: 2, exclude: new Set(['sybil-a']), excludeOwners: new Set(['0xabc']) })
    expect(names(again.winners)).to.deep.equal(['honest', 'unknown-owner'])
  })

  it('without a protocol minimum, any stake > 0 still counts as staked', () => {
    const s = selectBids([bid('a', { stake: 1n }), bid('b', { stake: 0n })], { ...base, minStake: undefined, k: 2 })
    expect(names(s.winners)).to.deep.equal(['a'])
  })

  it('refuses k < 1 and nonsense weights', () => {
    expect(() => selectBids([bid('a')], { ...base, k: 0 })).to.throw(RangeError)
    expect(() => selectBids([bid('a')], { ...base, k: 1.5 })).to.throw(RangeError)
    expect(() => selectBids([], { ...base, weights: { price: -1 } })).to.throw(RangeError)
    expect(() =>
      selectBids([], { ...base, weights: { price: 0, stake: 0, reputation: 0, benchmark: 0, latency: 0 } }),
    ).to.throw(RangeError)
    expect(() => selectBids([], { ...base, weights: { price: Number.NaN } })).to.throw(RangeError)
  })

  describe('enoughBids (early award)', () => {
    it('the reference bid scores exactly the default "good" threshold', () => {
      expect(scoreBid(bid('typical'), base).score).to.be.closeTo(DEFAULT_GOOD_SCORE, 1e-9)
    })

    it('wants k + reserve good bids', () => {
      const good = (p: string): BidCandidate => bid(p, { price: 300n })
      expect(enoughBids([good('a')], { ...base, k: 1 })).to.equal(false)
      expect(enoughBids([good('a'), good('b')], { ...base, k: 1 })).to.equal(true)
      expect(enoughBids([good('a')], { ...base, k: 1, reserve: 0 })).to.equal(true)
      expect(enoughBids([good('a'), good('b')], { ...base, k: 2 })).to.equal(false)
      expect(enoughBids([good('a'), good('b'), good('c')], { ...base, k: 2 })).to.equal(true)
    })

    it('does not count poor, excluded or duplicate bids', () => {
      const poor = [bid('a', { price: 950n }), bid('b', { price: 990n })]
      expect(enoughBids(poor, { ...base, k: 1 })).to.equal(false)
      expect(enoughBids(poor, { ...base, k: 1, minScore: 0 })).to.equal(true)
      expect(enoughBids([bid('a', { price: 100n }), bid('a', { price: 110n })], { ...base, k: 1 })).to.equal(false)
      expect(
        enoughBids([bid('a', { price: 100n }), bid('b', { price: 110n, slashed: true })], { ...base, k: 1 }),
      ).to.equal(false)
    })
  })

  it(
    'property: winners are eligible, distinct, at most k, within max' +
      ' price, best first, and independent of arrival order',
    () => {
      const candidate = fc.record({
        provider: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'),
        price: fc.bigInt({ min: -5n, max: 1200n }),
        expiresAt: fc.integer({ min: NOW - 10, max: NOW + 10 }),
        stake: fc.bigInt({ min: 0n, max: 1000n }),
        slashed: fc.boolean(),
        reputation: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        benchmarkScore: fc.option(fc.nat(10_000), { nil: undefined }),
        rttMs: fc.option(fc.nat(500), { nil: undefined }),
      })
      fc.assert(
        fc.property(
          fc.array(candidate, { maxLength: 20 }),
          fc.integer({ min: 1, max: 6 }),
          fc.func(fc.integer()),
          (bids, k, key) => {
            const opts = { ...base, k }
            const s = selectBids(bids, opts)
            const picked = [...s.winners, ...s.reserves]
            expect(s.winners.length).to.be.at.most(k)
            expect(picked.length + s.excluded.length).to.equal(bids.length)
            expect(new Set(picked.map((x) => x.bid.provider)).size).to.equal(picked.length)
            for (const x of picked) {
              expect(
                x.bid.price > 0n &&
                  x.bid.price <= opts.maxPrice &&
                  x.bid.stake >= MIN_STAKE &&
                  x.bid.slashed !== true &&
                  x.bid.expiresAt > NOW,
              ).to.equal(true)
              expect(x.score).to.be.within(0, 1)
            }
            for (let i = 1; i < picked.length; i++) expect(picked[i - 1].score).to.be.at.least(picked[i].score)
            if (s.winners.length < k) expect(s.reserves).to.deep.equal([])
            const shuffled = [...bids].sort((a, b) => key(a.provider + a.price) - key(b.provider + b.price))
            const again = selectBids(shuffled, opts)
            expect(again.winners.map((x) => [x.bid.provider, x.bid.price])).to.deep.equal(
              s.winners.map((x) => [x.bid.provider, x.bid.price]),
            )
          },
        ),
        { numRuns: 300 },
      )
    },
  )
})
