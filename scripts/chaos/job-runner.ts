// The jobs of a chaos run: k = 1 and k = 2 jobs (shuffled, seeded) that hold their provider for a
// while (held-executor.ts), posted `concurrency` at a time through the requester's market, each
// awaited to its end. Who wins is the node's own selection; the scenarios read the awards from the
// requester's events.
import { helloModule } from './held-executor.ts'
import { percentile } from './stats.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { Requester } from '../../node/market/requester.ts'

/** every chaos job's wall-time limit */
export const JOB_WALL_TIME_MS = 60_000

export interface JobRunOptions {
  requester: Requester
  k1Jobs: number
  k2Jobs: number
  holdMs: number
  concurrency: number
  bidWindowMs: number
  /** the most a job pays per slot (default 1 HIVE: every provider of a chaos fleet can bid) */
  maxPrice?: bigint
  /** bidders asked per job (m; unset: the protocol's 2k + 2) */
  maxBidders?: number
  /** paid by escrow (a paid chain), or not paid */
  payment?: 'escrow'
  /** a job's own timeout: re-awards must fit in it */
  timeoutMs?: number
  random: () => number
  /** after each post (the n-th job, from 1) */
  onPosted?: (n: number, jobId: string) => void
  say?: (text: string) => void
  signal?: AbortSignal
}

export async function runJobs(opts: JobRunOptions): Promise<JobRecord[]> {
  const module = await helloModule('done\n')
  const ks = [...Array<number>(opts.k1Jobs).fill(1), ...Array<number>(opts.k2Jobs).fill(2)]
  // shuffled (seeded): k = 2 jobs among the k = 1 ones, not all at the end
  for (let i = ks.length - 1; i > 0; i--) {
    const j = Math.floor(opts.random() * (i + 1))
    ;[ks[i], ks[j]] = [ks[j], ks[i]]
  }
  const records: JobRecord[] = []
  let next = 0
  let posted = 0
  const worker = async (): Promise<void> => {
    while (next < ks.length && opts.signal?.aborted !== true) {
      const k = ks[next++]
      const { jobId } = await opts.requester.post({
        module,
        args: [`hold=${opts.holdMs}`],
        maxPrice: opts.maxPrice ?? 10n ** 18n,
        redundancy: k,
        bidWindowMs: opts.bidWindowMs,
        ...(opts.maxBidders !== undefined ? { maxBidders: opts.maxBidders } : {}),
        timeoutMs: opts.timeoutMs ?? 120_000,
        limits: { wallTimeMs: JOB_WALL_TIME_MS },
        ...(opts.payment !== undefined ? { payment: opts.payment } : {}),
      })
      opts.onPosted?.(++posted, jobId)
      const record = await opts.requester.wait(jobId)
      records.push(record)
      if (record.phase === 'failed') opts.say?.(`job ${jobId.slice(0, 8)} failed: ${describeFailure(record)}`)
      if (records.length % 25 === 0) opts.say?.(`${records.length}/${ks.length} jobs done`)
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker))
  return records
}

/** one line on a failed job: its reason and what became of each award */
export function describeFailure(r: JobRecord): string {
  const awards = r.awards.map(
    (a) =>
      `${a.provider.slice(-6)}#${a.slot}:${a.status}${a.revokedAt !== undefined ? '(revoked)' : ''}` +
      `${a.failure !== undefined ? `[${a.failure}]` : ''}`,
  )
  return `${r.failure?.reason ?? '?'} ${r.failure?.message ?? ''} | bids ${r.bids.length} | ${awards.join(' ')}`
}

/** completed / lost / failure reasons, and post-to-verified latency percentiles */
export function jobFigures(records: JobRecord[]): {
  jobs: number
  completed: number
  lostJobs: number
  failures: Record<string, number>
  jobP50Ms: number | null
  jobP95Ms: number | null
} {
  const completed = records.filter((r) => r.phase === 'completed')
  const failures: Record<string, number> = {}
  for (const r of records)
    if (r.phase === 'failed') failures[r.failure?.reason ?? '?'] = (failures[r.failure?.reason ?? '?'] ?? 0) + 1
  const latency = completed.map((r) => (r.completedAt ?? r.postedAt) - r.postedAt)
  return {
    jobs: records.length,
    completed: completed.length,
    lostJobs: records.length - completed.length,
    failures,
    jobP50Ms: percentile(latency, 50),
    jobP95Ms: percentile(latency, 95),
  }
}
