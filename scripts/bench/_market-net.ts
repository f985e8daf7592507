// The market benchmark's in-process network: one requester and N providers, real HiveNodes with
// a MarketService each, over TCP on 127.0.0.1, all in this process. Every provider bootstraps to
// the requester (and to one earlier provider, so the gossip mesh is not a star). The providers
// share one WASM worker pool: a process running 50 providers has the same 2 cores as one.
// With a chain, every node also has a PaymentsService and an AuditService on its own chain client
// and wallet, as `hive node start` has: jobs are paid by channel and written to the audit logs.
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { loadConfig } from '../../node/config.ts'
import { openChain } from '../../node/chain/client.ts'
import { auditService } from '../../node/audit/index.ts'
import { WasmExecutor, WorkerPool } from '../../node/exec/index.ts'
import { createHiveNode } from '../../node/create.ts'
import { marketService } from '../../node/market/service.ts'
import { paymentsService } from '../../node/payments/service.ts'
import type { MarketService } from '../../node/market/service.ts'
import type { HiveNode } from '../../node/node.ts'
import type { JobEvent } from '../../node/market/events.ts'
import type { JobPolicy } from '../../node/market/requester-job.ts'
import type { ChainClient } from '../../node/chain/client.ts'
import type { ProfileHardware } from '../../protocol/profile.ts'
import type { DevChain } from '../../test/support/chain.ts'

const GIB = 1024 ** 3
const HARDWARE: ProfileHardware = {
  cpu: { model: 'Bench CPU', cores: 4, threads: 8, arch: 'x64', speedMhz: 3000 },
  memoryBytes: 16 * GIB,
  gpus: [],
  os: { platform: 'linux', distro: 'bench', release: '1', kernel: '6' },
  benchmark: { cpuScore: 1000, durationMs: 1000 },
}

export interface BenchPeer {
  node: HiveNode
  market: MarketService
  chain?: ChainClient
}

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
  /** pay jobs by channel on this chain and keep audit logs (dev accounts 1.. are the nodes' wallets) */
  chain?: DevChain
  /** providers started at once; each batch waits for its DHT publication before the next */
  batch?: number
  onRequesterEvent: (event: JobEvent) => void
  onProviderEvent?: (event: JobEvent) => void
  say: (text: string) => void
}

/**
 * How long a batch waits for its DHT publications: in a network of a few peers a publication
 * never completes (too few DHT servers), and the market does not need it
 */
const PUBLISH_WAIT_MS = 10_000

/** HIVE the requester deposits per channel: enough for every job of a long run with one provider */
const CHANNEL_DEPOSIT = parseEther('100')

