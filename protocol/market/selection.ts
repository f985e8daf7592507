// Bid selection: which providers get a job. Pure and deterministic: the same bids and options
// give the same ranking whatever order the bids arrived in.
//
// Each criterion becomes a part in [0, 1] (1 = best) against an absolute reference, not
// against the other bids, so a score means the same thing in every auction and `enoughBids`
// can use a fixed "good" threshold:
//   price      1 - price / maxPrice                       (lower is better)
//   stake      stake / (stake + stakeRef)                 stakeRef defaults to minStake: 0.5 at the minimum
//   reputation the requester's own score of the owner's history (reputation.ts)   0 for a newcomer
//   benchmark  score / (score + benchmarkRef)             0.5 at the reference machine, 0 if unstated
//              (the claimed score times the requester's discount for it, when a probe caught a lie)
//   latency    mean of rttRef / (rttRef + rtt) and delayRef / (delayRef + time-to-bid), measured
//              by the requester; 0.5 at the references (or if unknown)
// The score is the weighted mean of the parts. Ties are broken by lower price, then higher
// stake, then provider id, so the order is total.
//
// Default weights (DEFAULT_WEIGHTS): price 0.5, reputation 0.2, stake 0.1, benchmark 0.1,
// latency 0.1. Price leads; reputation is the largest of the rest because it is the only part
// earned by verified work; stake, benchmark and latency break near-ties.
//
// Independence: redundancy (k > 1) is a check only if the k providers are independent. A peer id
// is free and an address can rebind its stake to another peer id, so among the ranked bids at
// most one per stake OWNER (the on-chain address whose stake backs the peer id) is kept: two
// peer ids of one owner are one provider, and the best-ranked of them stands for both.

import { latencyScore } from './reputation.ts'

export interface BidCandidate {
  /** peer id string */
  provider: string
  price: bigint
  expiresAt: number
  /** stake as the registry reports it (0n: none) */
  stake: bigint
  /** the on-chain owner of that stake (the registry address bound to the peer id), when known */
  owner?: string
  slashed?: boolean
  /** the requester's reputation score for the stake owner, in [0, 1] (protocol/market/reputation.ts); none: 0 */
  reputation?: number
  /** the claimed benchmark score, already discounted by the requester if a probe showed it false */
  benchmarkScore?: number
  /** round-trip time to the provider as the requester measured it */
  rttMs?: number
  /** how long after the job was posted its bid arrived */
  bidDelayMs?: number
}

export interface SelectionWeights {
  price: number
  stake: number
  reputation: number
  benchmark: number
  latency: number
}

export const DEFAULT_WEIGHTS: Readonly<SelectionWeights> = Object.freeze({
  price: 0.5,
  reputation: 0.2,
  stake: 0.1,
  benchmark: 0.1,
  latency: 0.1,
})

export interface SelectionOptions {
  /** how many providers the job needs (its redundancy) */
  k: number
  maxPrice: bigint
  now: number
  /** the protocol's minimum stake; a bid below it (or with no stake at all) is excluded */
  minStake?: bigint
  weights?: Partial<SelectionWeights>
  /** providers not to pick, e.g. those that already failed this job */
  exclude?: ReadonlySet<string>
  /** stake owners not to pick (lower-case addresses), e.g. those that already hold a slot of this job */
  excludeOwners?: ReadonlySet<string>
  stakeReference?: bigint
  /** the benchmark score of a typical provider (default 1000) */
  benchmarkReference?: number
  /** a typical round-trip time (default 20 ms) */
  rttReferenceMs?: number
  /** a typical time from posting to bid (default 200 ms) */
  bidDelayReferenceMs?: number
}

export interface ScoreParts {
  price: number
  stake: number
  reputation: number
  benchmark: number
  latency: number
}

export interface ScoredBid {
  bid: BidCandidate
  score: number
  parts: ScoreParts
}

export type ExclusionReason =
  | 'OVER_MAX_PRICE'
  | 'INVALID_PRICE'
  | 'UNSTAKED'
  | 'SLASHED'
  | 'EXPIRED'
  | 'EXCLUDED'
  | 'DUPLICATE_PROVIDER'
  | 'DUPLICATE_OWNER'

export interface Selection {
  /** the best k eligible bids (fewer if there are not enough), best first */
  winners: ScoredBid[]
  /** every other eligible bid, best first: the re-award queue */
  reserves: ScoredBid[]
  excluded: Array<{ bid: BidCandidate; reason: ExclusionReason }>
}

const PPM = 1_000_000n

/** a / b for bigints, as a float with 6 decimal places (enough to rank, never overflows) */
function ratio(a: bigint, b: bigint): number {
  return b === 0n ? 0 : Number((a * PPM) / b) / 1e6
}

function weightsOf(opts: SelectionOptions): SelectionWeights {
  const w = { ...DEFAULT_WEIGHTS, ...opts.weights }
  const values = Object.values(w)
  if (values.some((v) => !(v >= 0) || !Number.isFinite(v)) || values.reduce((a, b) => a + b, 0) <= 0) {
    throw new RangeError('selection weights must be finite, non-negative and not all zero')
  }
  return w
}

function stakeFloor(opts: SelectionOptions): bigint {
  return opts.minStake !== undefined && opts.minStake > 0n ? opts.minStake : 1n
}

