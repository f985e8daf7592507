// Tree shape arithmetic. Sizes and indices are plain numbers (safe integers, so logs up to
// 2^53 entries); halving uses division rather than 32-bit shifts for the same reason.
import { ValidationError } from '../errors.ts'
import { nodeHash } from './hash.ts'

/**
 * A complete subtree: the 2^level leaves [index * 2^level, (index + 1) * 2^level).
 * Level 0 is a leaf. These are the only hashes a log needs to store: every root and proof
 * element is a fold of a few of them.
 */
export interface SubtreeId {
  level: number
  index: number
}

/** The leaves [start, end): MTH(D[start:end]) in RFC terms. */
export interface LeafRange {
  start: number
  end: number
}

/** Where proof generation reads complete-subtree hashes from (memory, a database, …). */
export type NodeSource = (id: SubtreeId) => Uint8Array

export function checkSize(name: string, value: number, min = 0): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError('INVALID_TREE_ARGUMENT', `${name} must be an integer >= ${min}`, { [name]: value })
  }
}

/** The largest power of two smaller than n (n >= 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The maximal aligned complete subtrees that tile [start, end), left to right. For the
 * ranges that appear in RFC 6962 trees (start a multiple of a power of two >= the range's
 * length) this is the binary decomposition of the length, largest first; in general it is the
 * range's "compact range".
 */
export function subtreesOf(range: LeafRange): SubtreeId[] {
  const out: SubtreeId[] = []
  let { start } = range
  const { end } = range
  while (start < end) {
    // grow the subtree at `start` while it stays aligned and inside the range
    let level = 0
    let width = 1
    while (start % (width * 2) === 0 && start + width * 2 <= end) {
      level++
      width *= 2
    }
    out.push({ level, index: start / width })
    start += width
  }
  return out
}

/**
 * MTH(D[start:end]) for a range that is a node of an RFC 6962 tree, from the hashes of its
 * complete subtrees: the right fold of its decomposition.
 */
export function hashRange(range: LeafRange, source: NodeSource): Uint8Array {
  const parts = subtreesOf(range)
  if (parts.length === 0)
    throw new ValidationError('INVALID_TREE_ARGUMENT', 'empty range has no node hash', { ...range })
  let acc = source(parts[parts.length - 1])
  for (let i = parts.length - 2; i >= 0; i--) acc = nodeHash(source(parts[i]), acc)
  return acc
}

/** The distinct complete subtrees needed to hash all `ranges`: what a store fetches in one go. */
export function subtreesFor(ranges: LeafRange[]): SubtreeId[] {
  const seen = new Set<string>()
  const out: SubtreeId[] = []
  for (const r of ranges) {
    for (const id of subtreesOf(r)) {
      const key = `${id.level}:${id.index}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(id)
    }
  }
  return out
}
