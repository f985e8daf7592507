// Verified profiles of other peers, kept until they expire: a second lookup that finds the same
// providers needs no DHT reads for them. Bounded; the entry closest to expiry goes first.
import type { HardwareProfile } from '../../protocol/profile.ts'

export class ProfileCache {
  readonly #entries = new Map<string, HardwareProfile>()
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
    this.#entries.set(profile.peerId, profile)
    if (this.#entries.size > this.#max) this.#evict(now)
  }

  delete (peerId: string): void {
    this.#entries.delete(peerId)
  }

  clear (): void {
    this.#entries.clear()
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