export function scoreBid(bid: BidCandidate, opts: SelectionOptions): ScoredBid {
  const w = weightsOf(opts)
  const stakeRef = opts.stakeReference ?? stakeFloor(opts)
  const benchRef = opts.benchmarkReference ?? 1000
  const bench = Math.max(0, bid.benchmarkScore ?? 0)
  const rep = bid.reputation ?? 0
  const parts: ScoreParts = {
    price: bid.price > opts.maxPrice || opts.maxPrice <= 0n ? 0 : ratio(opts.maxPrice - bid.price, opts.maxPrice),
    stake: bid.stake <= 0n ? 0 : ratio(bid.stake, bid.stake + stakeRef),
    reputation: Number.isFinite(rep) ? Math.min(1, Math.max(0, rep)) : 0,
    benchmark: bench / (bench + benchRef),
    latency: latencyScore(bid, { rttMs: opts.rttReferenceMs ?? 20, bidDelayMs: opts.bidDelayReferenceMs ?? 200 }),
  }
  const total = w.price + w.stake + w.reputation + w.benchmark + w.latency
  const score =
    (w.price * parts.price +
      w.stake * parts.stake +
      w.reputation * parts.reputation +
      w.benchmark * parts.benchmark +
      w.latency * parts.latency) /
    total
  return { bid, score, parts }
}

/** the owner as a comparable key (addresses are case-insensitive), or undefined when unknown */
export function ownerKey(bid: Pick<BidCandidate, 'owner'>): string | undefined {
  return bid.owner === undefined || bid.owner === '' ? undefined : bid.owner.toLowerCase()
}

function exclusion(bid: BidCandidate, opts: SelectionOptions): ExclusionReason | undefined {
  if (opts.exclude?.has(bid.provider) === true) return 'EXCLUDED'
  const owner = ownerKey(bid)
  if (owner !== undefined && opts.excludeOwners?.has(owner) === true) return 'DUPLICATE_OWNER'
  if (bid.slashed === true) return 'SLASHED'
  if (bid.stake < stakeFloor(opts)) return 'UNSTAKED'
  if (bid.price <= 0n) return 'INVALID_PRICE'
  if (bid.price > opts.maxPrice) return 'OVER_MAX_PRICE'
  if (bid.expiresAt <= opts.now) return 'EXPIRED'
  return undefined
}

function compare(a: ScoredBid, b: ScoredBid): number {
  if (a.score !== b.score) return b.score - a.score
  if (a.bid.price !== b.bid.price) return a.bid.price < b.bid.price ? -1 : 1
  if (a.bid.stake !== b.bid.stake) return a.bid.stake > b.bid.stake ? -1 : 1
  return a.bid.provider < b.bid.provider ? -1 : a.bid.provider > b.bid.provider ? 1 : 0
}

/** Eligible bids ranked best first (one per provider) and the excluded ones with why. */
export function rankBids(
  bids: readonly BidCandidate[],
  opts: SelectionOptions,
): { ranked: ScoredBid[]; excluded: Selection['excluded'] } {
  weightsOf(opts) // fail on bad weights even when no bid is eligible
  const excluded: Selection['excluded'] = []
  const eligible: ScoredBid[] = []
  for (const bid of bids) {
    const reason = exclusion(bid, opts)
    if (reason !== undefined) excluded.push({ bid, reason })
    else eligible.push(scoreBid(bid, opts))
  }
  eligible.sort(compare)
  const ranked: ScoredBid[] = []
  const providers = new Set<string>()
  const owners = new Set<string>()
  for (const s of eligible) {
    // a provider fills at most one slot: redundancy is only a check if the providers differ,
    // and two peer ids whose stake has one owner are one provider
    const owner = ownerKey(s.bid)
    if (providers.has(s.bid.provider)) excluded.push({ bid: s.bid, reason: 'DUPLICATE_PROVIDER' })
    else if (owner !== undefined && owners.has(owner)) excluded.push({ bid: s.bid, reason: 'DUPLICATE_OWNER' })
    else {
      providers.add(s.bid.provider)
      if (owner !== undefined) owners.add(owner)
      ranked.push(s)
    }
  }
  return { ranked, excluded }
}

export function selectBids(bids: readonly BidCandidate[], opts: SelectionOptions): Selection {
  if (!Number.isSafeInteger(opts.k) || opts.k < 1) throw new RangeError(`k must be a positive integer, got ${opts.k}`)
  const { ranked, excluded } = rankBids(bids, opts)
  return { winners: ranked.slice(0, opts.k), reserves: ranked.slice(opts.k), excluded }
}

export interface EnoughBidsOptions extends SelectionOptions {
  /** eligible bids wanted beyond k, so a failed winner can be replaced at once (default 1) */
  reserve?: number
  /** the score that makes a bid "good" (default 0.5) */
  minScore?: number
}

/**
 * 0.4 is what a staked newcomer (reputation 0) bidding half the max price, on a typical machine at
 * a typical RTT and time-to-bid, scores with the default weights: such a bid is "good".
 */
export const DEFAULT_GOOD_SCORE = 0.4

/**
 * The early-award rule: award before the bid window closes once there are k + reserve
 * eligible bids scoring at least minScore. Waiting longer could only buy a somewhat better
 * price at the cost of placement latency; with the reserve, a winner that fails or declines
 * can be replaced without reopening the auction. At the window's close the requester awards
 * whatever eligible bids it has, good or not.
 */
export function enoughBids(bids: readonly BidCandidate[], opts: EnoughBidsOptions): boolean {
  const reserve = opts.reserve ?? 1
  const minScore = opts.minScore ?? DEFAULT_GOOD_SCORE
  const { ranked } = rankBids(bids, opts)
  // a hair of slack: a bid exactly at the threshold must not miss it by a floating-point rounding
  return ranked.filter((s) => s.score >= minScore - 1e-9).length >= opts.k + reserve
}
