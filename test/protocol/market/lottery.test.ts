// The bid lottery's arithmetic (issue 14 goal 1): tickets are deterministic per (job, provider),
// thresholds are exact, estimates are clamped both ways, and the expected number of gossip
// bidders is m whatever the network size.
import { createHash } from 'node:crypto'
import { expect } from 'chai'
import fc from 'fast-check'
import {
  ESTIMATE_FACTOR,
  MAX_BIDDERS,
  WEIGHT_SCALE,
  checkLotteryClaim,
  checkLotteryFields,
  defaultMaxBidders,
  distinctOwners,
  effectiveEstimate,
  estimateBounds,
  lotteryTicket,
  stakeWeight,
  winProbability,
  winThreshold,
  winsLottery,
} from '../../../protocol/market/lottery.ts'
import { isMarketValidationError } from '../../../protocol/market/errors.ts'

const JOB = 'ab'.repeat(32)
const sha = (s: string): Buffer => createHash('sha256').update(s).digest()
const hexId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'))
const peer = fc.uint8Array({ minLength: 34, maxLength: 38 })
const nonce = fc.uint8Array({ minLength: 8, maxLength: 32 })

describe('protocol/market lottery', () => {
  it('a ticket has exactly one value per (nonce, job, peer), and any part changes it', () => {
    fc.assert(
      fc.property(nonce, hexId, peer, (n, job, p) => {
        const t = lotteryTicket(n, job, p)
        expect(lotteryTicket(Uint8Array.from(n), job, Uint8Array.from(p))).to.equal(t)
        expect(t >= 0n && t < 1n << 64n).to.equal(true)
        const p2 = Uint8Array.from(p)
        p2[p2.length - 1] ^= 1
        expect(lotteryTicket(n, job, p2)).to.not.equal(t)
        const n2 = Uint8Array.from(n)
        n2[0] ^= 1
        expect(lotteryTicket(n2, job, p)).to.not.equal(t)
      }),
    )
  })

  it('the threshold is floor(min(1, m·w/N) · 2^64), monotone in m and w, antitone in N', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_BIDDERS }),
        fc.bigInt({ min: 0n, max: 1000n * WEIGHT_SCALE }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (m, w, n) => {
          const t = winThreshold(m, w, n)
          const exact = (BigInt(m) * w * (1n << 64n)) / (BigInt(n) * WEIGHT_SCALE)
          expect(t).to.equal(exact > 1n << 64n ? 1n << 64n : exact)
          expect(winThreshold(m + 1, w, n) >= t).to.equal(true)
          expect(winThreshold(m, w + 1n, n) >= t).to.equal(true)
          expect(winThreshold(m, w, n + 1) <= t).to.equal(true)
        },
      ),
    )
    expect(winThreshold(4, 0n, 10)).to.equal(0n) // no stake, no ticket
    expect(winThreshold(4, WEIGHT_SCALE, 4)).to.equal(1n << 64n) // N ≤ m: everyone bids
  })

  it("stake weight is linear in the owner's stake, zero under the minimum", () => {
    expect(stakeWeight(0n, 100n)).to.equal(0n)
    expect(stakeWeight(99n, 100n)).to.equal(0n)
    expect(stakeWeight(100n, 100n)).to.equal(WEIGHT_SCALE)
    expect(stakeWeight(250n, 100n)).to.equal(2500n)
    expect(stakeWeight(10_000n, 100n)).to.equal(100n * WEIGHT_SCALE)
    expect(stakeWeight(1n, undefined)).to.equal(WEIGHT_SCALE) // no chain: one each
    // splitting one owner's stake over peer ids (each at least the minimum) buys no odds
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 40, max: 100_000 }), (parts, n) => {
        const min = 100n
        const whole = winProbability(4, stakeWeight(min * BigInt(parts), min), n)
        const split = parts * winProbability(4, stakeWeight(min, min), n)
        expect(Math.abs(whole - split)).to.be.lessThan(1e-9)
      }),
    )
  })

  it('estimates: a provider clamps N to its view × factor, within what the requester accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_BIDDERS }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
        (m, stated, view) => {
          const { min, max } = estimateBounds(m, stated)
          const n = effectiveEstimate(m, stated, view)
          expect(n).to.be.within(min, max)
          expect(min).to.be.at.least(m)
          expect(min).to.be.at.least(Math.min(max, Math.ceil(stated / ESTIMATE_FACTOR)))
          // a Sybil-inflated statement is cut to the provider's own view × factor (when in range)
          if (view !== undefined && view * ESTIMATE_FACTOR < max && view * ESTIMATE_FACTOR >= min)
            expect(n).to.equal(view * ESTIMATE_FACTOR)
          if (view === undefined) expect(n).to.equal(max)
        },
      ),
    )
    // 1,000 stated by a requester Sybils fooled, 20 seen by the provider: it draws with 250, not 1,000
    expect(effectiveEstimate(6, 1000, 20)).to.equal(250)
    expect(effectiveEstimate(6, 1000, 100)).to.equal(400)
  })

  it('a view counts one provider per owner; a flood of fresh owners never lifts N over the stated', () => {
    const honest = Array.from({ length: 10 }, (_, i) => ({ provider: `p${i}`, owner: `0x${i}` }))
    expect(distinctOwners(honest)).to.equal(10)
    // one owner behind 50 peer ids (or 50 ids naming it) counts once
    const sybils = Array.from({ length: 50 }, (_, i) => ({ provider: `s${i}`, owner: '0xsame' }))
    expect(distinctOwners([...honest, ...sybils])).to.equal(11)
    // no owner named: the peer id is its own owner
    expect(distinctOwners([{ provider: 'a' }, { provider: 'b' }, { provider: 'a' }])).to.equal(2)
    // a flood of fresh owners in the provider's view never raises its N above the requester's stated N
    const flood = Array.from({ length: 10_000 }, (_, i) => ({ provider: `f${i}`, owner: `0xf${i}` }))
    const view = distinctOwners([...honest, ...flood]) + 1
    expect(effectiveEstimate(4, 200, view)).to.equal(200)
    // a view that understates N moves it down at most ESTIMATE_FACTOR
    expect(effectiveEstimate(4, 200, distinctOwners(sybils) + 1)).to.equal(200 / ESTIMATE_FACTOR)
  })

  it('the expected number of lottery winners is m, at any network size', () => {
    for (const providers of [10, 100, 1000]) {
      const m = 6
      const weights = Array.from({ length: providers }, (_, i) => WEIGHT_SCALE * BigInt(1 + (i % 3)))
      const total = Number(weights.reduce((a, b) => a + b, 0n) / WEIGHT_SCALE)
      const expected = weights.reduce((sum, w) => sum + winProbability(m, w, total), 0)
      expect(expected).to.be.closeTo(m, 0.01)
      // and drawn for real over many jobs (fixed pseudo-random ids: the test cannot flake): the
      // mean count of winners is m
      const peers = Array.from({ length: providers }, (_, i) => sha(`peer ${i}`))
      let winners = 0
      const jobs = 200
      for (let j = 0; j < jobs; j++) {
        const draw = {
          nonce: sha(`nonce ${j}`).subarray(0, 16),
          jobId: sha(`job ${j}`).toString('hex'),
          maxBidders: m,
          estimate: total,
        }
        for (let i = 0; i < providers; i++) if (winsLottery(draw, peers[i], weights[i])) winners++
      }
      expect(winners / jobs).to.be.closeTo(m, 0.6)
    }
  })

  it('the requester accepts a claim only with an estimate in range and a winning ticket', () => {
    const job = { nonce: new Uint8Array(16).fill(3), jobId: JOB, maxBidders: 4, statedEstimate: 400 }
    let won = 0
    let lost = 0
    for (let i = 0; i < 400; i++) {
      const p = Uint8Array.of(0, 36, ...sha(`claimant ${i}`))
      const v = checkLotteryClaim(job, 100, p, WEIGHT_SCALE)
      if (v === 'won') won++
      else lost++
      expect(v).to.equal(winsLottery({ ...job, estimate: 100 }, p, WEIGHT_SCALE) ? 'won' : 'lost')
      // claiming a smaller N than the requester allows is refused outright
      expect(checkLotteryClaim(job, 99, p, WEIGHT_SCALE)).to.equal('estimate-out-of-range')
      expect(checkLotteryClaim(job, 401, p, WEIGHT_SCALE)).to.equal('estimate-out-of-range')
      // no stake (weight 0): never a win
      expect(checkLotteryClaim(job, 100, p, 0n)).to.equal('lost')
    }
    expect(won).to.be.within(4, 40) // p = 4/100
    expect(lost).to.be.greaterThan(300)
  })

  it('spec fields: m in [k, 64] or 0, N bounded; default m = 2k + 2', () => {
    expect(defaultMaxBidders(1)).to.equal(4)
    expect(defaultMaxBidders(2)).to.equal(6)
    checkLotteryFields({ redundancy: 2, maxBidders: 0, providerEstimate: 0 })
    checkLotteryFields({ redundancy: 2, maxBidders: 2, providerEstimate: 1_000_000 })
    for (const bad of [
      { redundancy: 3, maxBidders: 2, providerEstimate: 0 },
      { redundancy: 1, maxBidders: 65, providerEstimate: 0 },
      { redundancy: 1, maxBidders: 4, providerEstimate: 1_000_001 },
    ]) {
      try {
        checkLotteryFields(bad)
        expect.fail('accepted ' + JSON.stringify(bad))
      } catch (err) {
        expect(isMarketValidationError(err) && err.action === 'REJECT').to.equal(true)
      }
    }
  })
})
