// Node configuration: defaults < <dataDir>/config.json < environment (HIVE_*) < flags. Every
// layer goes through the same per-key parser, so a bad value is reported the same way wherever
// it came from: which key, which source, what value, and how to fix it.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { UsageError } from '../protocol/errors.ts'
import { EXECUTOR_PATTERN, MAX_PROFILE_TTL_MS, PRICE_PATTERN } from '../protocol/profile.ts'
import { DEFAULT_HIVE_PER_ETH } from '../protocol/payments/close-economics.ts'
import { JOB_BOUNDS } from '../protocol/market/bounds.ts'
import { MAX_JOB_SHARDS } from '../protocol/topics.ts'
import { API_TOKEN_FILE } from './api/auth.ts'
import { PEER_KEY_FILENAME, loadOrCreatePeerKey, writePrivateFileExclusive } from './p2p/identity.ts'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'

export type Role = 'provider' | 'requester'
export type DhtMode = 'auto' | 'server' | 'client'
/** auto: learn it (AutoNAT, connections); public/private: the operator (or a test) says so */
export type ReachabilityMode = 'auto' | 'public' | 'private'
/** market: relay only for peers this node has a market relationship with (docs/reach.md); open: anyone */
export type RelayPolicyMode = 'market' | 'open'

/** Everything config.json, HIVE_* variables and flags can set. */
export interface HiveSettings {
  /** multiaddrs to listen on; loopback only by default */
  listen: string[]
  /** multiaddrs to advertise instead of the listen addresses */
  announce: string[]
  /** multiaddrs with /p2p/<peerId> of peers to join through */
  bootstrap: string[]
  mdns: boolean
  roles: Role[]
  /** local API host: loopback only unless allowRemoteApi */
  apiHost: string
  /** 0 = any free port (the chosen one is written to <dataDir>/api.json) */
  apiPort: number
  allowRemoteApi: boolean
  /** lifetime of the signed profile in the DHT; re-published at half of it */
  profileTtlMs: number
  /** executor classes offered as a provider: wasm (default) and onnx (opt-in; node/exec/builtin.ts) */
  executors: string[]
  /** executor -> decimal price string; placeholder until the market defines units */
  prices: Record<string, string>
  /** auto: DHT server when a provider, client otherwise */
  dhtMode: DhtMode
  /** CPU benchmark length */
  benchmarkMs: number
  /** Ethereum JSON-RPC endpoint; '' = no chain (no wallet, staking or settlement) */
  rpcUrl: string
  /** deployments file, or a folder of <chainId>.json files; '' = the package's deployments/ */
  deployments: string
  /** never pay more than this per gas (gwei); transactions above it are refused */
  maxFeeGwei: number
  /** blocks on top of a transaction's block before it counts as done */
  confirmations: number
  /** anchor the audit log's root once this many entries are unanchored */
  auditAnchorEvery: number
  /** anchor a grown audit log at least this often (the devnet uses seconds) */
  auditAnchorIntervalMs: number
  /**
   * HIVE one ETH buys (decimal): the watchtower answers a channel close only when the voucher
   * gains more HIVE than the gas costs at this price. The default, 1000, is a devnet placeholder:
   * set the market price on a real network.
   */
  hivePerEth: string
  /**
   * dial private, loopback and link-local addresses a job names for its requester. Off by
   * default: a job could otherwise make providers probe their own LAN. The devnet and tests,
   * where every node is on 127.0.0.1, turn it on.
   */
  allowPrivateAddrs: boolean
  /**
   * the most output (stdout + files, bytes) a job may ask this provider for; larger jobs get no
   * bid. Output is held in memory until it is stored, so this bounds what one job can pin.
   */
  maxOutputBytes: number
  /** executor onnx: inference child processes kept warm, each running one job at a time */
  onnxChildren: number
  /**
   * as a requester: the chance (0..1) that each k = 1 job is re-run on a second provider before
   * payment (a spot check; a job's own `spotCheckRate` overrides it). 0: no spot checks.
   */
  spotCheckRate: number
  /**
   * as a provider: refuse to bid (OVERLOADED) while this process's event loop lags more than this
   * many ms at p99 for two seconds running, and bid again once it is below half (0: never refuse)
   */
  maxLoopLagMs: number
  // --- reach across NATs (issue 13, docs/reach.md) ---
  /** auto: AutoNAT and connections decide; public / private: forced (private listens on /p2p-circuit) */
  reachability: ReachabilityMode
  /** relays a private node reserves a slot on (0: none) */
  relayReservations: number
  /** serve as a circuit relay v2 for other peers */
  relayServer: boolean
  /** whom the relay serves: market (peers with a market relationship, allowed peers) or open */
  relayPolicy: RelayPolicyMode
  /** peer ids the relay always serves (the devnet's peers, an operator's own machines) */
  relayAllowPeers: string[]
  /** reservations the relay holds at once */
  relayMaxReservations: number
  /** how long one relayed connection may last (ms) */
  relayCircuitDurationMs: number
  /** bytes one relayed connection may carry (both directions) */
  relayCircuitDataBytes: number
  /** relay streams (circuits and reservation requests) one peer may have open at once */
  relayMaxCircuitsPerPeer: number
  /** HIVE a requester's account must hold for a market-policy relay with a chain to serve it */
  relayRequesterMinHive: number
  /** answer and ask AutoNAT (v2) to learn whether our addresses are reachable */
  autonat: boolean
  /** try to upgrade relayed connections to direct ones (DCUtR: reversal, hole punching) */
  dcutr: boolean
  /** ask the router for a port mapping (UPnP IGD) */
  upnp: boolean
  /** publish private (LAN) addresses even while private (only for a devnet on one LAN) */
  announcePrivate: boolean
  /**
   * shards each job class's gossip topic is split into (a network parameter: every peer must use
   * the same; 1 = the unsharded topic; default 16). A requester publishes a job to one shard (by
   * its id) and pushes it directly to its best candidates, whichever shards they joined.
   */
  jobShards: number
  /** shards of each class a provider subscribes to (0 = all; default 2): its gossip load is jobs × this ÷ jobShards */
  jobShardsJoined: number
  // --- operators (issue 17): Prometheus metrics ---
  /** serve /metrics (Prometheus text format); off by default */
  metrics: boolean
  /** the metrics listener's host: loopback unless an operator scrapes from elsewhere (the token still guards it) */
  metricsHost: string
  /** the metrics listener's port (0: any free port; the chosen one is written to <dataDir>/metrics.json) */
  metricsPort: number
  /** bearer token a scrape must carry; '' = the one in <dataDir>/metrics-token (made 0600 on first start) */
  metricsToken: string
}

