// Chaos scenario 3 (issue 16), churn: a fleet of providers that keeps changing while jobs run.
// Every `minGapMs`..`maxGapMs` (seeded random) one provider leaves, half the time cleanly (its node
// stops: SIGTERM for a process) and half the time by SIGKILL, and a new one joins in its place, so
// the fleet keeps its size while its members turn over. Who leaves is any member, working or
// not: a provider that leaves mid-job must have its award revoked and its slot re-awarded.
// Every job must complete and none be paid twice (escrow payments on a Hardhat chain, counted
// from the contract's events, as in dead-providers.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WorkerPool } from '../../node/exec/index.ts'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { settledPayouts } from './dead-providers.ts'
import { Fleet } from './fleet.ts'
import { jobFigures, runJobs } from './job-runner.ts'
import { startPaidChain } from './paid-chain.ts'
import { startChaosRequester } from './requester-node.ts'
import { seededRandom } from './stats.ts'
import type { PaidChain } from './paid-chain.ts'
import type { PayoutCheck } from './payout-check.ts'

export interface ChurnOptions {
  providers: number
  k1Jobs: number
  k2Jobs: number
  /** the gap between two churn events, drawn from [minGapMs, maxGapMs] */
  minGapMs: number
  maxGapMs: number
  holdMs: number
  concurrency: number
  bidWindowMs: number
  mode: 'process' | 'in-process'
  payments: 'escrow' | 'off'
  seed: number
  say?: (text: string) => void
}

export interface ChurnReport {
  scenario: 'churn'
  mode: 'process' | 'in-process'
  providers: number
  jobs: number
  completed: number
  lostJobs: number
  failures: Record<string, number>
  doublePaid: number | null
  noncesBackwards: number | null
  payments: 'escrow' | 'off'
  chain?: Omit<PayoutCheck, 'doublePaid'>
  /** providers that left cleanly / were SIGKILLed, and how many joined */
  cleanLeaves: number
  kills: number
  joins: number
  /** leaves that hit a provider with an accepted award still running */
  leavesMidJob: number
  revocations: number
  jobP50Ms: number | null
  jobP95Ms: number | null
  durationMs: number
  cpuScore: number
}

export const CHURN_DEFAULTS: ChurnOptions = {
  providers: 30,
  k1Jobs: 500,
  k2Jobs: 100,
  minGapMs: 5_000,
  maxGapMs: 30_000,
  holdMs: 2_000,
  concurrency: 10,
  bidWindowMs: 5_000,
  mode: 'process',
  payments: 'escrow',
  seed: 16,
}

export async function runChurn(opts: ChurnOptions): Promise<ChurnReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-churn-'))
  const random = seededRandom(opts.seed)
  let paid: PaidChain | undefined
  const pool = opts.mode === 'in-process' ? new WorkerPool({ size: 2 }) : undefined
  let req: Awaited<ReturnType<typeof startChaosRequester>> | undefined
  let fleet: Fleet | undefined
  const churnStop = new AbortController()
  try {
    if (opts.payments === 'escrow') paid = await startPaidChain(root, say)
    req = await startChaosRequester({ root, ...(paid !== undefined ? { paid } : {}) })
    await pool?.start()
    const f = new Fleet({
      root,
      requester: req.node,
      mode: opts.mode,
      ...(pool !== undefined ? { pool } : {}),
      ...(paid !== undefined ? { paid: { settings: paid.settings, wallet: paid.providerWallet } } : {}),
    })
    fleet = f
    say(`starting ${opts.providers} providers (${opts.mode})`)
    await f.spawnMany(opts.providers)
    const running = req.running
    const counts = { cleanLeaves: 0, kills: 0, joins: 0, leavesMidJob: 0 }
    const churn = async (): Promise<void> => {
      const joins: Array<Promise<unknown>> = []
      while (!churnStop.signal.aborted) {
        const gap = opts.minGapMs + random() * (opts.maxGapMs - opts.minGapMs)
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, gap)
          churnStop.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(t)
              resolve()
            },
            { once: true },
          )
        })
        if (churnStop.signal.aborted) break
        const members = [...f.members.keys()]
        if (members.length === 0) continue
        const victim = members[Math.floor(random() * members.length)]
        // leaves alternate between a clean stop and a SIGKILL, so every run of four or more events
        // has at least two of each (a coin flip left short runs with one kind only)
        const clean = counts.cleanLeaves <= counts.kills
        if ([...running.values()].some((a) => a.provider === victim)) counts.leavesMidJob++
        if (clean) {
          counts.cleanLeaves++
          await f.leave(victim)
        } else {
          counts.kills++
          await f.kill(victim)
        }
        // the newcomer joins while the next gap runs: a start takes seconds on a loaded machine
        joins.push(
          f.spawn().then(
            () => counts.joins++,
            (err: Error) => say(`a join failed: ${err.message}`),
          ),
        )
      }
      await Promise.all(joins)
    }
    const churning = churn()
    const records = await runJobs({
      requester: req.requester,
      k1Jobs: opts.k1Jobs,
      k2Jobs: opts.k2Jobs,
      holdMs: opts.holdMs,
      concurrency: opts.concurrency,
      bidWindowMs: opts.bidWindowMs,
      ...(paid !== undefined ? { payment: 'escrow' as const } : {}),
      random,
      say: (t) => say(`${t} (${counts.cleanLeaves} clean leaves, ${counts.kills} kills)`),
    })
    churnStop.abort()
    await churning
    const payouts = paid === undefined ? undefined : await settledPayouts(paid, records, f.peerByAddress, say)
    const { doublePaid: chainDoublePaid, ...chain } = payouts ?? { doublePaid: null }
    return {
      scenario: 'churn',
      mode: opts.mode,
      providers: opts.providers,
      ...jobFigures(records),
      doublePaid: chainDoublePaid,
      noncesBackwards: null,
      payments: opts.payments,
      ...(payouts !== undefined ? { chain: chain as Omit<PayoutCheck, 'doublePaid'> } : {}),
      ...counts,
      revocations: req.events.filter((e) => e.type === 'job:revoked').length,
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    churnStop.abort()
    await fleet?.stop()
    await req?.stop()
    await paid?.stop()
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  }
}
