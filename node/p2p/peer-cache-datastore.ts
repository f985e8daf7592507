// libp2p's peer store keeps one record per peer under `/peers/<id>` in its datastore, and reads
// and rewrites it for nearly everything: every peer a DHT answer names (kad-dht's offline
// closest-peer lookups read each one), every address merge, every dial outcome; and kad-dht's
// routing table and the relay's reservation store list every record (`peerStore.all()`, a query
// that decodes each one) again and again. In the node's LevelDB each is an asynchronous read,
// write or scan; after 21 processes started, the peer store was a third of a provider's CPU for
// half a minute (issue 14). This datastore holds every `/peers/` record in memory (read from the
// database once, at the first use) and writes changes behind (at most every `flushMs`, one batch,
// the newest value of each key): reads and queries of peer records never reach LevelDB, and a
// record rewritten ten times in a second is written once. Every other key (DHT records, provider
// records) goes straight through. Past `capacity` records the view is no longer complete: reads
// that miss and queries go to the database again (after a flush). A crash loses at most `flushMs`
// of peer-store updates: routing knowledge that the network gives back, never anything promised.
import { Key } from 'interface-datastore'
import type { Batch, Datastore, KeyQuery, Pair, Query } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'

const PEERS = '/peers/'

export interface PeerCacheOptions {
  /** how long a changed record may wait for its write (default 1 s) */
  flushMs?: number
  /** most records held in memory (default 20,000); the least recently used clean ones go first */
  capacity?: number
}

export interface PeerCacheStats {
  hits: number
  misses: number
  writes: number
  flushedRecords: number
  flushes: number
}

export class PeerCacheDatastore implements Datastore {
  private readonly inner: Datastore
  private readonly flushMs: number
  private readonly capacity: number
  /** key -> value, most recently used last */
  private readonly cache = new Map<string, Uint8Array>()
  /** keys written or deleted since the last flush: value, or null for a delete */
  private readonly dirty = new Map<string, Uint8Array | null>()
  /** every /peers/ record is in `cache` (loaded, and never more than capacity since) */
  private complete = false
  private loading: Promise<void> | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private flushing: Promise<void> = Promise.resolve()
  private readonly counts: PeerCacheStats = { hits: 0, misses: 0, writes: 0, flushedRecords: 0, flushes: 0 }

  constructor(inner: Datastore, options: PeerCacheOptions = {}) {
    this.inner = inner
    this.flushMs = options.flushMs ?? 1_000
    this.capacity = options.capacity ?? 20_000
  }

  stats(): PeerCacheStats {
    return { ...this.counts }
  }

  /** records held in memory */
  get size(): number {
    return this.cache.size
  }

  async put(key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const k = key.toString()
    if (!k.startsWith(PEERS)) return await this.inner.put(key, value, options)
    await this.load()
    // pending first: remember() never evicts a pending record (this one included)
    this.dirty.set(k, value)
    this.remember(k, value)
    this.counts.writes++
    this.schedule()
    return key
  }

  async get(key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const k = key.toString()
    if (!k.startsWith(PEERS)) return await this.inner.get(key, options)
    await this.load()
    const held = this.cache.get(k)
    if (held !== undefined) {
      this.counts.hits++
      this.cache.delete(k)
      this.cache.set(k, held)
      return held
    }
    // deleted and not flushed yet: gone, whatever the database still holds
    if (this.dirty.get(k) === null || this.complete) throw notFound(k)
    this.counts.misses++
    const value = await this.inner.get(key, options)
    // a put or delete that came while we read is newer than what we read
    if (!this.dirty.has(k) && !this.cache.has(k)) this.remember(k, value)
    return this.cache.get(k) ?? value
  }

  async has(key: Key, options?: AbortOptions): Promise<boolean> {
    const k = key.toString()
    if (!k.startsWith(PEERS)) return await this.inner.has(key, options)
    await this.load()
    if (this.cache.has(k)) return true
    if (this.dirty.get(k) === null || this.complete) return false
    return await this.inner.has(key, options)
  }

  async delete(key: Key, options?: AbortOptions): Promise<void> {
    const k = key.toString()
    if (!k.startsWith(PEERS)) {
      await this.inner.delete(key, options)
      return
    }
    await this.load()
    this.cache.delete(k)
    this.dirty.set(k, null)
    this.schedule()
  }

  async *putMany(source: AsyncIterable<Pair> | Iterable<Pair>, options?: AbortOptions): AsyncGenerator<Key> {
    for await (const { key, value } of source) yield await this.put(key, value, options)
  }

