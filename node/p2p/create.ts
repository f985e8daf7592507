// Builds the libp2p 3 node every ComputeHive peer runs: TCP + WebSockets, noise, yamux,
// identify, ping, gossipsub and a Kademlia DHT under our own protocol prefix.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { halfWindowUpdates } from './yamux-window.ts'
import { quietLengthPrefixedDecoder } from './lp-decoder.ts'
import { libp2pLogger } from '../log/libp2p-logger.ts'
import { reuseUnhandledProtocolErrors } from './unhandled-protocol.ts'
import { installLazySelect } from './reqresp/lazy-select.ts'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { ping } from '@libp2p/ping'
import { coalescedTcp } from './coalesce-writes.ts'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { cacheProtocolMerges } from './protocol-merges.ts'
import type { ProtocolMerges } from './protocol-merges.ts'
import type { Libp2pOptions } from 'libp2p'
import { clearingShardTopic, gossipMessageId, jobShardTopics, PROFILES_TOPIC } from '../../protocol/topics.ts'
import {
  CONNECTION_LIMITS,
  CONNECTION_PING_INTERVAL_MS,
  DEFAULT_COLOCATION_WHITELIST,
  DHT_PROTOCOL,
  GOSSIP_SCORE_THRESHOLDS,
  MARKET_TOPIC_SCORE,
  USER_AGENT_NAME,
} from './constants.ts'
import { hiveRecordSelector, hiveRecordValidator } from './records.ts'
import { combineGaters, Quarantine, sweepGraylisted } from './graylist.ts'
import type { QuarantineOptions } from './graylist.ts'
import { installTestbedWriteDelay } from './write-delay.ts'
import type { HiveRecordKinds } from './records.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { ConnectionGater, Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Datastore } from 'interface-datastore'
// --- reach (issue 13): relays, AutoNAT, DCUtR, UPnP (node/p2p/reach, docs/reach.md) ---
import { reachAnnounceFilter, reachListen, reachServices, reachTransports } from './reach/libp2p-parts.ts'
import type { ReachServiceFactories } from './reach/libp2p-parts.ts'
import type { ReachOptions } from './reach/options.ts'
import type { Reachability } from '../../protocol/reachability.ts'

// a type alias, not an interface: libp2p's ServiceMap constraint needs an index signature
export type HiveServices = {
  identify: Identify
  /** kad-dht finds this service by name: it must be called `ping` */
  ping: Ping
  pubsub: GossipSub
  dht: KadDHT
} & ReachServices

/** the reach services' instances (node/p2p/reach) */
export type ReachServices = {
  [K in keyof ReachServiceFactories]: ReturnType<NonNullable<ReachServiceFactories[K]>>
}

export type HiveLibp2p = Libp2p<HiveServices>

export interface HiveLibp2pOptions {
  privateKey: PrivateKey
  /** default ['/ip4/127.0.0.1/tcp/0']: nothing is reachable from outside unless asked for */
  listen?: string[]
  /** addresses to advertise instead of the listen addresses (NAT, public IP) */
  announce?: string[]
  /** multiaddrs with /p2p/<peerId>; a bootstrap peer is an ordinary peer */
  bootstrap?: string[]
  /** LAN discovery by multicast DNS (default false: tests and loopback setups don't want it) */
  mdns?: boolean
  /** true: query the DHT but don't answer (pure requesters, peers behind NAT). Default false */
  dhtClientMode?: boolean
  /** default: in-memory (libp2p's own); pass openSublevelDatastore(store.libp2p) to persist */
  datastore?: Datastore
  connectionGater?: ConnectionGater
  /** the clock the DHT validators use (default Date.now); tests move it */
  now?: () => number
  /** extra record kinds under /hive/<kind>/… besides profiles ('hw') */
  recordKinds?: HiveRecordKinds
  /** source IPs exempt from gossipsub's IP-colocation penalty (default loopback) */
  colocationWhitelist?: string[]
  /** ms before dialling the bootstrap list after start (default 0) */
  bootstrapDelayMs?: number
  /** ms between the connection monitor's pings of each connection (default CONNECTION_PING_INTERVAL_MS) */
  pingIntervalMs?: number
  /** Kademlia replication/bucket size K (default 20, the libp2p and IPFS value) */
  dhtKBucketSize?: number
  /** user agent version suffix */
  version?: string
  /** executor classes whose job topics get the market's score parameters (default ['wasm']) */
  executors?: string[]
  // --- reach (issue 13) ---
  /** relays, AutoNAT, DCUtR, UPnP (default: AutoNAT and DCUtR on, no relay server, no UPnP) */
  reach?: ReachOptions
  /** this node's reachability now, for what it publishes (default: always 'unknown') */
  reachability?: () => Reachability
  /** told of every DHT record that passed validation (the relay policy learns providers from it) */
  onValidRecord?: (key: Uint8Array) => void
  /** shards per job class (config jobShards, default 1): every shard topic is scored */
  jobShards?: number
  /** libp2p's metrics (node/metrics/libp2p.ts: Prometheus on the node's own registry); default none */
  metrics?: Libp2pOptions['metrics']
  /**
   * peers below gossipsub's graylist threshold are hung up on and refused for `banMs`
   * (node/p2p/graylist.ts); false turns this off (default on, 10 minutes, swept every second)
   */
  graylist?: false | (QuarantineOptions & { intervalMs?: number })
}

