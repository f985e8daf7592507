// `npm run bench -- market [--mode in-process|processes] [--providers N] [--jobs M]
//   [--concurrency C] [--latency-jobs L] [--warmup-jobs W] [--duration S] [--idle-ms I]
//   [--bid-window MS] [--reserve R] [--capacity K] [--pool P] [--batch B] [--no-chain | --chain]
//   [--pay-on-award]`
// `npm run bench -- market --scale 5,50,200 [--latency-jobs L] …`
// BENCH_CPU_PROFILE=<dir> (in-process) also writes a V8 CPU profile of each measured phase.
//
// One requester and N providers over TCP on 127.0.0.1, jobs paid by channel on a local Hardhat
// chain and written to every node's audit log, as users run them (--no-chain: no payments, no
// audit). Jobs: the wordcount example on a small input that differs per job (so every job
// fetches its input; the module is fetched once per provider and then cached).
//   in-process: every node in this one process (every signature, noise frame and WASM run of
//     all N+1 nodes shares this thread; the providers share one WASM worker pool)
//   processes:  every node its own `hive node start` process, as the demo runs them
// Phases: (processes mode: settle, until the network's own CPU is below half the machine) ->
// warm-up (not counted) -> idle (the network's own CPU, I ms; measured again after the
// latency phase, the lower rate counts) -> latency (L jobs one at
// a time: placement, e2e) -> throughput (M jobs, C in flight, at most S seconds: jobs/s, drift,
// placement under load). CPU per job is summed over all nodes and net of the idle rate.
// --scale runs warm-up, idle and latency at each size in turn (in-process) and reports ratios.
// Progress goes to stderr; the last stdout line is one JSON object with `cpuScore`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildExamples } from '../../examples/build.ts'
import { runCpuBenchmark } from '../../node/hardware/benchmark.ts'
import { startDevChain } from '../../test/support/chain.ts'
import { startMarketNet } from './_market-net.ts'
import { startProcNet } from './_market-procs.ts'
import { JobSpans } from './_market-spans.ts'
import {
  mean,
  percentile,
  round1,
  round2,
  sequentialExchanges,
  tcpDelta,
  tcpSnapshot,
  treeCpuMs,
  treeRssMb,
} from './_market-metrics.ts'
import type { JobEvent } from '../../node/market/events.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { DevChain } from '../../test/support/chain.ts'

