// Building trees: the root of a list of leaves, and appending one leaf at a time while
// emitting every subtree the new leaf completes (what an append-only store persists).
import { ValidationError } from '../errors.ts'
import { EMPTY_ROOT, HASH_BYTES, nodeHash } from './hash.ts'
import { hashRange, type SubtreeId } from './ranges.ts'

export interface CompletedSubtree {
  id: SubtreeId
  hash: Uint8Array
}

/** MTH of a list of leaf hashes (RFC 9162 section 2.1.1), computed bottom-up in O(n). */
export function rootOf(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return EMPTY_ROOT
  let frontier: Uint8Array[] = []
  for (let i = 0; i < leafHashes.length; i++) frontier = appendLeaf(frontier, i, leafHashes[i]).frontier
  return rootOfFrontier(frontier)
}

/**
 * The root of a tree from its frontier: the hashes of the complete subtrees that tile
 * [0, size), largest first (one per set bit of size).
 */
export function rootOfFrontier(frontier: readonly Uint8Array[]): Uint8Array {
  if (frontier.length === 0) return EMPTY_ROOT
  let acc = frontier[frontier.length - 1]
  for (let i = frontier.length - 2; i >= 0; i--) acc = nodeHash(frontier[i], acc)
  return acc
}

/**
 * Appends the leaf with index `size` to a tree whose frontier is given. Returns the new
 * frontier and the complete subtrees this leaf finished, the leaf itself first.
 */
export function appendLeaf(
  frontier: readonly Uint8Array[],
  size: number,
  leaf: Uint8Array,
): { frontier: Uint8Array[]; completed: CompletedSubtree[] } {
  const next = frontier.slice()
  const completed = pushLeaf(next, size, leaf)
  return { frontier: next, completed }
}

/**
 * appendLeaf that updates `frontier` in place: for appending many leaves in a row without a
 * copy of the frontier per leaf. On a throw the frontier is left unchanged.
 */
export function pushLeaf(frontier: Uint8Array[], size: number, leaf: Uint8Array): CompletedSubtree[] {
  if (leaf.length !== HASH_BYTES)
    throw new ValidationError('INVALID_LEAF_HASH', 'leaf hash must be 32 bytes', { length: leaf.length })
  let merges = 0
  for (let i = size; i % 2 === 1; i = (i - 1) / 2) merges++
  if (frontier.length < merges)
    throw new ValidationError('INVALID_FRONTIER', 'frontier does not match the tree size', { size })
  const completed: CompletedSubtree[] = [{ id: { level: 0, index: size }, hash: leaf }]
  let acc = leaf
  let index = size
  for (let level = 1; level <= merges; level++) {
    acc = nodeHash(frontier.pop() as Uint8Array, acc)
    index = (index - 1) / 2
    completed.push({ id: { level, index }, hash: acc })
  }
  frontier.push(acc)
  return completed
}

/** An in-memory tree holding every complete subtree: a reference store for tests, benches and auditors. */
export class MemoryTree {
  private readonly levels: Uint8Array[][] = []
  private frontier: Uint8Array[] = []
  private _size = 0

  get size(): number {
    return this._size
  }

  append(leaf: Uint8Array): void {
    const { frontier, completed } = appendLeaf(this.frontier, this._size, leaf)
    for (const { id, hash } of completed) (this.levels[id.level] ??= [])[id.index] = hash
    this.frontier = frontier
    this._size++
  }

  /** The hash of a complete subtree; throws if the tree does not contain it yet. */
  readonly node = (id: SubtreeId): Uint8Array => {
    const h = this.levels[id.level]?.[id.index]
    if (h === undefined)
      throw new ValidationError('UNKNOWN_SUBTREE', 'subtree not in the tree', { ...id, size: this._size })
    return h
  }

  /** The root of the tree as it was at `size` leaves (default: now). */
  root(size = this._size): Uint8Array {
    if (size === this._size) return rootOfFrontier(this.frontier)
    if (size === 0) return EMPTY_ROOT
    if (size > this._size)
      throw new ValidationError('TREE_TOO_SMALL', 'size beyond the tree', { size, have: this._size })
    return hashRange({ start: 0, end: size }, this.node)
  }
}
