// HiveNode: a peer's libp2p, store and event feed, and the lifecycle of its services (discovery
// is one of them, built by discoveryService()). Build one with createHiveNode (node/create.ts),
// which adds the services in dependency order.
// libp2p starts first and stops last; services start in the order they were added and stop in
// reverse. The store closes after everything else.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { logger } from './log/logger.ts'
import { dhtClientMode } from './config.ts'
import type { HiveConfig } from './config.ts'
import { profileToView } from './discovery/index.ts'
import type { DiscoveryService } from './discovery/index.ts'
import { NodeEvents } from './events.ts'
import { measureHardware } from './hardware/measure.ts'
import { createHiveLibp2p } from './p2p/create.ts'
import type { HiveLibp2pOptions } from './p2p/create.ts'
import type { HiveLibp2p } from './p2p/create.ts'
import { openSublevelDatastore } from './p2p/datastore.ts'
import { PeerCacheDatastore } from './p2p/peer-cache-datastore.ts'
import { loadOrCreatePeerKey } from './p2p/identity.ts'
import { cancelLibp2pShutdownTimers } from './p2p/shutdown.ts'
import { catchUpTopologies } from './p2p/topology-catchup.ts'
import { openStore } from './store.ts'
import { PACKAGE_ROOT } from './util/package-root.ts'
import type { HiveStore } from './store.ts'
import type { HiveService } from './service.ts'
import type { RouteRegistry } from './api/router.ts'
import { HiveError } from '../protocol/errors.ts'
import { parseProfileKey } from '../protocol/profile-record.ts'
import type { ProfileHardware } from '../protocol/profile.ts'
import { OutcomeCounters } from './p2p/reqresp/counters.ts'
// --- reach (issue 13) ---
import { reachOptionsFromConfig } from './p2p/reach/options.ts'
import { dhtProfileCheck } from './p2p/reach/profile-check.ts'
import { RelayMeter } from './p2p/reach/relay-meter.ts'
import { RelayPolicy } from './p2p/reach/relay-policy.ts'
import { askRelayTie } from './p2p/reach/relay-tie.ts'
import { ReachabilityService } from './p2p/reach/service.ts'
import { ClockSync } from './p2p/clock-sync.ts'
import { keepBootstrapPeers } from './p2p/peering.ts'
import type {
  NodeController,
  NodeEvent,
  NodeInfo,
  PeerSummary,
  ProtocolOutcomes,
  ProviderFilter,
  ProviderProfileView,
} from './controller.ts'
import type { ConnectionGater, IdentifyResult, PeerId, PrivateKey } from '@libp2p/interface'

const log = logger('hive:node')

/** the provider a validated DHT key names ([] when it is not a profile key) */
function providerOf(key: Uint8Array): string[] {
  try {
    return [parseProfileKey(key)]
  } catch {
    return []
  }
}

export type { HiveService } from './service.ts'

export interface HiveNodeOptions {
  /** the peer key, already read (createHiveNode reads it once); otherwise read or made here */
  privateKey?: PrivateKey
  /** the node's Ethereum address and its signed peerId<->address binding, carried in the profile */
  eth?: { ethAddress: string; ethBinding: Uint8Array }
  /** use this instead of reading the machine and running the benchmark (tests, benchmarks) */
  hardware?: ProfileHardware
  /** re-run the CPU benchmark even if a recent score is cached */
  rebenchmark?: boolean
  /** the node's clock, used as is (tests, benchmarks); without it the system clock, corrected by peers */
  now?: () => number
  /** the system clock the node corrects by its peers' median (node/p2p/clock-sync.ts); tests skew it */
  systemClock?: () => number
  connectionGater?: ConnectionGater
  /** LevelDB block cache (bytes); the default 8 MiB is generous for many nodes in one process */
  storeCacheSize?: number
  /**
   * Where libp2p keeps its peer store and DHT records: 'store' (default, the node's level
   * database, survives restarts) or 'memory' (lost on stop; cheaper when many nodes share a process)
   */
  libp2pDatastore?: 'store' | 'memory'
  /** with 'store': how long a changed peer record may wait for its write (default 1 s; peer-cache-datastore.ts) */
  peerRecordsFlushMs?: number
  /** Kademlia K (default 20) */
  dhtKBucketSize?: number
  /** the node's request/response outcome counters (createHiveNode hands the same to every service) */
  counters?: OutcomeCounters
  /** libp2p's metrics implementation (createHiveNode sets it when the config turns metrics on) */
  libp2pMetrics?: HiveLibp2pOptions['metrics']
}

export { PUBLISHED_PROFILE_KEY } from './discovery/index.ts'

