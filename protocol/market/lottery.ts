// Who may bid on a job it heard only by gossip (issue 14, goal 1): O(m) bids per job instead of
// one from every provider in the class. The requester pushes its request to its best m known
// candidates; any other provider bids only when its lottery ticket wins.
//
// The ticket is sha-256(domain ‖ nonce ‖ job id ‖ peer id), read as a 64-bit fraction: exactly
// one possible value per (job, provider), so nobody can grind it (an Ed25519 signature could be
// re-drawn with other nonces; this cannot), and anyone can check it. The nonce is the
// requester's random spec nonce, picked after providers bound their peer ids and stake, so a
// provider cannot choose a peer id that wins a given job either.
//
// A provider wins with probability p = min(1, m · w / N):
//   m  the job's maxBidders (requester-set, bounded; default 2k + 2);
//   w  its stake weight: the stake of its on-chain OWNER in units of the minimum stake. Linear
//      and uncapped on purpose: splitting one owner's stake over several peer ids (each of which
//      must hold the minimum) then buys no extra odds while p < 1; a cap would reward splitting.
//      A whale gains at most p = 1, one bid per job, and selection still ranks that bid.
//   N  the eligible providers' total weight as estimated by the requester (signed in the spec),
//      clamped by each provider (see `effectiveEstimate`): Σ p ≈ m when N is right.
// All arithmetic is exact (bigint): p is never a float, so both sides agree on every ticket.
import { createHash } from 'node:crypto'
import { checkRange } from './fields.ts'
import { jobIdToBytes } from './job-id.ts'
import type { JobId } from './job-id.ts'

export const LOTTERY_DOMAIN = 'hive/lottery/1'
/** weights are counted in thousandths of the minimum stake */
export const WEIGHT_SCALE = 1000n
/**
 * How far a provider may move the requester's estimate N towards its own view (and so how far a
 * lying provider can raise its own odds): N is clamped to [N / FACTOR, N], and the provider's
 * view counts × FACTOR. A requester fed inflated counts by Sybils cannot starve honest
 * providers by more than this factor; a provider that understates N gains at most this factor.
 */
export const ESTIMATE_FACTOR = 4
/** the most bidders a request may ask for */
export const MAX_BIDDERS = 64
/** the largest provider estimate a request may state */
export const MAX_PROVIDER_ESTIMATE = 1_000_000

const TWO_64 = 1n << 64n

/** The default m for a job of redundancy k: enough for k awards, a reserve and a decline or two. */
export function defaultMaxBidders(k: number): number {
  return Math.min(MAX_BIDDERS, 2 * k + 2)
}

/** The provider's ticket for a job: a 64-bit number, uniform, one value per (job, provider). */
export function lotteryTicket(nonce: Uint8Array, jobId: JobId, peerIdBytes: Uint8Array): bigint {
  const h = createHash('sha256')
  h.update(LOTTERY_DOMAIN)
  // length prefixes: no two (nonce, peer id) splits of the same bytes give the same input
  h.update(Uint8Array.of(nonce.length))
  h.update(nonce)
  h.update(jobIdToBytes(jobId))
  h.update(Uint8Array.of(peerIdBytes.length))
  h.update(peerIdBytes)
  return h.digest().readBigUInt64BE(0)
}

/**
 * An owner's lottery weight, in WEIGHT_SCALE units: stake / minStake. Without a chain
 * (minStake undefined) every provider weighs one. Stake under the minimum (or none) weighs 0.
 */
export function stakeWeight(stake: bigint, minStake: bigint | undefined): bigint {
  if (minStake === undefined || minStake <= 0n) return stake > 0n ? WEIGHT_SCALE : 0n
  if (stake < minStake) return 0n
  return (stake * WEIGHT_SCALE) / minStake
}

/** The range of N a requester accepts in a lottery bid for a job that stated `stated`. */
export function estimateBounds(maxBidders: number, stated: number): { min: number; max: number } {
  const max = Math.max(maxBidders, stated)
  const min = Math.min(max, Math.max(maxBidders, Math.ceil(stated / ESTIMATE_FACTOR)))
  return { min, max }
}

