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
export type AuditRecord = ((Exclude<AuditEvent, AnchoredEvent> & { jobId: Uint8Array }) | AnchoredEvent) & {
  /** unix ms; default: the log's clock */
  timestamp?: number
}

/** One append call: its records land together (one atomic unit), in order, with its extra ops. */
export interface Pending {
  records: readonly AuditRecord[]
  extraOps: ReadonlyArray<AuditBatchOp | StoreBatchOp>
  resolve: (s: StoredEntry[]) => void
  reject: (e: unknown) => void
}

/** The state of the log after some prefix of it: what the next entry chains onto. */
export interface Tip {
  size: number
  frontier: Uint8Array[]
  lastHash: Uint8Array
}

export interface PreparedBatch {
  ops: AuditBatchOp[]
  done: Array<{ p: Pending; stored: StoredEntry[] }>
  /** the tip once this batch is written */
  tip: Tip
}

export interface BatchContext {
  peer: Uint8Array
  now: () => number
  subs: AuditSublevels
  tree: TreeStore
}

export function prepareBatch(group: readonly Pending[], from: Tip, ctx: BatchContext): PreparedBatch {
  let size = from.size
  let prev = from.lastHash
  const frontier = from.frontier.slice() // one copy per batch, advanced in place
  const ops: AuditBatchOp[] = []
  const done: PreparedBatch['done'] = []
  for (const p of group) {
    // encode the whole unit before touching the frontier: a malformed record fails its unit alone
    const unit: StoredEntry[] = []
    let at = size
    let link = prev
    try {
      for (const record of p.records) {
        const { timestamp, ...event } = record
        const entry = {
          index: at,
          prevHash: link,
          timestamp: timestamp ?? ctx.now(),
          peer: ctx.peer,
          jobId: EMPTY,
          ...event,
        } as AuditEntry
        const bytes = encodeEntry(entry)
        const hash = entryHash(bytes)
        unit.push({ entry, bytes, hash })
        at++
        link = hash
      }
    } catch (err) {
      p.reject(err)
      continue
    }
    for (const stored of unit) {
      const completed = pushLeaf(frontier, size, stored.hash)
      ops.push({
        type: 'put',
        sublevel: ctx.subs.entries,
        key: indexKey(size),
        value: entryValue(stored.hash, stored.bytes),
      })
      ctx.tree.putOps(completed, ops)
      if (stored.entry.jobId.length > 0)
        ops.push({ type: 'put', sublevel: ctx.subs.jobs, key: jobKey(stored.entry.jobId, size), value: EMPTY })
      size++
      prev = stored.hash
    }
    for (const op of p.extraOps) ops.push(op as AuditBatchOp)
    done.push({ p, stored: unit })
  }
  return { ops, done, tip: { size, frontier, lastHash: prev } }
}
