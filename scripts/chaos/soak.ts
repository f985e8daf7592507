// Chaos scenario 7 (issue 16), soak: a steady rate of jobs (default 10 a second) for a long time
// (default an hour) through one requester and in-process providers, paid by channel on a
// Hardhat chain. Every `sampleMs` the run samples the process's RSS, heap, open handles
// (process.getActiveResourcesInfo) and the latency of the jobs finished since the last sample;
// the report compares the first 10 % of the samples with the last 10 % (a ratio near 1: flat) and
// counts verified and paid jobs. Not in `npm test`: `npm run chaos -- soak [--minutes N] [--rate N]`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { helloModule } from './held-executor.ts'
import { startPaidFleet } from './paid-fleet.ts'
import { percentile } from './stats.ts'
import type { JobRecord } from '../../node/market/job-record.ts'

export interface SoakOptions {
  providers: number
  /** jobs posted per second */
  rate: number
  minutes: number
  holdMs: number
  bidWindowMs: number
  sampleMs: number
  /** most jobs in flight: posting waits beyond it (a machine that cannot carry the rate) */
  maxInFlight: number
  say?: (text: string) => void
}

export const SOAK_DEFAULTS: SoakOptions = {
  providers: 20,
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
}

export interface SoakReport {
  scenario: 'soak'
  providers: number
  rate: number
  minutes: number
  jobs: number
  completed: number
  /** completed with every award paid (a voucher the provider acknowledged) */
  verifiedAndPaid: number
  lostJobs: number
  failures: Record<string, number>
  doublePaid: number
  /** jobs actually posted per second over the run (below `rate` when posting had to wait) */
  achievedRate: number
  samples: number
  first: { rssMb: number; heapMb: number; handles: number; latencyP50Ms: number | null }
  last: { rssMb: number; heapMb: number; handles: number; latencyP50Ms: number | null }
  /** last 10 % over first 10 % (goal: within 1.1) */
  rssRatio: number
  heapRatio: number
  handlesRatio: number
  latencyRatio: number | null
  jobP50Ms: number | null
  jobP99Ms: number | null
  durationMs: number
  cpuScore: number
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)
const round = (x: number): number => Math.round(x * 100) / 100

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-soak-'))
  const scene = await startPaidFleet(root, say)
  try {
    const { req, fleet } = scene
    say(`starting ${opts.providers} providers`)
    await fleet.spawnMany(opts.providers)
    const module = await helloModule('done\n')

    const records: JobRecord[] = []
    const finishedSince: number[] = []
    const samples: Sample[] = []
    const sample = (): void => {
      const m = process.memoryUsage()
      const lat = finishedSince.splice(0)
      samples.push({
        at: Date.now(),
        rssMb: m.rss / 1e6,
        heapMb: m.heapUsed / 1e6,
        handles: process.getActiveResourcesInfo().length,
        latencyP50Ms: percentile(lat, 50),
      })
      const s = samples[samples.length - 1]
      say(
        `${records.length} jobs done, rss ${Math.round(s.rssMb)} MB,` +
          ` handles ${s.handles}, p50 ${String(s.latencyP50Ms)} ms`,
      )
    }
    const sampler = setInterval(sample, opts.sampleMs)
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
          records.push(r)
          if (r.phase === 'completed') finishedSince.push((r.completedAt ?? r.postedAt) - r.postedAt)
        })().catch((err: unknown) => {
          say(`posting failed: ${String(err)}`)
        })
        inFlight.add(job)
        void job.finally(() => inFlight.delete(job))
      }
      say(`posting stopped after ${posted} jobs; waiting for ${inFlight.size} in flight`)
      await Promise.race([Promise.all(inFlight), new Promise((resolve) => setTimeout(resolve, 150_000))])
    } finally {
      clearInterval(sampler)
    }
    sample()

    const tenth = Math.max(1, Math.floor(samples.length / 10))
    const head = samples.slice(0, tenth)
    const tail = samples.slice(-tenth)
    const summary = (xs: Sample[]): SoakReport['first'] => {
      const lat = xs.map((s) => s.latencyP50Ms).filter((x): x is number => x !== null)
      return {
        rssMb: round(mean(xs.map((s) => s.rssMb))),
        heapMb: round(mean(xs.map((s) => s.heapMb))),
        handles: round(mean(xs.map((s) => s.handles))),
        latencyP50Ms: lat.length > 0 ? round(mean(lat)) : null,
      }
    }
    const first = summary(head)
    const last = summary(tail)
    const completed = records.filter((r) => r.phase === 'completed')
    const paidAwards = (r: JobRecord): number => r.awards.filter((a) => a.paidAt !== undefined).length
    const failures: Record<string, number> = {}
    for (const r of records)
      if (r.phase === 'failed') failures[r.failure?.reason ?? '?'] = (failures[r.failure?.reason ?? '?'] ?? 0) + 1
    const latency = completed.map((r) => (r.completedAt ?? r.postedAt) - r.postedAt)
    return {
      scenario: 'soak',
      providers: opts.providers,
      rate: opts.rate,
      minutes: opts.minutes,
      jobs: posted,
      completed: completed.length,
      verifiedAndPaid: completed.filter((r) => paidAwards(r) >= r.redundancy).length,
      lostJobs: posted - completed.length,
      failures,
      doublePaid: records.filter((r) => paidAwards(r) > r.redundancy).length,
      achievedRate: round(posted / (opts.minutes * 60)),
      samples: samples.length,
      first,
      last,
      rssRatio: round(last.rssMb / first.rssMb),
      heapRatio: round(last.heapMb / first.heapMb),
      handlesRatio: round(last.handles / first.handles),
      latencyRatio:
        first.latencyP50Ms !== null && last.latencyP50Ms !== null
          ? round(last.latencyP50Ms / first.latencyP50Ms)
          : null,
      jobP50Ms: percentile(latency, 50),
      jobP99Ms: percentile(latency, 99),
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    await scene.stop()
    rmSync(root, { recursive: true, force: true })
  }
}
