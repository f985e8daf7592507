// Shared by the market tests: real HiveNodes with a MarketService on 127.0.0.1, a shared WASM
// worker pool.
import { join } from 'node:path'
import { loadConfig } from '../../../node/config.ts'
import { WasmExecutor } from '../../../node/exec/index.ts'
import { MarketService } from '../../../node/market/service.ts'
import { HiveNode } from '../../../node/node.ts'
import { loadPeerKey } from '../../../node/p2p/identity.ts'
import type { WorkerPool } from '../../../node/exec/index.ts'
import type { JobEvent } from '../../../node/market/events.ts'
import type { GossipOutcome } from '../../../node/market/gossip.ts'
import type { MarketOptions } from '../../../node/market/service.ts'
import type { ProviderFaults } from '../../../node/market/provider.ts'
import type { ProfileHardware } from '../../../protocol/profile.ts'
import type { PrivateKey } from '@libp2p/interface'

const GIB = 1024 ** 3

export const TEST_HARDWARE: ProfileHardware = {
  cpu: { model: 'Test CPU', cores: 4, threads: 8, arch: 'x64', speedMhz: 3000 },
  memoryBytes: 16 * GIB,
  gpus: [],
  os: { platform: 'linux', distro: 'test', release: '1', kernel: '6' },
  benchmark: { cpuScore: 1000, durationMs: 1000 },
}

/** A requirement no test provider meets: the job is gossiped and validated but never bid on. */
export const UNSATISFIABLE = { minMemoryBytes: 512 * GIB }

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
export const str = (b: Uint8Array | undefined): string => new TextDecoder().decode(b)

export interface GossipVerdict { outcome: GossipOutcome, code: string | undefined, topic: string }

export interface MarketPeer {
  name: string
  node: HiveNode
  market: MarketService
  key: PrivateKey
  events: JobEvent[]
  verdicts: GossipVerdict[]
}

export interface StartPeerOptions {
  roles: 'requester' | 'provider'
  root: string
  bootstrap?: MarketPeer
  price?: string
  faults?: ProviderFaults
  pool?: WorkerPool
  policy?: MarketOptions['policy']
  capacity?: number
  /** called synchronously with every job event (e.g. to act at an exact step) */
  onEvent?: (event: JobEvent) => void
}

export async function startMarketPeer (name: string, opts: StartPeerOptions): Promise<MarketPeer> {
  const dataDir = join(opts.root, name)
  const config = loadConfig({
    dataDir,
    flags: {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: opts.bootstrap?.node.info().addresses ?? [],
      roles: opts.roles,
      prices: { wasm: opts.price ?? '0.001' },
      // every test peer is on 127.0.0.1: providers must dial loopback requesters
      allowPrivateAddrs: true,
    },
  })
  const node = await HiveNode.create(config, { hardware: TEST_HARDWARE })
  const key = await loadPeerKey(dataDir)
  const events: JobEvent[] = []
  const verdicts: GossipVerdict[] = []
  const market = new MarketService(node, {
    privateKey: key,
    ...(opts.pool !== undefined ? { executors: { wasm: new WasmExecutor({ pool: opts.pool }) } } : {}),
    faults: opts.faults,
    policy: opts.policy,
    capacity: opts.capacity,
    onEvent: (e) => { events.push(e); opts.onEvent?.(e) },
    onGossipOutcome: (outcome, code, topic) => verdicts.push({ outcome, code, topic }),
  })
  node.addService(market)
  await node.start()
  return { name, node, market, key, events, verdicts }
}

/** Polls `check` every 20 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function waitFor (what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

