// Proof verification exactly as RFC 9162 sections 2.1.3.2 and 2.1.4.2 describe it. The
// `check*` forms name why a proof failed (for an auditor's verdict); the `verify*` forms are
// the boolean shorthand.
import { EMPTY_ROOT, equalBytes, isHash, nodeHash } from './hash.ts'

export type ProofFailure =
  | 'INVALID_ARGUMENT' // sizes/indices not safe non-negative integers, or a hash not 32 bytes
  | 'INDEX_OUT_OF_RANGE' // leaf index >= tree size
  | 'SIZES_OUT_OF_ORDER' // consistency from a larger tree to a smaller one
  | 'WRONG_PROOF_LENGTH' // too few or too many hashes for this index/size
  | 'ROOT_MISMATCH' // the proof recomputes a different root (tampered entry, proof or root)
  | 'FIRST_ROOT_MISMATCH' // consistency: the older root is not what the proof implies

export type ProofCheck = { ok: true } | { ok: false; reason: ProofFailure }

const OK: ProofCheck = { ok: true }
const fail = (reason: ProofFailure): ProofCheck => ({ ok: false, reason })
const lsb = (x: number): boolean => x % 2 === 1
const half = (x: number): number => Math.floor(x / 2)
const isCount = (x: number): boolean => Number.isSafeInteger(x) && x >= 0

/** The root that an inclusion proof implies, or a failure (RFC 9162 2.1.3.2 steps 1-4). */
export function rootFromInclusionProof(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): { ok: true; root: Uint8Array } | { ok: false; reason: ProofFailure } {
  if (!isCount(index) || !isCount(size) || !isHash(leaf) || !proof.every(isHash))
    return { ok: false, reason: 'INVALID_ARGUMENT' }
  if (index >= size) return { ok: false, reason: 'INDEX_OUT_OF_RANGE' }
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: 'WRONG_PROOF_LENGTH' }
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r)
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  if (sn !== 0) return { ok: false, reason: 'WRONG_PROOF_LENGTH' }
  return { ok: true, root: r }
}

export function checkInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): ProofCheck {
  if (!isHash(root)) return fail('INVALID_ARGUMENT')
  const got = rootFromInclusionProof(leaf, index, size, proof)
  if (!got.ok) return got
  return equalBytes(got.root, root) ? OK : fail('ROOT_MISMATCH')
}

/** True when `proof` shows that leaf hash `leaf` is entry `index` of the tree of `size` leaves with `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  return checkInclusion(leaf, index, size, proof, root).ok
}

/**
 * Consistency between the tree of m leaves (root rootM) and of n leaves (root rootN).
 * m = n needs an empty proof and equal roots; m = 0 needs an empty proof and rootM to be the
 * empty tree's root (every tree extends the empty one).
 */
export function checkConsistency(
  m: number,
  n: number,
  rootM: Uint8Array,
  rootN: Uint8Array,
  proof: readonly Uint8Array[],
): ProofCheck {
  if (!isCount(m) || !isCount(n) || !isHash(rootM) || !isHash(rootN) || !proof.every(isHash))
    return fail('INVALID_ARGUMENT')
  if (m > n) return fail('SIZES_OUT_OF_ORDER')
  if (m === 0) {
    if (proof.length !== 0) return fail('WRONG_PROOF_LENGTH')
    return equalBytes(rootM, EMPTY_ROOT) ? OK : fail('FIRST_ROOT_MISMATCH')
  }
  if (m === n) {
    if (proof.length !== 0) return fail('WRONG_PROOF_LENGTH')
    return equalBytes(rootM, rootN) ? OK : fail('ROOT_MISMATCH')
  }
  // 0 < m < n: RFC 9162 2.1.4.2
  if (proof.length === 0) return fail('WRONG_PROOF_LENGTH')
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : proof
  let fn = m - 1
  let sn = n - 1
  while (lsb(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr = path[0]
  let sr = path[0]
  for (let i = 1; i < path.length; i++) {
    const c = path[i]
    if (sn === 0) return fail('WRONG_PROOF_LENGTH')
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  if (sn !== 0) return fail('WRONG_PROOF_LENGTH')
  if (!equalBytes(fr, rootM)) return fail('FIRST_ROOT_MISMATCH')
  if (!equalBytes(sr, rootN)) return fail('ROOT_MISMATCH')
  return OK
}

/** True when `proof` shows that the tree of n leaves with rootN extends the tree of m leaves with rootM. */
export function verifyConsistency(
  m: number,
  n: number,
  rootM: Uint8Array,
  rootN: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  return checkConsistency(m, n, rootM, rootN, proof).ok
}

function isPowerOfTwo(x: number): boolean {
  let k = 1
  while (k < x) k *= 2
  return k === x
}
