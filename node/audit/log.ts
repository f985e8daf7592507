// The node's append-only audit log in its level database. Each append writes, in ONE atomic
// batch: the entry, its leaf hash and the subtree hashes it completes, its job index key,
// and the caller's own operations (the state change the entry records), so that an entry
// and what it records land together or not at all.
//
// Durability: append() resolves only after its batch was written with sync (fsync), so an
// acknowledged entry survives a crash; an unacknowledged one is either wholly there (with its
// state change) or wholly absent. Group commit: appends that arrive while a batch is being
// written are queued and committed together in the next batch, so many concurrent appends
// cost one fsync. Order is the order of append() calls; indices stay dense.
// All state is read back from the database on open: there is no in-memory-only truth.
import { logger } from '../log/logger.ts'
import { HiveError } from '../../protocol/errors.ts'
import { ZERO_HASH, decodeEntry, entryHash } from '../../protocol/audit/index.ts'
import { equalBytes, rootOfFrontier } from '../../protocol/merkle/index.ts'
import { prepareBatch, type AuditRecord, type Pending, type PreparedBatch, type Tip } from './batch.ts'
import { exportRange } from './export.ts'
import {
  LEAF_PREFIX_BYTES,
  auditSublevels,
  indexFromKey,
  indexKey,
  jobRange,
  type AuditBatchOp,
  type AuditSublevels,
} from './keys.ts'
import { TreeStore } from './tree-store.ts'
import type { AuditExport, StoredEntry } from '../../protocol/audit/index.ts'
import type { BytesSublevel, RootDb, StoreBatchOp } from '../store.ts'

const log = logger('hive:audit')

export type { AuditRecord } from './batch.ts'

export interface AppendOptions {
  /** operations committed atomically with the entry (the state change it records) */
  extraOps?: ReadonlyArray<AuditBatchOp | StoreBatchOp>
}

export interface AuditLogInit {
  /** the store's audit sublevel (node/store.ts); the log nests its own sublevels in it */
  db: BytesSublevel
  /** binary peer id of this node: every entry names it */
  peer: Uint8Array
  now?: () => number
  /** most entries per batch (default 2048) */
  maxGroup?: number
}

export class AuditLog {
  readonly peer: Uint8Array
  readonly tree: TreeStore
  private readonly _root: RootDb
  private readonly subs: AuditSublevels
  private readonly _now: () => number
  private readonly maxGroup: number
  private _size: number
  private frontier: Uint8Array[]
  private lastHash: Uint8Array
  private queue: Pending[] = []
  private draining: Promise<void> | undefined
  private _closed = false
  private readonly listeners = new Set<(size: number) => void>()

  private constructor(
    init: AuditLogInit,
    subs: AuditSublevels,
    tree: TreeStore,
    size: number,
    frontier: Uint8Array[],
    lastHash: Uint8Array,
  ) {
    this.peer = init.peer
    this._root = init.db.db as RootDb
    this.subs = subs
    this.tree = tree
    this._now = init.now ?? Date.now
    this.maxGroup = init.maxGroup ?? 2048
    this._size = size
    this.frontier = frontier
    this.lastHash = lastHash
  }

  /** Opens the log, recovering its size, frontier and last hash from the database. */
  static async open(init: AuditLogInit): Promise<AuditLog> {
    const subs = auditSublevels(init.db)
    const tree = new TreeStore(subs.nodes, subs.entries)
    const last = await subs.entries.keys({ reverse: true, limit: 1 }).all()
    const size = last.length === 0 ? 0 : indexFromKey(last[0]) + 1
    const frontier = await tree.frontier(size)
    let lastHash = ZERO_HASH
    if (size > 0) {
      const stored = await AuditLog.read(subs, size - 1)
      if (stored.entry.index !== size - 1)
        throw new HiveError('AUDIT_LOG_CORRUPT', 'the last entry has the wrong index', {
          size,
          index: stored.entry.index,
        })
      lastHash = stored.hash
    }
    log('opened audit log %o', { size })
    return new AuditLog(init, subs, tree, size, frontier, lastHash)
  }

