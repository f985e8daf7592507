// `npm run bench -- market [--providers N] [--jobs M] [--concurrency C] [--latency-jobs L]
//   [--warmup-jobs W] [--bid-window MS] [--reserve R] [--capacity K] [--pool P]`
// BENCH_CPU_PROFILE=<dir> also writes a V8 CPU profile of each measured phase.
// One requester and N providers over TCP on 127.0.0.1, all in this one process (say it: every
// signature, every noise frame and every WASM run of all N+1 nodes shares this machine's
// cores). Jobs: the wordcount example on a small input that differs per job (so every job
// fetches its input; the module is fetched once per provider and then cached).
//   1. warm-up: a few jobs, one at a time (module caches, connections, recent bidders); not counted
//   2. latency: L jobs one at a time -> placement (post -> first acceptance) and e2e (post -> verified)
//   3. throughput: M jobs with C in flight -> jobsPerSec, and the same latencies under load
// Progress goes to stderr; the last stdout line is one JSON object.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildExamples } from '../../examples/build.ts'
import { startMarketNet } from './_market-net.ts'
import type { JobEvent } from '../../node/market/events.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { Requester } from '../../node/market/requester.ts'

const args = process.argv.slice(2)
function arg (name: string, fallback: number, min = 1): number {
  const i = args.indexOf(`--${name}`)
  if (i < 0) return fallback
  const n = Number(args[i + 1])
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} needs a whole number >= ${min}, got ${String(args[i + 1])}`)
    process.exit(2)
  }
  return n
}
const PROVIDERS = arg('providers', 20)
const JOBS = arg('jobs', 500)
const CONCURRENCY = arg('concurrency', 32)
const LATENCY_JOBS = arg('latency-jobs', 100, 0)
const WARMUP_JOBS = arg('warmup-jobs', 10, 0)
// long enough that a job queued behind others on this shared thread still gets its bids; the
// early award (k + reserve good bids) places jobs long before the window closes
const BID_WINDOW_MS = arg('bid-window', 5000)
const RESERVE = arg('reserve', 1, 0)
const CAPACITY = arg('capacity', 4)
const POOL_SIZE = arg('pool', 2)
const say = (text: string): void => { process.stderr.write(text + '\n') }
const HIVE = 10n ** 18n

/** What the requester's events tell about one job, in Date.now() ms. */
interface Timeline { firstBidAt?: number, bidsAtAward?: number, awardedAt?: number, acceptedAt?: number, resultAt?: number, verifiedAt?: number }
const timelines = new Map<string, Timeline>()
function onRequesterEvent (e: JobEvent): void {
  if (!('jobId' in e)) return
  let t = timelines.get(e.jobId)
  if (t === undefined) { t = {}; timelines.set(e.jobId, t) }
  if (e.type === 'job:bid') t.firstBidAt ??= e.at
  else if (e.type === 'job:awarded') t.awardedAt ??= e.at
  else if (e.type === 'job:accepted') t.acceptedAt ??= e.at
  else if (e.type === 'job:result') t.resultAt ??= e.at
  else if (e.type === 'job:verified') t.verifiedAt ??= e.at
}

function percentile (values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}
const round1 = (n: number): number => Math.round(n * 10) / 10

interface PhaseResult { records: JobRecord[], lost: string[], elapsedMs: number, postMs: number[] }

async function runJobs (requester: Requester, module: Uint8Array, count: number, concurrency: number, label: string, offset: number): Promise<PhaseResult> {
  const records: JobRecord[] = []
  const lost: string[] = []
  const postMs: number[] = []
  let next = 0
  let done = 0
  const started = performance.now()
  const loop = async (): Promise<void> => {
    while (next < count) {
      const i = offset + next++
      const input = new TextEncoder().encode(`job ${i}: the quick brown fox jumps over the lazy dog\nand ${i % 97} more words\n`)
      let jobId: string | undefined
      try {
        const postStarted = performance.now()
        ;({ jobId } = await requester.post({
          module,
          inputs: [{ name: 'in.txt', data: input }],
          args: ['3'],
          maxPrice: HIVE,
          bidWindowMs: BID_WINDOW_MS,
          limits: { wallTimeMs: 2_000, memoryBytes: 64 * 1024 * 1024, outputBytes: 64 * 1024 },
          timeoutMs: 30_000,
        }))
        postMs.push(Math.round(performance.now() - postStarted))
        records.push(await requester.wait(jobId, { signal: AbortSignal.timeout(40_000) }))
      } catch (err) {
        // a job that neither completed nor failed with a reason in time: lost
        lost.push(jobId ?? `unposted-${i}: ${(err as Error).message}`)
      }
      done++
      if (count >= 20 && done % Math.ceil(count / 10) === 0) say(`  ${label}: ${done}/${count} jobs, ${Math.round(performance.now() - started)} ms`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop))
  return { records, lost, elapsedMs: performance.now() - started, postMs }
}

interface LatencyStats { placement: number[], e2e: number[], phases: Record<string, number[]>, bids: number[] }

function latencies (records: JobRecord[]): LatencyStats {
  const placement: number[] = []
  const e2e: number[] = []
  const bids: number[] = []
  const phases: Record<string, number[]> = { postToFirstBid: [], firstBidToAward: [], awardToAccept: [], acceptToResult: [], resultToVerified: [] }
  for (const r of records) {
    if (r.phase !== 'completed') continue
    bids.push(r.bids.length)
    if (r.placedAt !== undefined) placement.push(r.placedAt - r.postedAt)
    if (r.completedAt !== undefined) e2e.push(r.completedAt - r.postedAt)
    const t = timelines.get(r.jobId)
    if (t?.firstBidAt === undefined || t.awardedAt === undefined || t.acceptedAt === undefined || t.resultAt === undefined || t.verifiedAt === undefined) continue
    phases.postToFirstBid.push(t.firstBidAt - r.postedAt)
    phases.firstBidToAward.push(t.awardedAt - t.firstBidAt)
    phases.awardToAccept.push(t.acceptedAt - t.awardedAt)
    phases.acceptToResult.push(t.resultAt - t.acceptedAt)
    phases.resultToVerified.push(t.verifiedAt - t.resultAt)
  }
  return { placement, e2e, phases, bids }
}

function describe (s: LatencyStats): string {
  const parts = Object.entries(s.phases).map(([k, v]) => `${k} p50 ${percentile(v, 50)} p99 ${percentile(v, 99)}`)
  return `bids per job p50 ${percentile(s.bids, 50)} | placement p50 ${percentile(s.placement, 50)} p99 ${percentile(s.placement, 99)} | e2e p50 ${percentile(s.e2e, 50)} p99 ${percentile(s.e2e, 99)} ms\n    ${parts.join('\n    ')}`
}

function failures (records: JobRecord[]): Record<string, number> {
  const byReason: Record<string, number> = {}
  for (const r of records) if (r.phase === 'failed') byReason[r.failure?.reason ?? 'NO_REASON'] = (byReason[r.failure?.reason ?? 'NO_REASON'] ?? 0) + 1
  return byReason
}

/** BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of each measured phase, for `--cpu-prof`-style analysis. */
async function startProfile (): Promise<{ stop: (phase: string) => Promise<void> } | undefined> {
  const dir = process.env.BENCH_CPU_PROFILE
  if (dir === undefined) return undefined
  const { Session } = await import('node:inspector/promises')
  const { mkdirSync, writeFileSync } = await import('node:fs')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return {
    stop: async (phase) => {
      const { profile } = await session.post('Profiler.stop')
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, `market-${PROVIDERS}p-${phase}.cpuprofile`), JSON.stringify(profile))
      session.disconnect()
    },
  }
}

const root = mkdtempSync(join(tmpdir(), 'hive-bench-market-'))
let stopNet: (() => Promise<void>) | undefined
try {
  const module = readFileSync((await buildExamples()).wordcount)
  say(`market benchmark: 1 requester + ${PROVIDERS} providers over TCP on 127.0.0.1, all in this one process (mdns off; providers bootstrap to the requester and one other provider)`)
  say(`  bid window ${BID_WINDOW_MS} ms, early award at k + ${RESERVE} good bids, provider capacity ${CAPACITY}, one shared WASM pool of ${POOL_SIZE} workers`)
  const t0 = performance.now()
  const loadStart = loadavg()[0]
  const net = await startMarketNet({
    root,
    providers: PROVIDERS,
    capacity: CAPACITY,
    policy: { reserve: RESERVE },
    poolSize: POOL_SIZE,
    onRequesterEvent,
    say,
  })
  stopNet = net.stop
  const requester = net.requester.market.requester
  if (requester === undefined) throw new Error('the requester node has no requester role')
  // gossipsub grafts its mesh on its heartbeat (1 s)
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  say(`  network up in ${Math.round(performance.now() - t0)} ms`)
  // what the nodes cost doing nothing (gossipsub heartbeats, DHT upkeep, pings): part of every
  // figure below, and it grows with the number of nodes in this process
  const idle0 = process.cpuUsage()
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  const idle = process.cpuUsage(idle0)
  const idleCpuCores = Math.round((idle.user + idle.system) / 3e4) / 100
  say(`  idle: ${idleCpuCores} cores`)
  const warm = await runJobs(requester, module, WARMUP_JOBS, 1, 'warm-up', 0)
  if (warm.lost.length > 0) say(`warm-up lost: ${warm.lost.slice(0, 3).join('; ')}`)
  say(`warm-up: ${warm.records.filter((r) => r.phase === 'completed').length}/${WARMUP_JOBS} completed`)

  const cpu0 = process.cpuUsage()
  const profiler = await startProfile()
  const lat = await runJobs(requester, module, LATENCY_JOBS, 1, 'latency', WARMUP_JOBS)
  await profiler?.stop('latency')
  const cpuLat = process.cpuUsage(cpu0)
  say(`  latency phase CPU: ${((cpuLat.user + cpuLat.system) / 1000 / Math.max(1, LATENCY_JOBS)).toFixed(1)} ms per job (all nodes)`)
  const latStats = latencies(lat.records)
  say(`latency phase (one job at a time): ${describe(latStats)}\n    post() call p50 ${percentile(lat.postMs, 50)} p99 ${percentile(lat.postMs, 99)}`)

  const profiler2 = await startProfile()
  const tput = await runJobs(requester, module, JOBS, CONCURRENCY, 'throughput', WARMUP_JOBS + LATENCY_JOBS)
  await profiler2?.stop('throughput')
  const cpu = process.cpuUsage(cpu0)
  const tputStats = latencies(tput.records)
  const completed = tput.records.filter((r) => r.phase === 'completed').length
  say(`throughput phase (${CONCURRENCY} in flight): ${completed}/${JOBS} completed in ${Math.round(tput.elapsedMs)} ms; ${describe(tputStats)}\n    post() call p50 ${percentile(tput.postMs, 50)} p99 ${percentile(tput.postMs, 99)}`)

  const mem = process.memoryUsage()
  const all = [...lat.records, ...tput.records]
  const result = {
    bench: 'market',
    providers: PROVIDERS,
    jobs: JOBS,
    placementP50Ms: percentile(latStats.placement, 50),
    placementP99Ms: percentile(latStats.placement, 99),
    e2eP50Ms: percentile(latStats.e2e, 50),
    e2eP99Ms: percentile(latStats.e2e, 99),
    jobsPerSec: round1(completed / (tput.elapsedMs / 1000)),
    lostJobs: lat.lost.length + tput.lost.length,
    failedJobs: failures(all),
    cpuSeconds: round1((cpu.user + cpu.system) / 1e6),
    cpuMsPerJobOneAtATime: Math.round((cpuLat.user + cpuLat.system) / 1000 / Math.max(1, LATENCY_JOBS)),
    idleCpuCores,
    rssMb: Math.round(mem.rss / (1024 * 1024)),
    underLoad: {
      concurrency: CONCURRENCY,
      placementP50Ms: percentile(tputStats.placement, 50),
      placementP99Ms: percentile(tputStats.placement, 99),
      e2eP50Ms: percentile(tputStats.e2e, 50),
      e2eP99Ms: percentile(tputStats.e2e, 99),
    },
    latencyJobs: LATENCY_JOBS,
    bidWindowMs: BID_WINDOW_MS,
    reserve: RESERVE,
    mode: 'in-process: requester and all providers share this process and its cores',
    rssPeakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    // other work on the machine skews every figure here: say how busy it was
    loadAvg1m: { start: round1(loadStart), end: round1(loadavg()[0]) },
  }
  await net.stop()
  stopNet = undefined
  console.log(JSON.stringify(result))
} catch (err) {
  say(`benchmark failed: ${(err as Error).stack ?? String(err)}`)
  process.exitCode = 1
} finally {
  await stopNet?.().catch(() => {})
  rmSync(root, { recursive: true, force: true })
}
