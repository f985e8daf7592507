// `npm run bench -- discovery [--peers N] [--samples S] [--dht-k K] [--batch B] [--dht-samples D]`
// Time from a provider's start until another peer finds it by capability, on a network of N
// peers over TCP on 127.0.0.1, all in this process. N-1 peers run throughout (providers plus one
// requester that searches); each sample starts one more provider (a GPU box, the capability
// searched for), waits until the requester's lookup returns it, then stops it, so the network
// stays at N peers. Two figures per sample: `view`, until the requester's local view has the
// provider (what a running requester's lookup answers from: node/discovery/announce.ts), and
// `dht`, until a DHT-only lookup finds it (a cold requester's path; --dht-samples, default 3,
// since each walk costs seconds of CPU at 100 peers; they need the background providers' DHT
// records, waited for up to --publish-wait ms). Background peers start in batches of B
// (default 8), each batch once the previous one is up: 99 peers dialling one seed at once used
// to time out. RSS is this process's resident memory divided by N (in-process mode).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { multiaddr } from '@multiformats/multiaddr'
import { loadConfig } from '../../node/config.ts'
import { runCpuBenchmark } from '../../node/hardware/benchmark.ts'
import { createHiveNode } from '../../node/create.ts'
import type { HiveNode } from '../../node/node.ts'
import type { ProfileHardware } from '../../protocol/profile.ts'

const args = process.argv.slice(2)
function arg(name: string, fallback: number, min = 1): number {
  const i = args.indexOf(`--${name}`)
  if (i < 0) return fallback
  const n = Number(args[i + 1])
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} needs a whole number, got ${String(args[i + 1])}`)
    process.exit(2)
  }
  return n
}
const PEERS = arg('peers', 30)
const SAMPLES = arg('samples', 20)
/** Kademlia K for every peer (default 20, libp2p's and IPFS's value) */
const DHT_K = arg('dht-k', 20)
const BATCH = arg('batch', 8)
const DHT_SAMPLES = arg('dht-samples', 3, 0)
/** how long to wait for the background providers' first DHT publish before sampling (ms) */
const PUBLISH_WAIT_MS = arg('publish-wait', 180_000)
/** how long each batch may take over its first DHT round before the next batch starts (ms) */
const BATCH_PUBLISH_WAIT_MS = 30_000
if (PEERS < 4) {
  console.error('--peers must be at least 4')
  process.exit(2)
}
const say = (text: string): void => {
  process.stderr.write(text + '\n')
}

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

async function startNode(opts: {
  bootstrap: HiveNode[]
  roles: string
  hardware: ProfileHardware
  ttlMs: number
}): Promise<HiveNode> {
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
  // 1 MiB LevelDB block cache and an in-memory peer store per node: N nodes share one process
  const node = await createHiveNode(config, {
    hardware: opts.hardware,
    storeCacheSize: 1024 * 1024,
    dhtKBucketSize: DHT_K,
    libp2pDatastore: 'memory',
  })
  await node.start()
  return node
}

/**
 * Dials `targets` until `node` has a connection (a bootstrap dial can fail under load); false
 * after `timeoutMs`. Seen on a loaded machine: a peer whose first dials stalled never connected
 * again, however often asked, while peers started with it did; the caller replaces such a peer.
 */
async function ensureConnected(node: HiveNode, targets: () => HiveNode[], timeoutMs = 45_000): Promise<boolean> {
  const end = performance.now() + timeoutMs
  for (let attempt = 0; node.libp2p.getConnections().length === 0; attempt++) {
    if (performance.now() > end) return false
    // give the bootstrap dial a moment first, then dial ourselves
    if (attempt > 0) {
      const target = pick(targets().filter((t) => t !== node))
      await node.libp2p
        .dial(multiaddr(target.info().addresses[0]), { signal: AbortSignal.timeout(15_000) })
        .catch((err: Error) => {
          say(`    dial from ${node.peerId.toString().slice(-6)} failed: ${err.message}`)
        })
    }
    if (node.libp2p.getConnections().length === 0) await sleep(250 * Math.min(attempt + 1, 8))
  }
  return true
}

/** Starts a background peer that is connected to the network, replacing one that cannot connect. */
async function startConnected(seeds: HiveNode[]): Promise<HiveNode> {
  for (let tries = 1; ; tries++) {
    const node = await startNode({
      bootstrap: [pick(seeds), pick(running)],
      roles: 'provider,requester',
      hardware: cpuBox,
      ttlMs: 600_000,
    })
    if (await ensureConnected(node, () => [...seeds, ...running])) return node
    say(`    ${node.peerId.toString().slice(-6)} could not connect; replacing it (try ${tries})`)
    await node.stop()
    if (tries >= 3) throw new Error('three peers in a row could not connect to the network')
  }
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check` holds, re-checking every `everyMs`; throws naming `what` after `timeoutMs`. */
async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 20,
): Promise<void> {
  const end = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]