  private static async read(subs: AuditSublevels, index: number): Promise<StoredEntry> {
    const value = await subs.entries.get(indexKey(index))
    if (value === undefined) throw new HiveError('AUDIT_ENTRY_NOT_FOUND', `no audit entry ${index}`, { index })
    return toStored(value)
  }

  /** Number of committed entries. */
  size(): number {
    return this._size
  }

  /** The current tree root (of size() entries), from memory. */
  currentRoot(): Uint8Array {
    return rootOfFrontier(this.frontier)
  }

  async append(record: AuditRecord, options: AppendOptions = {}): Promise<StoredEntry> {
    return (await this.appendAll([record], options))[0]
  }

  /** Appends `records` as one atomic unit: consecutive entries, written with `extraOps` or not at all. */
  appendAll(records: readonly AuditRecord[], options: AppendOptions = {}): Promise<StoredEntry[]> {
    if (this._closed) return Promise.reject(new HiveError('AUDIT_LOG_CLOSED', 'the audit log is closed'))
    if (records.length === 0 && (options.extraOps ?? []).length === 0) return Promise.resolve([])
    return new Promise((resolve, reject) => {
      this.queue.push({ records, extraOps: options.extraOps ?? [], resolve, reject })
      // start on a microtask so that appends issued together share the first batch too
      this.draining ??= Promise.resolve().then(async () => {
        await this.drain()
      })
    })
  }

  // Group commit, pipelined: while one batch is being written (and fsynced) the next is
  // prepared from the appends queued meanwhile, on top of the tip the written batch will
  // leave. Writes stay strictly sequential (a batch is issued only after the previous one
  // succeeded), so the database never holds an entry without all entries before it.
  private async drain(): Promise<void> {
    // `failure` settles with undefined when the write succeeded, with the error otherwise
    let writing: { batch: PreparedBatch; failure: Promise<unknown> } | undefined
    let tip = this.committedTip()
    try {
      for (;;) {
        let next = this.queue.length > 0 ? this.prepare(this.queue.splice(0, this.maxGroup), tip) : undefined
        if (writing !== undefined) {
          const failed = await writing.failure
          if (failed === undefined) {
            this.publish(writing.batch)
          } else {
            // nothing of that batch was written, and `next` (built on it) was not issued
            if (next !== undefined) {
              this.queue.unshift(...next.done.map((d) => d.p))
              next = undefined
            }
            await this.retrySingly(writing.batch, failed)
            tip = this.committedTip()
          }
          writing = undefined
        }
        if (next === undefined) {
          if (this.queue.length === 0) break
          continue
        }
        writing = {
          batch: next,
          failure: this.write(next).then(
            () => undefined,
            (err: unknown) => err ?? new Error('audit batch failed'),
          ),
        }
        tip = next.tip
        // let the callers just resolved append more before the next batch is prepared
        await Promise.resolve()
      }
    } finally {
      this.draining = undefined
    }
  }

  private committedTip(): Tip {
    return { size: this._size, frontier: this.frontier, lastHash: this.lastHash }
  }

  private prepare(group: Pending[], tip: Tip): PreparedBatch | undefined {
    const batch = prepareBatch(group, tip, { peer: this.peer, now: this._now, subs: this.subs, tree: this.tree })
    return batch.done.length === 0 ? undefined : batch
  }

  private async write(batch: PreparedBatch): Promise<void> {
    await this._root.batch<Uint8Array | string, unknown>(batch.ops, { sync: true })
  }

  private publish(batch: PreparedBatch): void {
    this._size = batch.tip.size
    this.frontier = batch.tip.frontier
    this.lastHash = batch.tip.lastHash
    for (const { p, stored } of batch.done) p.resolve(stored)
    for (const l of this.listeners) {
      try {
        l(this._size)
      } catch (err) {
        log.error('audit commit listener failed - %e', err)
      }
    }
  }

