// Chaos scenario 7 (issue 16), soak: a steady rate of jobs (default 10 a second) for a long time
// (default an hour) through one requester and providers in processes of their own (or, with
// `--in-process`, in the requester's), paid by channel on a Hardhat chain. Every `sampleMs` the
// run samples the requester process's RSS, heap, open handles (process.getActiveResourcesInfo),
// every provider process's RSS and open file descriptors (/proc), and the latency of the jobs
// finished since the last sample; the report compares the first 10 % of the samples with the last
// 10 % (a ratio near 1: flat) and counts verified and paid jobs. The provider processes, and this
// one through `npm run chaos`, run with the memory settings `hive` gives a node (node-process.ts),
// so that the RSS sampled is a user's node's. Not in `npm test`:
// `npm run chaos -- soak [--minutes N] [--rate N] [--in-process]`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { mean, openFds, treeRssMb } from '../bench/_market-metrics.ts'
import { helloModule } from './held-executor.ts'
import { startPaidFleet } from './paid-fleet.ts'
import { percentile } from './stats.ts'
import type { JobRecord } from '../../node/market/job-record.ts'

export interface SoakOptions {
  providers: number
  /** where the providers run: each in a process of its own (as users run them), or in this one */
  mode: 'process' | 'in-process'
  /** jobs posted per second */
  rate: number
  minutes: number
  holdMs: number
  bidWindowMs: number
  sampleMs: number
  /** most jobs in flight: posting waits beyond it (a machine that cannot carry the rate) */
  maxInFlight: number
  /**
   * a directory: the requester process's heap written there (node:v8 writeHeapSnapshot, which
   * collects garbage first) a fifth of the way in and at the end of posting, to compare by
   * constructor what the run kept (scripts/chaos/heap-diff.ts)
   */
  heapSnapshots?: string
  say?: (text: string) => void
}

export const SOAK_DEFAULTS: SoakOptions = {
  providers: 20,
  mode: 'process',
  rate: 10,
  minutes: 60,
  holdMs: 100,
  bidWindowMs: 2_000,
  sampleMs: 10_000,
  maxInFlight: 400,
}

interface Sample {
  at: number
  rssMb: number
  heapMb: number
  handles: number
  latencyP50Ms: number | null
  latencyP99Ms: number | null
  /** provider processes (process mode): mean and largest RSS, mean open descriptors */
  providerRssMb: number | null
  providerRssMaxMb: number | null
  providerFds: number | null
  /** taken after posting stopped, while the last jobs drained (left out of first/last) */
  draining: boolean
}

type Summary = Omit<Sample, 'at' | 'draining'>

export interface SoakReport {
  scenario: 'soak'
  providers: number
  mode: SoakOptions['mode']
  rate: number
  minutes: number
  jobs: number
  completed: number
  /** completed with every award paid (a voucher the provider acknowledged) */
  verifiedAndPaid: number
  lostJobs: number
  failures: Record<string, number>
  /** the requester's job events by type (and reason code): declines, re-awards, revocations, reopens */
  events: Record<string, number>
  /** how long revoked awards had been silent: p50 and largest (null: no revocation) */
  revokedSilentP50Ms: number | null
  revokedSilentMaxMs: number | null
  /** the requester process's event-loop delay over the run (its heartbeats wait behind it) */
  requesterLoopDelayP50Ms: number
  requesterLoopDelayP99Ms: number
  requesterLoopDelayMaxMs: number
  doublePaid: number
  /** jobs actually posted per second over the run (below `rate` when posting had to wait) */
  achievedRate: number
  samples: number
  /** the requester process (and, in-process, the providers with it); provider processes apart */
  first: Summary
  last: Summary
  /** last 10 % over first 10 % (goal: within 1.1) */
  rssRatio: number
  heapRatio: number
  handlesRatio: number
  latencyRatio: number | null
  latencyP99Ratio: number | null
  providerRssRatio: number | null
  providerFdsRatio: number | null
  jobP50Ms: number | null
  jobP99Ms: number | null
  /** completed jobs per second over the run (goodput) */
  completedPerSec: number
  /** how long posts waited for the requester's window of negotiating jobs (post-window.ts) */
  postWaitP50Ms: number | null
  postWaitP99Ms: number | null
  durationMs: number
  cpuScore: number
}

