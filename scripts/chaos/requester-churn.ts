// Chaos, requester churn (issue 16; `churn` turns providers over, this the other side): requesters
// in processes of their own post jobs to a fleet of provider processes, paid by channel on a
// Hardhat chain, and every few seconds one leaves — a clean stop or SIGKILL, alternately — and a
// newcomer with a new wallet takes its place. What must hold:
//   - every job whose requester stayed up until it ended completes (`lostJobs` 0), none paid twice;
//   - a requester that leaves mid-job costs the providers that job only: after the churn a steady
//     requester's jobs all complete and every provider still bids (`afterChurn`; a provider whose
//     slot a gone requester's job still held would not);
//   - a newcomer is served at once (`joinToFirstJobMs`).
// Requesters post all along; the churn stops after `leaves` leaves.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { Fleet } from './fleet.ts'
import { runJobs } from './job-runner.ts'
import { startPaidChain } from './paid-chain.ts'
import { PaidProcess } from './paid-process.ts'
import { startChaosRequester } from './requester-node.ts'
import { percentile, seededRandom } from './stats.ts'
import type { JobSummary } from './paid-summary.ts'

export interface RequesterChurnOptions {
  providers: number
  /** requesters up at any time (each one that leaves is replaced) */
  requesters: number
  /** requesters that leave (each replaced) before the churn stops; they post all along */
  leaves: number
  /** a requester leaves every minGapMs..maxGapMs */
  minGapMs: number
  maxGapMs: number
  holdMs: number
  bidWindowMs: number
  /** jobs each requester keeps in flight */
  concurrency: number
  seed: number
  say?: (text: string) => void
}

export const REQUESTER_CHURN_DEFAULTS: RequesterChurnOptions = {
  providers: 8,
  requesters: 4,
  leaves: 30,
  minGapMs: 4_000,
  maxGapMs: 12_000,
  holdMs: 1_000,
  bidWindowMs: 2_000,
  concurrency: 2,
  seed: 17,
}

export interface RequesterChurnReport {
  scenario: 'requester-churn'
  providers: number
  requesters: number
  /** posted by the churning requesters */
  jobs: number
  /** of the jobs whose requester was still up when they ended */
  completed: number
  /** jobs whose requester stayed up through them and that did not complete (goal 0) */
  lostJobs: number
  /** in flight when their requester left (nobody is left to want them) */
  abandoned: number
  failures: Record<string, number>
  /** jobs with more paid awards than slots, by their requester's records */
  doublePaid: number
  cleanLeaves: number
  kills: number
  joins: number
  /** leaves with at least one job of the leaver in flight */
  leavesMidJob: number
  /** after the churn: a steady requester's jobs, and how many providers bid on any of them */
  afterChurn: { jobs: number; completed: number; providersBidding: number }
  /**
   * a newcomer's start to its first completed job: from the moment its node is up (its process
   * started, its chain client open), through its first channel opened on chain, to the output
   */
  joinToFirstJobP50Ms: number | null
  joinToFirstJobMaxMs: number | null
  jobP50Ms: number | null
  jobP95Ms: number | null
  durationMs: number
  cpuScore: number
}

interface Churner {
  proc: PaidProcess
  /** when its node was up */
  upAt: number
  /** joined in place of one that left (the first ones are not newcomers) */
  newcomer: boolean
  inFlight: number
  firstDoneAt?: number
  /** its loop: resolves once it stopped posting (left, or every job posted) */
  done: Promise<void>
}

