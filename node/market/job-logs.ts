// The requester's live job output (docs/job-logs.md): the stderr its awarded providers stream
// in their heartbeats, kept per job and provider (bounded: LOG_KEPT_BYTES each, the newest
// MAX_JOBS jobs), in memory only, and told to local clients as `job:log` events. A chunk is
// taken only from the provider of a live (running) award of the job, on a heartbeat that was
// already checked (signed by it, on its authenticated stream, naming us and the slot).
import { ChunkRate, LogTail } from '../../protocol/market/job-log.ts'
import type { JobEventSink } from './events.ts'
import type { JobLogView } from '../api/contract/jobs.ts'

/** jobs whose logs are kept (oldest forgotten first) */
const MAX_JOBS = 64

interface ProviderLog {
  tail: LogTail
  rate: ChunkRate
  updatedAt: number
}

export interface JobLogsInit {
  now: () => number
  emit?: JobEventSink
  /** whether `provider` holds a live award of `jobId` right now (its output is wanted) */
  isLive: (jobId: string, provider: string) => boolean
}

export type LogVerdict = 'taken' | 'duplicate' | 'not-live' | 'rate-limited'

export class JobLogs {
  private readonly init: JobLogsInit
  private readonly jobs = new Map<string, Map<string, ProviderLog>>()
  /** chunks refused, by reason (tests and metrics) */
  readonly refused = { 'not-live': 0, 'rate-limited': 0 }

  constructor(init: JobLogsInit) {
    this.init = init
  }

  /** A checked heartbeat's log chunk. */
  take(jobId: string, provider: string, chunk: { offset: number; data: Uint8Array }): LogVerdict {
    if (!this.init.isLive(jobId, provider)) {
      this.refused['not-live']++
      return 'not-live'
    }
    let job = this.jobs.get(jobId)
    if (job === undefined) {
      job = new Map()
      this.jobs.set(jobId, job)
      for (const old of this.jobs.keys()) {
        if (this.jobs.size <= MAX_JOBS) break
        this.jobs.delete(old)
      }
    }
    let p = job.get(provider)
    if (p === undefined) {
      p = { tail: new LogTail(), rate: new ChunkRate(), updatedAt: 0 }
      job.set(provider, p)
    }
    const now = this.init.now()
    if (!p.rate.allow(performance.now())) {
      this.refused['rate-limited']++
      return 'rate-limited'
    }
    const added = p.tail.add(chunk.offset, chunk.data)
    if (added === undefined) return 'duplicate'
    p.updatedAt = now
    this.init.emit?.({
      type: 'job:log',
      at: now,
      jobId,
      provider,
      text: added.text,
      ...(added.progress !== undefined ? { progress: added.progress } : {}),
    })
    return 'taken'
  }

  /** What is kept of `jobId`'s output, one entry per provider (empty when nothing came). */
  get(jobId: string, provider?: string): JobLogView[] {
    const job = this.jobs.get(jobId)
    if (job === undefined) return []
    const out: JobLogView[] = []
    for (const [peer, p] of job) {
      if (provider !== undefined && peer !== provider) continue
      out.push({
        provider: peer,
        text: p.tail.content,
        receivedBytes: p.tail.received,
        droppedBytes: p.tail.dropped,
        updatedAt: p.updatedAt,
        ...(p.tail.progress !== undefined ? { progress: p.tail.progress } : {}),
      })
    }
    return out
  }
}
