// Whom this node relays for (issue 13, docs/reach.md "Relay policy"). A relay spends its
// bandwidth on others, so by default it serves only peers it has a market relationship with:
// - peers in relayAllowPeers (the devnet's peers, an operator's own machines);
// - providers whose signed profile it holds or can read from the DHT, verified (it learns them
//   as their profile records pass its DHT validator; a stranger with no profile is refused);
// - peers it dealt with in its own market role (bidders, awarded providers, requesters it bid
//   for or served), remembered for a while;
// - where the relay has a chain: a provider's profile counts only while its stake is on chain
//   (at least the live minimum, not slashed), and a peer with no profile (a requester) is
//   served when it shows a signed binding of its peer id to an account that holds at least
//   `relayRequesterMinHive` HIVE (relay-tie.ts asks for it; a few peer ids per account at most).
// Enforced as a connection gater on reservations: a peer without a reservation gets no circuits
// (js-libp2p refuses CONNECT to peers that hold none), so gating reservations gates the relay.
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { RelayPolicyMode } from '../../config.ts'
import type { RelayTieClaim } from './relay-tie.ts'

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

/** asks `peer`, over its connection, for its signed account binding (undefined: none) */
export type TieAsk = (peer: PeerId, signal: AbortSignal) => Promise<RelayTieClaim | undefined>

/** What the relay's chain says (node/chain/relay-checks.ts); every answer false on an RPC failure. */
export interface RelayChainChecks {
  /** the provider behind `peer` has its stake bonded on chain: at least the live minimum, not slashed */
  providerStaked(peer: PeerId): Promise<boolean>
  /**
   * the account `claim` binds `peer` to, when the binding is valid on this chain and the account
   * holds enough funds to pay for jobs; undefined otherwise
   */
  fundedAccount(peer: PeerId, claim: RelayTieClaim): Promise<string | undefined>
}

export interface RelayPolicyCounters {
  admitted: number
  refused: number
  /** reservations granted to requesters on their funded account (relay-tie) */
  admittedFunded: number
  /** profiles that did not count because their stake is not on chain */
  refusedUnstaked: number
}

/** peer ids one funded account may hold reservations for at once (a requester and a spare machine) */
export const PEERS_PER_ACCOUNT = 4

export class RelayPolicy {
  readonly counters: RelayPolicyCounters = { admitted: 0, refused: 0, admittedFunded: 0, refusedUnstaked: 0 }
  private readonly init: RelayPolicyInit
  private readonly allow: Set<string>
  private readonly _related = new Map<string, number>()
  private readonly providers = new Map<string, number>()
  private readonly _now: () => number
  private profileCheck: ProfileCheck | undefined
  private chain: RelayChainChecks | undefined
  private ask: TieAsk | undefined
  /** peers admitted on a funded account: peer -> account, and until when */
  private readonly funded = new Map<string, { account: string; until: number }>()
  /** providers whose stake was seen on chain, until when */
  private readonly staked = new Map<string, number>()
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

  /** set when the node has a chain: stake and funds checks (before that, profiles count as they are) */
  setChainChecks(checks: RelayChainChecks | undefined): void {
    this.chain = checks
  }

  /** how the relay asks a reserving peer for its account binding (needs libp2p) */
  setTieAsk(ask: TieAsk | undefined): void {
    this.ask = ask
  }

  /** remembers a market counterparty (from the node's job events) */
  related(peer: string): void {
    this._related.set(peer, this._now() + this.ttl())
  }

  /** a valid signed profile record of `peer` passed this node's DHT validator */
  providerSeen(peer: string): void {
    this.providers.set(peer, this._now() + this.ttl())
  }

  /** stops waiting for profiles (node stopping) */
  close(): void {
    this.closing.abort()
  }

  private ttl(): number {
    return this.init.relationshipTtlMs ?? 60 * 60 * 1000
  }

  private isRelated(peer: string): boolean {
    return this.fresh(this._related, peer)
  }

  private fresh(map: Map<string, number>, peer: string): boolean {
    const until = map.get(peer)
    if (until === undefined) return false
    if (until > this._now()) return true
    map.delete(peer)
    return false
  }

  /** a provider profile counts when it is known and, with a chain, its stake is on chain */
  private async stakedProvider(peer: PeerId, id: string): Promise<boolean> {
    const chain = this.chain
    if (chain === undefined) return true
    if (this.fresh(this.staked, id)) return true
    if (!(await chain.providerStaked(peer).catch(() => false))) return false
    // re-read after a while: a stake can be withdrawn or slashed
    this.staked.set(id, this._now() + Math.min(this.ttl(), 10 * 60 * 1000))
    return true
  }

  /** a requester's tie: a valid binding to an account holding enough funds, few peers per account */
  private async fundedRequester(peer: PeerId, id: string, signal: AbortSignal): Promise<boolean> {
    const chain = this.chain
    const ask = this.ask
    if (chain === undefined || ask === undefined) return false
    const held = this.funded.get(id)
    if (held !== undefined && held.until > this._now()) return true
    const claim = await ask(peer, signal)
    if (claim === undefined) return false
    const account = await chain.fundedAccount(peer, claim).catch(() => undefined)
    if (account === undefined) return false
    const now = this._now()
    const others = [...this.funded].filter(([p, f]) => p !== id && f.account === account && f.until > now)
    // one account's funds do not buy reservations for a swarm of peer ids
    if (others.length >= PEERS_PER_ACCOUNT) return false
    this.funded.set(id, { account, until: now + Math.min(this.ttl(), 10 * 60 * 1000) })
    this.counters.admittedFunded++
    return true
  }

  /** the profile (with its stake) or funded-account routes, tried until the wait is over */
  private async earned(peer: PeerId, id: string): Promise<boolean> {
    const check = this.profileCheck
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.init.profileWaitMs ?? 8000)])
    // the peer may not serve the question yet in its first moments: ask a few times
    let tieAsks = 0
    let unstaked = false
    // a provider reserves right after connecting and may still be publishing its profile: look
    // again until the wait is over
    while (!signal.aborted) {
      if (this.isRelated(id)) return true
      let profile = this.fresh(this.providers, id)
      if (!profile && check !== undefined) {
        try {
          profile = await check(id, signal)
        } catch {
          // a DHT read cut short proves nothing; try again while time is left
        }
      }
      if (profile) {
        if (await this.stakedProvider(peer, id)) return true
        unstaked = true
      }
      // a requester has no profile: ask for its account
      if (tieAsks < 3 && this.chain !== undefined && this.ask !== undefined) {
        tieAsks++
        if (await this.fundedRequester(peer, id, signal)) return true
      }
      if (this.isRelated(id)) return true
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
    if (unstaked) this.counters.refusedUnstaked++
    return false
  }

  /** whether this relay serves `peer` */
  async admits(peer: PeerId): Promise<boolean> {
    const id = peer.toString()
    const ok = this.init.mode === 'open' || this.allow.has(id) || this.isRelated(id) || (await this.earned(peer, id))
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
