// Reachability (issue 13, docs/reach.md): what this node knows about whether peers can dial it,
// worked out again whenever its addresses or connections change. While private (learnt, not
// forced) it starts reserving on relays and moves its DHT to client mode; every change is an
// event on the node's feed. Also where the relay server's policy learns market relationships.
import { logger } from '../../log/logger.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { classifyReachability, isCircuitAddr, publicCandidates } from '../../../protocol/reachability.ts'
import { isPrivateAddr } from '../../../protocol/market/requester-addrs.ts'
import type { Reachability } from '../../../protocol/reachability.ts'
import { circuitListenAddrs } from './options.ts'
import type { ReachOptions } from './options.ts'
import { RELAY_HOP_PROTOCOL } from './relay-meter.ts'
import type { RelayMeter } from './relay-meter.ts'
import type { RelayPolicy } from './relay-policy.ts'
import { serveRelayTie } from './relay-tie.ts'
import type { RelayTieClaim } from './relay-tie.ts'
import type { OutcomeCounters } from '../reqresp/counters.ts'
import type { HiveLibp2p } from '../create.ts'
import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { NodeEvent, ReachInfo } from '../../controller.ts'
import type { HiveService } from '../../service.ts'

const log = logger('hive:reach')

/** how often to look again when nothing fired an event (AutoNAT verdicts change addresses quietly) */
const RECHECK_MS = 2000

export interface ReachabilityInit {
  libp2p: HiveLibp2p
  options: ReachOptions
  /** whether the DHT may follow reachability (dhtMode auto and a provider): server when not private */
  dhtFollows: boolean
  emit: (event: NodeEvent) => void
  onEvent: (listener: (event: NodeEvent) => void) => () => void
  policy?: RelayPolicy
  relayPolicyMode?: 'market' | 'open'
  meter?: RelayMeter
  /** this node's account binding (a node with a chain): shown to relays that ask (relay-tie.ts) */
  tieClaim?: RelayTieClaim
  /** the node's request/response outcome counters */
  counters?: OutcomeCounters
  now?: () => number
}

export class ReachabilityService implements HiveService {
  readonly name = 'reach'
  private readonly init: ReachabilityInit
  private readonly _now: () => number
  private _status: Reachability
  private since: number
  private checkedAt = 0
  private readonly relaysSince = new Map<string, number>()
  private listeningOnRelays: boolean
  private readonly connections = { relayed: 0, upgradedToDirect: 0 }
  private timer: ReturnType<typeof setInterval> | undefined
  /** whether a connection's remote address is public (judged once per connection) */
  private readonly publicRemote = new WeakMap<Connection, boolean>()
  private detach: Array<() => void> = []

  constructor(init: ReachabilityInit) {
    this.init = init
    this._now = init.now ?? Date.now
    this._status = init.options.reachability === 'auto' ? 'unknown' : init.options.reachability
    this.since = this._now()
    this.listeningOnRelays = init.options.reachability === 'private'
  }

  /** the relay server's policy (a relay only): the chain adds its stake and funds checks */
  get relayPolicy(): RelayPolicy | undefined {
    return this.init.policy
  }

  /** the current verdict (the libp2p announce filter reads it) */
  status(): Reachability {
    return this._status
  }

  async start(): Promise<void> {
    const libp2p = this.init.libp2p
    const meter = this.init.meter
    if (meter !== undefined && libp2p.services.relay !== undefined) {
      // the relay server registered its hop handler when libp2p started: count and cap it
      await libp2p.services.reach.wrapHandler(RELAY_HOP_PROTOCOL, (h) => meter.wrap(h))
    }
    const claim = this.init.tieClaim
    if (claim !== undefined) {
      // a relay under the market policy asks a reserving peer without a profile for its account
      const unhandle = await serveRelayTie(
        { libp2p, ...(this.init.counters !== undefined ? { counters: this.init.counters } : {}) },
        claim,
      )
      this.detach.push(() => {
        void unhandle()
      })
    }
    const check = (): void => {
      this.check()
    }
    for (const name of ['self:peer:update', 'connection:open', 'connection:close'] as const) {
      libp2p.addEventListener(name, check)
      this.detach.push(() => {
        libp2p.removeEventListener(name, check)
      })
    }
    const countConnection = (evt: CustomEvent<Connection>): void => {
      const conn = evt.detail
      if (conn.limits !== undefined) this.connections.relayed++
      else if (libp2p.getConnections(conn.remotePeer).some((c) => c !== conn && c.limits !== undefined))
        this.connections.upgradedToDirect++
    }
    libp2p.addEventListener('connection:open', countConnection)
    this.detach.push(() => {
      libp2p.removeEventListener('connection:open', countConnection)
    })
    const policy = this.init.policy
    if (policy !== undefined) {
      // the peers this node deals with in the market may use it as their relay
      this.detach.push(
        this.init.onEvent((e) => {
          if (e.type === 'job:bid' || e.type === 'job:awarded' || e.type === 'job:accepted') policy.related(e.provider)
          else if (e.type === 'provider:bid' || e.type === 'provider:accepted') policy.related(e.requester)
        }),
      )
    }
    this.timer = setInterval(check, RECHECK_MS)
    this.timer.unref()
    this.check()
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
    for (const d of this.detach.splice(0)) d()
    this.init.policy?.close()
  }