const args = process.argv.slice(2)
function arg(name: string, fallback: number, min = 1): number {
  const i = args.indexOf(`--${name}`)
  if (i < 0) return fallback
  const n = Number(args[i + 1])
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} needs a whole number >= ${min}, got ${String(args[i + 1])}`)
    process.exit(2)
  }
  return n
}
function text(name: string): string | undefined {
  const i = args.indexOf(`--${name}`)
  return i < 0 ? undefined : args[i + 1]
}
const MODE = text('mode') ?? 'in-process'
if (MODE !== 'in-process' && MODE !== 'processes') {
  console.error('--mode is in-process or processes')
  process.exit(2)
}
const SCALE = text('scale')?.split(',').map(Number)
if (SCALE !== undefined && (SCALE.length < 2 || SCALE.some((n) => !Number.isInteger(n) || n < 1))) {
  console.error('--scale needs sizes like 5,50,200')
  process.exit(2)
}
const PROVIDERS = arg('providers', 20)
const JOBS = arg('jobs', 500)
const CONCURRENCY = arg('concurrency', 32)
// processes mode spends minutes starting 21 processes on 2 cores: fewer latency jobs keep it within 10 minutes
const LATENCY_JOBS = arg('latency-jobs', SCALE !== undefined ? 20 : MODE === 'processes' ? 50 : 100, 0)
const WARMUP_JOBS = arg('warmup-jobs', 10, 0)
/** the throughput phase posts no new job after this many seconds (each invocation within 10 minutes) */
const DURATION_S = arg('duration', SCALE !== undefined ? 60 : MODE === 'processes' ? 240 : 300)
const IDLE_MS = arg('idle-ms', 4000)
// long enough that a job queued behind others on a busy machine still gets its bids; the early
// award (k + reserve good bids) places jobs long before the window closes
const BID_WINDOW_MS = arg('bid-window', 5000)
const RESERVE = arg('reserve', 1, 0)
const CAPACITY = arg('capacity', 4)
const POOL_SIZE = arg('pool', 2)
const BATCH = arg('batch', SCALE !== undefined ? 10 : 5)
// --scale runs without a chain unless --chain: 200 in-process nodes each with its own chain
// client, payments and audit pollers overran the one Hardhat process ("socket hang up"); a
// job's payment and audit work is the same at any network size, and the single-size runs
// (both modes) count it
const CHAIN = args.includes('--chain') || (!args.includes('--no-chain') && SCALE === undefined)
// --pay-on-award: jobs state pay-on-award (docs/market-path.md): once a provider's channel is
// open, the voucher rides with the award and the output with the result (4 exchanges)
const PAY_ON_AWARD = args.includes('--pay-on-award')
const say = (line: string): void => {
  process.stderr.write(line + '\n')
}
const HIVE = 10n ** 18n
const sleep = async (ms: number): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** How one job ended, whichever way the nodes run. */
interface Outcome {
  phase: 'completed' | 'failed'
  placementMs?: number
  e2eMs?: number
  bids: number
  /** awards sent for the job: beyond its redundancy, declines (NO_CAPACITY) and revocations */
  awards: number
  reason?: string
}

/** A running network of either kind, seen only through what the benchmark needs. */
interface Net {
  post: (i: number) => Promise<string>
  /** resolves when the job is verified or failed; rejects when `signal` aborts first */
  wait: (jobId: string, signal: AbortSignal) => Promise<void>
  outcomes: (jobIds: string[]) => Promise<Map<string, Outcome>>
  /** CPU ms of all nodes so far */
  cpuMs: () => number
  rssMb: () => number[]
  listenPorts: () => Set<number>
  /** one request/reply round trip on an open connection, ms (median of 20 pings) */
  floorRttMs: () => Promise<number>
  /** the sequential exchanges `run` (one job) made, counted from the nodes' request/reply counters */
  exchangesOf?: (run: () => Promise<void>) => Promise<number>
  /** provider wall time of each job's module run, ms */
  runMs: number[]
  /** in-process: each step's time from the requester's job events */
  spans?: JobSpans
  hardhatCpuMs?: () => number
  nodes: number
  stop: () => Promise<void>
}

function inputOf(i: number): Uint8Array {
  return new TextEncoder().encode(`job ${i}: the quick brown fox jumps over the lazy dog\nand ${i % 97} more words\n`)
}
const JOB_LIMITS = { wallTimeMs: 2_000, memoryBytes: 64 * 1024 * 1024, outputBytes: 64 * 1024 }

function outcomeOf(r: JobRecord): Outcome {
  return {
    phase: r.phase === 'completed' ? 'completed' : 'failed',
    ...(r.placedAt !== undefined ? { placementMs: r.placedAt - r.postedAt } : {}),
    ...(r.completedAt !== undefined ? { e2eMs: r.completedAt - r.postedAt } : {}),
    bids: r.bids.length,
    awards: r.awards.length,
    ...(r.failure !== undefined ? { reason: r.failure.reason } : {}),
  }
}

async function pingMedian(ping: () => Promise<number>): Promise<number> {
  const rtts: number[] = []
  for (let i = 0; i < 20; i++) rtts.push(await ping())
  return round2(percentile(rtts, 50))
}

async function startInProcess(
  root: string,
  providers: number,
  module: Uint8Array,
  chain: DevChain | undefined,
): Promise<Net> {
  const runMs: number[] = []
  const spans = new JobSpans()
  const net = await startMarketNet({
    root,
    providers,
    capacity: CAPACITY,
    policy: { reserve: RESERVE },
    poolSize: POOL_SIZE,
    batch: BATCH,
    ...(chain !== undefined ? { chain } : {}),
    onRequesterEvent: (e: JobEvent) => {
      spans.onEvent(e)
    },
    onProviderEvent: (e: JobEvent) => {
      if (e.type === 'provider:completed') runMs.push(e.wallMs)
    },
    say,
  })
  const requester = net.requester.market.requester
  if (requester === undefined) throw new Error('the requester node has no requester role')
  const libp2p = net.requester.node.libp2p
  return {
    spans,
    post: async (i) => {
      const at = Date.now()
      const { jobId } = await requester.post({
        module,
        inputs: [{ name: 'in.txt', data: inputOf(i) }],
        args: ['3'],
        maxPrice: HIVE,
        bidWindowMs: BID_WINDOW_MS,
        limits: JOB_LIMITS,
        timeoutMs: 30_000,
        ...(chain !== undefined ? { payment: 'channel' as const } : {}),
        ...(chain !== undefined && PAY_ON_AWARD ? { payOnAward: true } : {}),
      })
      spans.posted(jobId, at)
      return jobId
    },
    wait: async (jobId, signal) => {
      await requester.wait(jobId, { signal })
    },
    outcomes: async (ids) => {
      const out = new Map<string, Outcome>()
      for (const id of ids) {
        const r = await requester.get(id)
        if (r !== undefined) out.set(id, outcomeOf(r))
      }
      return out
    },
    cpuMs: () => {
      const u = process.cpuUsage()
      return (u.user + u.system) / 1000
    },
    rssMb: () => [Math.round(process.memoryUsage().rss / (1024 * 1024))],
    listenPorts: () =>
      new Set(
        [net.requester, ...net.providers]
          .flatMap((p) => p.node.info().addresses)
          .map((a) => /\/tcp\/(\d+)/.exec(a)?.[1])
          .filter((p) => p !== undefined)
          .map(Number),
      ),
    floorRttMs: async () => {
      const peer = net.providers[0].node.libp2p.peerId
      // ping reports whole ms: time it here for the sub-ms round trip of loopback
      return await pingMedian(async () => {
        const t = performance.now()
        await libp2p.services.ping.ping(peer)
        return performance.now() - t
      })
    },
    exchangesOf: async (run) => {
      const nodes = [net.requester, ...net.providers]
      const before = nodes.map((p) => p.node.counters.snapshot())
      await run()
      const after = nodes.map((p) => p.node.counters.snapshot())
      return sequentialExchanges(before[0], after[0], before.slice(1), after.slice(1))
    },
    runMs,
    nodes: providers + 1,
    stop: net.stop,
  }
}

async function startProcesses(root: string, providers: number, module: Uint8Array): Promise<Net> {
  // one exit listener per node process (NodeProcess reaps its child if we die)
  process.setMaxListeners(4 * providers + 20)
  const net = await startProcNet({ root, providers, batch: BATCH, say })
  const client = net.requester.client
  // job ends from the requester's event stream; jobs that end before anyone waits are kept
  const ended = new Set<string>()
  const waiters = new Map<string, () => void>()
  const events = new AbortController()
  void (async () => {
    for await (const e of client.events({ signal: events.signal, types: ['job:verified', 'job:failed'] })) {
      if (!('jobId' in e)) continue
      ended.add(e.jobId)
      waiters.get(e.jobId)?.()
    }
  })().catch((err: unknown) => {
    if (!events.signal.aborted) say(`event stream ended: ${(err as Error).message}`)
  })
  // the module goes up once; later jobs name it by CID, as `hive job post` does for a known module
  let moduleCid: string | undefined
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
  const pids = net.peers.map((p) => p.process.pid!)
  return {
    post: async (i) => {
      const body = {
        ...(moduleCid === undefined ? { module: b64(module) } : { moduleCid }),
        inputs: [{ name: 'in.txt', data: b64(inputOf(i)) }],
        args: ['3'],
        maxPrice: HIVE.toString(),
        bidWindowMs: BID_WINDOW_MS,
        limits: JOB_LIMITS,
        timeoutMs: 30_000,
        payment: 'channel' as const,
        ...(PAY_ON_AWARD ? { payOnAward: true } : {}),
      }
      const { jobId } = await client.call('jobs.post', { body })
      if (moduleCid === undefined) moduleCid = (await client.call('jobs.get', { params: { jobId } })).moduleCid
      return jobId
    },
    wait: async (jobId, signal) => {
      if (ended.has(jobId)) return
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          waiters.delete(jobId)
          reject(new Error('timed out'))
        }
        waiters.set(jobId, () => {
          waiters.delete(jobId)
          signal.removeEventListener('abort', onAbort)
          resolve()
        })
        signal.addEventListener('abort', onAbort, { once: true })
      })
    },
    outcomes: async (ids) => {
      const want = new Set(ids)
      const { jobs } = await client.call('jobs.list')
      const out = new Map<string, Outcome>()
      for (const j of jobs) {
        if (!want.has(j.jobId)) continue
        out.set(j.jobId, {
          phase: j.phase === 'completed' ? 'completed' : 'failed',
          ...(j.placementMs !== undefined ? { placementMs: j.placementMs } : {}),
          ...(j.totalMs !== undefined ? { e2eMs: j.totalMs } : {}),
          bids: j.bids,
          awards: j.awards,
          ...(j.failure !== undefined ? { reason: j.failure.reason } : {}),
        })
      }
      return out
    },
    cpuMs: () => pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0),
    rssMb: () => pids.map(treeRssMb),
    listenPorts: () =>
      new Set(
        net.peers
          .flatMap((p) => p.info.addresses)
          .map((a) => /\/tcp\/(\d+)/.exec(a)?.[1])
          .filter((p) => p !== undefined)
          .map(Number),
      ),
    floorRttMs: async () => NaN,
    runMs: [],
    hardhatCpuMs: undefined,
    nodes: providers + 1,
    stop: async () => {
      events.abort()
      await net.stop()
    },
  }
}

interface PhaseResult {
  ids: string[]
  lost: number
  /** performance.now() at each job's end, in completion order */
  endedAt: number[]
  startedAt: number
  elapsedMs: number
  cpuMs: number
  tcp: { bytes: number; segs: number }
}

async function runJobs(
  net: Net,
  count: number,
  concurrency: number,
  label: string,
  offset: number,
  durationS = Infinity,
): Promise<PhaseResult> {
  const ids: string[] = []
  const endedAt: number[] = []
  let lost = 0
  let next = 0
  let done = 0
  const ports = net.listenPorts()
  const tcp0 = tcpSnapshot(ports)
  const cpu0 = net.cpuMs()
  const started = performance.now()
  const stopPosting = started + durationS * 1000
  const loop = async (): Promise<void> => {
    while (next < count && performance.now() < stopPosting) {
      const i = offset + next++
      let jobId: string | undefined
      try {
        jobId = await net.post(i)
        ids.push(jobId)
        await net.wait(jobId, AbortSignal.timeout(60_000))
        endedAt.push(performance.now())
      } catch (err) {
        // a job that neither completed nor failed with a reason in time: lost
        lost++
        if (lost <= 3) say(`  lost ${jobId ?? `unposted job ${i}`}: ${(err as Error).message}`)
      }
      done++
      if (count >= 20 && done % Math.ceil(count / 10) === 0)
        say(`  ${label}: ${done}/${count} jobs, ${Math.round(performance.now() - started)} ms`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop))
  const elapsedMs = performance.now() - started
  return {
    ids,
    lost,
    endedAt,
    startedAt: started,
    elapsedMs,
    cpuMs: net.cpuMs() - cpu0,
    tcp: tcpDelta(tcp0, tcpSnapshot(ports)),
  }
}

interface Stats {
  placement: number[]
  e2e: number[]
  bids: number[]
  /** awards sent per job (completed or not) */
  awards: number[]
  completed: number
  failed: Record<string, number>
}

async function statsOf(net: Net, ids: string[]): Promise<Stats> {
  const outcomes = await net.outcomes(ids)
  const s: Stats = { placement: [], e2e: [], bids: [], awards: [], completed: 0, failed: {} }
  for (const o of outcomes.values()) {
    s.awards.push(o.awards)
    if (o.phase === 'failed') {
      s.failed[o.reason ?? 'NO_REASON'] = (s.failed[o.reason ?? 'NO_REASON'] ?? 0) + 1
      continue
    }
    s.completed++
    s.bids.push(o.bids)
    if (o.placementMs !== undefined) s.placement.push(o.placementMs)
    if (o.e2eMs !== undefined) s.e2e.push(o.e2eMs)
  }
  return s
}

/** CPU ms per job net of what the network burns idle over the same wall time */
function netCpuPerJob(phase: PhaseResult, idleCpuMsPerSec: number, jobs: number): number {
  return round1((phase.cpuMs - (idleCpuMsPerSec * phase.elapsedMs) / 1000) / Math.max(1, jobs))
}

async function measureIdle(net: Net): Promise<number> {
  const c0 = net.cpuMs()
  const t0 = performance.now()
  await sleep(IDLE_MS)
  return (net.cpuMs() - c0) / ((performance.now() - t0) / 1000)
}

/**
 * Processes mode: waits until the network's own CPU falls below half the machine (at most 180 s).
 * After the last of 21 node processes answers its API the machine stays saturated for another
 * 30-50 s (post-start work: DHT publication, connections, first JIT); latency measured inside
 * that window measured the queue, not the market. Returns the seconds it waited.
 */
async function settle(net: Net): Promise<number> {
  const t0 = performance.now()
  const capacity = availableParallelism() * 1000
  for (;;) {
    const rate = await measureIdle(net)
    const waited = (performance.now() - t0) / 1000
    if (rate < capacity / 2 || waited >= 180) {
      say(`  settled after ${Math.round(waited)} s (network CPU ${round1(rate)} ms per second)`)
      return Math.round(waited)
    }
  }
}

/** BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of a phase (in-process mode) */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE
  if (dir === undefined || MODE !== 'in-process') return await fn()
  const { Session } = await import('node:inspector/promises')
  const { mkdirSync, writeFileSync } = await import('node:fs')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  try {
    return await fn()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `market-${name}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}

