// Success, failure and timeout counts per reason (issue 17, `hive stats`): as a requester from the
// job records it keeps, as a provider from its job events since the node started (a provider
// keeps no per-job history beyond what payments and the audit log hold).
import type { JobEvent } from './events.ts'
import type { JobRecord } from './job-record.ts'
import type { JobStatsView, OutcomeStats } from '../api/contract/views/jobs.ts'

const TIMEOUT = /TIMEOUT|DEADLINE|NO_BIDS|EXPIRED/

function empty(): OutcomeStats {
  return { total: 0, succeeded: 0, failed: 0, timedOut: 0, byReason: {} }
}

function fail(s: OutcomeStats, reason: string): void {
  s.total++
  s.byReason[reason] = (s.byReason[reason] ?? 0) + 1
  if (TIMEOUT.test(reason)) s.timedOut++
  else s.failed++
}

/** The requester's side, from its records (only those posted at or after `since`, when given). */
export function requesterStats(records: readonly JobRecord[], since?: number): NonNullable<JobStatsView['requester']> {
  const s = { ...empty(), running: 0 }
  for (const r of records) {
    if (since !== undefined && r.postedAt < since) continue
    if (r.phase === 'completed') {
      s.total++
      s.succeeded++
    } else if (r.phase === 'failed') fail(s, r.failure?.reason ?? 'UNKNOWN')
    else s.running++
  }
  return s
}

/** The provider's side: counted from its job events as they happen. */
export class ProviderTally {
  private readonly since: number
  private readonly stats = empty()
  private bids = 0
  private declined = 0

  constructor(since: number) {
    this.since = since
  }

  observe(event: JobEvent): void {
    switch (event.type) {
      case 'provider:bid':
        this.bids++
        return
      case 'provider:declined':
        this.declined++
        return
      case 'provider:revoked':
        fail(this.stats, 'REVOKED')
        return
      case 'provider:completed':
        if (event.status === 'EXEC_OK') {
          this.stats.total++
          this.stats.succeeded++
        } else fail(this.stats, event.status)
        return
      default:
        return
    }
  }

  view(): NonNullable<JobStatsView['provider']> {
    return {
      ...this.stats,
      byReason: { ...this.stats.byReason },
      since: this.since,
      bids: this.bids,
      declined: this.declined,
    }
  }
}