  /** works the status out again; emits reach:changed when it or the set of relays changed */
  check(): void {
    const libp2p = this.init.libp2p
    const now = this._now()
    this.checkedAt = now
    const mode = this.init.options.reachability
    // this runs every 2 s and on every connection change, in every node (200 in one benchmark
    // process): a forced mode needs no inputs, one direct connection to a public address is all
    // the classifier asks of the connections, and each connection's address is judged once
    const status =
      mode !== 'auto'
        ? mode
        : classifyReachability({
            mode,
            addresses: libp2p.services.reach.addresses(),
            peerAddrs: this.onePublicPeerAddr(),
            now,
          })
    const relaysBefore = this.relaysSince.size
    // circuit addresses exist only once this node listens on relays (address lists are costly)
    if (this.listeningOnRelays || relaysBefore > 0) {
      const seen = new Set<string>()
      for (const a of libp2p.getMultiaddrs().filter(isCircuitAddr)) {
        const relay = relayOf(a.toString())
        if (relay === undefined) continue
        seen.add(relay)
        if (!this.relaysSince.has(relay)) this.relaysSince.set(relay, now)
      }
      for (const r of [...this.relaysSince.keys()]) if (!seen.has(r)) this.relaysSince.delete(r)
    }
    const changed = status !== this._status
    if (changed) {
      log('reachability %s -> %s', this._status, status)
      this._status = status
      this.since = now
      this.followStatus()
    }
    if (changed || relaysBefore !== this.relaysSince.size) {
      this.init.emit({ type: 'reach:changed', at: now, status, relays: this.relaysSince.size })
    }
  }

  /** the remote address of one direct connection to a public address, if there is one */
  private onePublicPeerAddr(): Multiaddr[] {
    for (const c of this.init.libp2p.getConnections()) {
      if (c.limits !== undefined) continue
      let isPublic = this.publicRemote.get(c)
      if (isPublic === undefined) {
        isPublic = !isCircuitAddr(c.remoteAddr) && !isPrivateAddr(c.remoteAddr)
        this.publicRemote.set(c, isPublic)
      }
      if (isPublic) return [c.remoteAddr]
    }
    return []
  }

  private followStatus(): void {
    const { libp2p, options } = this.init
    if (this._status === 'private' && !this.listeningOnRelays && options.relayReservations > 0) {
      this.listeningOnRelays = true
      libp2p.services.reach
        .listen(circuitListenAddrs(options.relayReservations).map((a) => multiaddr(a)))
        .catch((err: unknown) => {
          log.error('listening on relays failed - %e', err)
        })
    }
    if (this.init.dhtFollows) {
      // a DHT server nobody can dial only slows everyone's queries down
      const mode = this._status === 'private' ? 'client' : 'server'
      if (libp2p.services.dht.getMode() !== mode) {
        libp2p.services.dht.setMode(mode).catch((err: unknown) => {
          log.error('setting DHT mode failed - %e', err)
        })
      }
    }
  }

  info(): ReachInfo {
    const libp2p = this.init.libp2p
    const addresses = libp2p.services.reach.addresses()
    const relays = libp2p
      .getMultiaddrs()
      .filter(isCircuitAddr)
      .map((a) => a.toString())
    const relayService = libp2p.services.relay
    return {
      status: this._status,
      mode: this.init.options.reachability,
      since: this.since,
      checkedAt: this.checkedAt,
      addresses: addresses.map((a) => ({
        address: a.multiaddr.toString(),
        type: a.type,
        verified: a.verified,
        ...(a.lastVerified !== undefined ? { lastVerified: a.lastVerified } : {}),
      })),
      confirmed: publicCandidates(addresses)
        .filter((a) => a.verified)
        .map((a) => a.multiaddr.toString()),
      relays: relays.flatMap((address) => {
        const relay = relayOf(address)
        return relay === undefined ? [] : [{ relay, address, since: this.relaysSince.get(relay) ?? this.checkedAt }]
      }),
      dhtMode: libp2p.services.dht.getMode(),
      connections: { ...this.connections },
      ...(relayService !== undefined
        ? {
            relayServer: {
              policy: this.init.relayPolicyMode ?? 'market',
              reservations: relayService.reservations.size,
              bytesRelayed: this.init.meter?.counters.bytesRelayed ?? 0,
              hopStreams: this.init.meter?.counters.hopStreams ?? 0,
              admitted: this.init.policy?.counters.admitted ?? 0,
              refused: this.init.policy?.counters.refused ?? 0,
              refusedPerPeerCap: this.init.meter?.counters.refusedPerPeerCap ?? 0,
              admittedFunded: this.init.policy?.counters.admittedFunded ?? 0,
              refusedUnstaked: this.init.policy?.counters.refusedUnstaked ?? 0,
            },
          }
        : {}),
    }
  }
}

/** the relay's peer id in a circuit address …/p2p/<relay>/p2p-circuit/p2p/<us> */
export function relayOf(address: string): string | undefined {
  const m = /\/p2p\/([^/]+)\/p2p-circuit/.exec(address)
  return m?.[1]
}
