// Which bids a requester takes (issue 14 goal 1): those of the providers it pushed the job to,
// and those whose lottery ticket wins (protocol/market/lottery.ts), checked with the stake the
// requester itself sees for the bidder's owner. Everything else is dropped and counted. The gate
// also knows when every pushed candidate has answered, which lets a job award early.
import { checkLotteryClaim, estimateBounds } from '../../protocol/market/lottery.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import type { JobId } from '../../protocol/market/job-id.ts'
import type { PeerId } from '@libp2p/interface'

export type DropReason = 'unsolicited' | 'ticket-lost' | 'estimate-out-of-range' | 'owner-repeat'
export type Admission = { ok: true; via: 'open' | 'pushed' | 'won' } | { ok: false; reason: DropReason }

export interface GateJobInit {
  nonce: Uint8Array
  maxBidders: number
  statedEstimate: number
}

export interface LotteryStats {
  /** pushes sent (attempted) */
  pushed: number
  /** bids taken from pushed providers */
  pushedBids: number
  /** bids taken on a winning lottery ticket (or from anyone while the lottery is off) */
  wonBids: number
  dropped: Record<DropReason, number>
}

interface GateJob extends GateJobInit {
  jobId: JobId
  pushed: Set<string>
  /** pushed providers that bid, declined, or could not be reached */
  answered: Set<string>
  /** providers whose bid was taken (a lottery winner may bid before its push goes out) */
  bidders: Set<string>
  pushesDone: boolean
  /** true when the job's push reached every provider this node knows (nothing else will bid) */
  closedView: boolean
  /** owners with a bid in: several peer ids of one owner share its one lottery ticket per job */
  owners: Set<string>
  onAllAnswered?: () => void
  fired: boolean
}

export class BidGate {
  private readonly jobs = new Map<string, GateJob>()
  private readonly counts: LotteryStats = {
    pushed: 0,
    pushedBids: 0,
    wonBids: 0,
    dropped: { unsolicited: 0, 'ticket-lost': 0, 'estimate-out-of-range': 0, 'owner-repeat': 0 },
  }

  open(jobId: JobId, init: GateJobInit, onAllAnswered?: () => void): void {
    this.jobs.set(jobId, {
      ...init,
      jobId,
      pushed: new Set(),
      answered: new Set(),
      bidders: new Set(),
      pushesDone: false,
      closedView: false,
      owners: new Set(),
      onAllAnswered,
      fired: false,
    })
  }

  close(jobId: JobId): void {
    this.jobs.delete(jobId)
  }

  /** Before the push leaves: a bid it brings back must find the provider already marked. */
  markPushed(jobId: JobId, provider: string): void {
    const job = this.jobs.get(jobId)
    if (job === undefined) return
    job.pushed.add(provider)
    if (job.bidders.has(provider)) job.answered.add(provider)
    this.counts.pushed++
  }

  /** A pushed provider declined, could not be reached, or its bid was added to the job. */
  answered(jobId: JobId, provider: string): void {
    const job = this.jobs.get(jobId)
    if (job === undefined || !job.pushed.has(provider)) return
    job.answered.add(provider)
    this.check(job)
  }

  /** Every push of the job has been sent; `closedView`: they went to every provider we know. */
  pushesDone(jobId: JobId, closedView: boolean): void {
    const job = this.jobs.get(jobId)
    if (job === undefined) return
    job.pushesDone = true
    job.closedView = closedView
    this.check(job)
  }

  /**
   * Whether to take a bid. `lotteryEstimate` is the bid's claim (0: none), `weight` the
   * requester's own view of the bidder's stake weight, `owner` its stake owner (peer id without a chain).
   */
  admit(jobId: JobId, provider: PeerId, lotteryEstimate: number, weight: bigint, owner: string): Admission {
    const job = this.jobs.get(jobId)
    const key = provider.toString()
    let verdict: Admission
    if (job === undefined || job.maxBidders === 0) {
      verdict = { ok: true, via: 'open' }
    } else if (job.pushed.has(key)) {
      verdict = { ok: true, via: 'pushed' }
    } else {
      // no claim (an older provider): it is taken only if its ticket wins at the job's own N
      const claimed = lotteryEstimate === 0 ? estimateBounds(job.maxBidders, job.statedEstimate).max : lotteryEstimate
      const drawn = checkLotteryClaim(
        { nonce: job.nonce, jobId, maxBidders: job.maxBidders, statedEstimate: job.statedEstimate },
        claimed,
        peerIdToBytes(provider),
        weight,
      )
      if (drawn === 'won' && job.owners.has(owner)) verdict = { ok: false, reason: 'owner-repeat' }
      else if (drawn === 'won') verdict = { ok: true, via: 'won' }
      else if (lotteryEstimate === 0) verdict = { ok: false, reason: 'unsolicited' }
      else verdict = { ok: false, reason: drawn === 'lost' ? 'ticket-lost' : 'estimate-out-of-range' }
    }
    if (verdict.ok) job?.owners.add(owner)
    if (!verdict.ok) this.counts.dropped[verdict.reason]++
    else if (verdict.via === 'pushed') this.counts.pushedBids++
    else this.counts.wonBids++
    if (verdict.ok) job?.bidders.add(key)
    return verdict
  }

  stats(): LotteryStats {
    return { ...this.counts, dropped: { ...this.counts.dropped } }
  }

  private check(job: GateJob): void {
    if (job.fired || !job.pushesDone || !job.closedView) return
    for (const p of job.pushed) if (!job.answered.has(p)) return
    job.fired = true
    job.onAllAnswered?.()
  }
}
