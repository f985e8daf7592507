// The market benchmark's network: one requester and N providers, real HiveNodes with a
// MarketService each, over TCP on 127.0.0.1, all in this process. Every provider bootstraps to
// the requester (and to one earlier provider, so the gossip mesh is not a star). The providers
// share one WASM worker pool: a process running 50 providers has the same 2 cores as one.
import { join } from 'node:path'
import { loadConfig } from '../../node/config.ts'
import { WasmExecutor, WorkerPool } from '../../node/exec/index.ts'
import { createHiveNode } from '../../node/create.ts'
import { marketService } from '../../node/market/service.ts'
import type { MarketService } from '../../node/market/service.ts'
import type { HiveNode } from '../../node/node.ts'
import type { JobEvent } from '../../node/market/events.ts'
import type { JobPolicy } from '../../node/market/requester-job.ts'
import type { ProfileHardware } from '../../protocol/profile.ts'

const GIB = 1024 ** 3
const HARDWARE: ProfileHardware = {
  cpu: { model: 'Bench CPU', cores: 4, threads: 8, arch: 'x64', speedMhz: 3000 },
  memoryBytes: 16 * GIB,
  gpus: [],
  os: { platform: 'linux', distro: 'bench', release: '1', kernel: '6' },
  benchmark: { cpuScore: 1000, durationMs: 1000 },
}

export interface BenchPeer { node: HiveNode, market: MarketService }

export interface MarketNet {
  requester: BenchPeer
  providers: BenchPeer[]
  pool: WorkerPool
  stop: () => Promise<void>
}

export interface MarketNetOptions {
  root: string
  providers: number
  /** jobs each provider runs at once */
  capacity: number
  policy: JobPolicy
  poolSize: number
  onRequesterEvent: (event: JobEvent) => void
  onProviderEvent?: (event: JobEvent) => void
  say: (text: string) => void
}

async function startPeer (name: string, roles: string, bootstrap: string[], opts: MarketNetOptions, pool: WorkerPool): Promise<BenchPeer> {
  const dataDir = join(opts.root, name)
  const config = loadConfig({
    dataDir,
    // every peer is on 127.0.0.1: providers must dial loopback requesters
    flags: { listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, roles, mdns: false, prices: { wasm: '0.001' }, allowPrivateAddrs: true },
  })
  // 1 MiB LevelDB block cache per node: dozens of nodes share this process. libp2p's peer store
  // in memory: persisted in each node's LevelDB, 21 nodes' peer-store reads and writes (every
  // dial, identify and DHT step) took about a fifth of this thread in a profile, an artefact of
  // running them all in one process rather than a cost of the market
  const isRequester = roles === 'requester'
  const node = await createHiveNode(config, {
    hardware: HARDWARE,
    storeCacheSize: 1024 * 1024,
    libp2pDatastore: 'memory',
    services: {
      market: marketService({
        executors: { wasm: new WasmExecutor({ pool }) },
        capacity: opts.capacity,
        policy: opts.policy,
        onEvent: isRequester ? opts.onRequesterEvent : opts.onProviderEvent,
      }),
    },
  })
  await node.start()
  const market = node.services.market!
  return { node, market }
}

export async function startMarketNet (opts: MarketNetOptions): Promise<MarketNet> {
  const pool = new WorkerPool({ size: opts.poolSize })
  await pool.start()
  const peers: BenchPeer[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(peers.map(async (p) => await p.node.stop().catch(() => {})))
    await pool.stop()
  }
  try {
    const requester = await startPeer('requester', 'requester', [], opts, pool)
    peers.push(requester)
    const providers: BenchPeer[] = []
    const requesterAddrs = requester.node.info().addresses
    let unpublished = 0
    for (let i = 0; i < opts.providers; i++) {
      const neighbour = providers.length > 0 ? providers[Math.floor(Math.random() * providers.length)].node.info().addresses : []
      const p = await startPeer(`provider-${i}`, 'provider', [...requesterAddrs, ...neighbour], opts, pool)
      providers.push(p)
      peers.push(p)
      // one at a time: a provider's first DHT publication (profile + capability keys) is a walk
      // plus ~K RPCs; 50 of them at once on one thread timed out, retried and never settled,
      // burning the CPU the market was to be measured with
      await p.node.discovery.whenPublished(AbortSignal.timeout(30_000)).catch(() => { unpublished++ })
      if ((i + 1) % 10 === 0) opts.say(`  ${i + 1}/${opts.providers} providers up`)
    }
    if (unpublished > 0) opts.say(`  ${unpublished}/${opts.providers} providers did not publish their profile in the DHT within 30 s (not needed by the market itself)`)
    return { requester, providers, pool, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
