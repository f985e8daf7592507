// Binary keys of the audit sublevels. Indices are 8-byte big-endian so that LevelDB's byte
// order is log order (range scans by index, "last key" = size - 1).
import type { BytesSublevel, RootDb } from '../store.ts'
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level'

type Format = string | Uint8Array | Buffer
/**
 * A sublevel with binary keys and values, nested in the store's audit sublevel. Typed as a
 * child of the root (it is a descendant): root batches may name any descendant sublevel.
 */
export type BinarySublevel = AbstractSublevel<RootDb, Format, Uint8Array, Uint8Array>
/** A root batch operation on a binary or a string-keyed sublevel (the caller's state changes). */
export type AuditBatchOp = AbstractBatchOperation<RootDb, Uint8Array | string, unknown>

export interface AuditSublevels {
  /** index -> leaf hash (32 bytes) || entry bytes: the leaf is stored with its entry, one write */
  entries: BinarySublevel
  /** [level, index] -> hash of the complete subtree, for levels >= 1 */
  nodes: BinarySublevel
  /** jobId || index -> empty: which entries are about a job */
  jobs: BinarySublevel
}

export function auditSublevels(parent: BytesSublevel): AuditSublevels {
  const make = (name: string): BinarySublevel =>
    parent.sublevel<Uint8Array, Uint8Array>(name, {
      keyEncoding: 'view',
      valueEncoding: 'view',
    }) as unknown as BinarySublevel
  return { entries: make('e'), nodes: make('n'), jobs: make('j') }
}

function writeIndex(out: Uint8Array, at: number, index: number): void {
  let hi = Math.floor(index / 2 ** 32)
  let lo = index >>> 0
  for (let i = 3; i >= 0; i--) {
    out[at + i] = hi & 0xff
    hi >>>= 8
  }
  for (let i = 7; i >= 4; i--) {
    out[at + i] = lo & 0xff
    lo >>>= 8
  }
}

export function indexKey(index: number): Uint8Array {
  const k = new Uint8Array(8)
  writeIndex(k, 0, index)
  return k
}

export function indexFromKey(key: Uint8Array, at = 0): number {
  let v = 0
  for (let i = 0; i < 8; i++) v = v * 256 + key[at + i]
  return v
}

export const LEAF_PREFIX_BYTES = 32

/** The value stored for an entry: its leaf hash, then its bytes. */
export function entryValue(hash: Uint8Array, bytes: Uint8Array): Uint8Array {
  const v = new Uint8Array(LEAF_PREFIX_BYTES + bytes.length)
  v.set(hash, 0)
  v.set(bytes, LEAF_PREFIX_BYTES)
  return v
}

export function nodeKey(level: number, index: number): Uint8Array {
  const k = new Uint8Array(9)
  k[0] = level
  writeIndex(k, 1, index)
  return k
}

export function jobKey(jobId: Uint8Array, index: number): Uint8Array {
  const k = new Uint8Array(jobId.length + 8)
  k.set(jobId, 0)
  writeIndex(k, jobId.length, index)
  return k
}

/** The key range holding every index of one job. */
export function jobRange(jobId: Uint8Array): { gte: Uint8Array; lte: Uint8Array } {
  return { gte: jobKey(jobId, 0), lte: jobKey(jobId, Number.MAX_SAFE_INTEGER) }
}
