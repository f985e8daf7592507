// Chaos scenario 1 (issue 16), dead providers: one requester (this process) and a fleet of
// providers (processes of their own by default); jobs with k = 1 and k = 2 that hold for a few
// seconds each run `concurrency` at a time, and after every `killEvery` jobs posted one provider
// that is working on an award is killed mid-run (SIGKILL) and replaced. Who wins an award is the
// node's own selection (bid lottery, weights): the victim is read from the awards the requester
// saw accepted. Every job must complete; the report says how fast the requester noticed (kill ->
// revocation) and what a kill cost the job it hit (its latency above the median of the jobs no
// kill touched).
//
// Payments (default `escrow`): every award is paid through the JobEscrow contract on a Hardhat
// chain, and `doublePaid` is counted from the contract's events (payout-check.ts): a job paid to
// more providers than it had slots, or to a provider whose award was revoked. With `off` (no
// chain) it is counted from the requester's records. Escrows sign no vouchers, so no voucher
// nonce can go backwards (`noncesBackwards` is null: not measured).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { WorkerPool } from '../../node/exec/index.ts'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { Fleet } from './fleet.ts'
import { runJobs } from './job-runner.ts'
import { startPaidChain } from './paid-chain.ts'
import { checkPayouts } from './payout-check.ts'
import { startChaosRequester } from './requester-node.ts'
import { percentile, seededRandom } from './stats.ts'
import type { JobEvent } from '../../node/market/events.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { HiveNode } from '../../node/node.ts'
import type { PaidChain } from './paid-chain.ts'
import type { PayoutCheck } from './payout-check.ts'

export interface DeadProvidersOptions {
  providers: number
  k1Jobs: number
  k2Jobs: number
  /** a kill after every this many jobs posted */
  killEvery: number
  /** how long each job holds its provider (ms) */
  holdMs: number
  concurrency: number
  /** the jobs' bid window: early award places a job as soon as k + 1 good bids are in */
  bidWindowMs: number
  /**
   * bidders asked per job (m; unset: the protocol's 2k + 2). A job whose bidders were all killed
   * re-opens its bidding with a signed BidReopen to providers not tried (docs/reaward.md)
   */
  maxBidders?: number
  mode: 'process' | 'in-process'
  /** escrow: paid on a Hardhat chain, double payments read from it; off: no chain */
  payments: 'escrow' | 'off'
  seed: number
  say?: (text: string) => void
}

export interface DeadProvidersReport {
  scenario: 'dead-providers'
  mode: 'process' | 'in-process'
  providers: number
  jobs: number
  completed: number
  lostJobs: number
  failures: Record<string, number>
  doublePaid: number
  noncesBackwards: number | null
  payments: 'escrow' | 'off'
  /** escrow: what the chain created, paid and refunded (payout-check.ts) */
  chain?: Omit<PayoutCheck, 'doublePaid'>
  kills: number
  /** jobs that had an award revoked after a kill */
  killedJobs: number
  /** jobs whose bidding was re-opened (every bidder killed and no bid left) */
  reopenedJobs: number
  /** revocations of providers that were never killed (false alarms) */
  falseRevocations: number
  detectionP50Ms: number | null
  detectionP95Ms: number | null
  detectionMaxMs: number | null
  /** per revocation reason (CONNECTION_LOST: the socket closed; HEARTBEAT_SILENT: it did not) */
  detectionByReason: Record<string, { count: number; p50Ms: number | null; p95Ms: number | null }>
  /** from a SIGKILL until the requester's libp2p held no connection to the victim (its kernel closed them) */
  connectionGoneP50Ms?: number | null
  connectionGoneMaxMs?: number
  /** kills after which the requester still held a connection to the victim 20 s later */
  connectionsNeverGone?: number
  extraLatencyP50Ms: number | null
  extraLatencyP95Ms: number | null
  jobP50Ms: number | null
  durationMs: number
  cpuScore: number
}

export const DEAD_PROVIDERS_DEFAULTS: DeadProvidersOptions = {
  providers: 20,
  k1Jobs: 200,
  k2Jobs: 50,
  killEvery: 5,
  holdMs: 3_000,
  concurrency: 10,
  bidWindowMs: 5_000,
  mode: 'process',
  payments: 'escrow',
  seed: 16,
}

