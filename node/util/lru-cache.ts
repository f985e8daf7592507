// A bounded map: at most `maxEntries`, the least recently used evicted first, and each entry
// forgotten `ttlMs` after it was set. For caches keyed by what peers choose (peer ids, CIDs),
// which would otherwise grow with every new key a peer makes up.

export interface LruCacheInit {
  maxEntries: number
  /** forget an entry this long after it was set (default: never) */
  ttlMs?: number
  now?: () => number
  /** called for every entry that leaves the cache other than by delete() */
  onEvict?: (key: string) => void
}

export class LruCache<V> {
  private readonly init: LruCacheInit
  private readonly now: () => number
  private readonly entries = new Map<string, { value: V; at: number }>()

  constructor(init: LruCacheInit) {
    if (!Number.isSafeInteger(init.maxEntries) || init.maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer')
    }
    this.init = init
    this.now = init.now ?? Date.now
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key)
    if (e === undefined) return undefined
    if (this.init.ttlMs !== undefined && this.now() - e.at >= this.init.ttlMs) {
      this.entries.delete(key)
      this.init.onEvict?.(key)
      return undefined
    }
    // most recently used goes last: Map keeps insertion order
    this.entries.delete(key)
    this.entries.set(key, e)
    return e.value
  }

  set(key: string, value: V): void {
    this.entries.delete(key)
    this.entries.set(key, { value, at: this.now() })
    while (this.entries.size > this.init.maxEntries) {
      const oldest = this.entries.keys().next().value as string
      this.entries.delete(oldest)
      this.init.onEvict?.(oldest)
    }
  }

  delete(key: string): boolean {
    return this.entries.delete(key)
  }

  get size(): number {
    return this.entries.size
  }
}