interface JobOutcome {
  phase: JobRecord['phase']
  failure?: string
  /** from its post to its end: the bid window on (the record's postedAt) */
  latencyMs: number
  /** how long its post waited for the requester's window (node/market/post-window.ts) */
  waitedMs?: number
  redundancy: number
  /** awards paid (a voucher the provider acknowledged) */
  paidAwards: number
}

function outcomeOf(r: JobRecord): JobOutcome {
  return {
    phase: r.phase,
    ...(r.phase === 'failed' ? { failure: r.failure?.reason ?? '?' } : {}),
    latencyMs: (r.completedAt ?? r.postedAt) - r.postedAt,
    redundancy: r.redundancy,
    paidAwards: r.awards.filter((a) => a.paidAt !== undefined).length,
  }
}

const round = (x: number): number => Math.round(x * 100) / 100
const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : round(a / b))
/** the median of the values present, null when none is */
const medianOf = (xs: Array<number | null>): number | null =>
  percentile(
    xs.filter((x): x is number => x !== null),
    50,
  )
/** the mean of the values present, null when none is */
const meanOf = (xs: Array<number | null>): number | null => {
  const v = xs.filter((x): x is number => x !== null)
  return v.length === 0 ? null : round(mean(v))
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-soak-'))
  // the job events a scenario searches would grow the very heap the soak watches (92,000 in 12 min)
  const scene = await startPaidFleet(root, say, { keepEvents: false }, opts.mode)
  try {
    const { req, fleet } = scene
    say(`starting ${opts.providers} providers`)
    await fleet.spawnMany(opts.providers)
    const module = await helloModule('done\n')

    // what the report needs of each job, not its record: an hour of full records (requests, bids,
    // awards) held here would grow the very process whose memory the soak watches
    const records: JobOutcome[] = []
    const finishedSince: number[] = []
    const samples: Sample[] = []
    let draining = false
    const sample = (): void => {
      const m = process.memoryUsage()
      const lat = finishedSince.splice(0)
      const pids = [...fleet.members.values()].flatMap((p) => (p.pid !== undefined ? [p.pid] : []))
      const rss = pids.map(treeRssMb)
      const fds = pids.map(openFds)
      samples.push({
        at: Date.now(),
        rssMb: m.rss / 1e6,
        heapMb: m.heapUsed / 1e6,
        handles: process.getActiveResourcesInfo().length,
        latencyP50Ms: percentile(lat, 50),
        latencyP99Ms: percentile(lat, 99),
        providerRssMb: meanOf(rss),
        providerRssMaxMb: rss.length === 0 ? null : Math.max(...rss),
        providerFds: meanOf(fds),
        draining,
      })
      const s = samples[samples.length - 1]
      say(
        `${records.length} jobs done, rss ${Math.round(s.rssMb)} MB, handles ${s.handles},` +
          ` p50/p99 ${String(s.latencyP50Ms)}/${String(s.latencyP99Ms)} ms,` +
          ` providers rss ${String(s.providerRssMb)} (max ${String(s.providerRssMaxMb)}) MB,` +
          ` fds ${String(s.providerFds)}`,
      )
    }
    const sampler = setInterval(sample, opts.sampleMs)
    const loop = monitorEventLoopDelay({ resolution: 20 })
    loop.enable()
    const snapshot = (name: string): void => {
      if (opts.heapSnapshots === undefined) return
      const file = writeHeapSnapshot(join(opts.heapSnapshots, `soak-${name}.heapsnapshot`))
      say(`heap written to ${file}`)
    }
    const early = setTimeout(() => snapshot('early'), (opts.minutes * 60_000) / 5)
    const inFlight = new Set<Promise<void>>()
    const endAt = Date.now() + opts.minutes * 60_000
    const gap = 1000 / opts.rate
    let posted = 0
    let next = Date.now()
    try {
      while (Date.now() < endAt) {
        while (inFlight.size >= opts.maxInFlight) await Promise.race(inFlight)
        const wait = next - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        next = Math.max(next + gap, Date.now() - 1_000)
        posted++
        const job = (async () => {
          const calledAt = Date.now()
          const { jobId } = await req.requester.post({
            module,
            args: [`hold=${opts.holdMs}`],
            maxPrice: 10n ** 18n,
            redundancy: 1,
            bidWindowMs: opts.bidWindowMs,
            timeoutMs: 120_000,
            limits: { wallTimeMs: 60_000 },
          })
          const r = await req.requester.wait(jobId)
          records.push({ ...outcomeOf(r), waitedMs: Math.max(0, r.postedAt - calledAt) })
          if (r.phase === 'completed') finishedSince.push((r.completedAt ?? r.postedAt) - r.postedAt)
        })().catch((err: unknown) => {
          say(`posting failed: ${String(err)}`)
        })
        inFlight.add(job)
        void job.finally(() => inFlight.delete(job))
      }
      snapshot('late')
      say(`posting stopped after ${posted} jobs; waiting for ${inFlight.size} in flight`)
      draining = true
      await Promise.race([Promise.all(inFlight), new Promise((resolve) => setTimeout(resolve, 150_000))])
    } finally {
      clearInterval(sampler)
      clearTimeout(early)
      loop.disable()
    }
    sample()

    // flatness is judged while the rate holds: the drain at the end has fewer jobs in flight
    const steady = samples.some((s) => !s.draining) ? samples.filter((s) => !s.draining) : samples
    const tenth = Math.max(1, Math.floor(steady.length / 10))
    const head = steady.slice(0, tenth)
    const tail = steady.slice(-tenth)
    const summary = (xs: Sample[]): Summary => ({
      rssMb: round(mean(xs.map((s) => s.rssMb))),
      heapMb: round(mean(xs.map((s) => s.heapMb))),
      handles: round(mean(xs.map((s) => s.handles))),
      // latency: the median sample, so that the first seconds (every channel opened on chain)
      // or one stalled sample do not stand for a tenth of the run
      latencyP50Ms: medianOf(xs.map((s) => s.latencyP50Ms)),
      latencyP99Ms: medianOf(xs.map((s) => s.latencyP99Ms)),
      providerRssMb: meanOf(xs.map((s) => s.providerRssMb)),
      providerRssMaxMb: meanOf(xs.map((s) => s.providerRssMaxMb)),
      providerFds: meanOf(xs.map((s) => s.providerFds)),
    })
    const first = summary(head)
    const last = summary(tail)
    const completed = records.filter((r) => r.phase === 'completed')
    const failures: Record<string, number> = {}
    for (const r of records) if (r.failure !== undefined) failures[r.failure] = (failures[r.failure] ?? 0) + 1
    const latency = completed.map((r) => r.latencyMs)
    const waited = records.flatMap((r) => (r.waitedMs !== undefined ? [r.waitedMs] : []))
    return {
      scenario: 'soak',
      providers: opts.providers,
      mode: opts.mode,
      rate: opts.rate,
      minutes: opts.minutes,
      jobs: posted,
      completed: completed.length,
      verifiedAndPaid: completed.filter((r) => r.paidAwards >= r.redundancy).length,
      lostJobs: posted - completed.length,
      failures,
      events: Object.fromEntries(
        [...req.eventCounts].filter(([k]) => !/^job:(posted|bid|awarded|accepted|result|verified|log)$/.test(k)),
      ),
      revokedSilentP50Ms: percentile(req.revokedSilentMs, 50),
      revokedSilentMaxMs: req.revokedSilentMs.length === 0 ? null : Math.max(...req.revokedSilentMs),
      requesterLoopDelayP50Ms: round(loop.percentile(50) / 1e6),
      requesterLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
      requesterLoopDelayMaxMs: round(loop.max / 1e6),
      doublePaid: records.filter((r) => r.paidAwards > r.redundancy).length,
      achievedRate: round(posted / (opts.minutes * 60)),
      samples: samples.length,
      first,
      last,
      rssRatio: round(last.rssMb / first.rssMb),
      heapRatio: round(last.heapMb / first.heapMb),
      handlesRatio: round(last.handles / first.handles),
      latencyRatio: ratio(last.latencyP50Ms, first.latencyP50Ms),
      latencyP99Ratio: ratio(last.latencyP99Ms, first.latencyP99Ms),
      providerRssRatio: ratio(last.providerRssMb, first.providerRssMb),
      providerFdsRatio: ratio(last.providerFds, first.providerFds),
      jobP50Ms: percentile(latency, 50),
      jobP99Ms: percentile(latency, 99),
      completedPerSec: round(completed.length / (opts.minutes * 60)),
      postWaitP50Ms: percentile(waited, 50),
      postWaitP99Ms: percentile(waited, 99),
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    await scene.stop()
    rmSync(root, { recursive: true, force: true })
  }
}