export interface HiveConfig extends HiveSettings {
  dataDir: string
}

export const CONFIG_FILE = 'config.json'

const DEFAULTS: HiveSettings = {
  listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
  announce: [],
  bootstrap: [],
  mdns: false,
  roles: ['provider', 'requester'],
  apiHost: '127.0.0.1',
  apiPort: 0,
  allowRemoteApi: false,
  profileTtlMs: 60 * 60 * 1000,
  executors: ['wasm'],
  prices: { wasm: '0' },
  dhtMode: 'auto',
  benchmarkMs: 1000,
  rpcUrl: '',
  deployments: '',
  maxFeeGwei: 200,
  confirmations: 1,
  auditAnchorEvery: 1000,
  auditAnchorIntervalMs: 60_000,
  hivePerEth: DEFAULT_HIVE_PER_ETH,
  allowPrivateAddrs: false,
  maxOutputBytes: 64 * 1024 * 1024,
  onnxChildren: 1,
  spotCheckRate: 0,
  maxLoopLagMs: 1000,
  reachability: 'auto',
  relayReservations: 2,
  relayServer: false,
  relayPolicy: 'market',
  relayAllowPeers: [],
  relayMaxReservations: 128,
  // js-libp2p's defaults (2 min, 128 KiB) are far too small for job inputs and outputs
  relayCircuitDurationMs: 10 * 60 * 1000,
  relayCircuitDataBytes: 256 * 1024 * 1024,
  relayMaxCircuitsPerPeer: 16,
  relayRequesterMinHive: 1,
  autonat: true,
  dcutr: true,
  upnp: false,
  announcePrivate: false,
  // sharded by default (issue 14 goal 2): a provider validates the gossip of 2 shards in 16, the
  // requester's direct push to its best candidates reaches providers on any shard
  jobShards: 16,
  jobShardsJoined: 2,
  metrics: false,
  metricsHost: '127.0.0.1',
  metricsPort: 9464,
  metricsToken: '',
}
export const DEFAULT_SETTINGS: Readonly<HiveSettings> = Object.freeze(DEFAULTS)

