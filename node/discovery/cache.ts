// Verified profiles of other peers, kept until they expire: the node's local view of the
// providers it knows, fed by profile announcements (announce.ts) and by DHT reads (lookup.ts), so
// a lookup answers from memory. Bounded; the entry closest to expiry goes first. Per peer the
// profile issued last wins (issuedAt is the profile's sequence number): a restarted provider's
// new profile replaces its old one at once, and an old one arriving later changes nothing.
// Also remembers, briefly, peers that had no valid profile: provider records outlive the
// profiles they point to (kad-dht keeps them 48 h), so after churn every lookup would otherwise
// walk the DHT in vain once per departed provider.
import { profileMatchesFilter } from '../../protocol/capabilities.ts'
import type { CapabilityFilter } from '../../protocol/capabilities.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'

export class ProfileCache {
  private readonly entries = new Map<string, HardwareProfile>()
  private readonly missing = new Map<string, number>()
  private readonly max: number
  /** bumped on every change of the entries: callers memoise what they derive from the view */
  private _version = 0
  /** the signed record each profile was verified from (profile-exchange.ts serves them); dies with the profile */
  private readonly records = new WeakMap<HardwareProfile, Uint8Array>()

  constructor(max = 1024) {
    this.max = max
  }

  get size(): number {
    return this.entries.size
  }

  get version(): number {
    return this._version
  }

  get(peerId: string, now: number): HardwareProfile | undefined {
    const p = this.entries.get(peerId)
    if (p === undefined) return undefined
    if (p.expiresAt <= now) {
      this.entries.delete(peerId)
      this._version++
      return undefined
    }
    return p
  }

  /** Keeps the newer of the cached and the given profile (by issuedAt); true if the given one was taken. */
  set(profile: HardwareProfile, now: number): boolean {
    if (profile.expiresAt <= now) return false
    const old = this.entries.get(profile.peerId)
    if (old !== undefined && old.issuedAt >= profile.issuedAt && old.expiresAt > now) return false
    this.missing.delete(profile.peerId)
    this._version++
    // re-inserted at the end: Map order stays roughly the order profiles were last refreshed
    this.entries.delete(profile.peerId)
    this.entries.set(profile.peerId, profile)
    if (this.entries.size > this.max) this.evict(now)
    return true
  }

  /** Remembers the signed record `profile` was verified from (copied: it may be a view of a larger buffer). */
  noteRecord(profile: HardwareProfile, record: Uint8Array): void {
    this.records.set(profile, record.slice())
  }

  /** The signed record a profile in the view was verified from, when one was noted. */
  recordOf(profile: HardwareProfile): Uint8Array | undefined {
    return this.records.get(profile)
  }

  /** The profile issued at `issuedAt` or later is already known for this peer (an older one is stale). */
  hasNewer(peerId: string, issuedAt: number, now: number): boolean {
    const old = this.get(peerId, now)
    return old !== undefined && old.issuedAt >= issuedAt
  }

  /** Unexpired profiles matching the filter (expired ones are dropped on the way). */
  matching(filter: CapabilityFilter, now: number): HardwareProfile[] {
    const out: HardwareProfile[] = []
    for (const [id, p] of this.entries) {
      if (p.expiresAt <= now) {
        this.entries.delete(id)
        this._version++
        continue
      }
      if (profileMatchesFilter(p, filter)) out.push(p)
    }
    return out
  }

  delete(peerId: string): void {
    if (this.entries.delete(peerId)) this._version++
  }

  /** Records that no valid profile was found for the peer; isMissing answers true until `until`. */
  markMissing(peerId: string, until: number): void {
    this.missing.set(peerId, until)
    if (this.missing.size > this.max) {
      // drop the entry that lapses first (Map order is insertion order, roughly that)
      const first = this.missing.keys().next()
      if (first.done !== true) this.missing.delete(first.value)
    }
  }

  isMissing(peerId: string, now: number): boolean {
    const until = this.missing.get(peerId)
    if (until === undefined) return false
    if (until <= now) {
      this.missing.delete(peerId)
      return false
    }
    return true
  }

  clear(): void {
    this._version++
    this.entries.clear()
    this.missing.clear()
  }

  private evict(now: number): void {
    let victim: HardwareProfile | undefined
    for (const p of this.entries.values()) {
      if (p.expiresAt <= now) {
        this.entries.delete(p.peerId)
        continue
      }
      if (victim === undefined || p.expiresAt < victim.expiresAt) victim = p
    }
    if (this.entries.size > this.max && victim !== undefined) this.entries.delete(victim.peerId)
  }
}
