// `npm run bench -- discovery [--peers N] [--samples S] [--dht-k K]`
// Time from a provider's start until another peer finds it by capability, on a network of N
// peers over TCP on 127.0.0.1, all in this process. N-1 peers run throughout (providers plus one
// requester that searches); each sample starts one more provider (a GPU box, the capability
// searched for), polls the requester's lookup until that provider appears, then stops it, so
// the network stays at N peers. RSS is this process's resident memory divided by N (in-process
// mode, as the issue allows); the JSON says so.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import type { HiveNode } from '../../node/node.ts'
import type { ProfileHardware } from '../../protocol/profile.ts'

const args = process.argv.slice(2)
function arg (name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`)
  if (i < 0) return fallback
  const n = Number(args[i + 1])
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} needs a whole number, got ${String(args[i + 1])}`)
    process.exit(2)
  }
  return n
}
const PEERS = arg('peers', 30)
const SAMPLES = arg('samples', 20)
/** Kademlia K for every peer (default 20, libp2p's and IPFS's value) */
const DHT_K = arg('dht-k', 20)
if (PEERS < 4) { console.error('--peers must be at least 4'); process.exit(2) }
const say = (text: string): void => { process.stderr.write(text + '\n') }

const GIB = 1024 ** 3
const cpuBox: ProfileHardware = {
  cpu: { model: 'Bench CPU', cores: 4, threads: 8, arch: 'x64', speedMhz: 3000 },
  memoryBytes: 16 * GIB,
  gpus: [],
  os: { platform: 'linux', distro: 'bench', release: '1', kernel: '6' },
  benchmark: { cpuScore: 1000, durationMs: 1000 },
}
const gpuBox: ProfileHardware = { ...cpuBox, gpus: [{ vendor: 'nvidia', model: 'Bench GPU', vramMiB: 24_576 }] }

const root = mkdtempSync(join(tmpdir(), 'hive-bench-discovery-'))
const running: HiveNode[] = []
let seq = 0

async function startNode (opts: { bootstrap: HiveNode[], roles: string, hardware: ProfileHardware, ttlMs: number }): Promise<HiveNode> {
  const config = loadConfig({
    dataDir: join(root, `n${seq++}`),
    flags: {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: opts.bootstrap.flatMap((n) => n.info().addresses),
      roles: opts.roles,
      profileTtlMs: opts.ttlMs,
    },
  })
  // 1 MiB LevelDB block cache per node: 30 nodes share one process here
  const node = await createHiveNode(config, { hardware: opts.hardware, storeCacheSize: 1024 * 1024, dhtKBucketSize: DHT_K })
  await node.start()
  return node
}

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]

try {
  say(`starting ${PEERS - 1} background peers …`)
  const t0 = performance.now()
  const seeds = [await startNode({ bootstrap: [], roles: 'provider,requester', hardware: cpuBox, ttlMs: 600_000 })]
  running.push(seeds[0])
  seeds.push(await startNode({ bootstrap: [seeds[0]], roles: 'provider,requester', hardware: cpuBox, ttlMs: 600_000 }))
  running.push(seeds[1])
  while (running.length < PEERS - 2) {
    running.push(await startNode({ bootstrap: [pick(seeds)], roles: 'provider,requester', hardware: cpuBox, ttlMs: 600_000 }))
  }
  const searcher = await startNode({ bootstrap: [pick(seeds)], roles: 'requester', hardware: cpuBox, ttlMs: 600_000 })
  running.push(searcher)
  await Promise.all(running.filter((n) => n.config.roles.includes('provider')).map(async (n) => await n.discovery.whenPublished(AbortSignal.timeout(300_000))))
  say(`  ${running.length} peers up and published in ${Math.round(performance.now() - t0)} ms`)

  const samples: number[] = []
  for (let s = 0; s < SAMPLES; s++) {
    const start = performance.now()
    // the sample's profile lives 10 s, so earlier samples' records drop out of later lookups
    const provider = await startNode({ bootstrap: [pick(running.slice(0, -1))], roles: 'provider', hardware: gpuBox, ttlMs: 10_000 })
    running.push(provider)
    const id = provider.peerId.toString()
    let found = false
    while (!found) {
      if (performance.now() - start > 30_000) throw new Error(`sample ${s}: provider ${id} not found within 30 s`)
      const res = await searcher.findProviders({ gpuVendor: 'nvidia', limit: 100 }, { signal: AbortSignal.timeout(10_000) })
      found = res.some((p) => p.peerId === id)
      if (process.env.BENCH_TRACE !== undefined) say(`    poll at ${Math.round(performance.now() - start)} ms: ${res.length} results, found=${String(found)}`)
      // a requester waiting for providers re-asks a few times a second; tighter polling on a
      // shared core mostly slows the provider it is waiting for
      if (!found) await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const ms = performance.now() - start
    samples.push(ms)
    say(`  sample ${s + 1}/${SAMPLES}: found after ${Math.round(ms)} ms`)
    running.splice(running.indexOf(provider), 1)
    await provider.stop()
  }

  global.gc?.()
  const rssMb = process.memoryUsage().rss / (1024 * 1024)
  const sorted = [...samples].sort((a, b) => a - b)
  const result = {
    bench: 'discovery',
    peers: PEERS,
    samples: samples.length,
    dhtK: DHT_K,
    discoverP50Ms: Math.round(percentile(sorted, 50)),
    discoverP95Ms: Math.round(percentile(sorted, 95)),
    discoverMaxMs: Math.round(sorted[sorted.length - 1]),
    rssMbPerNode: Math.round((rssMb / PEERS) * 10) / 10,
    rssMethod: `process RSS / peers (${PEERS - 1} background peers running when measured)`,
    mode: 'in-process',
  }
  await Promise.all(running.splice(0).map(async (n) => await n.stop()))
  console.log(JSON.stringify(result))
} catch (err) {
  say(`benchmark failed: ${(err as Error).stack ?? String(err)}`)
  await Promise.all(running.splice(0).map(async (n) => await n.stop().catch(() => {})))
  process.exitCode = 1
} finally {
  rmSync(root, { recursive: true, force: true })
}