export async function runRequesterChurn(opts: RequesterChurnOptions): Promise<RequesterChurnReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-requester-churn-'))
  const random = seededRandom(opts.seed)
  const paid = await startPaidChain(root, say)
  const cleanups: Array<() => Promise<unknown>> = [async () => await paid.stop()]
  const churners = new Set<Churner>()
  try {
    // the steady requester: every provider bootstraps to it, and it posts the after-churn jobs
    const anchor = await startChaosRequester({ root, paid })
    cleanups.unshift(async () => await anchor.stop())
    const fleet = new Fleet({
      root,
      requester: anchor.node,
      mode: 'process',
      paid: { settings: paid.settings, wallet: paid.providerWallet },
    })
    cleanups.unshift(async () => await fleet.stop())
    say(`starting ${opts.providers} providers`)
    await fleet.spawnMany(opts.providers)

    const results: Array<{ record: JobSummary; ms: number }> = []
    let churnOver = false
    const joining: Array<Promise<void>> = []
    const counts = { posted: 0, abandoned: 0, cleanLeaves: 0, kills: 0, joins: 0, leavesMidJob: 0 }
    const joinDelays: number[] = []
    let seq = 0

    const post = async (c: Churner): Promise<void> => {
      while (c.proc.alive && !churnOver) {
        counts.posted++
        c.inFlight++
        const t0 = Date.now()
        try {
          const { jobId } = await c.proc.call<{ jobId: string }>({
            cmd: 'post',
            holdMs: opts.holdMs,
            bidWindowMs: opts.bidWindowMs,
          })
          const { record } = await c.proc.call<{ record: JobSummary }>({ cmd: 'wait', jobId })
          results.push({ record, ms: Date.now() - t0 })
          if (record.phase === 'completed' && c.firstDoneAt === undefined) {
            c.firstDoneAt = Date.now()
            if (c.newcomer) joinDelays.push(c.firstDoneAt - c.upAt)
          }
          if (record.phase !== 'completed') {
            const posted = c.proc.events.find((e) => e.jobId === jobId && e.type === 'job:posted')
            say(`job ${jobId.slice(0, 8)} ${record.phase}: ${record.failure ?? '?'}; ${JSON.stringify(posted)}`)
          }
          if (results.length % 25 === 0) say(`${results.length} jobs ended, ${counts.abandoned} abandoned`)
        } catch {
          counts.abandoned++ // its requester left while posting or waiting
        } finally {
          c.inFlight--
        }
      }
    }
    const start = async (newcomer: boolean): Promise<Churner> => {
      const n = seq++
      const wallet = await paid.extraRequesterWallet(n)
      const proc = await PaidProcess.start({
        role: 'requester',
        dataDir: join(root, `requester-${n}`),
        bootstrap: anchor.node.libp2p.getMultiaddrs().map(String),
        rpcUrl: paid.settings.rpcUrl!,
        deployments: paid.settings.deployments!,
        key: wallet.privateKey,
      })
      // it posts as soon as it is up, as a user's first `hive job post` would: what it needs to
      // know of the providers it learns from the peers it connects to (profile-exchange.ts)
      const c: Churner = { proc, upAt: Date.now(), newcomer, inFlight: 0, done: Promise.resolve() }
      c.done = Promise.all(Array.from({ length: opts.concurrency }, async () => await post(c))).then(() => {})
      churners.add(c)
      if (newcomer) counts.joins++
      return c
    }

    say(`starting ${opts.requesters} requesters`)
    await Promise.all(Array.from({ length: opts.requesters }, async () => await start(false)))
    while (counts.cleanLeaves + counts.kills < opts.leaves) {
      const gap = opts.minGapMs + random() * (opts.maxGapMs - opts.minGapMs)
      await new Promise((resolve) => setTimeout(resolve, gap))
      const live = [...churners].filter((c) => c.proc.alive)
      const victim = live[Math.floor(random() * live.length)]
      if (victim === undefined) break
      if (victim.inFlight > 0) counts.leavesMidJob++
      // alternate, so that every run of two leaves or more has both kinds
      if (counts.cleanLeaves <= counts.kills) {
        counts.cleanLeaves++
        await victim.proc.leave()
      } else {
        counts.kills++
        await victim.proc.kill()
      }
      say(`requester left (${counts.cleanLeaves} clean, ${counts.kills} killed); ${counts.posted} posted`)
      // the newcomer starts while the next gap runs: a start takes seconds on a loaded machine
      joining.push(
        start(true).then(
          () => {},
          (err: Error) => say(`a newcomer failed to start: ${err.message}`),
        ),
      )
    }
    await Promise.all(joining)
    churnOver = true
    say(`churn over after ${counts.posted} jobs posted; waiting for the jobs in flight`)
    await Promise.all([...churners].map(async (c) => await c.done))

    // after the churn: every provider must still bid and serve (none held by a gone requester's job)
    const after = await runJobs({
      requester: anchor.requester,
      k1Jobs: opts.providers,
      k2Jobs: 0,
      holdMs: opts.holdMs,
      concurrency: 1,
      bidWindowMs: opts.bidWindowMs,
      maxBidders: 64,
      random,
      say,
    })
    const bidders = new Set(after.flatMap((r) => r.bids.map((b) => b.provider)))

    const ended = results.map((r) => r.record)
    const completed = ended.filter((r) => r.phase === 'completed')
    const failures: Record<string, number> = {}
    for (const r of ended)
      if (r.phase !== 'completed') failures[r.failure ?? '?'] = (failures[r.failure ?? '?'] ?? 0) + 1
    const latency = results.filter((r) => r.record.phase === 'completed').map((r) => r.ms)
    return {
      scenario: 'requester-churn',
      providers: opts.providers,
      requesters: opts.requesters,
      jobs: counts.posted,
      completed: completed.length,
      lostJobs: ended.length - completed.length,
      abandoned: counts.abandoned,
      failures,
      doublePaid: ended.filter((r) => r.awards.filter((a) => a.paid).length > 1).length,
      cleanLeaves: counts.cleanLeaves,
      kills: counts.kills,
      joins: counts.joins,
      leavesMidJob: counts.leavesMidJob,
      afterChurn: {
        jobs: after.length,
        completed: after.filter((r) => r.phase === 'completed').length,
        providersBidding: bidders.size,
      },
      joinToFirstJobP50Ms: percentile(joinDelays, 50),
      joinToFirstJobMaxMs: joinDelays.length === 0 ? null : Math.max(...joinDelays),
      jobP50Ms: percentile(latency, 50),
      jobP95Ms: percentile(latency, 95),
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    await Promise.all([...churners].map(async (c) => await c.proc.kill().catch(() => {})))
    for (const c of cleanups) await c().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  }
}