type State = 'created' | 'starting' | 'started' | 'stopping' | 'stopped'

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}

export class HiveNode implements NodeController {
  readonly config: HiveConfig
  readonly libp2p: HiveLibp2p
  /** libp2p's peer records in memory, written behind (undefined with an in-memory datastore) */
  private readonly peerCache: PeerCacheDatastore | undefined
  /** the peer key (read once): signs as this node */
  readonly privateKey: PrivateKey
  readonly store: HiveStore
  readonly events: NodeEvents
  /** this machine as its profile offers it (measured, or given by a test or benchmark) */
  readonly hardwareProfile: ProfileHardware
  /** the Ethereum identity a service's prepare contributed (the chain), carried in the profile */
  readonly eth: { ethAddress: string; ethBinding: Uint8Array } | undefined
  readonly now: () => number
  readonly version: string
  /** request/response outcomes of every service's protocol handlers (read-only on the API) */
  readonly counters: OutcomeCounters
  /** reachability: public / private / unknown, relays in use, the relay server's counters (issue 13) */
  readonly reach: ReachabilityService
  /** the node's clock and how far it corrects the system clock (issue 16, scenario 8) */
  readonly clock: ClockSync
  /** the services added, by the name they were added under (createHiveNode: its factories' keys) */
  readonly services: Readonly<Record<string, HiveService | undefined>> = {}
  private readonly _services: HiveService[] = []
  private readonly _protocols = new Map<string, string[]>()
  private _state: State = 'created'
  private transition: Promise<void> | undefined
  private startedAt = 0
  private detach: Array<() => void> = []

  static async create(config: HiveConfig, options: HiveNodeOptions = {}): Promise<HiveNode> {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
    const key = options.privateKey ?? (await loadOrCreatePeerKey(config.dataDir)).key
    const store = await openStore(
      config.dataDir,
      options.storeCacheSize !== undefined ? { cacheSize: options.storeCacheSize } : {},
    )
    try {
      // a clock given by the caller is the node's clock; the system clock is corrected by peers'
      const clock = new ClockSync({
        system: options.systemClock ?? Date.now,
        ...(options.now !== undefined ? { given: options.now } : {}),
      })
      const now = clock.now
      const version = packageVersion()
      const hardware =
        options.hardware ??
        (await measureHardware({
          cache: store.meta,
          benchmarkMs: config.benchmarkMs,
          refresh: options.rebenchmark === true,
          now,
        }))
      // --- reach (issue 13): the relay's policy and meter exist before libp2p (its gater uses them) ---
      const relayPolicy = config.relayServer
        ? new RelayPolicy({ mode: config.relayPolicy, allowPeers: config.relayAllowPeers, now })
        : undefined
      const relayMeter = config.relayServer ? new RelayMeter(config.relayMaxCircuitsPerPeer) : undefined
      const gater =
        relayPolicy !== undefined ? { ...options.connectionGater, ...relayPolicy.gater() } : options.connectionGater
      // the announce filter asks the tracker, which needs libp2p: filled in right after
      const tracker: { current?: ReachabilityService } = {}
      // peer records in memory, written to the store behind (peer-cache-datastore.ts)
      const peerCache =
        options.libp2pDatastore === 'memory'
          ? undefined
          : new PeerCacheDatastore(await openSublevelDatastore(store.libp2p), {
              ...(options.peerRecordsFlushMs !== undefined ? { flushMs: options.peerRecordsFlushMs } : {}),
            })
      const libp2p = await createHiveLibp2p({
        privateKey: key,
        listen: config.listen,
        announce: config.announce,
        bootstrap: config.bootstrap,
        mdns: config.mdns,
        dhtClientMode: dhtClientMode(config),
        ...(peerCache !== undefined ? { datastore: peerCache } : {}),
        now,
        version,
        executors: config.executors,
        jobShards: config.jobShards,
        ...(gater !== undefined ? { connectionGater: gater } : {}),
        ...(options.dhtKBucketSize !== undefined ? { dhtKBucketSize: options.dhtKBucketSize } : {}),
        reach: reachOptionsFromConfig(config),
        reachability: () => tracker.current?.status() ?? 'unknown',
        ...(options.libp2pMetrics !== undefined ? { metrics: options.libp2pMetrics } : {}),
        ...(relayPolicy !== undefined
          ? {
              onValidRecord: (key: Uint8Array) => {
                for (const p of providerOf(key)) relayPolicy.providerSeen(p)
              },
            }
          : {}),
      })
      const events = new NodeEvents()
      relayPolicy?.setProfileCheck(dhtProfileCheck(libp2p.services.dht, libp2p.peerId.toString(), now))
      relayPolicy?.setTieAsk(async (peer, signal) => await askRelayTie({ libp2p }, peer, signal))
      const counters = options.counters ?? new OutcomeCounters()
      clock.attach(libp2p, counters)
      const reach = new ReachabilityService({
        libp2p,
        options: reachOptionsFromConfig(config),
        dhtFollows: config.dhtMode === 'auto' && config.roles.includes('provider'),
        emit: (e) => {
          events.emit(e)
        },
        onEvent: (l) => events.on(l),
        ...(relayPolicy !== undefined ? { policy: relayPolicy, relayPolicyMode: config.relayPolicy } : {}),
        ...(relayMeter !== undefined ? { meter: relayMeter } : {}),
        ...(options.eth !== undefined ? { tieClaim: options.eth } : {}),
        counters,
        now,
      })
      tracker.current = reach
      return new HiveNode(
        config,
        libp2p,
        key,
        store,
        events,
        version,
        counters,
        { hardware, eth: options.eth, now },
        reach,
        clock,
        peerCache,
      )
    } catch (err) {
      await store.close()
      throw err
    }
  }

