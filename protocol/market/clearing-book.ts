// The clearing prices a provider has seen gossiped: bounded in count and in age, newest last.
// Times are when we received a record, not the requester's claimed timestamp, so a record
// cannot make itself look fresher than it is.
import { DEFAULT_CLEARING_MAX_AGE_MS } from './bounds.ts'
import { priceUnits } from './units.ts'
import type { JobId } from './job-id.ts'
import type { ValidClearing } from './validate-clearing.ts'

export interface ClearingRecord {
  jobId: JobId
  executor: string
  /** '' = the network's own token */
  token: string
  wallTimeMs: number
  memoryBytes: number
  /** one price per winner */
  prices: bigint[]
}

export interface ClearingSample extends ClearingRecord {
  units: bigint
  receivedAt: number
}

export interface ClearingBookInit {
  capacity?: number
  maxAgeMs?: number
}

export class ClearingBook {
  readonly capacity: number
  readonly maxAgeMs: number
  private readonly records: ClearingSample[] = []
  private readonly jobs = new Set<JobId>()

  constructor(init: ClearingBookInit = {}) {
    this.capacity = init.capacity ?? 1024
    this.maxAgeMs = init.maxAgeMs ?? DEFAULT_CLEARING_MAX_AGE_MS
    if (!Number.isSafeInteger(this.capacity) || this.capacity < 1)
      throw new RangeError('capacity must be a positive integer')
    if (!(this.maxAgeMs > 0)) throw new RangeError('maxAgeMs must be positive')
  }

  get size(): number {
    return this.records.length
  }

  /** Records a clearing received at `now`; false if this job's clearing is already in the book. */
  add(record: ClearingRecord, now: number): boolean {
    this.prune(now)
    if (this.jobs.has(record.jobId) || record.prices.length === 0) return false
    if (this.records.length >= this.capacity) this.jobs.delete(this.records.shift()!.jobId)
    this.records.push({
      ...record,
      prices: [...record.prices],
      units: priceUnits(record.wallTimeMs, record.memoryBytes),
      receivedAt: now,
    })
    this.jobs.add(record.jobId)
    return true
  }

  addValidClearing(valid: ValidClearing, now: number): boolean {
    const c = valid.clearing
    return this.add(
      {
        jobId: valid.jobId,
        executor: c.executor,
        token: c.token,
        wallTimeMs: c.wallTimeMs,
        memoryBytes: c.memoryBytes,
        prices: valid.winners.map((w) => w.price),
      },
      now,
    )
  }

  /** Live samples for one executor class and token, oldest first. */
  samples(executor: string, token: string, now: number): ClearingSample[] {
    this.prune(now)
    return this.records.filter((r) => r.executor === executor && r.token === token)
  }

  prune(now: number): void {
    while (this.records.length > 0 && this.records[0].receivedAt <= now - this.maxAgeMs) {
      this.jobs.delete(this.records.shift()!.jobId)
    }
  }
}
