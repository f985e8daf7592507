// Flags that set node settings (the same keys as config.json and HIVE_*), shared by `hive init`
// (written into config.json) and `hive node start` (override it for this run).
import type { Command } from 'commander'
import { parseDuration, parsePort } from './parse.ts'

export interface NodeSettingFlags {
  listen?: string[]
  announce?: string[]
  bootstrap?: string[]
  mdns?: boolean
  role?: string
  apiPort?: number
  executors?: string
  dhtMode?: string
  benchmark?: number
  profileTtl?: number
  // reach (issue 13, docs/reach.md)
  reachability?: string
  relayServer?: boolean
  relayPolicy?: string
  autonat?: boolean
  dcutr?: boolean
  upnp?: boolean
  announcePrivate?: boolean
  // metrics (issue 17); the token is not a flag: flags show in `ps` (metricsToken or <dataDir>/metrics-token)
  metrics?: boolean
  metricsHost?: string
  metricsPort?: number
  /** `hive node start` only: not a node setting (HIVE_LOG_LEVEL otherwise) */
  logLevel?: string
}

const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
]

export function addNodeSettingOptions(cmd: Command): Command {
  return (
    cmd
      .option(
        '--listen <multiaddr>',
        'listen address (repeat or comma-separate); default loopback TCP and WebSockets on free ports',
        collect,
      )
      .option(
        '--announce <multiaddr>',
        'address to advertise instead of the listen addresses (repeat or comma-separate)',
        collect,
      )
      .option(
        '--bootstrap <multiaddr>',
        'peer to join through, ending in /p2p/<peerId> (repeat or comma-separate)',
        collect,
      )
      .option('--mdns', 'discover peers on the LAN by multicast DNS')
      .option('--no-mdns', 'no LAN discovery')
      .option('--role <roles>', 'provider, requester, or provider,requester')
      .option('--api-port <port>', 'local API port (0 picks a free one, published in <dataDir>/api.json)', parsePort)
      .option('--executors <list>', 'executors offered as a provider, e.g. wasm')
      .option('--dht-mode <mode>', 'auto (server when a provider), server or client')
      .option('--benchmark <duration>', 'length of the CPU benchmark, e.g. 1s', parseDuration)
      .option('--profile-ttl <duration>', 'lifetime of the signed hardware profile in the DHT, e.g. 1h', parseDuration)
      // reach (issue 13, docs/reach.md)
      .option('--reachability <mode>', 'auto (learn it), public, or private (reserve on relays from the start)')
      .option('--relay-server', 'serve as a circuit relay for peers behind NATs')
      .option('--relay-policy <policy>', 'whom the relay serves: market (peers it has market ties with) or open')
      .option('--no-autonat', 'do not ask or answer AutoNAT')
      .option('--no-dcutr', 'do not upgrade relayed connections to direct ones')
      .option('--upnp', 'ask the router for a port mapping (UPnP)')
      .option('--no-upnp', 'no UPnP')
      .option('--announce-private', 'publish private (LAN) addresses even while private (a devnet on one LAN)')
      // --- metrics (issue 17) ---
      .option('--metrics', 'serve Prometheus /metrics (bearer token: <dataDir>/metrics-token or metricsToken)')
      .option('--metrics-host <host>', 'address /metrics listens on (default 127.0.0.1)')
      .option(
        '--metrics-port <port>',
        'port of /metrics (default 9464; 0 picks one, written to metrics.json)',
        parsePort,
      )
  )
}

/** The flags given, keyed like config.json; absent flags are left out so lower layers apply. */
export function settingsFromFlags(o: NodeSettingFlags): Record<string, unknown> {
  const s: Record<string, unknown> = {}
  if (o.listen != null) s.listen = o.listen
  if (o.announce != null) s.announce = o.announce
  if (o.bootstrap != null) s.bootstrap = o.bootstrap
  if (o.mdns != null) s.mdns = o.mdns
  if (o.role != null) s.roles = o.role
  if (o.apiPort != null) s.apiPort = o.apiPort
  if (o.executors != null) s.executors = o.executors
  if (o.dhtMode != null) s.dhtMode = o.dhtMode
  if (o.benchmark != null) s.benchmarkMs = o.benchmark
  if (o.profileTtl != null) s.profileTtlMs = o.profileTtl
  if (o.reachability != null) s.reachability = o.reachability
  if (o.relayServer != null) s.relayServer = o.relayServer
  if (o.relayPolicy != null) s.relayPolicy = o.relayPolicy
  // commander sets --no-x flags' value to true when absent: only a given "no" overrides lower layers
  if (o.autonat === false) s.autonat = false
  if (o.dcutr === false) s.dcutr = false
  if (o.upnp != null) s.upnp = o.upnp
  if (o.announcePrivate != null) s.announcePrivate = o.announcePrivate
  if (o.metrics != null) s.metrics = o.metrics
  if (o.metricsHost != null) s.metricsHost = o.metricsHost
  if (o.metricsPort != null) s.metricsPort = o.metricsPort
  return s
}
