// The tolerance vote of an `onnx` job with k > 1 (issue 18). Floating-point outputs differ across
// CPUs, thread counts and runtimes, so providers' answers are compared within a tolerance the
// requester signed, not by CID. "Within tolerance" is not transitive (A~B and B~C but A≁C), so
// the vote picks a representative — the answer the most others are within tolerance of — and
// the winners are those within tolerance of it; the job's usual strict majority of k applies.
//
// Elementwise rule, with b the reference (the representative): |a − b| ≤ atol + rtol·|b|
// (numpy.isclose). NaN agrees only with NaN, +Inf only with +Inf, −Inf only with −Inf; a finite
// value never agrees with a non-finite one, whatever the tolerance. +0 and −0 agree.
import { toleranceFor } from '../market/tolerance-spec.ts'
import type { JobTolerances, Tolerance } from '../market/tolerance-spec.ts'

/** A decoded output tensor (e.g. from a .npy file). */
export interface TensorView {
  /** numpy dtype string, e.g. '<f4'; compared exactly */
  dtype: string
  shape: readonly number[]
  /** elements in row-major order */
  data: ArrayLike<number | bigint | boolean>
}

/** One provider's answer: its output tensors by name. */
export interface VoteCandidate {
  provider: string
  /** the output's CID: identical CIDs agree without a look at the tensors; ties break on it */
  cid: string
  outputs: ReadonlyMap<string, TensorView>
}

export interface ToleranceVote {
  /** the answer the most others are within tolerance of (undefined: no candidates) */
  representative?: VoteCandidate
  /** providers within tolerance of the representative, the representative included */
  winners: string[]
  /** providers outside it */
  dissenters: string[]
  /** whether the winners are a strict majority of k */
  decided: boolean
}

function toNumber(v: number | bigint | boolean): number {
  return typeof v === 'number' ? v : Number(v)
}

/** whether element `a` agrees with the reference element `b` */
export function closeTo(a: number, b: number, tol: Tolerance): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b)
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b
  if (a === b) return true
  return Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b)
}

/** whether tensor `a` agrees with the reference tensor `b`: same dtype, shape, and every element close */
export function tensorCloseTo(a: TensorView, b: TensorView, tol: Tolerance): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false
  if (a.shape.some((d, i) => d !== b.shape[i])) return false
  if (a.data.length !== b.data.length) return false
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]
    const y = b.data[i]
    // 64-bit integers compare exactly when no tolerance is allowed (a double would round them)
    if (typeof x === 'bigint' && typeof y === 'bigint' && tol.atol === 0 && tol.rtol === 0) {
      if (x !== y) return false
      continue
    }
    if (!closeTo(toNumber(x), toNumber(y), tol)) return false
  }
  return true
}

/** whether answer `a` agrees with the reference answer `b`: the same output names, each tensor close */
export function outputsCloseTo(a: VoteCandidate, b: VoteCandidate, tolerances: JobTolerances): boolean {
  if (a.cid === b.cid) return true
  if (a.outputs.size !== b.outputs.size) return false
  for (const [name, ref] of b.outputs) {
    const mine = a.outputs.get(name)
    if (mine === undefined || !tensorCloseTo(mine, ref, toleranceFor(tolerances, name))) return false
  }
  return true
}

function compareCandidates(x: VoteCandidate, y: VoteCandidate): number {
  if (x.cid !== y.cid) return x.cid < y.cid ? -1 : 1
  return x.provider < y.provider ? -1 : x.provider > y.provider ? 1 : 0
}

/**
 * The vote over the answers in hand. The representative is the candidate the most others are
 * within tolerance of (ties: the lowest CID, then the lowest provider id, so every requester
 * computing it on the same answers picks the same one); its winners decide when they are a strict
 * majority of `k`. No group of answers that all agree with one member can be larger than the
 * representative's, so no other choice would reach a majority this one misses.
 */
export function voteByTolerance(
  candidates: readonly VoteCandidate[],
  k: number,
  tolerances: JobTolerances,
): ToleranceVote {
  if (candidates.length === 0) return { winners: [], dissenters: [], decided: false }
  const sorted = [...candidates].sort(compareCandidates)
  let best = sorted[0]
  let bestScore = -1
  for (const ref of sorted) {
    const score = sorted.filter((c) => c !== ref && outputsCloseTo(c, ref, tolerances)).length
    if (score > bestScore) {
      best = ref
      bestScore = score
    }
  }
  const winners: string[] = []
  const dissenters: string[] = []
  for (const c of sorted) (c === best || outputsCloseTo(c, best, tolerances) ? winners : dissenters).push(c.provider)
  return { representative: best, winners, dissenters, decided: winners.length >= Math.floor(k / 2) + 1 }
}