  private constructor(
    config: HiveConfig,
    libp2p: HiveLibp2p,
    privateKey: PrivateKey,
    store: HiveStore,
    events: NodeEvents,
    version: string,
    counters: OutcomeCounters,
    profile: { hardware: ProfileHardware; eth: HiveNodeOptions['eth']; now: () => number },
    reach: ReachabilityService,
    clock: ClockSync,
    peerCache?: PeerCacheDatastore,
  ) {
    this.config = config
    this.libp2p = libp2p
    this.privateKey = privateKey
    this.store = store
    this.events = events
    this.version = version
    this.counters = counters
    this.reach = reach
    this.clock = clock
    this.peerCache = peerCache
    this._services.push(clock, reach)
    this.hardwareProfile = profile.hardware
    this.eth = profile.eth
    this.now = profile.now
  }

  /** The discovery service (createHiveNode gives every node one, built by discoveryService()). */
  get discovery(): DiscoveryService {
    const d = this.services.discovery as DiscoveryService | undefined
    if (d === undefined)
      throw new HiveError(
        'SERVICE_DEPENDENCY_MISSING',
        'this node has no discovery service: build it with createHiveNode',
      )
    return d
  }

  get peerId(): PeerId {
    return this.libp2p.peerId
  }
  get state(): State {
    return this._state
  }

  /** Adds a service to start after the existing ones (and stop before them). Only before start(). */
  addService(service: HiveService, key: string = service.name): void {
    if (this._state !== 'created')
      throw new HiveError('NODE_ALREADY_STARTED', `cannot add service ${service.name} to a node that was started`)
    if (this.services[key] !== undefined) {
      throw new HiveError('SERVICE_EXISTS', `this node already has a service named ${key}`, { key })
    }
    this._services.push(service)
    ;(this.services as Record<string, HiveService>)[key] = service
  }

  /** Adds every service's API routes (in the order the services start). */
  routes(registry: RouteRegistry): void {
    for (const s of this._services) s.routes?.(registry)
  }

  /** Releases a node that was created but will not be started (its store; libp2p never ran). */
  async discard(): Promise<void> {
    if (this._state !== 'created') return await this.stop()
    this._state = 'stopped'
    await this.store.close()
  }

  async start(): Promise<void> {
    if (this._state === 'started') return
    if (this._state === 'starting') return await this.transition
    if (this._state !== 'created')
      throw new HiveError('NODE_STOPPED', 'this node was stopped; create a new HiveNode to run again')
    this._state = 'starting'
    this.transition = this._start()
    await this.transition
  }

  private async _start(): Promise<void> {
    const started: HiveService[] = []
    try {
      this.watchLibp2p()
      await this.libp2p.start()
      // peers identified while libp2p was starting are unknown to the DHT and relay discovery
      void catchUpTopologies(this.libp2p)
      // a lost link to a bootstrap peer is dialled again (a healed partition rejoins by itself)
      await keepBootstrapPeers(this.libp2p, this.config.bootstrap)
      for (const s of this._services) {
        await s.start()
        started.push(s)
      }
    } catch (err) {
      log.error('start failed, stopping what started - %e', err)
      for (const s of started.reverse()) await Promise.resolve(s.stop()).catch(() => {})
      await Promise.resolve(this.libp2p.stop()).catch(() => {})
      cancelLibp2pShutdownTimers(this.libp2p)
      this.unwatch()
      await this.flushPeerRecords()
      await this.store.close()
      this._state = 'stopped'
      throw err
    }
    this.startedAt = Date.now()
    this._state = 'started'
    this.events.emit({ type: 'node:started', at: this.startedAt, peerId: this.peerId.toString() })
    log('started %o', { peerId: this.peerId.toString(), addresses: this.info().addresses })
  }