/**
 * The N a provider draws with: the requester's signed estimate, clamped to the provider's own
 * view × ESTIMATE_FACTOR (so a requester whose view Sybils inflated does not starve it), but
 * never outside what the requester accepts (`estimateBounds`). `ownView` undefined: no view, use
 * the stated estimate.
 */
export function effectiveEstimate(maxBidders: number, stated: number, ownView: number | undefined): number {
  const { min, max } = estimateBounds(maxBidders, stated)
  if (ownView === undefined) return max
  const view = ownView * ESTIMATE_FACTOR
  return Math.min(max, Math.max(min, view))
}

/** A live provider as a node's discovery view knows it: its peer id and the stake owner it names. */
export interface LiveProvider {
  provider: string
  /** the owner its profile names (its eth address); undefined: none, counted as its own */
  owner?: string
}

/**
 * How many providers a view counts towards N: one per distinct owner, so several peer ids that
 * name one owner count once. The owner a profile names is its own claim: naming a shared owner
 * can only lower the count (a provider that understates N gains at most ESTIMATE_FACTOR, see
 * `effectiveEstimate`), and naming fresh ones can only raise the provider's N towards the
 * requester's stated estimate, never above it: a Sybil flood in the view starves nobody.
 */
export function distinctOwners(view: Iterable<LiveProvider>): number {
  const owners = new Set<string>()
  for (const p of view) owners.add(p.owner ?? p.provider)
  return owners.size
}

/** floor(p · 2^64), with p = min(1, m · w / N): a ticket under it wins. */
export function winThreshold(maxBidders: number, weight: bigint, estimate: number): bigint {
  if (weight <= 0n || maxBidders <= 0) return 0n
  const n = BigInt(Math.max(1, estimate)) * WEIGHT_SCALE
  const num = BigInt(maxBidders) * weight
  if (num >= n) return TWO_64
  return (num * TWO_64) / n
}

/** p as a number, for tests, benchmarks and logs (never for the decision itself). */
export function winProbability(maxBidders: number, weight: bigint, estimate: number): number {
  return Number(winThreshold(maxBidders, weight, estimate)) / Number(TWO_64)
}

export interface LotteryDraw {
  /** the job's spec nonce (requester-chosen, random) */
  nonce: Uint8Array
  jobId: JobId
  maxBidders: number
  /** N the draw uses (the provider's effective estimate) */
  estimate: number
}

/** Whether `peerIdBytes` with `weight` wins the draw. */
export function winsLottery(draw: LotteryDraw, peerIdBytes: Uint8Array, weight: bigint): boolean {
  return lotteryTicket(draw.nonce, draw.jobId, peerIdBytes) < winThreshold(draw.maxBidders, weight, draw.estimate)
}

export type LotteryVerdict = 'won' | 'lost' | 'estimate-out-of-range'

/**
 * The requester's check of a bid that claims a lottery win with estimate `claimed`: the estimate
 * must lie in `estimateBounds`, and the ticket must win with the weight the requester itself
 * sees for the bidder's owner (stake from the chain, not the bid's hint).
 */
export function checkLotteryClaim(
  job: { nonce: Uint8Array; jobId: JobId; maxBidders: number; statedEstimate: number },
  claimed: number,
  peerIdBytes: Uint8Array,
  weight: bigint,
): LotteryVerdict {
  const { min, max } = estimateBounds(job.maxBidders, job.statedEstimate)
  if (!Number.isInteger(claimed) || claimed < min || claimed > max) return 'estimate-out-of-range'
  return winsLottery(
    { nonce: job.nonce, jobId: job.jobId, maxBidders: job.maxBidders, estimate: claimed },
    peerIdBytes,
    weight,
  )
    ? 'won'
    : 'lost'
}

/**
 * The lottery fields of a job spec (REJECT when out of range: an honest requester's builder
 * runs the same check). m = 0 turns the lottery off; otherwise k ≤ m ≤ MAX_BIDDERS.
 */
export function checkLotteryFields(spec: { redundancy: number; maxBidders: number; providerEstimate: number }): void {
  if (spec.maxBidders !== 0) checkRange(spec.maxBidders, 'maxBidders', { min: spec.redundancy, max: MAX_BIDDERS })
  checkRange(spec.providerEstimate, 'providerEstimate', { min: 0, max: MAX_PROVIDER_ESTIMATE })
}
