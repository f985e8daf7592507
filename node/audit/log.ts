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
import { logger } from '@libp2p/logger'
import { HiveError } from '../../protocol/errors.ts'
import { ZERO_HASH, decodeEntry, encodeEntry, entryHash } from '../../protocol/audit/index.ts'
import { appendLeaf, equalBytes, rootOfFrontier } from '../../protocol/merkle/index.ts'
import { LEAF_PREFIX_BYTES, auditSublevels, entryValue, indexFromKey, indexKey, jobKey, jobRange, type AuditBatchOp, type AuditSublevels } from './keys.ts'
import { exportRange } from './export.ts'
import { TreeStore } from './tree-store.ts'
import type { AnchoredEvent, AuditEntry, AuditEvent, AuditExport, StoredEntry } from '../../protocol/audit/index.ts'
import type { BytesSublevel, RootDb, StoreBatchOp } from '../store.ts'

const log = logger('hive:audit')
const EMPTY = new Uint8Array(0)

/** What a caller appends: an event about a job (or an anchor); the log adds index, prevHash and peer. */
export type AuditRecord = (Exclude<AuditEvent, AnchoredEvent> & { jobId: Uint8Array } | AnchoredEvent) & {
  /** unix ms; default: the log's clock */
  timestamp?: number
}

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

interface Pending { record: AuditRecord, extraOps: ReadonlyArray<AuditBatchOp | StoreBatchOp>, resolve: (s: StoredEntry) => void, reject: (e: unknown) => void }

export class AuditLog {
  readonly peer: Uint8Array
  readonly tree: TreeStore
  readonly #root: RootDb
  readonly #subs: AuditSublevels
  readonly #now: () => number
  readonly #maxGroup: number
  #size: number
  #frontier: Uint8Array[]
  #lastHash: Uint8Array
  #queue: Pending[] = []
  #draining: Promise<void> | undefined
  #closed = false

  private constructor (init: AuditLogInit, subs: AuditSublevels, tree: TreeStore, size: number, frontier: Uint8Array[], lastHash: Uint8Array) {
    this.peer = init.peer
    this.#root = init.db.db as RootDb
    this.#subs = subs
    this.tree = tree
    this.#now = init.now ?? Date.now
    this.#maxGroup = init.maxGroup ?? 2048
    this.#size = size
    this.#frontier = frontier
    this.#lastHash = lastHash
  }

  /** Opens the log, recovering its size, frontier and last hash from the database. */
  static async open (init: AuditLogInit): Promise<AuditLog> {
    const subs = auditSublevels(init.db)
    const tree = new TreeStore(subs.nodes, subs.entries)
    const last = await subs.entries.keys({ reverse: true, limit: 1 }).all()
    const size = last.length === 0 ? 0 : indexFromKey(last[0]) + 1
    const frontier = await tree.frontier(size)
    let lastHash = ZERO_HASH
    if (size > 0) {
      const stored = await AuditLog.#read(subs, size - 1)
      if (stored.entry.index !== size - 1) throw new HiveError('AUDIT_LOG_CORRUPT', 'the last entry has the wrong index', { size, index: stored.entry.index })
      lastHash = stored.hash
    }
    log('opened audit log %o', { size })
    return new AuditLog(init, subs, tree, size, frontier, lastHash)
  }

