// Verified profiles of other peers, kept until they expire: a second lookup that finds the same
// providers needs no DHT reads for them. Bounded; the entry closest to expiry goes first.
// Also remembers, briefly, peers that had no valid profile: provider records outlive the
// profiles they point to (kad-dht keeps them 48 h), so after churn every lookup would otherwise
// walk the DHT in vain once per departed provider.
import type { HardwareProfile } from '../../protocol/profile.ts'

export class ProfileCache {
  readonly #entries = new Map<string, HardwareProfile>()
  readonly #missing = new Map<string, number>()
  readonly #max: number

  constructor (max = 1024) {
    this.#max = max
  }

  get size (): number { return this.#entries.size }

  get (peerId: string, now: number): HardwareProfile | undefined {
    const p = this.#entries.get(peerId)
    if (p === undefined) return undefined
    if (p.expiresAt <= now) {
      this.#entries.delete(peerId)
      return undefined
    }
    return p
  }

  /** Keeps the newer of the cached and the given profile (by issuedAt). */
  set (profile: HardwareProfile, now: number): void {
    const old = this.#entries.get(profile.peerId)
    if (old !== undefined && old.issuedAt >= profile.issuedAt && old.expiresAt > now) return
    this.#missing.delete(profile.peerId)
    this.#entries.set(profile.peerId, profile)
    if (this.#entries.size > this.#max) this.#evict(now)
  }

  delete (peerId: string): void {
    this.#entries.delete(peerId)
  }

  /** Records that no valid profile was found for the peer; isMissing answers true until `until`. */
  markMissing (peerId: string, until: number): void {
    this.#missing.set(peerId, until)
    if (this.#missing.size > this.#max) {
      // drop the entry that lapses first (Map order is insertion order, roughly that)
      const first = this.#missing.keys().next()
      if (first.done !== true) this.#missing.delete(first.value)
    }
  }

  isMissing (peerId: string, now: number): boolean {
    const until = this.#missing.get(peerId)
    if (until === undefined) return false
    if (until <= now) {
      this.#missing.delete(peerId)
      return false
    }
    return true
  }

  clear (): void {
    this.#entries.clear()
    this.#missing.clear()
  }

  #evict (now: number): void {
    let victim: HardwareProfile | undefined
    for (const p of this.#entries.values()) {
      if (p.expiresAt <= now) { this.#entries.delete(p.peerId); continue }
      if (victim === undefined || p.expiresAt < victim.expiresAt) victim = p
    }
    if (this.#entries.size > this.#max && victim !== undefined) this.#entries.delete(victim.peerId)
  }
}
