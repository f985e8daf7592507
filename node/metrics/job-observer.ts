// Turns the market's job events (node/market/events.ts JobEvent, on the node's event feed) into
// series: counts by outcome and reason, and the per-job durations and bid counts a histogram needs.
// It keeps a little state per live job (when it was posted, bids so far), bounded: a job whose end
// this node never hears (it restarted, the job was abandoned) is forgotten oldest first.
import { boundedCode } from './series.ts'
import type { HiveSeries } from './series.ts'
import type { JobEvent } from '../market/events.ts'

/** live jobs tracked at once; beyond it the oldest is dropped (its histograms then miss one sample) */
const MAX_TRACKED_JOBS = 10_000

interface LiveJob {
  postedAt: number
  bids: number
  placed: boolean
}

export class JobObserver {
  private readonly series: HiveSeries
  private readonly live = new Map<string, LiveJob>()

  constructor(series: HiveSeries) {
    this.series = series
  }

  /** jobs posted here whose end has not been seen yet (tests) */
  get tracked(): number {
    return this.live.size
  }

  observe(event: JobEvent): void {
    const s = this.series
    switch (event.type) {
      case 'job:posted':
        s.jobsPosted.inc()
        this.live.set(event.jobId, { postedAt: event.at, bids: 0, placed: false })
        if (this.live.size > MAX_TRACKED_JOBS) this.live.delete(this.live.keys().next().value as string)
        return
      case 'job:bid': {
        const job = this.live.get(event.jobId)
        if (job !== undefined) job.bids = Math.max(job.bids + 1, event.bids)
        return
      }
      case 'job:accepted': {
        const job = this.live.get(event.jobId)
        if (job !== undefined && !job.placed) {
          job.placed = true
          s.placementSeconds.observe(seconds(event.at - job.postedAt))
        }
        return
      }
      case 'job:verified':
        s.jobsCompleted.inc()
        this.end(event.jobId, event.at, 'completed')
        return
      case 'job:failed':
        s.jobsFailed.inc({ reason: boundedCode(event.reason) })
        this.end(event.jobId, event.at, 'failed')
        return
      case 'provider:bid':
        s.providerBids.inc()
        return
      case 'provider:accepted':
        s.providerAccepted.inc()
        return
      case 'provider:declined':
        s.providerDeclined.inc({ reason: boundedCode(event.reason) })
        return
      case 'provider:completed': {
        const status = boundedCode(event.status)
        s.executorRuns.inc({ status })
        s.executorSeconds.observe({ status }, seconds(event.wallMs))
        if (event.peakMemoryBytes !== undefined && event.peakMemoryBytes > 0)
          s.executorMemory.observe(event.peakMemoryBytes)
        return
      }
      default:
        return
    }
  }

  private end(jobId: string, at: number, outcome: 'completed' | 'failed'): void {
    const job = this.live.get(jobId)
    if (job === undefined) return
    this.live.delete(jobId)
    this.series.endToEndSeconds.observe({ outcome }, seconds(at - job.postedAt))
    this.series.bidsPerJob.observe(job.bids)
  }
}

function seconds(ms: number): number {
  return Math.max(0, ms) / 1000
}
