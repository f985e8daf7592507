// The requester's choice of whom to push a new job to (issue 14 goal 1): its best m known
// candidates by their last bids (price against that job's max, then stake weight), with one of
// the m slots going round-robin to the candidate pushed longest ago, so that a newcomer it has
// never heard a bid from is pushed within |view| jobs even before the lottery draws it. Pure: the
// node keeps the book (node/market/candidates.ts), benchmarks simulate with the same function.
import { Reply, ReplyStatus } from '../gen/market.ts'
import { WEIGHT_SCALE } from './lottery.ts'

export interface Candidate {
  provider: string
  /** its last bid's price ÷ that job's max price (undefined: never bid to us) */
  priceRatio?: number
  /** its owner's lottery weight as we last saw it (WEIGHT_SCALE units; undefined: one) */
  weight?: bigint
  /** the sequence number of the last job pushed to it (undefined: never) */
  lastPushed?: number
  /** its stake owner (undefined: unknown, counted as its own) */
  owner?: string
}

export interface CandidateChoice {
  targets: string[]
  /** every known candidate is among the targets: no one else is expected to bid */
  closedView: boolean
  /** N: the view's total stake weight, in minimum stakes (rounded up) */
  estimate: number
}

function byQuality(a: Candidate, b: Candidate): number {
  const pa = a.priceRatio ?? Number.POSITIVE_INFINITY
  const pb = b.priceRatio ?? Number.POSITIVE_INFINITY
  if (pa !== pb) return pa < pb ? -1 : 1
  const wa = a.weight ?? WEIGHT_SCALE
  const wb = b.weight ?? WEIGHT_SCALE
  if (wa !== wb) return wa > wb ? -1 : 1
  // equals take turns: the one pushed longest ago first
  const la = a.lastPushed ?? -1
  const lb = b.lastPushed ?? -1
  if (la !== lb) return la - lb
  return a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0
}

/**
 * N for a new job: the stake weight of the candidates that bid to us before (their stake was
 * checked), plus one per candidate only heard on the topic — at most max(m, bidders) of those:
 * peer ids are free, and Sybils subscribing to the topic must not inflate N (which would starve
 * honest providers that heard the job by gossip) by more than a factor of two.
 */
export function providerEstimate(view: Candidate[], maxBidders: number): number {
  let known = 0
  let weight = 0n
  for (const c of view) {
    if (c.priceRatio === undefined) continue
    known++
    weight += c.weight ?? WEIGHT_SCALE
  }
  const unknown = Math.min(view.length - known, Math.max(maxBidders, known))
  return Number((weight + WEIGHT_SCALE - 1n) / WEIGHT_SCALE) + unknown
}

/**
 * The m candidates to push a job to, out of `view` (distinct providers), at most one per stake
 * owner: several peer ids of one owner get the pushes one of them would, and count once in N.
 */
export function chooseCandidates(view: Candidate[], maxBidders: number): CandidateChoice {
  const owners = new Set<string>()
  const ranked = [...view].sort(byQuality).filter((c) => {
    const owner = c.owner ?? c.provider
    if (owners.has(owner)) return false
    owners.add(owner)
    return true
  })
  const estimate = providerEstimate(ranked, maxBidders)
  if (maxBidders === 0 || ranked.length <= maxBidders) {
    return { targets: ranked.map((c) => c.provider), closedView: ranked.length === view.length, estimate }
  }
  // with room for it, one slot explores: the candidate pushed longest ago (never: first)
  const exploring = maxBidders >= 2 ? 1 : 0
  const best = ranked.slice(0, maxBidders - exploring)
  const chosen = new Set(best.map((c) => c.provider))
  if (exploring === 1) {
    const stalest = ranked
      .filter((c) => !chosen.has(c.provider))
      .sort((a, b) => (a.lastPushed ?? -1) - (b.lastPushed ?? -1) || byQuality(a, b))[0]
    chosen.add(stalest.provider)
  }
  return { targets: [...chosen], closedView: false, estimate }
}

/**
 * The code of a provider's OK reply to a push it will not bid on (busy, cannot run it, priced
 * out): the requester then stops waiting for that candidate's bid.
 */
export const NOT_BIDDING = 'NOT_BIDDING'

/** The push reply of a provider that will not bid; `reason` is its short cause. */
export function notBiddingReply(reason: string): Uint8Array {
  return Reply.encode({
    status: ReplyStatus.REPLY_OK,
    code: NOT_BIDDING,
    message: reason.slice(0, 64),
    envelope: new Uint8Array(0),
  })
}