  static async #read (subs: AuditSublevels, index: number): Promise<StoredEntry> {
    const value = await subs.entries.get(indexKey(index))
    if (value === undefined) throw new HiveError('AUDIT_ENTRY_NOT_FOUND', `no audit entry ${index}`, { index })
    return toStored(value)
  }

  /** Number of committed entries. */
  size (): number { return this.#size }

  /** The current tree root (of size() entries), from memory. */
  currentRoot (): Uint8Array { return rootOfFrontier(this.#frontier) }

  append (record: AuditRecord, options: AppendOptions = {}): Promise<StoredEntry> {
    if (this.#closed) return Promise.reject(new HiveError('AUDIT_LOG_CLOSED', 'the audit log is closed'))
    return new Promise((resolve, reject) => {
      this.#queue.push({ record, extraOps: options.extraOps ?? [], resolve, reject })
      // start on a microtask so that appends issued together share the first batch too
      this.#draining ??= Promise.resolve().then(async () => { await this.#drain() })
    })
  }

  async #drain (): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#commit(this.#queue.splice(0, this.#maxGroup))
    } finally {
      this.#draining = undefined
    }
  }

  async #commit (group: Pending[]): Promise<void> {
    let size = this.#size
    let frontier = this.#frontier
    let prev = this.#lastHash
    const ops: Array<AuditBatchOp | StoreBatchOp> = []
    const done: Array<{ p: Pending, stored: StoredEntry }> = []
    for (const p of group) {
      const { timestamp, ...event } = p.record
      const entry = { index: size, prevHash: prev, timestamp: timestamp ?? this.#now(), peer: this.peer, jobId: EMPTY, ...event } as AuditEntry
      let bytes: Uint8Array
      try {
        bytes = encodeEntry(entry)
      } catch (err) {
        p.reject(err) // a malformed record fails alone, before anything is written
        continue
      }
      const hash = entryHash(bytes)
      const next = appendLeaf(frontier, size, hash)
      ops.push({ type: 'put', sublevel: this.#subs.entries, key: indexKey(size), value: entryValue(hash, bytes) })
      this.tree.putOps(next.completed, ops as AuditBatchOp[])
      if (entry.jobId.length > 0) ops.push({ type: 'put', sublevel: this.#subs.jobs, key: jobKey(entry.jobId, size), value: EMPTY })
      ops.push(...p.extraOps)
      done.push({ p, stored: { entry, bytes, hash } })
      size++
      frontier = next.frontier
      prev = hash
    }
    if (done.length === 0) return
    try {
      await this.#root.batch<Uint8Array | string, unknown>(ops as AuditBatchOp[], { sync: true })
    } catch (err) {
      if (done.length > 1) {
        // nothing was written; commit one by one so that only the culprit (say, a bad extra op) fails
        log.error('audit batch of %d failed, retrying singly: %s', done.length, (err as Error).message)
        for (const { p } of done) await this.#commit([p])
        return
      }
      done[0].p.reject(err)
      return
    }
    this.#size = size
    this.#frontier = frontier
    this.#lastHash = prev
    for (const { p, stored } of done) p.resolve(stored)
  }

  async get (index: number): Promise<StoredEntry> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#size) throw new HiveError('AUDIT_ENTRY_NOT_FOUND', `no audit entry ${index}`, { index, size: this.#size })
    return await AuditLog.#read(this.#subs, index)
  }

  /** Entries [start, end) in order. */
  async getRange (start: number, end: number): Promise<StoredEntry[]> {
    const hi = Math.min(end, this.#size)
    if (start >= hi) return []
    const values = await this.#subs.entries.values({ gte: indexKey(start), lt: indexKey(hi) }).all()
    return values.map(toStored)
  }

  /** Every entry about `jobId`, in log order. */
  async entriesForJob (jobId: Uint8Array): Promise<StoredEntry[]> {
    const keys = await this.#subs.jobs.keys(jobRange(jobId)).all()
    const indices = keys.filter((k) => k.length === jobId.length + 8).map((k) => indexFromKey(k, jobId.length)).filter((i) => i < this.#size)
    const values = await this.#subs.entries.getMany(indices.map(indexKey))
    return values.map((v, i) => {
      if (v === undefined) throw new HiveError('AUDIT_LOG_CORRUPT', 'job index names a missing entry', { index: indices[i] })
      return toStored(v)
    })
  }

  /** Root of the tree at any past size (default: now). */
  async root (size = this.#size): Promise<Uint8Array> {
    this.#checkSize(size)
    return size === this.#size ? this.currentRoot() : await this.tree.root(size)
  }

  async inclusionProof (index: number, size = this.#size): Promise<Uint8Array[]> {
    this.#checkSize(size)
    return await this.tree.inclusionProof(index, size)
  }

  async consistencyProof (m: number, n = this.#size): Promise<Uint8Array[]> {
    this.#checkSize(n)
    return await this.tree.consistencyProof(m, n)
  }

  #checkSize (size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#size) throw new HiveError('AUDIT_TREE_TOO_SMALL', `the log has ${this.#size} entries, not ${size}`, { size, have: this.#size })
  }

  /** The entries [start, end) with proofs against `sizes`, as one verifiable document (see export.ts). */
  async export (range: { start: number, end: number }, sizes?: number[]): Promise<AuditExport> {
    return await exportRange(this, range, sizes)
  }

  /** Waits for queued appends, then refuses new ones. Does not close the database (the store owns it). */
  async close (): Promise<void> {
    this.#closed = true
    while (this.#draining !== undefined) await this.#draining
  }
}

/** An entry from its stored value, checking the stored leaf hash against the bytes (catches disk corruption). */
function toStored (value: Uint8Array): StoredEntry {
  const bytes = value.subarray(LEAF_PREFIX_BYTES)
  const hash = entryHash(bytes)
  if (value.length <= LEAF_PREFIX_BYTES || !equalBytes(hash, value.subarray(0, LEAF_PREFIX_BYTES))) {
    throw new HiveError('AUDIT_LOG_CORRUPT', 'a stored entry does not match its leaf hash', { length: value.length })
  }
  return { entry: decodeEntry(bytes), bytes, hash }
}
