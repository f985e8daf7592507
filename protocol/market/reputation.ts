// Reputation from verifiable history: what a requester saw itself, and what the chain says. Each
// requester keeps its own history per stake owner (node/market/reputation-store.ts) and scores it
// here; nothing is taken on a provider's or a gossiping peer's word, so there is nothing to inflate
// by claims.
//
//   good  = paid + 2 · spotPassed              jobs whose output won and was paid; spot checks passed
//   bad   = failures + 5 · dissents + 10 · spotFailed
//   score = good / (good + bad + PRIOR)         PRIOR = 10; 0 if the owner was ever slashed
//
// Sybil bounds: a new identity starts at 0 (no credit to buy by making peer ids), history is kept
// per stake OWNER (all peer ids of one owner share it, the bad with the good), and a new owner
// needs its own stake. Credit is earned only by jobs the requester paid for, so inflating it costs
// the inflater real payments for real work it re-verifies at its spot-check rate. One failed spot
// check outweighs ten paid jobs.

/** One owner's history as one requester saw it. */
export interface ReputationHistory {
  /** jobs whose output won (majority or sole) and was paid */
  paid: number
  /** spot checks this provider's output passed (a second provider agreed) */
  spotPassed: number
  /** spot checks it failed (its output lost against the re-runs) */
  spotFailed: number
  /** k > 1 jobs where its answer differed from the majority, or a paid output never came */
  dissents: number
  /** awards it accepted and then failed (timeout, unreachable, bad output fetch) */
  failures: number
  /** the chain slashed this owner */
  slashed: boolean
  /**
   * what its claimed benchmark score is worth, from the latest check against work (benchmark-check.ts); 1: unchecked
   */
  benchmarkFactor?: number
}

export const EMPTY_HISTORY: Readonly<ReputationHistory> = Object.freeze({
  paid: 0,
  spotPassed: 0,
  spotFailed: 0,
  dissents: 0,
  failures: 0,
  slashed: false,
})

/** how many verified jobs weigh as much as the prior: a provider needs ten clean paid jobs to reach 0.5 */
export const REPUTATION_PRIOR = 10
export const DISSENT_WEIGHT = 5
export const SPOT_FAIL_WEIGHT = 10
export const SPOT_PASS_WEIGHT = 2

/** The reputation part of a bid's score, in [0, 1): 0 for a newcomer or a slashed owner. */
export function reputationScore(h: Partial<ReputationHistory> | undefined): number {
  if (h === undefined || h.slashed === true) return 0
  const n = (x: number | undefined): number => (x !== undefined && Number.isFinite(x) && x > 0 ? x : 0)
  const good = n(h.paid) + SPOT_PASS_WEIGHT * n(h.spotPassed)
  const bad = n(h.failures) + DISSENT_WEIGHT * n(h.dissents) + SPOT_FAIL_WEIGHT * n(h.spotFailed)
  return good / (good + bad + REPUTATION_PRIOR)
}

/** Adds `delta` to a history (counts only grow; slashed sticks). */
export function addHistory(h: Readonly<ReputationHistory>, delta: Partial<ReputationHistory>): ReputationHistory {
  return {
    paid: h.paid + (delta.paid ?? 0),
    spotPassed: h.spotPassed + (delta.spotPassed ?? 0),
    spotFailed: h.spotFailed + (delta.spotFailed ?? 0),
    dissents: h.dissents + (delta.dissents ?? 0),
    failures: h.failures + (delta.failures ?? 0),
    slashed: h.slashed || delta.slashed === true,
    // the latest check replaces the one before (not a count: a noisy measurement heals)
    ...(delta.benchmarkFactor !== undefined
      ? { benchmarkFactor: delta.benchmarkFactor }
      : h.benchmarkFactor !== undefined
        ? { benchmarkFactor: h.benchmarkFactor }
        : {}),
  }
}

/**
 * The latency part of a bid's score, in (0, 1]: half round-trip time, half time-to-bid (how long
 * after the job's posting its bid arrived), each ref / (ref + measured); an unmeasured half
 * scores 0.5, as a provider at the reference would. Both are measured by the requester itself.
 */
export function latencyScore(
  m: { rttMs?: number; bidDelayMs?: number },
  ref: { rttMs: number; bidDelayMs: number },
): number {
  const part = (x: number | undefined, r: number): number =>
    x === undefined || !Number.isFinite(x) ? 0.5 : r / (r + Math.max(0, x))
  return (part(m.rttMs, ref.rttMs) + part(m.bidDelayMs, ref.bidDelayMs)) / 2
}
