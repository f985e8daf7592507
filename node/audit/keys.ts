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
  /** index -> entry bytes */
  entries: BinarySublevel
  /** [level, index] -> hash of the complete subtree (level 0: leaf hashes) */
  nodes: BinarySublevel
  /** jobId || index -> empty: which entries are about a job */
  jobs: BinarySublevel
}

export function auditSublevels (parent: BytesSublevel): AuditSublevels {
  const make = (name: string): BinarySublevel => parent.sublevel<Uint8Array, Uint8Array>(name, { keyEncoding: 'view', valueEncoding: 'view' }) as unknown as BinarySublevel
  return { entries: make('e'), nodes: make('n'), jobs: make('j') }
}

function writeIndex (out: Uint8Array, at: number, index: number): void {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength)
  dv.setUint32(at, Math.floor(index / 2 ** 32))
  dv.setUint32(at + 4, index >>> 0)
}

export function indexKey (index: number): Uint8Array {
  const k = new Uint8Array(8)
  writeIndex(k, 0, index)
  return k
}

export function indexFromKey (key: Uint8Array, at = 0): number {
  const dv = new DataView(key.buffer, key.byteOffset, key.byteLength)
  return dv.getUint32(at) * 2 ** 32 + dv.getUint32(at + 4)
}

export function nodeKey (level: number, index: number): Uint8Array {
  const k = new Uint8Array(9)
  k[0] = level
  writeIndex(k, 1, index)
  return k
}

export function jobKey (jobId: Uint8Array, index: number): Uint8Array {
  const k = new Uint8Array(jobId.length + 8)
  k.set(jobId, 0)
  writeIndex(k, jobId.length, index)
  return k
}

/** The key range holding every index of one job. */
export function jobRange (jobId: Uint8Array): { gte: Uint8Array, lte: Uint8Array } {
  return { gte: jobKey(jobId, 0), lte: jobKey(jobId, Number.MAX_SAFE_INTEGER) }
}