try {
  const loadStart = loadavg()[0]
  say(`starting ${PEERS - 1} background peers in batches of ${BATCH} …`)
  const t0 = performance.now()
  const seeds = [await startNode({ bootstrap: [], roles: 'provider,requester', hardware: cpuBox, ttlMs: 600_000 })]
  running.push(seeds[0])
  seeds.push(await startNode({ bootstrap: [seeds[0]], roles: 'provider,requester', hardware: cpuBox, ttlMs: 600_000 }))
  running.push(seeds[1])
  while (running.length < PEERS - 2) {
    const n = Math.min(BATCH, PEERS - 2 - running.length)
    // each new peer bootstraps from a seed and one random running peer, so no one peer takes all the dials
    // the batch is up once each peer is connected to someone: then the next batch may dial it.
    // The bootstrap list is dialled once at start; a dial that failed on a busy core is not
    // retried, and that peer would sit alone forever: dial again, or replace the peer
    const batch = await Promise.all(Array.from({ length: n }, async () => await startConnected(seeds)))
    running.push(...batch)
    // and its first DHT round is over (or has run long enough): starting more peers while dozens
    // of DHT walks are under way only starved them all, on 2 shared cores
    await Promise.all(
      batch.map(
        async (b) => await b.discovery.whenPublished(AbortSignal.timeout(BATCH_PUBLISH_WAIT_MS)).catch(() => {}),
      ),
    )
    say(`    ${running.length} peers running (${Math.round(performance.now() - t0)} ms)`)
  }
  const searcher = await startNode({
    bootstrap: [pick(seeds), pick(running)],
    roles: 'requester',
    hardware: cpuBox,
    ttlMs: 600_000,
  })
  if (!(await ensureConnected(searcher, () => running))) throw new Error('the searcher could not connect')
  running.push(searcher)
  const providers = running.filter((n) => n.config.roles.includes('provider'))
  say(`  ${running.length} peers started in ${Math.round(performance.now() - t0)} ms; waiting for their DHT records …`)
  const published = new Set<HiveNode>()
  const report = setInterval(() => {
    const missing = providers.filter((n) => !published.has(n))
    say(
      `    ${published.size}/${providers.length} published; waiting for ${missing.map((n) => `${n.peerId.toString().slice(-6)} (${n.libp2p.getConnections().length} conns)`).join(', ')}`,
    )
  }, 10_000)
  // the view needs no DHT records, the DHT samples do: wait for them, but not forever (at 100
  // peers on 2 shared cores the first publish rounds take minutes); the JSON says how many made it
  const publishWait = AbortSignal.timeout(PUBLISH_WAIT_MS)
  await Promise.all(
    providers.map(async (n) => {
      await n.discovery.whenPublished(publishWait).then(
        () => published.add(n),
        () => {},
      )
    }),
  )
  clearInterval(report)
  say(
    `  ${running.length} peers up, ${published.size}/${providers.length} published in the DHT, after ${Math.round(performance.now() - t0)} ms`,
  )

  const viewMs: number[] = []
  let missed = 0
  let dhtMissed = 0
  const dhtMs: number[] = []
  for (let s = 0; s < SAMPLES; s++) {
    const start = performance.now()
    // the sample's profile lives 10 s, so earlier samples' records drop out of later lookups
    const provider = await startNode({
      bootstrap: [pick(running.slice(0, -1))],
      roles: 'provider',
      hardware: gpuBox,
      ttlMs: 10_000,
    })
    const startedMs = performance.now() - start
    running.push(provider)
    // a failed bootstrap dial is retried (counted in the sample: it is part of joining)
    if (!(await ensureConnected(provider, () => running.slice(0, -1))))
      throw new Error(`sample ${s}: the provider could not connect`)
    const id = provider.peerId.toString()
    // a running requester's lookup: answered from its view (cheap, so asked every 10 ms)
    // a provider not seen within 30 s counts as 30 s and as missed (the JSON says how many)
    const seen = await until(
      `sample ${s}: provider in the view`,
      async () =>
        (await searcher.discovery.findProviders({ gpuVendor: 'nvidia' }, { source: 'view', limit: 100 })).some(
          (p) => p.peerId === id,
        ),
      30_000,
      10,
    ).then(
      () => true,
      () => false,
    )
    if (!seen) missed++
    const v = performance.now() - start
    viewMs.push(v)
    let line = `  sample ${s + 1}/${SAMPLES}: started in ${Math.round(startedMs)} ms, ${seen ? 'in the view after' : 'NOT in the view after'} ${Math.round(v)} ms`
    if (s < DHT_SAMPLES) {
      // a cold requester's lookup walks the DHT; it re-asks a few times a second (tighter polling
      // on a shared core mostly slows the provider it is waiting for)
      const found = await until(
        `sample ${s}: provider found in the DHT`,
        async () => {
          const res = await searcher.discovery.findProviders(
            { gpuVendor: 'nvidia' },
            { source: 'dht', limit: 100, signal: AbortSignal.timeout(10_000) },
          )
          return res.some((p) => p.peerId === id)
        },
        30_000,
        250,
      ).then(
        () => true,
        () => false,
      )
      if (!found) dhtMissed++
      dhtMs.push(performance.now() - start)
      line += `, ${found ? 'by' : 'NOT by'} a DHT walk after ${Math.round(dhtMs[dhtMs.length - 1])} ms`
    }
    say(line)
    running.splice(running.indexOf(provider), 1)
    await provider.stop()
  }

  global.gc?.()
  const rssMb = process.memoryUsage().rss / (1024 * 1024)
  const sorted = [...viewMs].sort((a, b) => a - b)
  const dhtSorted = [...dhtMs].sort((a, b) => a - b)
  const loadEnd = loadavg()[0]
  await Promise.all(running.splice(0).map(async (n) => await n.stop()))
  const cpuScore = runCpuBenchmark().score
  const result = {
    bench: 'discovery',
    peers: PEERS,
    samples: viewMs.length,
    dhtK: DHT_K,
    discoverP50Ms: Math.round(percentile(sorted, 50)),
    discoverP95Ms: Math.round(percentile(sorted, 95)),
    discoverMaxMs: Math.round(sorted[sorted.length - 1]),
    missed,
    method: "from the provider's start until a running requester's view has it (profile announcement)",
    ...(dhtSorted.length > 0
      ? {
          dhtSamples: dhtSorted.length,
          dhtMissed,
          dhtP50Ms: Math.round(percentile(dhtSorted, 50)),
          dhtMaxMs: Math.round(dhtSorted[dhtSorted.length - 1]),
        }
      : {}),
    publishedInDht: `${published.size}/${providers.length}`,
    rssMbPerNode: Math.round((rssMb / PEERS) * 10) / 10,
    rssMethod: `process RSS / peers (${PEERS - 1} background peers running when measured)`,
    mode: 'in-process',
    cpuScore,
    loadAvg1m: { start: Math.round(loadStart * 10) / 10, end: Math.round(loadEnd * 10) / 10 },
  }
  console.log(JSON.stringify(result))
} catch (err) {
  say(`benchmark failed: ${(err as Error).stack ?? String(err)}`)
  await Promise.all(running.splice(0).map(async (n) => await n.stop().catch(() => {})))
  process.exitCode = 1
} finally {
  rmSync(root, { recursive: true, force: true })
}
