// Turning queued appends into one write batch: entries chained from a tip (size, frontier,
// last hash), their leaf and subtree hashes, job index keys and the callers' own operations.
// Pure computation: the log decides when to write it.
import { encodeEntry, entryHash } from '../../protocol/audit/index.ts'
import { pushLeaf } from '../../protocol/merkle/index.ts'
import { entryValue, indexKey, jobKey, type AuditBatchOp, type AuditSublevels } from './keys.ts'
import type { TreeStore } from './tree-store.ts'
import type { AnchoredEvent, AuditEntry, AuditEvent, StoredEntry } from '../../protocol/audit/index.ts'
import type { StoreBatchOp } from '../store.ts'

const EMPTY = new Uint8Array(0)

/** What a caller appends: an event about a job (or an anchor); the log adds index, prevHash and peer. */
export type AuditRecord = (Exclude<AuditEvent, AnchoredEvent> & { jobId: Uint8Array } | AnchoredEvent) & {
  /** unix ms; default: the log's clock */
  timestamp?: number
}

export interface Pending {
  record: AuditRecord
  extraOps: ReadonlyArray<AuditBatchOp | StoreBatchOp>
  resolve: (s: StoredEntry) => void
  reject: (e: unknown) => void
}

/** The state of the log after some prefix of it: what the next entry chains onto. */
export interface Tip { size: number, frontier: Uint8Array[], lastHash: Uint8Array }

export interface PreparedBatch {
  ops: AuditBatchOp[]
  done: Array<{ p: Pending, stored: StoredEntry }>
  /** the tip once this batch is written */
  tip: Tip
}

export interface BatchContext { peer: Uint8Array, now: () => number, subs: AuditSublevels, tree: TreeStore }

export function prepareBatch (group: readonly Pending[], from: Tip, ctx: BatchContext): PreparedBatch {
  let size = from.size
  let prev = from.lastHash
  const frontier = from.frontier.slice() // one copy per batch, advanced in place
  const ops: AuditBatchOp[] = []
  const done: PreparedBatch['done'] = []
  for (const p of group) {
    const { timestamp, ...event } = p.record
    const entry = { index: size, prevHash: prev, timestamp: timestamp ?? ctx.now(), peer: ctx.peer, jobId: EMPTY, ...event } as AuditEntry
    let bytes: Uint8Array
    try {
      bytes = encodeEntry(entry)
    } catch (err) {
      p.reject(err) // a malformed record fails alone, before anything is written
      continue
    }
    const hash = entryHash(bytes)
    const completed = pushLeaf(frontier, size, hash)
    ops.push({ type: 'put', sublevel: ctx.subs.entries, key: indexKey(size), value: entryValue(hash, bytes) })
    ctx.tree.putOps(completed, ops)
    if (entry.jobId.length > 0) ops.push({ type: 'put', sublevel: ctx.subs.jobs, key: jobKey(entry.jobId, size), value: EMPTY })
    for (const op of p.extraOps) ops.push(op as AuditBatchOp)
    done.push({ p, stored: { entry, bytes, hash } })
    size++
    prev = hash
  }
  return { ops, done, tip: { size, frontier, lastHash: prev } }
}