async function startNet(
  root: string,
  providers: number,
  module: Uint8Array,
  chain: DevChain | undefined,
): Promise<Net> {
  const net =
    MODE === 'processes'
      ? await startProcesses(root, providers, module)
      : await startInProcess(root, providers, module, chain)
  running = net
  // gossipsub grafts its mesh on its heartbeat (1 s)
  await sleep(2_000)
  return net
}

/** warm-up, idle, latency at one size: the figures --scale compares */
async function latencyRun(
  net: Net,
  providers: number,
): Promise<Record<string, number | number[] | Record<string, number>>> {
  const settleS = MODE === 'processes' ? await settle(net) : undefined
  const warm = await runJobs(net, WARMUP_JOBS, 1, 'warm-up', 0)
  say(`  warm-up: ${warm.ids.length - warm.lost}/${WARMUP_JOBS} ended`)
  const idle = await profiled(`${providers}p-idle`, async () => await measureIdle(net))
  say(`  idle: ${round1(idle)} CPU ms per second (${round2(idle / 1000)} cores)`)
  const lat = await profiled(
    `${providers}p-latency`,
    async () => await runJobs(net, LATENCY_JOBS, 1, 'latency', WARMUP_JOBS),
  )
  // idle again once the jobs are over: the first window can still hold start-up and warm-up
  // work (DHT publication, channel opening); the lower of the two is the network's own rate
  await sleep(1_000)
  const idleAfter = await measureIdle(net)
  say(`  idle after: ${round1(idleAfter)} CPU ms per second`)
  const idleRate = Math.min(idle, idleAfter)
  const s = await statsOf(net, lat.ids)
  const jobs = Math.max(1, s.completed)
  const result = {
    providers,
    placementP50Ms: percentile(s.placement, 50),
    placementP99Ms: percentile(s.placement, 99),
    e2eP50Ms: percentile(s.e2e, 50),
    e2eP99Ms: percentile(s.e2e, 99),
    cpuMsPerJob: netCpuPerJob(lat, idleRate, jobs),
    cpuMsPerJobGross: round1(lat.cpuMs / jobs),
    idleCpuMsPerSec: round1(idleRate),
    idleCpuMsPerSecWindows: [round1(idle), round1(idleAfter)],
    bidsPerJob: percentile(s.bids, 50),
    awardsPerJob: round2(mean(s.awards)),
    bytesPerJob: Math.round(lat.tcp.bytes / jobs),
    tcpSegmentsPerJob: round1(lat.tcp.segs / jobs),
    lostJobs: lat.lost,
    failedJobs: s.failed,
    rssMb: Math.max(...net.rssMb()),
    ...(net.spans !== undefined ? { stepsP50Ms: net.spans.medians(lat.ids) } : {}),
    ...(settleS !== undefined ? { settleS } : {}),
  }
  say(`  ${providers} providers: ${JSON.stringify(result)}`)
  return result
}

