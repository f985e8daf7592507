// Where a job's time goes, step by step on the requester's clock (in-process runs): from the
// requester's own job events, per job, then the median of each step over a phase's jobs.
// post -> first bid (the push and the bid: exchanges 1-2), first bid -> award sent (waiting for
// k + reserve good bids or every pushed candidate's answer), award sent -> accepted (exchange 3),
// accepted -> result (the provider's fetches and run, and the result: exchange 4), result ->
// verified (payment and output fetch in the old order: exchanges 5-6; local with inline output).
import { percentile, round1 } from './_market-metrics.ts'
import type { JobEvent } from '../../node/market/events.ts'

interface Marks {
  posted?: number
  bid?: number
  awarded?: number
  accepted?: number
  result?: number
  verified?: number
}

const STEPS = ['postToBid', 'bidToAward', 'awardToAccept', 'acceptToResult', 'resultToVerified'] as const

export class JobSpans {
  private readonly marks = new Map<string, Marks>()

  posted(jobId: string, at: number): void {
    this.marks.set(jobId, { ...this.marks.get(jobId), posted: at })
  }

  /** a requester job event */
  onEvent(e: JobEvent): void {
    if (!('jobId' in e)) return
    const m = this.marks.get(e.jobId) ?? {}
    if (e.type === 'job:bid') m.bid ??= e.at
    else if (e.type === 'job:awarded') m.awarded ??= e.at
    else if (e.type === 'job:accepted') m.accepted ??= e.at
    else if (e.type === 'job:result') m.result ??= e.at
    else if (e.type === 'job:verified') m.verified ??= e.at
    else return
    this.marks.set(e.jobId, m)
  }

  /** the median ms of each step over `jobIds` (jobs that went through every step) */
  medians(jobIds: string[]): Record<(typeof STEPS)[number], number> {
    const per: Record<string, number[]> = Object.fromEntries(STEPS.map((s) => [s, []]))
    for (const id of jobIds) {
      const m = this.marks.get(id)
      if (m?.posted === undefined || m.bid === undefined || m.awarded === undefined) continue
      if (m.accepted === undefined || m.result === undefined || m.verified === undefined) continue
      per.postToBid.push(m.bid - m.posted)
      per.bidToAward.push(m.awarded - m.bid)
      per.awardToAccept.push(m.accepted - m.awarded)
      per.acceptToResult.push(m.result - m.accepted)
      per.resultToVerified.push(m.verified - m.result)
    }
    return Object.fromEntries(STEPS.map((s) => [s, round1(percentile(per[s], 50))])) as Record<
      (typeof STEPS)[number],
      number
    >
  }
}
