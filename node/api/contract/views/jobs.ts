// The market's record shapes as the API returns them: a requester's durable record of a job
// (node/market keeps it, GET /v1/jobs/:jobId answers it). Types only, so that node/market and
// the route table can both import them without either importing the other.
import type { PaymentMode } from '../../../../protocol/payment-mode.ts'

export type JobPhase = 'bidding' | 'awarding' | 'running' | 'verifying' | 'completed' | 'failed'

/**
 * `committed`: with payments on, the provider's signed commitment to an output CID arrived; the
 * output is fetched (and checked) only once the commitment wins and is paid (fair exchange).
 */
export type SlotStatus = 'awarding' | 'running' | 'committed' | 'delivered' | 'failed'

export interface AwardRecord {
  provider: string
  price: string
  slot: number
  status: SlotStatus
  awardedAt: number
  acceptedAt?: number
  /** when the result is due */
  deadline?: number
  resultAt?: number
  /** the output the provider returned (EXEC_OK), or the failure it reported */
  outputCid?: string
  execStatus?: string
  /** why this award failed: timeout, declined, garbage output, unreachable … */
  failure?: string
  /** declined for capacity (NO_CAPACITY): the provider may be awarded the job again (a few times) */
  busy?: boolean
  /** when the requester withdrew this award from a provider it took for dead (docs/reaward.md) */
  revokedAt?: number
  /** fair exchange: when this provider was paid for its committed output (before fetching it) */
  paidAt?: number
  /**
   * with payments on: the address the provider's bid asked to be paid at, kept with the award so
   * that a requester restarted mid-job still knows whom it pays and whose commitment it checks
   */
  payoutAddress?: string
  metering?: { wallMs: number; cpuMs: number; peakMemoryBytes: number }
}

export interface BidRecord {
  provider: string
  price: string
  receivedAt: number
  benchmarkScore: number
}

export interface JobRecord {
  jobId: string
  phase: JobPhase
  executor: string
  redundancy: number
  maxPrice: string
  payment: PaymentMode
  moduleCid: string
  inputs: Array<{ name: string; cid: string; size: number }>
  args: string[]
  limits: { memoryBytes: number; wallTimeMs: number; outputBytes: number }
  postedAt: number
  bidsCloseAt: number
  deadline: number
  /** the best bids, at most the policy's maxBids (node/market/requester-job.ts) */
  bids: BidRecord[]
  /** every valid bid received, kept or not (absent in records written before bids were capped) */
  bidsReceived?: number
  awards: AwardRecord[]
  /** set when verified */
  outputCid?: string
  /**
   * an `onnx` job voted within a tolerance: the providers whose outputs were accepted (their CIDs
   * differ; outputCid is the representative's). Absent: the winners are those whose CID is outputCid.
   */
  winners?: string[]
  /** providers whose output disagreed with the accepted one, or who returned garbage */
  dissenters: string[]
  /** first acceptance: placement latency = placedAt - postedAt */
  placedAt?: number
  completedAt?: number
  failure?: { reason: string; message: string }
  /** the signed JobRequest envelope, hex */
  requestHex: string
  /**
   * k = 1 job picked for a spot check: a second provider (which, like the first, sees an
   * ordinary k = 1 award) runs it too, and outputs are compared before anyone is paid
   */
  spotCheck?: boolean
  /**
   * bidding re-opened after every awarded provider died and no bid was left (docs/reaward.md):
   * the signed reopen's sequence, when, its window, providers asked and how many would bid
   */
  reopens?: Array<{ sequence: number; at: number; bidsCloseAt: number; asked: number; willing: number }>
  /** pay-on-award (issue 14): the job's spec lets its awards carry the voucher for the price */
  payOnAward?: boolean
}

// --- stats (issue 17): `hive stats` ---
/** How jobs ended from one side: counts, and by reason code (failures and timeouts). */
export interface OutcomeStats {
  /** jobs that ended (running ones are not counted) */
  total: number
  succeeded: number
  failed: number
  /** failures whose reason is a timeout (EXEC_TIMEOUT, no bids in time, a deadline passed) */
  timedOut: number
  /** reason code -> count, failures and timeouts only */
  byReason: Record<string, number>
}

export interface JobStatsView {
  /** jobs this node posted, from its job records (all of them, or since `since`) */
  requester?: OutcomeStats & { running: number }
  /** jobs this node ran, since `since` (the node's start: the provider keeps no job history) */
  provider?: OutcomeStats & { since: number; bids: number; declined: number }
}