/**
 * Before a network can count them (processes mode): the exchanges of a small job paid by channel
 * with its inputs inline (docs/market-path.md): push, bid, award with inputs, result, voucher,
 * output fetch; with pay-on-award (and an open channel) push, bid, award with inputs and voucher,
 * result with the output.
 */
const EXCHANGES_DOCUMENTED = PAY_ON_AWARD ? 4 : 6

async function scaleMain(
  root: string,
  module: Uint8Array,
  chain: DevChain | undefined,
): Promise<Record<string, unknown>> {
  const sizes = SCALE!
  const per: Array<Record<string, number | number[] | Record<string, number>>> = []
  let floorRttMs = NaN
  let localRunMs = NaN
  let tinyE2eP50Ms = NaN
  let exchanges = EXCHANGES_DOCUMENTED
  for (const n of sizes) {
    say(`--- ${n} providers ---`)
    const t0 = performance.now()
    const net = await startNet(join(root, `n${n}`), n, module, chain)
    say(`  network of ${n + 1} nodes up in ${Math.round(performance.now() - t0)} ms`)
    try {
      const r = await latencyRun(net, n)
      per.push(r)
      if (n === sizes[0]) {
        floorRttMs = await net.floorRttMs()
        localRunMs = percentile(net.runMs, 50)
        // one more tiny job, its exchanges counted on the wire (the module is cached by now)
        if (net.exchangesOf !== undefined)
          exchanges = await net.exchangesOf(async () => {
            await net.wait(await net.post(WARMUP_JOBS + LATENCY_JOBS), AbortSignal.timeout(30_000))
          })
        tinyE2eP50Ms = r.e2eP50Ms as number
      }
    } finally {
      await net.stop()
    }
  }
  const first = per[0]
  const last = per[per.length - 1]
  const ratio = (k: string): number => round2((last[k] as number) / (first[k] as number))
  const [a, b] = [sizes[0], sizes[sizes.length - 1]]
  return {
    bench: 'market',
    mode: 'in-process',
    scale: sizes,
    [`placementP99Ratio${b}to${a}`]: ratio('placementP99Ms'),
    [`cpuPerJobRatio${b}to${a}`]: ratio('cpuMsPerJob'),
    [`p99At${a}Ms`]: first.placementP99Ms,
    exchanges,
    floorRttMs,
    localRunMs,
    e2eOverFloor: round2(tinyE2eP50Ms / (localRunMs + exchanges * floorRttMs)),
    lostJobs: per.reduce((sum, r) => sum + (r.lostJobs as number), 0),
    sizes: per,
  }
}