const DEFAULT_REACH: ReachOptions = {
  reachability: 'auto',
  relayReservations: 2,
  autonat: true,
  dcutr: true,
  upnp: false,
  announcePrivate: false,
}

// --- reach (issue 13): a relay learns which peers are providers from the profiles it validates ---
function reachAwareValidator(
  validate: (key: Uint8Array, value: Uint8Array) => Promise<void>,
  onValid: ((key: Uint8Array) => void) | undefined,
): (key: Uint8Array, value: Uint8Array) => Promise<void> {
  if (onValid === undefined) return validate
  return async (key, value) => {
    await validate(key, value)
    onValid(key)
  }
}

/** Creates (but does not start) the node. Call `start()` on it, or let HiveNode do so. */
export async function createHiveLibp2p(opts: HiveLibp2pOptions): Promise<HiveLibp2p> {
  installTestbedWriteDelay() // testbed only: a no-op unless HIVE_TESTBED_DELAY_MS is set (write-delay.ts)
  halfWindowUpdates() // yamux window updates once half the window is used, not per frame (yamux-window.ts)
  quietLengthPrefixedDecoder() // no RangeError per TCP chunk read by noise (lp-decoder.ts)
  installLazySelect() // a request's protocol negotiated in its first message (reqresp/lazy-select.ts)
  const now = opts.now ?? Date.now
  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = []
  if (opts.bootstrap !== undefined && opts.bootstrap.length > 0) {
    peerDiscovery.push(bootstrap({ list: opts.bootstrap, timeout: opts.bootstrapDelayMs ?? 0 }))
  }
  if (opts.mdns === true) peerDiscovery.push(mdns())
  // --- reach (issue 13) ---
  const reach = opts.reach ?? DEFAULT_REACH
  const reachability = opts.reachability ?? (() => 'unknown' as const)
  const quarantine = opts.graylist === false ? undefined : new Quarantine({ now, ...opts.graylist })
  const gater =
    quarantine === undefined ? opts.connectionGater : combineGaters(opts.connectionGater, quarantine.gater())

  const node = await createLibp2p<HiveServices>({
    privateKey: opts.privateKey,
    start: false,
    nodeInfo: { userAgent: `${USER_AGENT_NAME}/${opts.version ?? '0.0.0'}` },
    addresses: {
      listen: [...(opts.listen ?? ['/ip4/127.0.0.1/tcp/0']), ...reachListen(reach)],
      announce: opts.announce ?? [],
      announceFilter: reachAnnounceFilter(reach, reachability),
    },
    transports: [coalescedTcp(), webSockets(), ...reachTransports()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { ...CONNECTION_LIMITS },
    connectionMonitor: { pingInterval: opts.pingIntervalMs ?? CONNECTION_PING_INTERVAL_MS },
    logger: libp2pLogger(),
    ...(gater !== undefined ? { connectionGater: gater } : {}),
    ...(opts.datastore !== undefined ? { datastore: opts.datastore } : {}),
    ...(opts.metrics !== undefined ? { metrics: opts.metrics } : {}),
    peerDiscovery,
    services: {
      identify: identify(),
      // ping's default allows 1 outbound stream per connection, but two callers share it: the
      // connection monitor (every 10 s) and kad-dht's routing table (checking contacts). When
      // both ping the same peer at once the second gets TooManyOutboundProtocolStreamsError and
      // the monitor then aborts the whole connection; with many peers this cascaded into
      // stalled DHT queries. Allow a few concurrent pings each way.
      ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 8 }),
      pubsub: gossipsub({
        // message validators are registered per topic by the services that own the topics
        allowPublishToZeroTopicPeers: true,
        // every payload is a signed envelope or record: gossipsub signs nothing itself
        // (StrictNoSign: a message carrying from/seqno/signature is rejected and its sender
        // penalised) and a message's id is the hash of its bytes, so every copy of the same bytes
        // dies in the seen cache before any validator decodes it (protocol/topics.ts)
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: (msg) => gossipMessageId(msg.data),
        // re-publishing bytes the network already carries (a retry, a relayed job) is a no-op
        ignoreDuplicatePublishError: true,
        // one RPC frame from a peer: the largest market message is 32 KiB (MAX_GOSSIP_MESSAGE_BYTES);
        // 256 KiB leaves room for batching and control messages (the default would buffer 4 MB)
        maxInboundDataLength: 256 * 1024,
        scoreThresholds: GOSSIP_SCORE_THRESHOLDS,
        scoreParams: {
          IPColocationFactorWhitelist: new Set(opts.colocationWhitelist ?? DEFAULT_COLOCATION_WHITELIST),
          // invalid market messages must cost their sender: without per-topic parameters
          // gossipsub scores no topic, and a REJECT would only drop the message
          topics: Object.fromEntries(
            [
              ...(opts.executors ?? ['wasm']).flatMap((e) => jobShardTopics(e, opts.jobShards ?? 1)),
              ...Array.from({ length: opts.jobShards ?? 1 }, (_, i) => clearingShardTopic(i, opts.jobShards ?? 1)),
              PROFILES_TOPIC,
            ].map((t) => [t, { ...MARKET_TOPIC_SCORE }]),
          ),
        },
      }),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: opts.dhtClientMode ?? false,
        ...(opts.dhtKBucketSize !== undefined ? { kBucketSize: opts.dhtKBucketSize } : {}),
        // the default mapper drops private addresses, i.e. every peer on a LAN or on loopback
        peerInfoMapper: passthroughMapper,
        validators: { hive: reachAwareValidator(hiveRecordValidator(now, opts.recordKinds), opts.onValidRecord) },
        selectors: { hive: hiveRecordSelector(opts.recordKinds) },
        // run the first self-query as soon as a peer is in the routing table (default waits 1 s);
        // every DHT query waits for it, so this is most of a fresh node's time-to-publish
        initialQuerySelfInterval: 0,
      }),
      // --- reach (issue 13) ---
      ...reachServices(reach),
    },
  })
  if (quarantine !== undefined) {
    const intervalMs = opts.graylist === false ? undefined : opts.graylist?.intervalMs
    let stopSweep: (() => void) | undefined
    node.addEventListener('start', () => {
      // GossipSub's exported interface leaves out getScore, which the class has
      const pubsub = node.services.pubsub as GossipSub & { getScore: (peer: string) => number }
      const target = {
        peers: () => pubsub.getPeers(),
        score: (peer: string) => pubsub.getScore(peer),
        connected: (peer: PeerId) => node.getConnections(peer).length > 0,
        hangUp: async (peer: PeerId) => await node.hangUp(peer),
      }
      stopSweep ??= sweepGraylisted(target, quarantine, {
        threshold: GOSSIP_SCORE_THRESHOLDS.graylistThreshold,
        ...(intervalMs !== undefined ? { intervalMs } : {}),
      })
    })
    node.addEventListener('stop', () => {
      stopSweep?.()
      stopSweep = undefined
    })
    banOversizedFrames(node, quarantine)
    quarantines.set(node, quarantine)
  }
  // a stream's protocol is written to the peer's record once a minute, not once per stream
  protocolMergesOf.set(node, cacheProtocolMerges(node.peerStore, node))
  // a dial of a protocol this node does not serve throws no new error per stream
  reuseUnhandledProtocolErrors(node)
  return node
}