/** Environment variable for each key. */
export const ENV_NAMES: Readonly<Record<keyof HiveSettings, string>> = Object.freeze({
  listen: 'HIVE_LISTEN',
  announce: 'HIVE_ANNOUNCE',
  bootstrap: 'HIVE_BOOTSTRAP',
  mdns: 'HIVE_MDNS',
  roles: 'HIVE_ROLE',
  apiHost: 'HIVE_API_HOST',
  apiPort: 'HIVE_API_PORT',
  allowRemoteApi: 'HIVE_ALLOW_REMOTE_API',
  profileTtlMs: 'HIVE_PROFILE_TTL_MS',
  executors: 'HIVE_EXECUTORS',
  prices: 'HIVE_PRICES',
  dhtMode: 'HIVE_DHT_MODE',
  benchmarkMs: 'HIVE_BENCHMARK_MS',
  rpcUrl: 'HIVE_RPC_URL',
  deployments: 'HIVE_DEPLOYMENTS',
  maxFeeGwei: 'HIVE_MAX_FEE_GWEI',
  confirmations: 'HIVE_CONFIRMATIONS',
  auditAnchorEvery: 'HIVE_AUDIT_ANCHOR_EVERY',
  auditAnchorIntervalMs: 'HIVE_AUDIT_ANCHOR_INTERVAL_MS',
  hivePerEth: 'HIVE_HIVE_PER_ETH',
  allowPrivateAddrs: 'HIVE_ALLOW_PRIVATE_ADDRS',
  maxOutputBytes: 'HIVE_MAX_OUTPUT_BYTES',
  onnxChildren: 'HIVE_ONNX_CHILDREN',
  spotCheckRate: 'HIVE_SPOT_CHECK_RATE',
  maxLoopLagMs: 'HIVE_MAX_LOOP_LAG_MS',
  reachability: 'HIVE_REACHABILITY',
  relayReservations: 'HIVE_RELAY_RESERVATIONS',
  relayServer: 'HIVE_RELAY_SERVER',
  relayPolicy: 'HIVE_RELAY_POLICY',
  relayAllowPeers: 'HIVE_RELAY_ALLOW_PEERS',
  relayMaxReservations: 'HIVE_RELAY_MAX_RESERVATIONS',
  relayCircuitDurationMs: 'HIVE_RELAY_CIRCUIT_DURATION_MS',
  relayCircuitDataBytes: 'HIVE_RELAY_CIRCUIT_DATA_BYTES',
  relayMaxCircuitsPerPeer: 'HIVE_RELAY_MAX_CIRCUITS_PER_PEER',
  relayRequesterMinHive: 'HIVE_RELAY_REQUESTER_MIN_HIVE',
  autonat: 'HIVE_AUTONAT',
  dcutr: 'HIVE_DCUTR',
  upnp: 'HIVE_UPNP',
  announcePrivate: 'HIVE_ANNOUNCE_PRIVATE',
  jobShards: 'HIVE_JOB_SHARDS',
  jobShardsJoined: 'HIVE_JOB_SHARDS_JOINED',
  metrics: 'HIVE_METRICS',
  metricsHost: 'HIVE_METRICS_HOST',
  metricsPort: 'HIVE_METRICS_PORT',
  metricsToken: 'HIVE_METRICS_TOKEN',
})

type Parser<K extends keyof HiveSettings> = (value: unknown, bad: (expected: string) => never) => HiveSettings[K]

function list(value: unknown, bad: (e: string) => never): string[] {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return value.map((s: string) => s.trim()).filter((s) => s !== '')
  return bad('a list of strings (a JSON array, or comma-separated in the environment)')
}

function multiaddrs(needPeerId: boolean) {
  return (value: unknown, bad: (e: string) => never): string[] => {
    const out = list(value, bad)
    for (const a of out) {
      try {
        multiaddr(a)
      } catch {
        bad(`multiaddrs, and "${a}" is not one (example: /ip4/127.0.0.1/tcp/4001)`)
      }
      if (needPeerId && !a.includes('/p2p/'))
        bad(
          `multiaddrs that end in /p2p/<peerId>, and "${a}" has no peer id` +
            ` (ask the peer for \`hive node start\`'s address line)`,
        )
    }
    return out
  }
}