async function singleMain(
  root: string,
  module: Uint8Array,
  chain: DevChain | undefined,
): Promise<Record<string, unknown>> {
  say(
    `market benchmark (${MODE}): 1 requester + ${PROVIDERS} providers over TCP on` +
      ` 127.0.0.1${CHAIN ? ', paid by channel, audit logs on' : ', no chain'}`,
  )
  say(
    `  bid window ${BID_WINDOW_MS} ms, early award at k + ${RESERVE} good` +
      ` bids${
        MODE === 'in-process'
          ? `, provider capacity ${CAPACITY}, one shared` + ` WASM pool of ${POOL_SIZE} workers`
          : ''
      }`,
  )
  const t0 = performance.now()
  const net = await startNet(root, PROVIDERS, module, chain)
  say(`  network up in ${Math.round(performance.now() - t0)} ms`)
  try {
    const lat = await latencyRun(net, PROVIDERS)
    const idle = lat.idleCpuMsPerSec as number
    // one more tiny job, its exchanges counted on the wire (in-process: the counters are at hand)
    const exchanges =
      net.exchangesOf === undefined
        ? undefined
        : await net.exchangesOf(async () => {
            await net.wait(await net.post(WARMUP_JOBS + LATENCY_JOBS), AbortSignal.timeout(30_000))
          })
    const tput = await profiled(
      `${PROVIDERS}p-throughput`,
      async () => await runJobs(net, JOBS, CONCURRENCY, 'throughput', WARMUP_JOBS + LATENCY_JOBS, DURATION_S),
    )
    const s = await statsOf(net, tput.ids)
    // jobs/s over the first and the last 500 completions (a tenth of them when fewer)
    const ends = tput.endedAt
    const w = Math.min(500, Math.max(2, Math.floor(ends.length / 10)))
    const firstRate = w / ((ends[w - 1] - tput.startedAt) / 1000)
    const lastRate = w / ((ends[ends.length - 1] - ends[ends.length - 1 - w]) / 1000)
    const drift = ends.length > 2 * w ? round2(lastRate / firstRate) : NaN
    const jobs = Math.max(1, s.completed)
    const rss = net.rssMb()
    const result = {
      bench: 'market',
      mode: MODE,
      providers: PROVIDERS,
      payOnAward: PAY_ON_AWARD,
      exchanges,
      jobs: JOBS,
      jobsPosted: tput.ids.length,
      jobsCompleted: s.completed,
      jobsPerSec: round1(s.completed / (tput.elapsedMs / 1000)),
      cpuMsPerJob: netCpuPerJob(tput, idle, jobs),
      cpuMsPerJobGross: round1(tput.cpuMs / jobs),
      idleCpuMsPerSec: idle,
      drift,
      driftWindow: w,
      placementP50Ms: lat.placementP50Ms,
      placementP99Ms: lat.placementP99Ms,
      e2eP50Ms: lat.e2eP50Ms,
      e2eP99Ms: lat.e2eP99Ms,
      cpuMsPerJobOneAtATime: lat.cpuMsPerJob,
      underLoad: {
        concurrency: CONCURRENCY,
        placementP50Ms: percentile(s.placement, 50),
        placementP99Ms: percentile(s.placement, 99),
        e2eP50Ms: percentile(s.e2e, 50),
        e2eP99Ms: percentile(s.e2e, 99),
      },
      loadedToIdleP99: round2(percentile(s.placement, 99) / (lat.placementP99Ms as number)),
      bidsPerJob: percentile(s.bids, 50),
      awardsPerJob: round2(mean(s.awards)),
      bytesPerJob: Math.round(tput.tcp.bytes / jobs),
      tcpSegmentsPerJob: round1(tput.tcp.segs / jobs),
      lostJobs: (lat.lostJobs as number) + tput.lost,
      failedJobs: s.failed,
      rssMbPerNode:
        MODE === 'processes' ? { max: Math.max(...rss), p50: percentile(rss, 50), requester: rss[0] } : undefined,
      rssMb: MODE === 'in-process' ? rss[0] : undefined,
      durationCapS: DURATION_S,
      settleS: lat.settleS,
    }
    return result
  } finally {
    await net.stop()
  }
}