const quarantines = new WeakMap<HiveLibp2p, Quarantine>()
const protocolMergesOf = new WeakMap<HiveLibp2p, ProtocolMerges>()

/** The peer store's protocol-merge cache of a node made here (node/p2p/protocol-merges.ts). */
export function protocolMerges(node: HiveLibp2p): ProtocolMerges | undefined {
  return protocolMergesOf.get(node)
}

/** The peers this node hung up on and refuses (graylisted or protocol-breaking); undefined if off. */
export function quarantineOf(node: HiveLibp2p): Quarantine | undefined {
  return quarantines.get(node)
}

/** it-length-prefixed's errors for a frame over gossipsub's maxInboundDataLength */
const OVERSIZED_FRAME = new Set(['InvalidDataLengthError', 'InvalidMessageLengthError', 'InvalidDataLengthLengthError'])

/**
 * A gossip frame over maxInboundDataLength (8× the largest market message) breaks the protocol:
 * gossipsub then forgets the peer's gossip (onPeerDisconnected) but keeps its connection, the
 * streams it holds and its score, so it never reaches the graylist and could come back on a new
 * stream. It is hung up on and refused like a graylisted peer.
 */
function banOversizedFrames(node: HiveLibp2p, quarantine: Quarantine): void {
  // gossipsub calls this method on itself when a peer's inbound stream fails to decode
  const pubsub = node.services.pubsub as unknown as {
    handlePeerReadStreamError: (err: unknown, peer: PeerId) => void
  }
  const original = pubsub.handlePeerReadStreamError.bind(pubsub)
  pubsub.handlePeerReadStreamError = (err, peer) => {
    original(err, peer)
    if (!OVERSIZED_FRAME.has((err as Error | undefined)?.name ?? '')) return
    quarantine.add(peer.toString())
    void node.hangUp(peer).catch(() => {})
  }
}