function bool(value: unknown, bad: (e: string) => never): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' && /^(true|1|yes|on)$/i.test(value.trim())) return true
  if (typeof value === 'string' && /^(false|0|no|off)$/i.test(value.trim())) return false
  return bad('true or false')
}

function int(min: number, max: number, what: string) {
  return (value: unknown, bad: (e: string) => never): number => {
    const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max)
      return bad(`${what}: a whole number from ${min} to ${max}`)
    return n
  }
}

const PARSERS: { [K in keyof HiveSettings]: Parser<K> } = {
  listen: multiaddrs(false),
  announce: multiaddrs(false),
  bootstrap: multiaddrs(true),
  mdns: bool,
  roles: (v, bad) => {
    const roles = list(v, bad)
    if (roles.length === 0 || roles.some((r) => r !== 'provider' && r !== 'requester'))
      bad('one or both of provider, requester (e.g. "provider,requester")')
    return [...new Set(roles)] as Role[]
  },
  apiHost: (v, bad) =>
    typeof v === 'string' && v.trim() !== '' ? v.trim() : bad('a host name or IP address, normally 127.0.0.1'),
  apiPort: int(0, 65_535, 'a TCP port (0 picks a free one)'),
  allowRemoteApi: bool,
  profileTtlMs: int(1000, MAX_PROFILE_TTL_MS, 'milliseconds'),
  executors: (v, bad) => {
    const names = list(v, bad)
    for (const e of names)
      if (!EXECUTOR_PATTERN.test(e))
        bad(`executor names of lower-case letters, digits, '.', '_' or '-' (e.g. wasm), and "${e}" is not one`)
    return [...new Set(names)]
  },
  prices: (v, bad) => {
    const entries =
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
            .map((s) => s.split('='))
        : typeof v === 'object' && v !== null && !Array.isArray(v)
          ? Object.entries(v)
          : bad('executor=price pairs (e.g. "wasm=0.001,docker=0.01", or a JSON object)')
    const out: Record<string, string> = {}
    for (const [k, p] of entries) {
      if (typeof k !== 'string' || !EXECUTOR_PATTERN.test(k) || typeof p !== 'string' || !PRICE_PATTERN.test(p))
        bad(`executor=price pairs with decimal prices (e.g. "wasm=0.001")`)
      out[k] = p
    }
    return out
  },
  dhtMode: (v, bad) => (v === 'auto' || v === 'server' || v === 'client' ? v : bad('one of auto, server, client')),
  benchmarkMs: int(100, 60_000, 'milliseconds'),
  // chain settings (node/chain); the wallet passphrase is deliberately not one of them
  rpcUrl: (v, bad) =>
    typeof v === 'string' && (v.trim() === '' || /^(https?|wss?):\/\/\S+$/.test(v.trim()))
      ? v.trim()
      : bad('an http(s):// or ws(s):// JSON-RPC URL, e.g. http://127.0.0.1:8545 (empty: no chain)'),
  deployments: (v, bad) => (typeof v === 'string' ? v.trim() : bad('a path to a deployments file or folder')),
  maxFeeGwei: (v, bad) => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
    return typeof n === 'number' && Number.isFinite(n) && n > 0 && n <= 1e6
      ? n
      : bad('a fee cap in gwei greater than 0, e.g. 200')
  },
  confirmations: int(1, 64, 'blocks'),
  auditAnchorEvery: int(1, 1_000_000, 'entries'),
  auditAnchorIntervalMs: int(1000, 24 * 60 * 60 * 1000, 'milliseconds'),
  hivePerEth: (v, bad) => {
    const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : v
    return typeof text === 'string' && /^\d{1,12}(\.\d{1,18})?$/.test(text.trim()) && !/^0+(\.0*)?$/.test(text.trim())
      ? text.trim()
      : bad('a decimal price above 0: how many HIVE one ETH buys, e.g. 1000')
  },
  allowPrivateAddrs: bool,
  maxOutputBytes: int(64 * 1024, JOB_BOUNDS.outputBytes.max, 'bytes'),
  onnxChildren: int(1, 16, 'inference child processes'),
  spotCheckRate: (v, bad) => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
    return typeof n === 'number' && n >= 0 && n <= 1 ? n : bad('a number from 0 to 1, e.g. 0.05 for 5 % of k = 1 jobs')
  },
  maxLoopLagMs: int(0, 60_000, 'ms of event-loop lag (0 = never refuse work for it)'),
  reachability: (v, bad) =>
    v === 'auto' || v === 'public' || v === 'private' ? v : bad('one of auto, public, private'),
  relayReservations: int(0, 8, 'relays'),
  relayServer: bool,
  relayPolicy: (v, bad) => (v === 'market' || v === 'open' ? v : bad('one of market, open')),
  relayAllowPeers: (v, bad) => {
    const ids = list(v, bad)
    for (const id of ids) {
      try {
        peerIdFromString(id)
      } catch {
        bad(`peer ids (e.g. 12D3KooW…), and "${id}" is not one`)
      }
    }
    return [...new Set(ids)]
  },
  relayMaxReservations: int(1, 100_000, 'reservations'),
  relayCircuitDurationMs: int(1000, 24 * 60 * 60 * 1000, 'milliseconds'),
  relayCircuitDataBytes: int(1024, Number.MAX_SAFE_INTEGER, 'bytes'),
  relayMaxCircuitsPerPeer: int(1, 10_000, 'streams'),
  relayRequesterMinHive: int(0, 1_000_000_000, 'HIVE'),
  autonat: bool,
  dcutr: bool,
  upnp: bool,
  announcePrivate: bool,
  jobShards: int(1, MAX_JOB_SHARDS, 'shards'),
  jobShardsJoined: int(0, MAX_JOB_SHARDS, 'shards (0 = all)'),
  metrics: bool,
  metricsHost: (v, bad) =>
    typeof v === 'string' && v.trim() !== '' ? v.trim() : bad('a host name or IP address, normally 127.0.0.1'),
  metricsPort: int(0, 65_535, 'a TCP port (0 picks a free one)'),
  // at least 16 characters: a scrape token is a secret, not a password to type
  metricsToken: (v, bad) =>
    typeof v === 'string' && (v === '' || /^[\x21-\x7e]{16,256}$/.test(v))
      ? v
      : bad('16 to 256 printable characters without spaces (empty: use <dataDir>/metrics-token)'),
}

