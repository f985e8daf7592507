// The provider's side of re-opened bidding (docs/reaward.md): a job whose signed bid window has
// closed is bid on again only with a valid BidReopen from the job's own requester, whose
// sequence moves past every reopen of the job taken before, and which does not name this
// provider as tried (a provider whose award was withdrawn is not asked again). Bounded: the last
// sequence is kept for a fixed number of jobs (a job re-opens a few times within its deadline).
import { decodeReopenPush, validateBidReopen } from '../../protocol/market/bid-reopen.ts'
import { validateJobRequest } from '../../protocol/market/validate-job.ts'
import type { ValidBidReopen } from '../../protocol/market/bid-reopen.ts'
import type { ValidJobRequest } from '../../protocol/market/validate-job.ts'
import type { PeerId } from '@libp2p/interface'

const DEFAULT_JOBS_KEPT = 4096

export type ReopenVerdict =
  | { bid: true; job: ValidJobRequest; reopen: ValidBidReopen }
  | { bid: false; reason: 'TRIED_BEFORE'; job: ValidJobRequest; reopen: ValidBidReopen }

export class ReopenGate {
  /** job id -> the highest reopen sequence taken */
  private readonly sequences = new Map<string, number>()
  private readonly maxJobs: number

  constructor(init: { maxJobs?: number } = {}) {
    this.maxJobs = init.maxJobs ?? DEFAULT_JOBS_KEPT
  }

  /**
   * Checks a /hive/reopen body; throws a MarketValidationError when the request or the reopen is
   * not valid (the reply says why). A valid reopen moves the job's sequence forward even when
   * this provider was tried: a replay of it must not re-open the job later.
   */
  async check(body: Uint8Array, self: PeerId, now: number): Promise<ReopenVerdict> {
    const { reopen: reopenBytes, request } = decodeReopenPush(body)
    // the request's own window has closed: the reopen's window is checked instead
    const job = await validateJobRequest(request, { now, windowFromReopen: true })
    const reopen = await validateBidReopen(reopenBytes, {
      now,
      job: {
        jobId: job.jobId,
        requester: job.requester,
        deadline: job.spec.deadline,
        wallTimeMs: job.spec.limits?.wallTimeMs ?? 0,
      },
      lastSequence: this.sequences.get(job.jobId),
    })
    this.remember(job.jobId, reopen.sequence)
    if (reopen.tried.includes(self.toString())) return { bid: false, reason: 'TRIED_BEFORE', job, reopen }
    return { bid: true, job, reopen }
  }

  private remember(jobId: string, sequence: number): void {
    this.sequences.delete(jobId)
    this.sequences.set(jobId, sequence)
    if (this.sequences.size > this.maxJobs) {
      const oldest = this.sequences.keys().next()
      if (oldest.done !== true) this.sequences.delete(oldest.value)
    }
  }
}