  async stop(): Promise<void> {
    if (this._state === 'stopped') return
    if (this._state === 'stopping') return await this.transition
    if (this._state === 'starting') await this.transition?.catch(() => {})
    // a failed start has already cleaned up (TS can't see #state change across the await)
    if ((this._state as State) === 'stopped') return
    this._state = 'stopping'
    this.transition = this._stop()
    await this.transition
  }

  private async _stop(): Promise<void> {
    this.events.emit({ type: 'node:stopping', at: Date.now() })
    for (const s of [...this._services].reverse()) {
      try {
        await s.stop()
      } catch (err) {
        log.error('stopping %s failed - %e', s.name, err)
      }
    }
    try {
      await this.libp2p.stop()
    } catch (err) {
      log.error('stopping libp2p failed - %e', err)
    }
    cancelLibp2pShutdownTimers(this.libp2p)
    this.unwatch()
    await this.flushPeerRecords()
    await this.store.close()
    this._state = 'stopped'
  }

  /** the peer records not written yet, before the store closes (a failure is logged: routing knowledge) */
  private async flushPeerRecords(): Promise<void> {
    await this.peerCache?.flush().catch((err: unknown) => {
      log.error('writing the peer records failed - %e', err)
    })
  }

  private watchLibp2p(): void {
    const onConnect = (e: CustomEvent<PeerId>): void => {
      this.events.emit({ type: 'peer:connected', at: Date.now(), peerId: e.detail.toString() })
    }
    const onDisconnect = (e: CustomEvent<PeerId>): void => {
      this._protocols.delete(e.detail.toString())
      this.events.emit({ type: 'peer:disconnected', at: Date.now(), peerId: e.detail.toString() })
    }
    const onIdentify = (e: CustomEvent<IdentifyResult>): void => {
      this._protocols.set(e.detail.peerId.toString(), [...e.detail.protocols].sort())
    }
    this.libp2p.addEventListener('peer:connect', onConnect)
    this.libp2p.addEventListener('peer:disconnect', onDisconnect)
    this.libp2p.addEventListener('peer:identify', onIdentify)
    this.detach.push(
      () => this.libp2p.removeEventListener('peer:connect', onConnect),
      () => this.libp2p.removeEventListener('peer:disconnect', onDisconnect),
      () => this.libp2p.removeEventListener('peer:identify', onIdentify),
    )
  }

  private unwatch(): void {
    for (const d of this.detach.splice(0)) d()
  }

  info(): NodeInfo {
    return {
      peerId: this.peerId.toString(),
      addresses: this.libp2p.getMultiaddrs().map(String),
      dataDir: this.config.dataDir,
      version: this.version,
      roles: [...this.config.roles],
      startedAt: this.startedAt,
      reach: this.reach.info(),
      clock: this.clock.status(),
      store: this.store.health.info(),
    }
  }

  peers(): PeerSummary[] {
    const byPeer = new Map<string, PeerSummary>()
    for (const conn of this.libp2p.getConnections()) {
      const id = conn.remotePeer.toString()
      const entry = byPeer.get(id) ?? { peerId: id, addresses: [], protocols: this._protocols.get(id) ?? [] }
      entry.addresses.push(conn.remoteAddr.toString())
      if (conn.rtt !== undefined && (entry.rttMs === undefined || conn.rtt < entry.rttMs)) entry.rttMs = conn.rtt
      byPeer.set(id, entry)
    }
    return [...byPeer.values()].sort((a, b) => (a.peerId < b.peerId ? -1 : 1))
  }

  hardware(): ProviderProfileView {
    const own = this.discovery.ownProfile()
    if (own === undefined)
      throw new HiveError('NODE_NOT_STARTED', 'the node has not signed its profile yet: start it first')
    return profileToView(own)
  }

  async findProviders(filter: ProviderFilter, options: { signal?: AbortSignal } = {}): Promise<ProviderProfileView[]> {
    if (this._state !== 'started') throw new HiveError('NODE_NOT_STARTED', 'the node is not running')
    const { limit, ...capabilities } = filter
    const found = await this.discovery.findProviders(capabilities, {
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(limit !== undefined ? { limit } : {}),
    })
    return found.map(profileToView)
  }

  onEvent(listener: (event: NodeEvent) => void): () => void {
    return this.events.on(listener)
  }

  protocols(): ProtocolOutcomes {
    return { protocols: this.counters.snapshot() }
  }
}