  /** Calls `listener(size)` after every committed batch; returns the unsubscribe function. */
  onCommit(listener: (size: number) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** After a failed batch: commit its appends one by one, so that only the culprit (say, a bad extra op) fails. */
  private async retrySingly(batch: PreparedBatch, err: unknown): Promise<void> {
    if (batch.done.length === 1) {
      batch.done[0].p.reject(err)
      return
    }
    log.error(
      'audit batch of %d failed, retrying singly: %s',
      batch.done.length,
      err instanceof Error ? err.message : String(err),
    )
    for (const { p } of batch.done) {
      const single = this.prepare([p], this.committedTip())
      if (single === undefined) continue
      try {
        await this.write(single)
        this.publish(single)
      } catch (e) {
        p.reject(e)
      }
    }
  }

  async get(index: number): Promise<StoredEntry> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this._size)
      throw new HiveError('AUDIT_ENTRY_NOT_FOUND', `no audit entry ${index}`, { index, size: this._size })
    return await AuditLog.read(this.subs, index)
  }

  /** Entries [start, end) in order. */
  async getRange(start: number, end: number): Promise<StoredEntry[]> {
    const hi = Math.min(end, this._size)
    if (start >= hi) return []
    const values = await this.subs.entries.values({ gte: indexKey(start), lt: indexKey(hi) }).all()
    return values.map(toStored)
  }

  /** Every entry about `jobId`, in log order. */
  async entriesForJob(jobId: Uint8Array): Promise<StoredEntry[]> {
    const keys = await this.subs.jobs.keys(jobRange(jobId)).all()
    const indices = keys
      .filter((k) => k.length === jobId.length + 8)
      .map((k) => indexFromKey(k, jobId.length))
      .filter((i) => i < this._size)
    const values = await this.subs.entries.getMany(indices.map(indexKey))
    return values.map((v, i) => {
      if (v === undefined)
        throw new HiveError('AUDIT_LOG_CORRUPT', 'job index names a missing entry', { index: indices[i] })
      return toStored(v)
    })
  }

  /** Root of the tree at any past size (default: now). */
  async root(size = this._size): Promise<Uint8Array> {
    this.checkSize(size)
    return size === this._size ? this.currentRoot() : await this.tree.root(size)
  }

  async inclusionProof(index: number, size = this._size): Promise<Uint8Array[]> {
    this.checkSize(size)
    return await this.tree.inclusionProof(index, size)
  }

  async consistencyProof(m: number, n = this._size): Promise<Uint8Array[]> {
    this.checkSize(n)
    return await this.tree.consistencyProof(m, n)
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this._size)
      throw new HiveError('AUDIT_TREE_TOO_SMALL', `the log has ${this._size} entries, not ${size}`, {
        size,
        have: this._size,
      })
  }

  /** The entries [start, end) with proofs against `sizes`, as one verifiable document (see export.ts). */
  async export(range: { start: number; end: number }, sizes?: number[]): Promise<AuditExport> {
    return await exportRange(this, range, sizes)
  }

  /** Waits for queued appends, then refuses new ones. Does not close the database (the store owns it). */
  async close(): Promise<void> {
    this._closed = true
    while (this.draining !== undefined) await this.draining
  }
}

/** An entry from its stored value, checking the stored leaf hash against the bytes (catches disk corruption). */
function toStored(value: Uint8Array): StoredEntry {
  const bytes = value.subarray(LEAF_PREFIX_BYTES)
  const hash = entryHash(bytes)
  if (value.length <= LEAF_PREFIX_BYTES || !equalBytes(hash, value.subarray(0, LEAF_PREFIX_BYTES))) {
    throw new HiveError('AUDIT_LOG_CORRUPT', 'a stored entry does not match its leaf hash', { length: value.length })
  }
  return { entry: decodeEntry(bytes), bytes, hash }
}
