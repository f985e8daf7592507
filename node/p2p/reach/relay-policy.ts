// Whom this node relays for (issue 13, docs/reach.md "Relay policy"). A relay spends its
// bandwidth on others, so by default it serves only peers it has a market relationship with:
// - peers in relayAllowPeers (the devnet's peers, an operator's own machines);
// - providers whose signed profile it holds or can read from the DHT, verified (it learns them
//   as their profile records pass its DHT validator; a stranger with no profile is refused);
// - peers it dealt with in its own market role (bidders, awarded providers, requesters it bid
//   for or served), remembered for a while.
// Enforced as a connection gater on reservations: a peer without a reservation gets no circuits
// (js-libp2p refuses CONNECT to peers that hold none), so gating reservations gates the relay.
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { RelayPolicyMode } from '../../config.ts'

export interface RelayPolicyInit {
  mode: RelayPolicyMode
  allowPeers: readonly string[]
  now?: () => number
  /** how long to wait for a reserving provider's profile to appear in the DHT (default 8 s) */
  profileWaitMs?: number
  /** how long a market relationship admits a peer (default 1 h) */
  relationshipTtlMs?: number
}

/** true when `peer` has a valid signed provider profile this node can read */
export type ProfileCheck = (peer: string, signal: AbortSignal) => Promise<boolean>

export interface RelayPolicyCounters {
  admitted: number
  refused: number
}

export class RelayPolicy {
  readonly counters: RelayPolicyCounters = { admitted: 0, refused: 0 }
  private readonly init: RelayPolicyInit
  private readonly allow: Set<string>
  private readonly _related = new Map<string, number>()
  private readonly providers = new Map<string, number>()
  private readonly _now: () => number
  private profileCheck: ProfileCheck | undefined
  private closing = new AbortController()

  constructor(init: RelayPolicyInit) {
    this.init = init
    this.allow = new Set(init.allowPeers)
    this._now = init.now ?? Date.now
  }

  /** set once the node can read the DHT (the gater exists before libp2p does) */
  setProfileCheck(check: ProfileCheck | undefined): void {
    this.profileCheck = check
  }

  /** remembers a market counterparty (from the node's job events) */
  related(peer: string): void {
    this._related.set(peer, this._now() + (this.init.relationshipTtlMs ?? 60 * 60 * 1000))
  }

  /** a valid signed profile record of `peer` passed this node's DHT validator */
  providerSeen(peer: string): void {
    this.providers.set(peer, this._now() + (this.init.relationshipTtlMs ?? 60 * 60 * 1000))
  }

  /** stops waiting for profiles (node stopping) */
  close(): void {
    this.closing.abort()
  }

  private isRelated(peer: string): boolean {
    return this.fresh(this._related, peer) || this.fresh(this.providers, peer)
  }

  private fresh(map: Map<string, number>, peer: string): boolean {
    const until = map.get(peer)
    if (until === undefined) return false
    if (until > this._now()) return true
    map.delete(peer)
    return false
  }

  private async hasProfile(peer: string): Promise<boolean> {
    const check = this.profileCheck
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.init.profileWaitMs ?? 8000)])
    // a provider reserves right after connecting and may still be publishing its profile: look
    // again until the wait is over
    while (!signal.aborted) {
      if (this.isRelated(peer)) return true
      try {
        if (check !== undefined && (await check(peer, signal))) return true
      } catch {
        // a DHT read cut short proves nothing; try again while time is left
      }
      if (this.isRelated(peer)) return true
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 500)
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t)
            resolve()
          },
          { once: true },
        )
      })
    }
    return false
  }

  /** whether this relay serves `peer` */
  async admits(peer: PeerId): Promise<boolean> {
    const id = peer.toString()
    const ok = this.init.mode === 'open' || this.allow.has(id) || this.isRelated(id) || (await this.hasProfile(id))
    if (ok) this.counters.admitted++
    else this.counters.refused++
    return ok
  }

  /** the gater methods that enforce the policy */
  gater(): Pick<ConnectionGater, 'denyInboundRelayReservation'> {
    return {
      denyInboundRelayReservation: async (source: PeerId) => !(await this.admits(source)),
    }
  }
}
