// `npm run bench -- discovery [--peers N[,M…]] [--samples S] [--dht-k K] [--batch B] [--dht-samples D]`
// Time from a provider's start until another peer finds it by capability, on a network of N
// peers over TCP on 127.0.0.1, all in this process. N-1 peers run throughout (providers plus one
// requester that searches); each sample starts one more provider (a GPU box, the capability
// searched for), waits until the requester's lookup returns it, then stops it, so the network
// stays at N peers. Several sizes (default 30,100) are measured one after another in one run: the
// network grows from one size to the next, and the JSON line has each size's figures. Two
// figures per sample: `view`, until the requester's local view has the provider (what a running
// requester's lookup answers from: node/discovery/announce.ts), and `dht`, until a DHT-only
// lookup finds it (a cold requester's path; --dht-samples, default 3, on the first size only,
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
/** the network sizes, ascending (`--peers 30,100`) */
const SIZES = ((): number[] => {
  const i = args.indexOf('--peers')
  const raw = i < 0 ? '30,100' : String(args[i + 1])
  const sizes = raw.split(',').map(Number)
  if (sizes.some((n) => !Number.isInteger(n) || n < 4)) {
    console.error(`--peers needs whole numbers of at least 4 (e.g. 30,100), got ${raw}`)
    process.exit(2)
  }
  return [...new Set(sizes)].sort((a, b) => a - b)
})()
const SAMPLES = arg('samples', 20)
/** Kademlia K for every peer (default 20, libp2p's and IPFS's value) */
const DHT_K = arg('dht-k', 20)
const BATCH = arg('batch', 8)
const DHT_SAMPLES = arg('dht-samples', 3, 0)
/**
 * how long to wait for the background providers' first DHT publish before the DHT samples (ms);
 * the view samples need no DHT records, so with --dht-samples 0 nobody waits for them
 */
const PUBLISH_WAIT_MS = arg('publish-wait', 180_000)
/** how long each batch may take over its first DHT round before the next batch starts (ms) */
const BATCH_PUBLISH_WAIT_MS = 30_000
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
    // wake as soon as a connection opens (the bootstrap dial), or retry after a while
    if (node.libp2p.getConnections().length === 0) {
      const wait = new AbortController()
      await Promise.race([
        sleep(250 * Math.min(attempt + 1, 8)),
        new Promise<void>((resolve) => {
          node.libp2p.addEventListener('connection:open', () => resolve(), { once: true, signal: wait.signal })
        }),
      ])
      wait.abort()
    }
  }
  return true
}

