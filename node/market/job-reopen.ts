// When a job's slot cannot be re-awarded (every provider it awarded died or declined, and no
// valid bid is left) while its deadline still leaves room for a run, the requester re-opens
// bidding instead of failing (docs/reaward.md): a signed BidReopen, pushed with the job's
// request to live providers that were not asked yet. A bounded number of times per job; each
// re-opened window ends early enough for a whole run. The job fails NO_PROVIDER_LEFT only when
// a reopen brought nobody, or the deadline (or the bound) no longer allows one, and says which.
import { logger } from '../log/logger.ts'
import { reopenWindowEnd } from '../../protocol/market/bid-reopen.ts'
import type { JobEventSink } from './events.ts'
import type { JobRecord } from './job-record.ts'

const log = logger('hive:market:reopen')

/** re-opened biddings per job (default) */
export const DEFAULT_MAX_REOPENS = 3
/** how long a re-opened window stays open (default; shortened to the job's last useful start) */
export const DEFAULT_REOPEN_WINDOW_MS = 2_000

export interface ReopenRequest {
  sequence: number
  bidsCloseAt: number
  /** providers that held an award of the job: named in the signed reopen, they do not bid again */
  tried: string[]
  /** providers not to ask: the tried ones, every bidder, and those asked by earlier reopens */
  exclude: string[]
}

/** Signs and pushes the reopen; resolves with the providers asked and how many said they would bid. */
export type ReopenAction = (req: ReopenRequest) => Promise<{ asked: string[]; willing: number }>

export interface ReopenPolicy {
  /** re-opened biddings per job (default 3; 0: never re-open) */
  maxReopens?: number
  /** length of a re-opened bid window (default 2 s) */
  reopenWindowMs?: number
}

export interface JobReopenerInit {
  record: JobRecord
  now: () => number
  wallTimeMs: number
  policy: ReopenPolicy
  reopen?: ReopenAction
  emit: JobEventSink
  timer: (ms: number, fn: () => void) => void
  /** whether an open slot still has nobody to take it and the live awards cannot reach the quorum */
  stuck: () => boolean
  /** providers that bid on the job (not asked again) */
  bidders: () => string[]
  fail: (reason: string, message: string) => void
  /** awards open slots to the bids in hand */
  place: () => Promise<void>
  isFinal: () => boolean
}

export class JobReopener {
  private readonly init: JobReopenerInit
  private count = 0
  private openUntil = 0
  private pushing = false
  private readonly asked = new Set<string>()
  /** why the first reopen was needed (a never-bid job's final failure says it) */
  private firstMessage?: string

  constructor(init: JobReopenerInit) {
    this.init = init
    this.count = init.record.reopens?.length ?? 0
  }

  /** a re-opened window is open (or its push under way): its close decides, not a failed award */
  get windowOpen(): boolean {
    return this.pushing || this.init.now() < this.openUntil
  }

  /**
   * No bid is left for an open slot: re-open bidding when the job may, else fail with `reason`
   * and why it could not re-open. Without a reopen action (tests of the bare state machine) it
   * fails as it always did.
   */
  noBidLeft(reason: string, message: string, opts: { orWait?: boolean } = {}): void {
    if (this.init.isFinal() || this.windowOpen) return
    // a job nobody ever bid on fails as it always did, NO_BIDS, whatever step gave up last
    if (this.noBidEver()) reason = 'NO_BIDS'
    // `orWait`: the job may also go on waiting (a slot left open at the bid window's close stays
    // open to late bids until the deadline): re-open when it can, never fail for it
    if (opts.orWait === true && !this.canReopen()) return
    if (this.init.reopen === undefined) {
      this.init.fail(reason, message)
      return
    }
    const max = this.init.policy.maxReopens ?? DEFAULT_MAX_REOPENS
    if (this.count >= max) {
      this.init.fail(reason, `${message}; bidding was re-opened ${this.count} time(s) already (the limit)`)
      return
    }
    const now = this.init.now()
    const end = reopenWindowEnd({
      now,
      deadline: this.init.record.deadline,
      wallTimeMs: this.init.wallTimeMs,
      windowMs: this.init.policy.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS,
    })
    if (end === undefined) {
      this.init.fail(reason, `${message}; the job's deadline leaves no room to re-open bidding for another run`)
      return
    }
    this.firstMessage ??= message
    void this.reopenUntil(end, this.init.reopen)
  }

  /** whether a reopen could start now (an action, under the limit, room before the deadline) */
  private canReopen(): boolean {
    if (this.init.reopen === undefined) return false
    if (this.count >= (this.init.policy.maxReopens ?? DEFAULT_MAX_REOPENS)) return false
    const end = reopenWindowEnd({
      now: this.init.now(),
      deadline: this.init.record.deadline,
      wallTimeMs: this.init.wallTimeMs,
      windowMs: this.init.policy.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS,
    })
    return end !== undefined
  }

  private async reopenUntil(bidsCloseAt: number, reopen: ReopenAction): Promise<void> {
    const { record } = this.init
    const sequence = ++this.count
    const at = this.init.now()
    const entry = { sequence, at, bidsCloseAt, asked: 0, willing: 0 }
    record.reopens = [...(record.reopens ?? []), entry]
    this.openUntil = bidsCloseAt
    this.pushing = true
    this.init.timer(bidsCloseAt - at, () => {
      this.closed(sequence)
    })
    const tried = [...new Set(record.awards.map((a) => a.provider))]
    let answer: { asked: string[]; willing: number }
    try {
      answer = await reopen({
        sequence,
        bidsCloseAt,
        tried,
        exclude: [...new Set([...tried, ...this.init.bidders(), ...this.asked])],
      })
    } catch (err) {
      log.error('re-opening bidding on %s failed: %s', record.jobId, (err as Error).message)
      answer = { asked: [], willing: 0 }
    } finally {
      this.pushing = false
    }
    for (const p of answer.asked) this.asked.add(p)
    entry.asked = answer.asked.length
    entry.willing = answer.willing
    this.init.emit({
      type: 'job:reopened',
      at: this.init.now(),
      jobId: record.jobId,
      sequence,
      bidsCloseAt,
      asked: answer.asked.length,
    })
    if (this.init.isFinal()) return
    // bids that came while the pushes were out may already fill the slot
    await this.init.place()
    if (answer.willing === 0 && !this.init.isFinal() && this.init.stuck()) {
      this.openUntil = 0
      const outcome =
        `bidding was re-opened (${sequence}) but ` +
        (answer.asked.length === 0
          ? 'no live provider that was not tried is known'
          : `none of the ${answer.asked.length} provider(s) asked would bid`)
      if (this.noBidEver()) this.init.fail('NO_BIDS', `${this.firstMessage ?? 'no provider bid'}; ${outcome}`)
      else this.init.fail('NO_PROVIDER_LEFT', `every awarded provider failed and no bid was left; ${outcome}`)
    } else if (this.init.now() >= bidsCloseAt) {
      // the window closed while the pushes were still out
      this.closed(sequence)
    }
  }

  /** no provider has bid on the job, ever (its bid window drew nothing, nor did any reopen) */
  private noBidEver(): boolean {
    const { record } = this.init
    return record.awards.length === 0 && (record.bidsReceived ?? record.bids.length) === 0
  }

  /** the re-opened window closed: if the slot is still open and nobody bid, try again or fail */
  private closed(sequence: number): void {
    if (sequence !== this.count) return
    this.openUntil = 0
    if (this.init.isFinal() || !this.init.stuck()) return
    this.noBidLeft('NO_PROVIDER_LEFT', `nobody took the job in its re-opened bidding (${sequence})`)
  }
}
