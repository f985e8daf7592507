// The provider page's job list: the jobs this node bid on, from its own audit log (so the history
// is there when the page opens, also after a restart) merged with what its live events say since.
// Pure: no DOM, no fetch.

/** one job as the provider page lists it */
export interface RunView {
  jobId: string
  requester: string
  price?: string
  /** bid, accepted, done (result sent), paid, or how the run ended when it failed (EXEC_TRAPPED …) */
  state: string
  at: number
  wallMs?: number
}

/** the fields of an audit entry (GET /v1/audit/entries) this list reads */
export type AuditEntryFields = Record<string, string | number | boolean>

/** how far a job got; a failed run's status is not ranked and always shows */
const RANK: Record<string, number> = { bid: 0, accepted: 1, done: 2, paid: 3 }

/** did this run finish its work (a result sent, or paid for it) */
export function isDone(r: RunView): boolean {
  return r.state === 'done' || r.state === 'paid'
}

/**
 * The provider's side of its jobs from its audit log: a bid it sent, an acceptance it sent, a
 * result it sent (done) and a payment it received (paid). Entries of its requester side
 * (posted, awarded, results received) are not its runs and are skipped.
 */
export function runsFromAudit(entries: AuditEntryFields[]): RunView[] {
  const byJob = new Map<string, RunView>()
  for (const e of entries) {
    const jobId = e.jobId
    if (typeof jobId !== 'string') continue
    const state =
      e.type === 'bid' && e.direction === 'sent'
        ? 'bid'
        : e.type === 'accepted' && e.direction === 'sent'
          ? 'accepted'
          : e.type === 'result' && e.direction === 'sent'
            ? 'done'
            : e.type === 'paid' && e.direction === 'received'
              ? 'paid'
              : undefined
    if (state === undefined) continue
    const at = Number(e.timestamp)
    const r = byJob.get(jobId) ?? { jobId, requester: '', state, at }
    if (typeof e.counterparty === 'string' && r.requester === '') r.requester = e.counterparty
    if ((state === 'bid' || state === 'accepted') && typeof e.price === 'string') r.price = e.price
    if (RANK[state] >= (RANK[r.state] ?? -1)) r.state = state
    r.at = Math.max(r.at, at)
    byJob.set(jobId, r)
  }
  return [...byJob.values()]
}

/** History and live runs by job, newest first; a live failure shows, a live step never undoes a later one. */
export function mergeRuns(history: RunView[], live: RunView[]): RunView[] {
  const byJob = new Map(history.map((r) => [r.jobId, r]))
  for (const r of live) {
    const h = byJob.get(r.jobId)
    if (h === undefined) {
      byJob.set(r.jobId, r)
      continue
    }
    const liveRank = RANK[r.state]
    const state = liveRank !== undefined && (RANK[h.state] ?? -1) > liveRank ? h.state : r.state
    byJob.set(r.jobId, {
      ...h,
      ...r,
      state,
      requester: r.requester !== '' ? r.requester : h.requester,
      price: r.price ?? h.price,
      at: Math.max(h.at, r.at),
    })
  }
  return [...byJob.values()].sort((a, b) => b.at - a.at)
}

/** the price of the job this node accepted last, if any */
export function lastAcceptedPrice(runs: RunView[]): string | undefined {
  return runs.find((r) => r.price !== undefined && r.state !== 'bid')?.price
}