/** Starts a background peer that is connected to the network, replacing one that cannot connect. */
async function startConnected(seeds: HiveNode[], roles: string): Promise<HiveNode> {
  for (let tries = 1; ; tries++) {
    const node = await startNode({
      bootstrap: [pick(seeds), pick(running)],
      roles,
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

/**
 * Starts background peers in batches until `target` peers run. Providers (`publish`) put their
 * profiles in the DHT, which the DHT samples need; without DHT samples the peers are requesters:
 * dozens of first DHT publish rounds would otherwise still be walking during the view samples
 * (the in-process network shares one thread), and a provider's steady state is one
 * announcement per TTL/2 anyway.
 */
async function grow(seeds: HiveNode[], target: number, t0: number, publish: boolean): Promise<void> {
  while (running.length < target) {
    const n = Math.min(BATCH, target - running.length)
    // each new peer bootstraps from a seed and one random running peer, so no one peer takes all the dials;
    // the batch is up once each peer is connected to someone: then the next batch may dial it.
    // The bootstrap list is dialled once at start; a dial that failed on a busy core is not
    // retried, and that peer would sit alone forever: dial again, or replace the peer
    const roles = publish ? 'provider,requester' : 'requester'
    const batch = await Promise.all(Array.from({ length: n }, async () => await startConnected(seeds, roles)))
    running.push(...batch)
    // and its first DHT round is over (or has run long enough): starting more peers while dozens
    // of DHT walks are under way only starved them all, on 2 shared cores
    if (publish)
      await Promise.all(
        batch.map(
          async (b) => await b.discovery.whenPublished(AbortSignal.timeout(BATCH_PUBLISH_WAIT_MS)).catch(() => {}),
        ),
      )
    say(`    ${running.length} peers running (${Math.round(performance.now() - t0)} ms)`)
  }
}

/** Waits (up to PUBLISH_WAIT_MS) for the providers' first DHT publish; returns how many made it. */
async function awaitPublished(providers: HiveNode[]): Promise<number> {
  const published = new Set<HiveNode>()
  const report = setInterval(() => {
    const missing = providers.filter((n) => !published.has(n))
    say(`    ${published.size}/${providers.length} published; ${missing.length} waiting`)
  }, 10_000)
  // at 100 peers on 2 shared cores the first publish rounds take minutes; the JSON says how many made it
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
  return published.size
}

interface SizeResult {
  peers: number
  samples: number
  discoverP50Ms: number
  discoverP95Ms: number
  discoverMaxMs: number
  missed: number
  /** p50 of the sample's own start (createHiveNode + start) and of its first connection, from the clock's start */
  startedP50Ms: number
  connectedP50Ms: number
  dhtSamples?: number
  dhtMissed?: number
  dhtP50Ms?: number
  dhtMaxMs?: number
  publishedInDht?: string
  /**
   * event-loop utilisation and CPU share (process CPU time / wall time) while sampling: all nodes
   * share one thread here, and a share well below the utilisation means other processes had the cores
   */
  eventLoopUtilization: number
  cpuShare: number
  rssMbPerNode: number
  loadAvg1m: number
}

/** Runs the samples on a network of `peers` (the searcher included); the network is back at `peers` after. */
async function sample(
  peers: number,
  searcher: HiveNode,
  dhtSamples: number,
): Promise<Omit<SizeResult, 'publishedInDht'>> {
  const viewMs: number[] = []
  const startedMs: number[] = []
  const connectedMs: number[] = []
  const dhtMs: number[] = []
  let missed = 0
  let dhtMissed = 0
  const elu0 = performance.eventLoopUtilization()
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  for (let s = 0; s < SAMPLES; s++) {
    // the clock starts before the provider is created: its start is part of being discoverable
    const start = performance.now()
    const others = running.filter((n) => n !== searcher)
    // the sample's profile lives 60 s (the default is an hour): long enough that a slow
    // announcement is not dropped as expired on the way (a 10 s lifetime also re-published every
    // 5 s, a DHT walk each time, on the thread the network shares), short enough that earlier
    // samples' records leave the DHT lookups
    const entry = pick(others)
    const entryBefore = entry.discovery.announcementStats()
    const provider = await startNode({ bootstrap: [entry], roles: 'provider', hardware: gpuBox, ttlMs: 60_000 })
    startedMs.push(performance.now() - start)
    running.push(provider)
    const id = provider.peerId.toString()
    // the view is watched from the provider's start, while the connection is checked: watching it
    // only once the connection check returned put that check's polling into every sample.
    // A running requester's lookup is answered from its view (cheap, so asked every 10 ms); a
    // provider not seen within 30 s counts as 30 s and as missed (the JSON says how many)
    let v = 30_000
    const watching = until(
      `sample ${s}: provider in the view`,
      async () =>
        (await searcher.discovery.findProviders({ gpuVendor: 'nvidia' }, { source: 'view', limit: 100 })).some(
          (p) => p.peerId === id,
        ),
      30_000,
      10,
    ).then(
      () => {
        v = performance.now() - start
        return true
      },
      () => false,
    )
    // a failed bootstrap dial is retried (counted in the sample: it is part of joining)
    if (!(await ensureConnected(provider, () => others))) throw new Error(`sample ${s}: the provider could not connect`)
    connectedMs.push(performance.now() - start)
    const seen = await watching
    if (!seen) {
      missed++
      // where the announcement stopped: did the peer it was sent to take it, and what did it say?
      const after = entry.discovery.announcementStats()
      const delta = Object.entries(after)
        .map(([k, n]) => `${k} ${n - entryBefore[k as keyof typeof after]}`)
        .join(', ')
      const inEntry = (
        await entry.discovery.findProviders({ gpuVendor: 'nvidia' }, { source: 'view', limit: 100 })
      ).some((p) => p.peerId === id)
      say(
        `    missed: the entry peer` +
          ` ${inEntry ? 'has' : 'does NOT have'} it in its view; its` +
          ` verdicts meanwhile: ${delta}`,
      )
    }
    viewMs.push(v)
    let line =
      `  ${peers} peers, sample ${s + 1}/${SAMPLES}: started ${Math.round(startedMs[s])} ms, ` +
      `connected ${Math.round(connectedMs[s])} ms,` +
      ` ${seen ? 'in the view after' : 'NOT in the view after'} ${Math.round(v)} ` +
      `ms`
    if (s < dhtSamples) {
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
  const cpu = process.cpuUsage(cpu0)
  const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0)
  const elu = performance.eventLoopUtilization(elu0).utilization
  global.gc?.()
  const rssMb = process.memoryUsage().rss / (1024 * 1024)
  const sorted = [...viewMs].sort((a, b) => a - b)
  const dhtSorted = [...dhtMs].sort((a, b) => a - b)
  const p50 = (xs: number[]): number =>
    Math.round(
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      ),
    )
  return {
    peers,
    samples: viewMs.length,
    discoverP50Ms: Math.round(percentile(sorted, 50)),
    discoverP95Ms: Math.round(percentile(sorted, 95)),
    discoverMaxMs: Math.round(sorted[sorted.length - 1]),
    missed,
    startedP50Ms: p50(startedMs),
    connectedP50Ms: p50(connectedMs),
    ...(dhtSorted.length > 0
      ? {
          dhtSamples: dhtSorted.length,
          dhtMissed,
          dhtP50Ms: Math.round(percentile(dhtSorted, 50)),
          dhtMaxMs: Math.round(dhtSorted[dhtSorted.length - 1]),
        }
      : {}),
    eventLoopUtilization: Math.round(elu * 100) / 100,
    cpuShare: Math.round(cpuShare * 100) / 100,
    rssMbPerNode: Math.round((rssMb / peers) * 10) / 10,
    loadAvg1m: Math.round(loadavg()[0] * 10) / 10,
  }
}

try {
  const loadStart = loadavg()[0]
  const t0 = performance.now()
  const background = { bootstrap: [], roles: 'provider,requester', hardware: cpuBox, ttlMs: 600_000 }
  const seeds = [await startNode(background)]
  running.push(seeds[0])
  seeds.push(await startNode({ ...background, bootstrap: [seeds[0]] }))
  running.push(seeds[1])
  let searcher: HiveNode | undefined
  const results: SizeResult[] = []
  for (const [i, peers] of SIZES.entries()) {
    say(`growing to ${peers - 1} running peers in batches of ${BATCH} …`)
    // DHT samples on the first size only: each walk costs seconds of CPU at 100 peers
    const dhtSamples = i === 0 ? DHT_SAMPLES : 0
    await grow(seeds, peers - 1 - (searcher === undefined ? 1 : 0), t0, dhtSamples > 0)
    if (searcher === undefined) {
      searcher = await startNode({
        bootstrap: [pick(seeds), pick(running)],
        roles: 'requester',
        hardware: cpuBox,
        ttlMs: 600_000,
      })
      if (!(await ensureConnected(searcher, () => running))) throw new Error('the searcher could not connect')
      running.push(searcher)
    }
    let publishedInDht: string | undefined
    if (dhtSamples > 0) {
      const providers = running.filter((n) => n.config.roles.includes('provider'))
      say(
        `  ${running.length} peers up after ${Math.round(performance.now() - t0)} ms; waiting for their DHT records …`,
      )
      publishedInDht = `${await awaitPublished(providers)}/${providers.length}`
    }
    say(`  ${running.length} peers up after ${Math.round(performance.now() - t0)} ms; sampling`)
    const result = await sample(peers, searcher, dhtSamples)
    results.push({ ...result, ...(publishedInDht !== undefined ? { publishedInDht } : {}) })
    say(JSON.stringify(results[results.length - 1]))
  }
  const loadEnd = loadavg()[0]
  await Promise.all(running.splice(0).map(async (n) => await n.stop()))
  const cpuScore = runCpuBenchmark().score
  const byPeers = Object.fromEntries(results.map((r) => [r.peers, r]))
  const result = {
    bench: 'discovery',
    peers: SIZES,
    samples: SAMPLES,
    dhtK: DHT_K,
    // the headline figures, one pair per size: discoverP95At30Ms etc.
    ...Object.fromEntries(
      results.flatMap((r) => [
        [`discoverP50At${r.peers}Ms`, r.discoverP50Ms],
        [`discoverP95At${r.peers}Ms`, r.discoverP95Ms],
      ]),
    ),
    method: "from the provider's start (before createHiveNode) until a running requester's view has it",
    bySize: byPeers,
    mode: 'in-process',
    rssMethod: "process RSS / peers, after each size's samples",
    cpuScore,
    loadAvg1m: { start: Math.round(loadStart * 10) / 10, end: Math.round(loadEnd * 10) / 10 },
    elapsedMs: Math.round(performance.now() - t0),
  }
  console.log(JSON.stringify(result))
} catch (err) {
  say(`benchmark failed: ${(err as Error).stack ?? String(err)}`)
  await Promise.all(running.splice(0).map(async (n) => await n.stop().catch(() => {})))
  process.exitCode = 1
} finally {
  rmSync(root, { recursive: true, force: true })
}