export async function runDeadProviders(opts: DeadProvidersOptions): Promise<DeadProvidersReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-dead-'))
  const random = seededRandom(opts.seed)
  let paid: PaidChain | undefined
  if (opts.payments === 'escrow') paid = await startPaidChain(root, say)
  const req = await startChaosRequester({ root, ...(paid !== undefined ? { paid } : {}) }).catch(
    async (err: unknown) => {
      await paid?.stop()
      throw err
    },
  )
  const { requester, events } = req
  const accepted = req.running
  const pool = opts.mode === 'in-process' ? new WorkerPool({ size: 2 }) : undefined
  await pool?.start()
  const fleet = new Fleet({
    root,
    requester: req.node,
    mode: opts.mode,
    ...(pool !== undefined ? { pool } : {}),
    ...(paid !== undefined ? { paid: { settings: paid.settings, wallet: paid.providerWallet } } : {}),
  })
  const killedAt = new Map<string, number>()
  /** per kill: ms from the SIGKILL until the requester held no connection to the victim (null: not within 20 s) */
  const connectionGone: Array<Promise<number | null>> = []
  const replacements: Array<Promise<unknown>> = []
  try {
    say(`starting ${opts.providers} providers (${opts.mode})`)
    await fleet.spawnMany(opts.providers)
    const kills: Array<Promise<void>> = []
    /** kills a provider that has been working on an award for half its hold (mid-run) */
    const killOne = async (): Promise<void> => {
      const until = Date.now() + 30_000
      while (Date.now() < until) {
        const now = Date.now()
        const busy = [...accepted.values()].filter(
          (a) => now - a.at >= opts.holdMs / 2 && fleet.members.has(a.provider) && !killedAt.has(a.provider),
        )
        if (busy.length > 0) {
          const victim = busy[Math.floor(random() * busy.length)].provider
          killedAt.set(victim, Date.now())
          await fleet.kill(victim)
          connectionGone.push(untilDisconnected(req.node, victim, Date.now()))
          replacements.push(
            fleet.spawn().catch((err: Error) => {
              say(`replacement failed: ${err.message}`)
            }),
          )
          return
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    const records = await runJobs({
      requester,
      k1Jobs: opts.k1Jobs,
      k2Jobs: opts.k2Jobs,
      holdMs: opts.holdMs,
      concurrency: opts.concurrency,
      bidWindowMs: opts.bidWindowMs,
      ...(opts.maxBidders !== undefined ? { maxBidders: opts.maxBidders } : {}),
      ...(paid !== undefined ? { payment: 'escrow' as const } : {}),
      random,
      // the node's own selection (bid lottery, weights) decides who wins: the victims are read
      // from who was awarded (job:accepted events), whoever that is
      onPosted: (n) => {
        if (n % opts.killEvery === 0) kills.push(killOne())
      },
      say: (t) => say(`${t}, ${killedAt.size} kills`),
    })
    await Promise.all(kills)
    await Promise.all(replacements)
    const gone = await Promise.all(connectionGone)
    const payouts = paid === undefined ? undefined : await settledPayouts(paid, records, fleet.peerByAddress, say)
    return {
      ...report(opts, records, events, killedAt, payouts, cpuScore, Date.now() - started),
      connectionGoneP50Ms: percentile(
        gone.filter((x): x is number => x !== null),
        50,
      ),
      connectionGoneMaxMs: Math.max(0, ...gone.filter((x): x is number => x !== null)),
      connectionsNeverGone: gone.filter((x) => x === null).length,
    }
  } finally {
    await fleet.stop()
    await req.stop()
    await paid?.stop()
    await pool?.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

/**
 * The chain's payouts once settlement is done: a requester releases an escrow as soon as it
 * verified the result, and cancels a revoked award's escrow as soon as it revoked it, but the
 * transactions may still be on their way when the last job ends.
 */
export async function settledPayouts(
  paid: PaidChain,
  records: JobRecord[],
  peerByAddress: Map<string, string>,
  say: (text: string) => void,
  waitMs = 30_000,
): Promise<PayoutCheck> {
  const until = Date.now() + waitMs
  for (;;) {
    const check = checkPayouts(records, await paid.escrows(), (a) => peerByAddress.get(a))
    if ((check.underpaidJobs === 0 && check.revokedEscrowsOpen === 0) || Date.now() > until) {
      if (check.underpaidJobs > 0) say(`${check.underpaidJobs} completed job(s) still not paid on chain`)
      if (check.revokedEscrowsOpen > 0)
        say(`${check.revokedEscrowsOpen} revoked award(s)' escrows still open ${waitMs / 1000} s after the last job`)
      if (check.revokedEscrowsCommitted > 0)
        say(`${check.revokedEscrowsCommitted} revoked award(s)' escrows committed to before the revocation (disputed)`)
      for (const o of check.revokedOpen) {
        const awards = records.find((r) => r.jobId === o.jobId)?.awards.filter((a) => a.provider === o.peer)
        const text = JSON.stringify(awards, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))
        say(`  open: ${JSON.stringify(o)} awards ${text}`)
      }
      return check
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

function report(
  opts: DeadProvidersOptions,
  records: JobRecord[],
  events: JobEvent[],
  killedAt: Map<string, number>,
  payouts: PayoutCheck | undefined,
  cpuScore: number,
  durationMs: number,
): DeadProvidersReport {
  const revocations = events.filter((e): e is Extract<JobEvent, { type: 'job:revoked' }> => e.type === 'job:revoked')
  const detection: number[] = []
  const byReason = new Map<string, number[]>()
  const killedJobs = new Set<string>()
  let falseRevocations = 0
  for (const r of revocations) {
    const at = killedAt.get(r.provider)
    if (at === undefined || r.at < at) {
      falseRevocations++
      continue
    }
    detection.push(r.at - at)
    byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.at - at])
    killedJobs.add(r.jobId)
  }
  const latency = (r: JobRecord): number => (r.completedAt ?? r.postedAt) - r.postedAt
  const completed = records.filter((r) => r.phase === 'completed')
  const untouched = completed.filter((r) => !killedJobs.has(r.jobId)).map(latency)
  const baseline = percentile(untouched, 50) ?? 0
  const extra = completed.filter((r) => killedJobs.has(r.jobId)).map((r) => latency(r) - baseline)
  const failures: Record<string, number> = {}
  for (const r of records)
    if (r.phase === 'failed') failures[r.failure?.reason ?? '?'] = (failures[r.failure?.reason ?? '?'] ?? 0) + 1
  // no chain: from the records (a slot accepted twice, or a revoked award accepted)
  let doublePaid = 0
  if (payouts === undefined)
    for (const r of completed) {
      const accepted = r.awards.filter((a) => a.status === 'delivered' && a.outputCid === r.outputCid)
      const slots = new Set(accepted.map((a) => a.slot))
      if (
        accepted.length > r.redundancy ||
        slots.size < accepted.length ||
        accepted.some((a) => a.revokedAt !== undefined)
      )
        doublePaid++
    }
  return {
    scenario: 'dead-providers',
    mode: opts.mode,
    providers: opts.providers,
    jobs: records.length,
    completed: completed.length,
    lostJobs: records.length - completed.length,
    failures,
    doublePaid: payouts?.doublePaid ?? doublePaid,
    noncesBackwards: null,
    payments: opts.payments,
    ...(payouts !== undefined ? { chain: omitDouble(payouts) } : {}),
    kills: killedAt.size,
    killedJobs: killedJobs.size,
    reopenedJobs: records.filter((r) => (r.reopens?.length ?? 0) > 0).length,
    falseRevocations,
    detectionP50Ms: percentile(detection, 50),
    detectionP95Ms: percentile(detection, 95),
    detectionMaxMs: detection.length === 0 ? null : Math.max(...detection),
    detectionByReason: Object.fromEntries(
      [...byReason].map(([reason, ms]) => [
        reason,
        { count: ms.length, p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95) },
      ]),
    ),
    extraLatencyP50Ms: percentile(extra, 50),
    extraLatencyP95Ms: percentile(extra, 95),
    jobP50Ms: baseline,
    durationMs,
    cpuScore,
  }
}

function omitDouble(p: PayoutCheck): Omit<PayoutCheck, 'doublePaid'> {
  const { doublePaid: _, ...rest } = p
  return rest
}

/** ms from `since` until `node` holds no connection to `peer`; null when it still does after 20 s */
async function untilDisconnected(node: HiveNode, peer: string, since: number): Promise<number | null> {
  const id = peerIdFromString(peer)
  while (Date.now() - since < 20_000) {
    if (node.libp2p.getConnections(id).length === 0) return Date.now() - since
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return null
}
