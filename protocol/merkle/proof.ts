// Proof generation (RFC 9162 sections 2.1.3.1 and 2.1.4.1), split into a pure plan — which
// ranges of leaves the proof needs hashes of — and the hashing of those ranges from complete
// subtrees. A store fetches `subtreesFor(plan)` in one read (O(log n) keys) and folds them.
import { ValidationError } from '../errors.ts'
import { checkSize, hashRange, splitPoint, type LeafRange, type NodeSource } from './ranges.ts'

/** The ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size`, leaf to root. */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  checkSize('size', size, 1)
  checkSize('index', index)
  if (index >= size) throw new ValidationError('INDEX_OUT_OF_RANGE', 'leaf index beyond tree size', { index, size })
  // PATH(m, D[n]) puts the sibling of the outermost split last: walk top-down, then reverse
  const siblings: LeafRange[] = []
  let lo = 0
  let hi = size
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo)
    if (index < lo + k) {
      siblings.push({ start: lo + k, end: hi })
      hi = lo + k
    } else {
      siblings.push({ start: lo, end: lo + k })
      lo += k
    }
  }
  return siblings.reverse()
}

/** The ranges whose hashes form the consistency proof from size m to size n (0 < m <= n). */
export function consistencyProofRanges(m: number, n: number): LeafRange[] {
  checkSize('m', m, 1)
  checkSize('n', n, 1)
  if (m > n) throw new ValidationError('SIZES_OUT_OF_ORDER', 'consistency proof needs m <= n', { m, n })
  // SUBPROOF(m, D[lo:hi], b): the outer siblings come last, the terminal node (if any) first
  const siblings: LeafRange[] = []
  let lo = 0
  let hi = n
  let mm = m
  let haveRootM = true
  while (mm !== hi - lo) {
    const k = splitPoint(hi - lo)
    if (mm <= k) {
      siblings.push({ start: lo + k, end: hi })
      hi = lo + k
    } else {
      siblings.push({ start: lo, end: lo + k })
      lo += k
      mm -= k
      haveRootM = false
    }
  }
  const proof = siblings.reverse()
  if (!haveRootM) proof.unshift({ start: lo, end: hi })
  return proof
}

export function inclusionProof(index: number, size: number, source: NodeSource): Uint8Array[] {
  return inclusionProofRanges(index, size).map((r) => hashRange(r, source))
}

export function consistencyProof(m: number, n: number, source: NodeSource): Uint8Array[] {
  return consistencyProofRanges(m, n).map((r) => hashRange(r, source))
}
