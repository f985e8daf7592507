// Replay detection: remembers keys (job ids, jobId/provider pairs...) for a fixed time, in a
// bounded amount of memory. Time is passed in, so tests drive it and the protocol stays pure.
// For replay protection to hold, `ttlMs` must outlive the messages it guards (a message older
// than the TTL must already fail its own expiry check) and `capacity` must cover the peak
// rate × TTL; entries pushed out early by capacity are counted in `evictedEarly`, so a node can
// report when its cache is too small instead of silently accepting replays.

export interface SeenCacheInit {
  capacity: number
  ttlMs: number
}

export class SeenCache {
  readonly capacity: number
  readonly ttlMs: number
  /** entries evicted for lack of room before their TTL ran out */
  evictedEarly = 0
  // Map iteration order is insertion order, and every entry lives ttlMs, so the first
  // entries are always the oldest: expiry and eviction both pop from the front.
  private readonly entries = new Map<string, number>()

  constructor(init: SeenCacheInit) {
    if (!Number.isSafeInteger(init.capacity) || init.capacity < 1)
      throw new RangeError('capacity must be a positive integer')
    if (!(init.ttlMs > 0)) throw new RangeError('ttlMs must be positive')
    this.capacity = init.capacity
    this.ttlMs = init.ttlMs
  }

  get size(): number {
    return this.entries.size
  }

  /** True when `key` was added less than ttlMs before `now`. */
  has(key: string, now: number): boolean {
    const expiresAt = this.entries.get(key)
    return expiresAt !== undefined && expiresAt > now
  }

  /**
   * Records `key` as seen at `now`. Returns false (and changes nothing) when it was already
   * seen and not expired: check-and-add in one step.
   */
  add(key: string, now: number): boolean {
    this.prune(now)
    if (this.has(key, now)) return false
    this.entries.delete(key) // an expired leftover: re-insert at the back
    while (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value as string
      this.entries.delete(oldest)
      this.evictedEarly++
    }
    this.entries.set(key, now + this.ttlMs)
    return true
  }

  /** Drops `key`, seen or not: the next add of it succeeds (a message taken back, e.g. an award declined). */
  forget(key: string): void {
    this.entries.delete(key)
  }

  /** Drops expired entries (also done by every add). */
  prune(now: number): void {
    for (const [key, expiresAt] of this.entries) {
      if (expiresAt > now) break
      this.entries.delete(key)
    }
  }
}
