// Claimed benchmark scores, checked against work. A provider's bid states its CPU benchmark score
// (1000 = the reference machine) and selection rewards a high one; nothing stops a provider from
// claiming any number. A redundant run of a deterministic job (k > 1, or a k = 1 job's spot
// check) is a free probe: the same work, measured by the requester on two or more machines, from
// the award's acceptance to the result's arrival. If claims were true, claim × time would be about
// the same for all of them; a provider whose claim implies it should have finished far sooner
// than it did is discounted to what its time implies.
//
//   work      W = min over the OTHER runs of claim_j × time_j    (the most modest claim of the work)
//   implied   S_i = W / time_i
//   factor    S_i / claim_i when claim_i > tolerance × S_i, else 1
//
// The tolerance (default 3) absorbs what is not CPU (fetching inputs, payment set-up, the network).
// The requester keeps the latest factor per stake owner (node/market/reputation-store.ts), so a
// noisy measurement heals with the next check and a liar is caught again by every one.

export interface RunTiming {
  provider: string
  /** the benchmark score its bid claimed */
  claimedScore: number
  /** award accepted → result received, as the requester measured it */
  elapsedMs: number
}

export const DEFAULT_BENCHMARK_TOLERANCE = 3

/** The discount factor (0 < f ≤ 1) for each run that can be compared with another. */
export function benchmarkFactors(
  runs: readonly RunTiming[],
  tolerance = DEFAULT_BENCHMARK_TOLERANCE,
): Map<string, number> {
  const usable = runs.filter(
    (r) => Number.isFinite(r.claimedScore) && r.claimedScore > 0 && Number.isFinite(r.elapsedMs) && r.elapsedMs > 0,
  )
  const out = new Map<string, number>()
  for (const run of usable) {
    const others = usable.filter((o) => o.provider !== run.provider)
    if (others.length === 0) continue
    const work = Math.min(...others.map((o) => o.claimedScore * o.elapsedMs))
    const implied = work / run.elapsedMs
    out.set(run.provider, run.claimedScore > tolerance * implied ? implied / run.claimedScore : 1)
  }
  return out
}