const KEYS = Object.keys(PARSERS) as Array<keyof HiveSettings>

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())
}

function parseLayer(
  raw: Record<string, unknown>,
  source: (key: keyof HiveSettings) => string,
  strict: boolean,
): Partial<HiveSettings> {
  const out: Partial<Record<keyof HiveSettings, unknown>> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue
    if (!(KEYS as string[]).includes(key)) {
      if (strict)
        throw new UsageError(
          'CONFIG_UNKNOWN_KEY',
          `${source(key as keyof HiveSettings)} is not a setting. Valid keys: ${KEYS.join(', ')}`,
          { key },
        )
      continue
    }
    const k = key as keyof HiveSettings
    const bad = (expected: string): never => {
      throw new UsageError(
        'CONFIG_INVALID',
        `${source(k)} = ${JSON.stringify(value)} is invalid: expected ${expected}`,
        { key: k, source: source(k), value: JSON.stringify(value) },
      )
    }
    out[k] = (PARSERS[k] as Parser<typeof k>)(value, bad)
  }
  return out as Partial<HiveSettings>
}

export function readConfigFile(dataDir: string): Record<string, unknown> {
  const path = join(dataDir, CONFIG_FILE)
  if (!existsSync(path)) return {}
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new UsageError(
      'CONFIG_UNREADABLE',
      `${path} is not valid JSON (${(err as Error).message}). Fix the file,` +
        ` or delete it and run \`hive init\` to write defaults`,
      { path },
      { cause: err },
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError('CONFIG_UNREADABLE', `${path} must hold a JSON object`, { path })
  return value as Record<string, unknown>
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/

export interface LoadConfigInput {
  dataDir: string
  /** flag values keyed like config.json (camelCase); unknown keys are ignored */
  flags?: Record<string, unknown>
  env?: Readonly<Record<string, string | undefined>>
}

/** The effective configuration. Throws UsageError naming the key, its source, the value and the fix. */
export function loadConfig(input: LoadConfigInput): HiveConfig {
  const file = parseLayer(readConfigFile(input.dataDir), (k) => `${join(input.dataDir, CONFIG_FILE)} key "${k}"`, true)
  const envRaw: Record<string, unknown> = {}
  const env = input.env ?? {}
  for (const k of KEYS) envRaw[k] = env[ENV_NAMES[k]] ?? (k === 'roles' ? env.HIVE_ROLES : undefined)
  const fromEnv = parseLayer(envRaw, (k) => `environment ${ENV_NAMES[k]}`, false)
  const fromFlags = parseLayer(input.flags ?? {}, (k) => `flag --${kebab(k)}`, false)
  const config: HiveConfig = {
    ...(structuredClone(DEFAULT_SETTINGS) as HiveSettings),
    ...file,
    ...fromEnv,
    ...fromFlags,
    dataDir: input.dataDir,
  }
  if (!LOOPBACK.test(config.apiHost) && !config.allowRemoteApi) {
    throw new UsageError(
      'CONFIG_INVALID',
      `apiHost "${config.apiHost}" would expose the node's control API beyond this machine. Use` +
        ` 127.0.0.1, or set allowRemoteApi (HIVE_ALLOW_REMOTE_API=true) if you really mean it`,
      { key: 'apiHost', value: config.apiHost },
    )
  }
  if (config.roles.includes('provider') && config.executors.length === 0) {
    throw new UsageError(
      'CONFIG_INVALID',
      'a provider must offer at least one executor: set executors (e.g. HIVE_EXECUTORS=wasm) or drop the provider role',
      { key: 'executors' },
    )
  }
  return config
}

/** Whether the DHT should only query (client) rather than also answer (server). */
export function dhtClientMode(
  config: Pick<HiveSettings, 'dhtMode' | 'roles'> & Partial<Pick<HiveSettings, 'reachability'>>,
): boolean {
  // a private node cannot answer DHT queries from peers that cannot dial it (docs/reach.md)
  if (config.dhtMode === 'auto') return !config.roles.includes('provider') || config.reachability === 'private'
  return config.dhtMode === 'client'
}

export interface InitResult {
  dataDir: string
  peerId: string
  /** paths this call created */
  created: string[]
  /** paths that already existed and were left untouched */
  kept: string[]
}

/**
 * `hive init`: the data dir (0700), the peer key (0600), config.json with defaults plus
 * `settings`, and the API token (0600). Idempotent: never overwrites anything that exists.
 */
export async function initDataDir(
  dataDir: string,
  options: { settings?: Partial<Record<keyof HiveSettings, unknown>> } = {},
): Promise<InitResult> {
  const created: string[] = []
  const kept: string[] = []
  if (existsSync(dataDir)) {
    if (!statSync(dataDir).isDirectory())
      throw new UsageError(
        'DATA_DIR_NOT_A_DIRECTORY',
        `${dataDir} exists and is not a directory: choose another --data-dir`,
        { dataDir },
      )
    kept.push(dataDir)
  } else {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    created.push(dataDir)
  }
  const { key, created: keyCreated } = await loadOrCreatePeerKey(dataDir)
  ;(keyCreated ? created : kept).push(join(dataDir, PEER_KEY_FILENAME))

  const configPath = join(dataDir, CONFIG_FILE)
  if (existsSync(configPath)) {
    kept.push(configPath)
  } else {
    const chosen = parseLayer(options.settings ?? {}, (k) => `init setting ${k}`, true)
    writeFileSync(configPath, JSON.stringify({ ...DEFAULT_SETTINGS, ...chosen }, null, 2) + '\n', {
      flag: 'wx',
      mode: 0o644,
    })
    created.push(configPath)
  }
  loadConfig({ dataDir }) // an existing config.json must still be valid

  const tokenPath = join(dataDir, API_TOKEN_FILE)
  if (existsSync(tokenPath)) kept.push(tokenPath)
  else {
    writePrivateFileExclusive(tokenPath, randomBytes(32).toString('hex') + '\n')
    created.push(tokenPath)
  }
  return { dataDir, peerId: peerIdFromPrivateKey(key).toString(), created, kept }
}
