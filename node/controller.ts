// What a running node offers its local API (and through it the CLI).
// HiveNode (node/node.ts) implements it; node/api serves it. Everything here is plain data so
// that it crosses the HTTP boundary as JSON unchanged.
import type { JobEvent } from './market/events.ts'

export interface NodeInfo {
  peerId: string
  /** multiaddrs including /p2p/<peerId> that other peers can dial */
  addresses: string[]
  dataDir: string
  version: string
  roles: Array<'provider' | 'requester'>
  startedAt: number
  /** whether peers can dial this node, and how (issue 13, docs/reach.md) */
  reach?: ReachInfo
  /** how far this node corrects its system clock by its peers' (protocol/clock-offset.ts) */
  clock?: ClockInfo
  /** whether the node can write its data dir; failing, it takes no new work (node/store-health.ts) */
  store?: StoreHealthInfo
}

export interface StoreHealthInfo {
  ok: boolean
  /** while failing: the error's code (LEVEL_IO_ERROR …) and LevelDB's message (which names ENOSPC, EIO …) */
  code?: string
  message?: string
  /** unix ms the store started failing */
  since?: number
  /** writes that failed since the node started */
  failedWrites: number
}

/** The node's network-adjusted clock: offsetMs is added to the system clock. */
export interface ClockInfo {
  offsetMs: number
  /** the median of the peers' offsets, this node counting at 0 */
  medianMs: number
  /** peers sampled */
  peers: number
  /** the system clock is further off than the node corrects */
  capped: boolean
  /** false when the node runs on a clock its caller gave it */
  adjusting: boolean
}

/** What this node knows of its own reachability; every `…At` / `since` is unix ms. */
export interface ReachInfo {
  status: 'public' | 'private' | 'unknown'
  /** auto: learnt; public / private: forced by config */
  mode: 'auto' | 'public' | 'private'
  /** when `status` last changed */
  since: number
  /** when it was last worked out */
  checkedAt: number
  /** our addresses as libp2p knows them: listen, announced, observed, with AutoNAT's verdict */
  addresses: Array<{ address: string; type: string; verified: boolean; lastVerified?: number }>
  /** public addresses AutoNAT (or the operator's announce) confirmed */
  confirmed: string[]
  /** relays holding a reservation for us, and our address through each */
  relays: Array<{ relay: string; address: string; since: number }>
  dhtMode: 'client' | 'server'
  /**
   * since start: relayed (limited) connections opened, and direct connections that opened to a
   * peer while a relayed one to it was open (DCUtR's reversal or hole punch, or any other dial)
   */
  connections: { relayed: number; upgradedToDirect: number }
  /** present when this node is a relay */
  relayServer?: {
    policy: 'market' | 'open'
    reservations: number
    bytesRelayed: number
    hopStreams: number
    admitted: number
    refused: number
    refusedPerPeerCap: number
    /** reservations granted to requesters on a funded account (relay-tie) */
    admittedFunded: number
    /** provider profiles that did not count: stake not on chain */
    refusedUnstaked: number
  }
}

export interface PeerSummary {
  peerId: string
  addresses: string[]
  /** round-trip time measured by ping/identify where known */
  rttMs?: number
  protocols: string[]
}

export interface GpuInfo {
  vendor: string
  model: string
  vramMiB: number
}

/** The hardware part of a provider's profile, as shown to people. */
export interface HardwareSummary {
  cpu: { model: string; cores: number; threads: number; arch: string; speedGHz: number }
  memoryBytes: number
  gpus: GpuInfo[]
  os: { platform: string; distro: string; release: string; kernel: string }
  benchmark: { cpuScore: number; durationMs: number }
}

export interface ProviderProfileView {
  peerId: string
  hardware: HardwareSummary
  executors: string[]
  capabilities: string[]
  /** unix ms */
  issuedAt: number
  expiresAt: number
  address?: string
  prices?: Record<string, string>
}

export interface ProviderFilter {
  executor?: string
  gpuVendor?: string
  minMemoryBytes?: number
  minCpuScore?: number
  arch?: string
  limit?: number
}

/**
 * How this node's request/response handlers answered since it started: per protocol label
 * ('bid', 'voucher', 'blob' …), per outcome ('OK' or the layer's error code), a count.
 */
export interface ProtocolOutcomes {
  protocols: Record<string, Partial<Record<string, number>>>
}

/** Events a node streams to local clients; `type` picks the payload. */
export type NodeEvent =
  | { type: 'node:started'; at: number; peerId: string }
  | { type: 'node:stopping'; at: number }
  | { type: 'peer:connected'; at: number; peerId: string }
  | { type: 'peer:disconnected'; at: number; peerId: string }
  | { type: 'profile:published'; at: number; expiresAt: number }
  | { type: 'reach:changed'; at: number; status: ReachInfo['status']; relays: number }
  | { type: 'log'; at: number; level: 'info' | 'warn' | 'error'; message: string; data?: Record<string, unknown> }
  | JobEvent

export interface NodeController {
  info(): NodeInfo
  peers(): PeerSummary[]
  hardware(): ProviderProfileView
  findProviders(filter: ProviderFilter, options?: { signal?: AbortSignal }): Promise<ProviderProfileView[]>
  /** the request/response outcome counters, as counted now */
  protocols(): ProtocolOutcomes
  /** subscribe to live events; returns an unsubscribe function */
  onEvent(listener: (event: NodeEvent) => void): () => void
}