async function startPeer(
  name: string,
  roles: string,
  account: number,
  bootstrap: string[],
  opts: MarketNetOptions,
  pool: WorkerPool,
): Promise<BenchPeer> {
  const dataDir = join(opts.root, name)
  const config = loadConfig({
    dataDir,
    // every peer is on 127.0.0.1: providers must dial loopback requesters
    flags: {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap,
      roles,
      mdns: false,
      prices: { wasm: '0.001' },
      allowPrivateAddrs: true,
      // every node of this process shares its event loop: one node's lag would be every provider's
      maxLoopLagMs: 0,
      // the requester is the one DHT server: a provider's profile publication is then a few RPCs
      // to it rather than a walk over hundreds of in-process peers (the market does not use it)
      dhtMode: roles === 'requester' ? 'server' : 'client',
    },
  })
  const isRequester = roles === 'requester'
  let chain: ChainClient | undefined
  if (opts.chain !== undefined) {
    // a chain client per node, as each `hive node start` has one; polling slower than the
    // tests' (a few hundred clients share this thread and the Hardhat process)
    // on a busy machine Hardhat answers slowly: a long RPC timeout, and a second try, before
    // a failed deployment check ends the run
    const open = async (): Promise<ChainClient> =>
      await openChain({
        settings: opts.chain!.settings,
        wallet: opts.chain!.account(account),
        tx: { pollMs: 100 },
        pollingIntervalMs: 1000,
        rpcTimeoutMs: 60_000,
      })
    chain = await open().catch(async () => await open())
  }
  try {
    // 1 MiB LevelDB block cache per node: dozens of nodes share this process. libp2p's peer store
    // in memory: persisted in each node's LevelDB, 21 nodes' peer-store reads and writes (every
    // dial, identify and DHT step) took about a fifth of this thread in a profile, an artefact of
    // running them all in one process rather than a cost of the market
    const market = marketService({
      executors: { wasm: new WasmExecutor({ pool }) },
      capacity: opts.capacity,
      policy: opts.policy,
      onEvent: isRequester ? opts.onRequesterEvent : opts.onProviderEvent,
    })
    const node =
      chain === undefined
        ? await createHiveNode(config, {
            hardware: HARDWARE,
            storeCacheSize: 1024 * 1024,
            libp2pDatastore: 'memory',
            services: { market },
          })
        : await createHiveNode(config, {
            hardware: HARDWARE,
            storeCacheSize: 1024 * 1024,
            libp2pDatastore: 'memory',
            services: {
              audit: auditService({ chain }),
              payments: paymentsService({
                chain,
                options: { pollMs: 1000, windowBits: 8, channelDeposit: CHANNEL_DEPOSIT },
              }),
              market,
            },
          })
    await node.start()
    return { node, market: node.services.market!, ...(chain !== undefined ? { chain } : {}) }
  } catch (err) {
    chain?.close()
    throw err
  }
}

/** ETH for gas and HIVE for channel deposits, from the deployer, before the nodes start */
async function fund(chain: DevChain, providers: number): Promise<void> {
  const eth = parseEther('100')
  for (let i = 1; i <= providers + 1; i++) await chain.setEth(chain.account(i).address, eth)
  await chain.giveHive(chain.account(1).address, CHANNEL_DEPOSIT * BigInt(providers + 1))
}

export async function startMarketNet(opts: MarketNetOptions): Promise<MarketNet> {
  const pool = new WorkerPool({ size: opts.poolSize })
  await pool.start()
  const peers: BenchPeer[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(
      peers.map(async (p) => {
        await p.node.stop().catch(() => {})
        p.chain?.close()
      }),
    )
    await pool.stop()
  }
  try {
    if (opts.chain !== undefined) await fund(opts.chain, opts.providers)
    const requester = await startPeer('requester', 'requester', 1, [], opts, pool)
    peers.push(requester)
    const providers: BenchPeer[] = []
    const requesterAddrs = requester.node.info().addresses
    const batch = Math.max(1, opts.batch ?? 1)
    let unpublished = 0
    for (let first = 0; first < opts.providers; first += batch) {
      const size = Math.min(batch, opts.providers - first)
      const started = await Promise.all(
        Array.from({ length: size }, async (_, j) => {
          const i = first + j
          const neighbour =
            providers.length > 0 ? providers[Math.floor(Math.random() * providers.length)].node.info().addresses : []
          const p = await startPeer(`provider-${i}`, 'provider', i + 2, [...requesterAddrs, ...neighbour], opts, pool)
          peers.push(p)
          return p
        }),
      )
      providers.push(...started)
      // a bounded batch at a time: a provider's first DHT publication (profile + capability
      // keys) is a walk plus ~K RPCs; 50 of them at once on one thread timed out, retried and
      // never settled, burning the CPU the market was to be measured with
      await Promise.all(
        started.map(async (p) => {
          await p.node.discovery.whenPublished(AbortSignal.timeout(PUBLISH_WAIT_MS)).catch(() => {
            unpublished++
          })
        }),
      )
      if (providers.length % 10 < size || providers.length === opts.providers)
        opts.say(`  ${providers.length}/${opts.providers} providers up`)
    }
    if (unpublished > 0)
      opts.say(
        `  ${unpublished}/${opts.providers} providers did not publish their profile in the DHT` +
          ` within ${PUBLISH_WAIT_MS / 1000} s (not needed by the market itself)`,
      )
    return { requester, providers, pool, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
