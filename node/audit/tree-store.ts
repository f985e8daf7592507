// The log's Merkle tree in LevelDB: one hash per complete subtree, written when the subtree
// completes (in the same batch as the entry that completed it). Any root or proof then needs
// the O(log n) subtrees that tile its ranges, fetched with one getMany per level kind. Leaf
// hashes (level 0) live at the head of their entry's value rather than in a key of their own:
// one write per entry fewer on the append path.
import {
  EMPTY_ROOT,
  consistencyProofRanges,
  hashRange,
  inclusionProofRanges,
  subtreesFor,
  subtreesOf,
  type CompletedSubtree,
  type LeafRange,
  type SubtreeId,
} from '../../protocol/merkle/index.ts'
import { HiveError } from '../../protocol/errors.ts'
import { LEAF_PREFIX_BYTES, indexKey, nodeKey, type AuditBatchOp, type BinarySublevel } from './keys.ts'

const idKey = (id: SubtreeId): string => `${id.level}:${id.index}`

export class TreeStore {
  private readonly nodes: BinarySublevel
  private readonly entries: BinarySublevel

  constructor(nodes: BinarySublevel, entries: BinarySublevel) {
    this.nodes = nodes
    this.entries = entries
  }

  /** Batch operations that persist the interior subtrees completed by an append (the leaf goes with the entry). */
  putOps(completed: readonly CompletedSubtree[], into: AuditBatchOp[] = []): AuditBatchOp[] {
    for (const { id, hash } of completed) {
      if (id.level > 0) into.push({ type: 'put', sublevel: this.nodes, key: nodeKey(id.level, id.index), value: hash })
    }
    return into
  }

  /** Fetches subtree hashes (into `cache` when given); throws if one is missing (a corrupt or too small tree). */
  async fetch(ids: readonly SubtreeId[], cache = new Map<string, Uint8Array>()): Promise<Map<string, Uint8Array>> {
    const missing = ids.filter((id) => !cache.has(idKey(id)))
    const leaves = missing.filter((id) => id.level === 0)
    const inner = missing.filter((id) => id.level > 0)
    const [leafValues, innerValues] = await Promise.all([
      leaves.length === 0 ? [] : this.entries.getMany(leaves.map((id) => indexKey(id.index))),
      inner.length === 0 ? [] : this.nodes.getMany(inner.map((id) => nodeKey(id.level, id.index))),
    ])
    const put = (id: SubtreeId, v: Uint8Array | undefined): void => {
      if (v === undefined)
        throw new HiveError('AUDIT_TREE_NODE_MISSING', 'a subtree hash is missing from the audit tree', {
          level: id.level,
          index: id.index,
        })
      cache.set(idKey(id), v)
    }
    leaves.forEach((id, i) => put(id, leafValues[i]?.subarray(0, LEAF_PREFIX_BYTES)))
    inner.forEach((id, i) => put(id, innerValues[i]))
    return cache
  }

  private async hashRanges(ranges: LeafRange[], cache?: Map<string, Uint8Array>): Promise<Uint8Array[]> {
    const nodes = await this.fetch(subtreesFor(ranges), cache)
    const source = (id: SubtreeId): Uint8Array => nodes.get(idKey(id)) as Uint8Array
    return ranges.map((r) => hashRange(r, source))
  }

  /** The frontier of a tree of `size` leaves (hashes of the subtrees tiling [0, size), largest first). */
  async frontier(size: number): Promise<Uint8Array[]> {
    const ids = subtreesOf({ start: 0, end: size })
    const nodes = await this.fetch(ids)
    return ids.map((id) => nodes.get(idKey(id)) as Uint8Array)
  }

  async root(size: number): Promise<Uint8Array> {
    if (size === 0) return EMPTY_ROOT
    return (await this.hashRanges([{ start: 0, end: size }]))[0]
  }

  async inclusionProof(index: number, size: number, cache?: Map<string, Uint8Array>): Promise<Uint8Array[]> {
    return await this.hashRanges(inclusionProofRanges(index, size), cache)
  }

  async consistencyProof(m: number, n: number): Promise<Uint8Array[]> {
    return await this.hashRanges(consistencyProofRanges(m, n))
  }

  async leafHash(index: number): Promise<Uint8Array> {
    const nodes = await this.fetch([{ level: 0, index }])
    return nodes.get(idKey({ level: 0, index })) as Uint8Array
  }
}
