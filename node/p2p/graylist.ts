// Graylisted peers are hung up on and kept out for a while (issue 16, sybil flood).
//
// Gossipsub only stops *reading* a peer whose score fell below the graylist threshold: the
// connection stays, every frame it sends is still decrypted and parsed, the streams it holds
// open stay open, and (a requester that publishes without a mesh) our own gossip keeps flowing
// to it. A sweep every `intervalMs` finds connected peers below the threshold, closes their
// connections and refuses them (both ways, through the connection gater) for `banMs`; a
// quarantined peer that comes back after the ban starts again from gossipsub's retained score
// (gossipsub keeps a disconnected peer's score for `retainScore`), so a second offence is quick.
import type { ConnectionGater, PeerId } from '@libp2p/interface'

export interface QuarantineOptions {
  /** how long a graylisted peer stays refused (default 10 minutes) */
  banMs?: number
  /** peers remembered at most; the oldest ban is forgotten first (default 10 000) */
  maxPeers?: number
  now?: () => number
}

/** Peers refused until a time: bounded, expired lazily. */
export class Quarantine {
  private readonly until = new Map<string, number>()
  private readonly banMs: number
  private readonly maxPeers: number
  private readonly now: () => number

  constructor(opts: QuarantineOptions = {}) {
    this.banMs = opts.banMs ?? 10 * 60_000
    this.maxPeers = opts.maxPeers ?? 10_000
    this.now = opts.now ?? Date.now
  }

  add(peer: string): void {
    this.until.delete(peer) // re-inserted last: Map order is ban order
    this.until.set(peer, this.now() + this.banMs)
    while (this.until.size > this.maxPeers) {
      const oldest = this.until.keys().next().value
      if (oldest === undefined) break
      this.until.delete(oldest)
    }
  }

  has(peer: string): boolean {
    const t = this.until.get(peer)
    if (t === undefined) return false
    if (t > this.now()) return true
    this.until.delete(peer)
    return false
  }

  get size(): number {
    return this.until.size
  }

  /** refuses quarantined peers both ways, before any protocol runs over their connection */
  gater(): ConnectionGater {
    const denied = (peer: PeerId): boolean => this.has(peer.toString())
    return {
      denyDialPeer: denied,
      denyInboundEncryptedConnection: denied,
      denyOutboundEncryptedConnection: denied,
      denyInboundRelayedConnection: (_relay, remote) => denied(remote),
    }
  }
}

type GaterFn = (...args: never[]) => Promise<boolean> | boolean

/**
 * One gater from several: a connection is denied if any of them denies it, and an address is
 * kept only if every one keeps it (filterMultiaddrForPeer says true to keep).
 */
export function combineGaters(...gaters: Array<ConnectionGater | undefined>): ConnectionGater {
  const present = gaters.filter((g): g is ConnectionGater => g !== undefined)
  const out: Record<string, GaterFn> = {}
  const names = new Set(present.flatMap((g) => Object.keys(g)))
  for (const name of names) {
    const fns = present
      .map((g) => (g as Record<string, GaterFn | undefined>)[name]?.bind(g))
      .filter((f): f is GaterFn => f !== undefined)
    const keep = name === 'filterMultiaddrForPeer'
    out[name] = async (...args: never[]) => {
      for (const f of fns) if ((await f(...args)) !== keep) return !keep
      return keep
    }
  }
  return out as ConnectionGater
}

/** What the sweep needs of a libp2p node: gossipsub's peers and scores, connections, hanging up. */
export interface GraylistTarget {
  peers: () => PeerId[]
  score: (peer: string) => number
  connected: (peer: PeerId) => boolean
  hangUp: (peer: PeerId) => Promise<void>
}

export interface GraylistSweepOptions {
  /** gossipsub's graylist threshold (GOSSIP_SCORE_THRESHOLDS.graylistThreshold) */
  threshold: number
  /** default 1000 ms */
  intervalMs?: number
  /** told of each peer put in quarantine (logs, metrics, tests) */
  onQuarantine?: (peer: string, score: number) => void
}

/** Starts the sweep; returns its stop function. */
export function sweepGraylisted(node: GraylistTarget, quarantine: Quarantine, opts: GraylistSweepOptions): () => void {
  const sweep = (): void => {
    for (const peer of node.peers()) {
      const id = peer.toString()
      const score = node.score(id)
      if (score >= opts.threshold) continue
      if (!quarantine.has(id)) {
        quarantine.add(id)
        opts.onQuarantine?.(id, score)
      }
      if (node.connected(peer)) void node.hangUp(peer).catch(() => {})
    }
  }
  const timer = setInterval(sweep, opts.intervalMs ?? 1_000)
  timer.unref()
  return () => clearInterval(timer)
}
