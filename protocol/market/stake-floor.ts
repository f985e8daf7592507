// The stake a bidder must have for one job: the protocol's minimum, raised with what the job is
// worth. Why it grows: a provider that lies about an output risks, at most, its stake (through
// the checks the chain can make, and through being dropped from work by requesters); a job worth
// more than the stake behind it is a job it can profitably cheat on, and two Sybils of minimum
// stake can fill a k = 2 job of any value. So the floor is
//
//   floor = max(minStake, maxPrice × stakePerValue)
//
// with stakePerValue = 10 by default: a bidder puts at least ten times the job's maximum price at
// risk. With k providers each one must meet it on its own stake (stake is per owner: see
// selection.ts), so a colluding set of k owners has k × floor at stake. Pure and exact (bigints).

/** default stake wanted per unit of the job's maximum price */
export const DEFAULT_STAKE_PER_VALUE = 10

export interface StakeFloorInput {
  /** the protocol's minimum stake (ProtocolParams.minProviderStake); 0n or 1n when stake is not checked */
  minStake: bigint
  /** the job's maximum price per provider (what one provider can be paid) */
  maxPrice: bigint
  /** stake wanted per unit of value; a non-negative finite number, at most 3 decimals are used */
  stakePerValue?: number
}

/** The least stake a bid for this job needs to be eligible. */
export function stakeFloor(input: StakeFloorInput): bigint {
  const per = input.stakePerValue ?? DEFAULT_STAKE_PER_VALUE
  if (!Number.isFinite(per) || per < 0) throw new RangeError(`stakePerValue must be finite and >= 0, got ${per}`)
  if (input.maxPrice < 0n || input.minStake < 0n) throw new RangeError('maxPrice and minStake must be >= 0')
  // in thousandths, so fractional ratios (e.g. 2.5) stay exact in bigint arithmetic
  const byValue = (input.maxPrice * BigInt(Math.round(per * 1000))) / 1000n
  return byValue > input.minStake ? byValue : input.minStake
}