const root = mkdtempSync(join(tmpdir(), 'hive-bench-market-'))
let chain: DevChain | undefined
let running: Net | undefined
// Ctrl-C or SIGTERM: stop the nodes (in processes mode they are separate processes) and the chain
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping the network …`)
    void (async () => {
      await running?.stop().catch(() => {})
      await chain?.stop().catch(() => {})
      rmSync(root, { recursive: true, force: true })
      process.exit(130)
    })()
  })
}
try {
  const loadStart = loadavg()[0]
  const module = readFileSync((await buildExamples()).wordcount)
  // processes mode starts its own chain the way the demo does (cli/devnet)
  if (CHAIN && MODE === 'in-process') chain = await startDevChain()
  const result = SCALE !== undefined ? await scaleMain(root, module, chain) : await singleMain(root, module, chain)
  const cpuScore = runCpuBenchmark().score
  console.log(
    JSON.stringify({
      ...result,
      cpuScore,
      chain: CHAIN,
      // other work on the machine skews every figure here: say how busy it was
      loadAvg1m: { start: round1(loadStart), end: round1(loadavg()[0]) },
    }),
  )
} catch (err) {
  say(`benchmark failed: ${(err as Error).stack ?? String(err)}`)
  process.exitCode = 1
} finally {
  await chain?.stop().catch(() => {})
  rmSync(root, { recursive: true, force: true })
}