  async *getMany(source: AsyncIterable<Key> | Iterable<Key>, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const key of source) yield { key, value: await this.get(key, options) }
  }

  async *deleteMany(source: AsyncIterable<Key> | Iterable<Key>, options?: AbortOptions): AsyncGenerator<Key> {
    for await (const key of source) {
      await this.delete(key, options)
      yield key
    }
  }

  batch(): Batch {
    const ops: Array<{ key: Key; value?: Uint8Array }> = []
    return {
      put: (key, value) => {
        ops.push({ key, value })
      },
      delete: (key) => {
        ops.push({ key })
      },
      commit: async (options) => {
        const inner = this.inner.batch()
        let passed = 0
        for (const op of ops) {
          const k = op.key.toString()
          if (k.startsWith(PEERS)) {
            if (op.value !== undefined) await this.put(op.key, op.value)
            else await this.delete(op.key)
            continue
          }
          if (op.value !== undefined) inner.put(op.key, op.value)
          else inner.delete(op.key)
          passed++
        }
        if (passed > 0) await inner.commit(options)
      },
    }
  }

  /**
   * A query within the peer records is answered from memory while the view is complete; any
   * other query touching them sees every write made so far (they are flushed first).
   */
  async *query(q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    if (q.prefix?.startsWith(PEERS) === true) {
      await this.load()
      if (this.complete) {
        yield* select(this.pairs(q.prefix), q)
        return
      }
    }
    if (touchesPeers(q.prefix)) await this.flush()
    yield* this.inner.query(q, options)
  }

  async *queryKeys(q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    if (q.prefix?.startsWith(PEERS) === true) {
      await this.load()
      if (this.complete) {
        const keys = [...this.pairs(q.prefix)].map((p) => p.key)
        yield* select(keys, q)
        return
      }
    }
    if (touchesPeers(q.prefix)) await this.flush()
    yield* this.inner.queryKeys(q, options)
  }

  private *pairs(prefix: string): Generator<Pair> {
    for (const [k, value] of this.cache) if (k.startsWith(prefix)) yield { key: new Key(k), value }
  }

  /** Reads every peer record into memory, once (the first call of any peer-record operation). */
  private async load(): Promise<void> {
    this.loading ??= (async () => {
      let n = 0
      for await (const { key, value } of this.inner.query({ prefix: PEERS })) {
        const k = key.toString()
        // a write or delete that came while we read is newer
        if (!this.dirty.has(k) && !this.cache.has(k)) this.cache.set(k, value)
        if (++n > this.capacity) return
      }
      this.complete = this.cache.size <= this.capacity
    })()
    await this.loading
  }

  /** Writes every pending record now (stop() calls it before the database closes). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    const next = this.flushing.then(async () => {
      if (this.dirty.size === 0) return
      const batch = this.inner.batch()
      const pending = [...this.dirty]
      this.dirty.clear()
      for (const [k, v] of pending) {
        if (v === null) batch.delete(new Key(k))
        else batch.put(new Key(k), v)
      }
      try {
        await batch.commit()
      } catch (err) {
        // not written: keep them for the next flush, unless a newer write came meanwhile
        for (const [k, v] of pending) if (!this.dirty.has(k)) this.dirty.set(k, v)
        throw err
      }
      this.counts.flushes++
      this.counts.flushedRecords += pending.length
    })
    this.flushing = next.catch(() => {})
    await next
  }

  private schedule(): void {
    if (this.timer !== undefined) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush().catch(() => {
        // the store's own health checks report a failing database; the records stay pending
      })
    }, this.flushMs)
    this.timer.unref?.()
  }

  private remember(k: string, value: Uint8Array): void {
    this.cache.delete(k)
    this.cache.set(k, value)
    if (this.cache.size <= this.capacity) return
    // from here on some records live only in the database
    this.complete = false
    for (const old of this.cache.keys()) {
      if (this.cache.size <= this.capacity) break
      // a record not written yet stays: dropping it would lose it
      if (!this.dirty.has(old)) this.cache.delete(old)
    }
  }
}

function touchesPeers(prefix: string | undefined): boolean {
  return prefix === undefined || prefix.startsWith(PEERS) || PEERS.startsWith(prefix)
}

function notFound(key: string): Error {
  const err = new Error(`${key} not found`)
  err.name = 'NotFoundError'
  return err
}

/** A query's filters, orders, offset and limit over items in memory (interface-datastore's semantics). */
function* select<T>(
  items: Iterable<T>,
  q: {
    filters?: Array<(item: T) => boolean>
    orders?: Array<(a: T, b: T) => -1 | 0 | 1>
    offset?: number
    limit?: number
  },
): Generator<T> {
  let list = [...items]
  for (const f of q.filters ?? []) list = list.filter((x) => f(x))
  for (const o of q.orders ?? []) list.sort(o)
  const start = q.offset ?? 0
  yield* list.slice(start, q.limit !== undefined ? start + q.limit : undefined)
}
