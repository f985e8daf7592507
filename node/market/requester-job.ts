// One job on the requester's side, from bids to a verified result: which provider holds which
// redundancy slot, what each returned, when to re-award and when the job is done. The I/O
// (awarding over a stream, fetching outputs) is done by the caller through `JobActions`, so
// that this state machine reads as the rules it implements.
import { DEFAULT_WEIGHTS, enoughBids, ownerKey, rankBids } from '../../protocol/market/selection.ts'
import { stakeFloor } from '../../protocol/market/stake-floor.ts'
import { isFinal } from './job-record.ts'
import { JobReopener } from './job-reopen.ts'
import type { ReopenAction, ReopenPolicy } from './job-reopen.ts'
import { logger } from '@libp2p/logger'
import type { BidCandidate, SelectionWeights } from '../../protocol/market/selection.ts'
import type { JobEventSink } from './events.ts'
import type { GroupOutputs } from './tolerance-outputs.ts'
import type { AwardRecord, JobRecord } from './job-record.ts'
import type { SlotMark } from './bidder-slots.ts'

const log = logger('hive:market:job')

/**
 * A provider's answer to an award: true, it accepted; false, it declined (or could not be
 * reached); 'busy', it declined for capacity (NO_CAPACITY: every slot of its taken since it bid),
 * which passes — the job may ask it again.
 */
export type AwardAnswer = boolean | 'busy'

/** a provider that declined for capacity is awarded again at most this many times, 1, 2 and 4 s later */
export const BUSY_RETRIES = 3
const BUSY_RETRY_MS = 1_000

export interface JobActions {
  /**
   * sends the award; resolves with the provider's answer. `accepted` is to be called once the
   * provider's signed acceptance is in (journaled), before the payment is secured: it puts the
   * award on disk as running, so that a requester that dies from there on resumes the job.
   */
  award: (
    provider: string,
    price: bigint,
    slot: number,
    deadline: number,
    accepted?: () => Promise<void>,
  ) => Promise<AwardAnswer>
  /** fetches and checks the output; resolves false when it is missing or garbage */
  fetchOutput: (provider: string, outputCid: string) => Promise<boolean>
  /**
   * With payments on (fair exchange): pays `provider` for its committed output, before the
   * output is fetched (the provider releases it once paid). Absent: outputs are fetched first
   * and paid once the job is settled (no chain, nothing to pay).
   */
  pay?: (provider: string, price: bigint, outputCid: string) => Promise<void>
  /**
   * An `onnx` job voted within a tolerance (node/market/tolerance-outputs.ts): groups the fetched
   * outputs around a representative instead of by CID. With payments on, each answer is paid for
   * and fetched before it is voted (a commitment cannot say how close two outputs are).
   */
  groupOutputs?: GroupOutputs
  /** re-opens bidding when no bid is left for an open slot (node/market/job-reopen.ts); absent: the job fails */
  reopen?: ReopenAction
  /** gossips the clearing record once the initial slots are placed */
  publishClearing: (winners: Array<{ provider: string; price: bigint }>) => Promise<void>
  save: (record: JobRecord, final: boolean) => Promise<void>
}

export interface JobPolicy extends ReopenPolicy {
  weights?: Partial<SelectionWeights>
  /** eligible bids beyond k before awarding early (default 1) */
  reserve?: number
  minScore?: number
  /** the protocol's minimum stake (undefined: stake is not checked, e.g. no chain configured) */
  minStake?: bigint
  /**
   * bids carry stake looked up in the registry (set by the requester when a chain is configured):
   * the job's stake floor then applies even without a configured `minStake`
   */
  stakeChecked?: boolean
  /** stake wanted per unit of the job's max price (protocol/market/stake-floor.ts; default 10) */
  stakePerValue?: number
  /** k = 1 jobs: the chance each is spot-checked on a second provider before payment (default 0) */
  spotCheckRate?: number
  /** time allowed beyond the job's wall-time limit for fetching, running and answering (default 5 s) */
  resultGraceMs?: number
  /** bids kept per job, the best by selection rank (default 64, never fewer than k + 1); the rest are only counted */
  maxBids?: number
}

/** the failure reason of an output that lost a spot check (audit `verified` entry, reputation) */
export const SPOT_CHECK_MISMATCH = 'SPOT_CHECK_MISMATCH'

/** Far more bids than a job ever awards (k ≤ 9, plus re-awards), few enough that the record stays small. */
export const DEFAULT_MAX_BIDS = 64

export interface BidInfo {
  candidate: BidCandidate
  benchmarkScore: number
  /** what the bid said of its provider's free slots (node/market/bidder-slots.ts) */
  slots?: SlotMark
  /** with payments on: where the bid asked to be paid (kept with an award, for a restart) */
  payoutAddress?: string
}

/** How the job arms its bid window, deadlines and award timeouts; tests pass a fake clock's. */
export interface JobTimers {
  set: (fn: () => void, ms: number) => unknown
  clear: (handle: unknown) => void
}

const REAL_TIMERS: JobTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
  },
}

/**
 * Result statuses that say the module itself failed under the job's own limits: it trapped (or
 * was refused), ran past its wall-time limit, or wanted more memory or output than the job allows.
 * Every honest provider fails such a job the same way, so it is never re-run elsewhere: with k = 1
 * it ends the job; with k > 1 it is that provider's answer, and a majority of the same status ends
 * the job, while a minority claim against a majority output is a dissent. Fetch failures, internal
 * errors and unknown statuses are the provider's own trouble and are re-awarded.
 */
export const DETERMINISTIC_FAILURES: ReadonlySet<string> = new Set([
  'EXEC_TRAPPED',
  'EXEC_TIMEOUT',
  'EXEC_MEMORY_LIMIT',
  'EXEC_OUTPUT_LIMIT',
])

export function isDeterministicFailure(status: string): boolean {
  return DETERMINISTIC_FAILURES.has(status)
}

/** an award whose provider answered with a deterministic failure: it holds its slot and votes */
function isFailureAnswer(a: AwardRecord): boolean {
  return a.status === 'failed' && a.execStatus !== undefined && isDeterministicFailure(a.execStatus)
}

export class RequesterJob {
  readonly record: JobRecord
  private readonly actions: JobActions
  private readonly policy: JobPolicy
  private readonly emit: JobEventSink
  private readonly now: () => number
  private readonly wallTimeMs: number
  private readonly bids = new Map<string, BidInfo>()
  /** providers that must not get (another) award for this job */
  private readonly excluded = new Set<string>()
  private readonly likelyFull: (provider: string, slots: SlotMark | undefined) => boolean
  /** results that came while their award was still being answered (`awardAnswered`) */
  private readonly answerWaiters = new Map<string, Array<() => void>>()
  private readonly timers = new Set<unknown>()
  private readonly clock: JobTimers
  private readonly waiters: Array<(record: JobRecord) => void> = []
  private awarding = false
  /** placeOpenSlots was asked for while a pass was under way */
  private placeAgain = false
  /** the bid window's timer has fired (see biddingOver) */
  private windowClosed = false
  /**
   * providers that declined for capacity, waiting to be asked again (by timer, or sooner when
   * one of our awards with them ends: slotFreed), each with the number of its current wait
   */
  private readonly busyWaiting = new Map<string, number>()
  private busyWaits = 0
  private clearingSent = false
  private tiebreaks = 0
  private finalSaved?: Promise<void>
  /** a pay-then-fetch of the winning commitment is under way */
  private exchanging = false
  private readonly reopener: JobReopener

  constructor(
    record: JobRecord,
    init: {
      actions: JobActions
      policy: JobPolicy
      emit: JobEventSink
      now: () => number
      wallTimeMs: number
      timers?: JobTimers
      /**
       * whether `provider` likely has no slot for this award: it just declined one of this
       * requester's awards for capacity (Requester.full), or awards of this requester the bid
       * did not count have taken every slot it stated free (`slots`, bidder-slots.ts). The job's
       * other bidders are tried first
       */
      likelyFull?: (provider: string, slots: SlotMark | undefined) => boolean
    },
  ) {
    this.record = record
    this.actions = init.actions
    this.policy = init.policy
    this.emit = init.emit
    this.now = init.now
    this.wallTimeMs = init.wallTimeMs
    this.clock = init.timers ?? REAL_TIMERS
    this.likelyFull = init.likelyFull ?? (() => false)
    this.reopener = new JobReopener({
      record,
      now: this.now,
      wallTimeMs: this.wallTimeMs,
      policy: this.policy,
      reopen: this.actions.reopen,
      emit: this.emit,
      timer: (ms, fn) => {
        this.timer(ms, fn)
      },
      stuck: () => this.openSlots().length > 0 && this.bidsLeft() === 0 && !this.canStillComplete(),
      bidders: () => [...this.bids.keys()],
      fail: (reason, message) => {
        this.fail(reason, message)
      },
      place: async () => {
        await this.placeOpenSlots()
      },
      isFinal: () => isFinal(this.record.phase),
    })
  }

  /**
   * Providers whose answers the job compares: its redundancy, or 2 for a spot-checked k = 1 job
   * (a second provider re-runs it, unknown to the first; a mismatch buys a third, as a k = 2 tie).
   */
  get k(): number {
    return this.spotChecked() ? 2 : this.record.redundancy
  }

  private spotChecked(): boolean {
    return this.record.spotCheck === true && this.record.redundancy === 1
  }

  /**
   * After a restart, for a job with work under way when the requester stopped (its records are on
   * disk, saved at each award, answer and result): an award that was running goes on — its result
   * is taken as if the requester had never stopped, and its provider is watched again (the caller
   * does that, once it is connected: `running` below) — and results that came in are compared,
   * paid (idempotent: a voucher already signed is resent, never a new one) and fetched. An award
   * whose answer never came (sent just before the stop) is given up: without its signed
   * acceptance the requester cannot hold the provider to it. A job with nothing left under way
   * fails REQUESTER_RESTARTED (resumeAnswers); one whose results disagree or fell short asks for
   * more bids as after any failed award (job-reopen.ts). Returns the providers of the running
   * awards. Synchronous: the job's timers are armed before any result can reach it.
   */
  resume(): string[] {
    this.windowClosed = true
    this.timer(this.record.deadline - this.now(), () => {
      this.fail('DEADLINE_PASSED', `no verified result by the job's deadline after a restart`)
    })
    const running: string[] = []
    for (const a of this.record.awards) {
      if (a.status === 'awarding') {
        a.status = 'failed'
        a.failure = 'the requester restarted before the provider answered the award'
        this.excluded.add(a.provider)
      } else if (a.status === 'running') {
        running.push(a.provider)
        this.timer((a.deadline ?? this.record.deadline) - this.now(), () => {
          void this.onAwardTimeout(a)
        })
      }
    }
    if (running.length > 0) this.record.phase = 'running'
    return running
  }

  /**
   * The second half of `resume`, once a winner is connected (or a while has passed): the answers
   * that came in before the stop are compared and, with payments, paid and fetched.
   */
  async resumeAnswers(): Promise<void> {
    if (isFinal(this.record.phase)) return
    const paidBefore = this.record.awards.some((a) => a.paidAt !== undefined)
    if (this.record.awards.some((a) => a.status === 'committed' || a.status === 'delivered')) {
      this.record.phase = 'verifying'
      await this.checkMajority()
    }
    if (isFinal(this.record.phase)) return
    if (!this.record.awards.some((a) => a.status === 'committed' || a.status === 'running')) {
      this.fail(
        'REQUESTER_RESTARTED',
        paidBefore
          ? 'the requester restarted after paying, and the paid output could not be fetched'
          : 'the requester node stopped before the job finished, and no award of it is left running; post it again',
      )
    }
  }

  /** arms the bid window and the job deadline */
  start(): void {
    this.timer(this.record.bidsCloseAt - this.now(), () => {
      void this.closeBidding()
    })
    this.timer(this.record.deadline - this.now(), () => {
      this.fail(
        'DEADLINE_PASSED',
        `no verified result by the job's deadline (${new Date(this.record.deadline).toISOString()})`,
      )
    })
  }

  /**
   * A new bid that passed validation. Returns the providers whose bids this job no longer holds
   * (the new one when it ranks below every kept bid, or the kept bid it displaced): bidders are
   * free to make up, so a flood of them must not grow the record that is rewritten on every save.
   */
  addBid(info: BidInfo): string[] {
    if (isFinal(this.record.phase)) return [info.candidate.provider]
    const provider = info.candidate.provider
    if (this.bids.has(provider)) return []
    this.record.bidsReceived = (this.record.bidsReceived ?? this.record.bids.length) + 1
    const dropped: string[] = []
    if (this.bids.size >= Math.max(this.policy.maxBids ?? DEFAULT_MAX_BIDS, this.k + 1)) {
      const worst = this.worstBid(info)
      if (worst === provider) return [provider]
      if (worst !== undefined) {
        this.bids.delete(worst)
        this.record.bids = this.record.bids.filter((b) => b.provider !== worst)
        dropped.push(worst)
      }
    }
    this.bids.set(provider, info)
    this.record.bids.push({
      provider,
      price: info.candidate.price.toString(),
      receivedAt: this.now(),
      benchmarkScore: info.benchmarkScore,
    })
    this.emit({
      type: 'job:bid',
      at: this.now(),
      jobId: this.record.jobId,
      provider,
      price: info.candidate.price.toString(),
      bids: this.bids.size,
    })
    if (this.record.phase === 'bidding') {
      if (
        enoughBids(
          [...this.bids.values()].map((b) => b.candidate),
          { ...this.selectionOptions(), reserve: this.policy.reserve, minScore: this.policy.minScore },
        )
      ) {
        void this.placeOpenSlots()
      }
    } else if (this.openSlots().length > 0) {
      // a slot is waiting for someone: a late bid may fill it
      void this.placeOpenSlots()
    }
    return dropped
  }

  /** The provider whose bid ranks last among the kept ones and `incoming` (never one awarded already). */
  private worstBid(incoming: BidInfo): string | undefined {
    const awarded = new Set(this.record.awards.map((a) => a.provider))
    const all = [...[...this.bids.values()].map((b) => b.candidate), incoming.candidate]
    const { ranked, excluded } = rankBids(all, this.selectionOptions())
    // ineligible bids (over the price, expired, under-staked …) go before any eligible one
    const order = [...excluded.map((e) => e.bid.provider).reverse(), ...ranked.map((r) => r.bid.provider).reverse()]
    return order.find((p) => !awarded.has(p))
  }

  /**
   * Every provider that can bid has answered (issue 14): the pushes reached every provider the
   * requester knows, and each bid, declined or could not be reached. Awards now with the bids in
   * hand instead of waiting out the bid window (a k = 2 job with two providers used to wait).
   */
  candidatesAnswered(): void {
    // with no bid it could award (none, or none eligible: unstaked, over the price) the window
    // still decides, and fails the job with its reason
    if (this.record.phase !== 'bidding' || this.bidsLeft() === 0) return
    void this.placeOpenSlots()
  }

  /** whether a bid for this job would still be looked at */
  acceptsBids(): boolean {
    return !isFinal(this.record.phase)
  }

  /** whether an award of this job to `provider` is still being answered (sent, its acceptance being checked) */
  answering(provider: string): boolean {
    return this.record.awards.some((a) => a.provider === provider && a.status === 'awarding')
  }

  /**
   * Resolves once `provider`'s award, if it is still being answered (`answering`), has an
   * outcome, or when `signal` aborts. A provider with a tiny job sends its result as soon as it
   * accepted, and a loaded requester can take seconds over the acceptance (a soak at capacity:
   * validation, voucher ack, journal, payment): the result, refused then as for no award, was
   * lost, and the award revoked for silence (1,793 of 2,128 revocations in a 4-minute soak).
   */
  async awardAnswered(provider: string, signal: AbortSignal): Promise<void> {
    if (!this.answering(provider) || signal.aborted) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done, { once: true })
      const waiting = this.answerWaiters.get(provider)
      if (waiting === undefined) this.answerWaiters.set(provider, [done])
      else waiting.push(done)
    })
  }

  /** `provider`'s award has an outcome (or the job ended first): whoever waited for it goes on */
  private answered(provider: string): void {
    const waiting = this.answerWaiters.get(provider)
    this.answerWaiters.delete(provider)
    for (const done of waiting ?? []) done()
  }

  /** the live award to `provider`, for validating its result */
  liveAward(provider: string): AwardRecord | undefined {
    return this.record.awards.find((a) => a.provider === provider && a.status === 'running')
  }

  /**
   * The running award's provider was taken for dead (node/market/liveness.ts): withdraw the award,
   * so that its late result is refused and never paid, and give the slot to the next good bidder
   * while the job's own deadline allows. Resolves with the slot withdrawn, or undefined when the
   * award was no longer running (its result came first).
   */
  async revoke(
    provider: string,
    reason: string,
    silentForMs: number,
    seen?: { heartbeats: number; lastStage?: string },
  ): Promise<number | undefined> {
    const award = this.liveAward(provider)
    if (award === undefined || isFinal(this.record.phase)) return undefined
    award.status = 'failed'
    award.failure = `revoked: ${reason} (no sign of life for ${silentForMs} ms)`
    award.revokedAt = this.now()
    this.excluded.add(provider)
    this.emit({
      type: 'job:revoked',
      at: this.now(),
      jobId: this.record.jobId,
      provider,
      slot: award.slot,
      reason,
      silentForMs,
      ...(seen !== undefined ? { heartbeats: seen.heartbeats } : {}),
      ...(seen?.lastStage !== undefined ? { lastStage: seen.lastStage } : {}),
    })
    if (this.bidsLeft() === 0 && !this.canStillComplete()) {
      this.reopener.noBidLeft(
        'NO_PROVIDER_LEFT',
        `provider ${provider} stopped answering (${reason}) and no other valid bid is left to take ` +
          `its slot ${award.slot}`,
      )
      return award.slot
    }
    await this.placeOpenSlots()
    return award.slot
  }

  /**
   * The bid window is over: its timer fired, or the clock says so. Not the clock alone: Node fires
   * a timer by its monotonic clock, and `now()` (wall time, clock-sync adjusted) can read up to a
   * millisecond before `bidsCloseAt` in the close's own callback — which left a job with no
   * eligible bid neither failed nor re-opened until its deadline (a CI flake).
   */
  private biddingOver(): boolean {
    return this.windowClosed || this.now() >= this.record.bidsCloseAt
  }

  /** whether the awards still live or answered could reach the job's quorum without another provider */
  private canStillComplete(): boolean {
    const live = this.record.awards.filter((a) => a.status !== 'failed' || isFailureAnswer(a)).length
    return live >= Math.floor(this.k / 2) + 1
  }

  /**
   * a result that passed validation (signature, award). `committed` is false for an EXEC_OK
   * result without a valid commitment to its output while payments are on: no signed statement,
   * so nothing to hold the provider to, and it is not accepted.
   */
  async onResult(
    provider: string,
    status: string,
    outputCid: string | undefined,
    metering: AwardRecord['metering'],
    committed = true,
  ): Promise<void> {
    const award = this.liveAward(provider)
    if (award === undefined || isFinal(this.record.phase)) return
    award.resultAt = this.now()
    award.execStatus = status
    award.metering = metering
    this.emit({ type: 'job:result', at: this.now(), jobId: this.record.jobId, provider, status, outputCid })
    if (status !== 'EXEC_OK' || outputCid === undefined) {
      award.status = 'failed'
      award.failure = `provider reported ${status}`
      this.excluded.add(provider)
      if (isDeterministicFailure(status)) {
        // the module itself failed: another provider would fail the same way, so this is the
        // provider's answer (it keeps its slot and votes) rather than a reason to re-award
        this.record.phase = 'verifying'
        await this.checkMajority()
        return
      }
      // the same failure from two providers is the job's own fault (e.g. its inputs cannot be fetched)
      const same = this.record.awards.filter((a) => a.execStatus === status && a.status === 'failed')
      if (same.length >= 2 || this.bidsLeft() === 0) {
        this.fail(`JOB_${status}`, `the job failed on ${same.length} provider(s) with ${status}`)
        return
      }
      this.emit({ type: 'job:reawarded', at: this.now(), jobId: this.record.jobId, provider, reason: status })
      await this.placeOpenSlots()
      return
    }
    award.outputCid = outputCid
    if (!committed) {
      this.dropAward(award, 'no valid result commitment for its output', 'NO_COMMITMENT')
      await this.placeOpenSlots()
      return
    }
    if (this.actions.pay !== undefined) {
      // fair exchange: commitments are compared first; the output is fetched once paid for
      award.status = 'committed'
      this.record.phase = 'verifying'
      await this.checkMajority()
      return
    }
    const ok = await this.actions.fetchOutput(provider, outputCid)
    if (isFinal(this.record.phase)) return
    if (!ok) {
      this.dropAward(award, 'output missing or not matching its CID', 'BAD_OUTPUT')
      await this.placeOpenSlots()
      return
    }
    award.status = 'delivered'
    this.record.phase = 'verifying'
    await this.checkMajority()
  }

  /** the award failed through its provider's fault: it is a dissenter and gets no other slot */
  private dropAward(award: AwardRecord, failure: string, reason: string): void {
    award.status = 'failed'
    award.failure = failure
    this.markDissenter(award.provider)
    this.excluded.add(award.provider)
    this.emit({ type: 'job:reawarded', at: this.now(), jobId: this.record.jobId, provider: award.provider, reason })
  }

  /**
   * Fair exchange: pays every provider whose commitment is the winning `cid`, then fetches the
   * output from one of them. A paid provider whose output does not come, or does not match its
   * CID, is at fault: its signed commitment is the evidence, and it is never paid again.
   */
  private async payAndFetch(cid: string): Promise<boolean> {
    const winners = this.record.awards.filter((a) => a.status === 'committed' && a.outputCid === cid)
    // the winners and their output on disk before the first voucher is signed: a requester that
    // dies from here on finds the job to resume (Requester.recoverInterrupted), not to fail
    await this.actions.save(this.record, false)
    for (const a of winners) {
      try {
        await this.payUntilDelivered(a.provider, BigInt(a.price), cid)
        a.paidAt = this.now()
      } catch (err) {
        // our payment did not go through (it stays pending and is retried): not the provider's fault
        a.status = 'failed'
        a.failure = `payment failed: ${(err as Error).message}`
        this.excluded.add(a.provider)
      }
    }
    for (const a of winners) {
      if (isFinal(this.record.phase)) return false
      if (a.status !== 'committed') continue
      if (await this.actions.fetchOutput(a.provider, cid)) {
        for (const w of winners) if (w.status === 'committed') w.status = 'delivered'
        return true
      }
      this.dropAward(a, 'paid, but its output is missing or does not match its signed commitment', 'BAD_OUTPUT')
    }
    return false
  }

  /**
   * Pays a winner, retrying while a signed voucher cannot get through (VOUCHER_UNDELIVERED: the
   * provider crashed or is unreachable) until the job's deadline. Why not give up at once and re-award: the voucher is
   * signed and stored before it is sent, and may have reached the provider (which stores it
   * before it acknowledges), so a second provider for the slot could be paid twice for it. Any
   * other failure (a refusal, no channel) is thrown at once: nothing went out, the slot moves on.
   */
  private async payUntilDelivered(provider: string, price: bigint, cid: string): Promise<void> {
    for (let delay = 500; ; delay = Math.min(delay * 2, 4_000)) {
      try {
        await this.actions.pay!(provider, price, cid)
        return
      } catch (err) {
        const undelivered = (err as { code?: unknown }).code === 'VOUCHER_UNDELIVERED'
        if (!undelivered || isFinal(this.record.phase) || this.now() + delay >= this.record.deadline) throw err
        log(
          'paying %s for %s did not go through, again in %d ms: %s',
          provider,
          this.record.jobId,
          delay,
          (err as Error).message,
        )
        await new Promise<void>((resolve) => {
          this.timer(delay, resolve)
        })
      }
    }
  }

  /** resolves with the record once the job is completed or failed */
  async settled(signal?: AbortSignal): Promise<JobRecord> {
    if (this.finalSaved !== undefined) {
      await this.finalSaved
      return this.record
    }
    return await new Promise((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal?.reason ?? new Error('aborted'))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push((r) => {
        signal?.removeEventListener('abort', onAbort)
        resolve(r)
      })
    })
  }

  /** stops timers without changing the record (node shutdown) */
  dispose(): void {
    for (const t of this.timers) this.clock.clear(t)
    this.timers.clear()
  }

  fail(reason: string, message: string): void {
    if (isFinal(this.record.phase)) return
    this.record.phase = 'failed'
    this.record.failure = { reason, message }
    this.record.completedAt = this.now()
    this.emit({ type: 'job:failed', at: this.now(), jobId: this.record.jobId, reason, message })
    this.finish()
  }

  private async closeBidding(): Promise<void> {
    this.windowClosed = true
    if (this.record.phase !== 'bidding') {
      // a result that waited for a spot check's second provider: with none left at the close, it stands alone
      if (this.spotChecked() && !isFinal(this.record.phase)) await this.checkMajority()
      // awarded early, before every slot had a bidder: the close may leave it short
      if (!this.awarding) this.reopenWhenShort(true)
      return
    }
    if (this.bids.size === 0) {
      // the pushed candidates may have died or been busy, and the lottery drawn nobody who heard
      // the job by gossip: ask live providers not asked yet while the deadline leaves room (a CI
      // flake: both pushes of a k = 2 job went to providers stopped by the test before)
      this.reopener.noBidLeft(
        'NO_BIDS',
        `no provider bid within the ${this.record.bidsCloseAt - this.record.postedAt} ms bid window: none` +
          ` is online, matches the requirements, or accepts the max price ${this.record.maxPrice}`,
      )
      return
    }
    await this.placeOpenSlots()
  }

  private selectionOptions(): {
    k: number
    maxPrice: bigint
    now: number
    minStake?: bigint
    weights: SelectionWeights
    exclude: Set<string>
    excludeOwners: Set<string>
  } {
    return {
      k: this.k,
      maxPrice: BigInt(this.record.maxPrice),
      now: this.now(),
      minStake: this.jobStakeFloor(),
      weights: { ...DEFAULT_WEIGHTS, ...this.policy.weights },
      exclude: this.excluded,
      excludeOwners: this.ownersAwarded(),
    }
  }

  /** the stake a bid for this job needs: the protocol minimum raised with the job's value (undefined: not checked) */
  private jobStakeFloor(): bigint | undefined {
    if (this.policy.minStake === undefined && this.policy.stakeChecked !== true) return undefined
    return stakeFloor({
      minStake: this.policy.minStake ?? 1n,
      maxPrice: BigInt(this.record.maxPrice),
      stakePerValue: this.policy.stakePerValue,
    })
  }

  /**
   * Stake owners that already hold (or held) an award of this job: none of them gets another
   * slot under another peer id, so the k answers come from k independent owners.
   */
  private ownersAwarded(): Set<string> {
    const owners = new Set<string>()
    for (const a of this.record.awards) {
      // a provider that was busy never held the job
      if (a.busy === true) continue
      const bid = this.bids.get(a.provider)
      const owner = bid === undefined ? undefined : ownerKey(bid.candidate)
      if (owner !== undefined) owners.add(owner)
    }
    return owners
  }

  /**
   * slots (0..k-1) that have no award in flight, running or delivered: a re-award takes the slot
   * its failed or revoked award held (so no slot is ever held by two live awards); tie-break
   * awards beyond k reuse slot numbers in turn
   */
  private openSlots(): number[] {
    const wanted = this.k + this.tiebreaks
    const live = this.record.awards.filter((a) => a.status !== 'failed' || isFailureAnswer(a))
    const taken = new Set(live.map((a) => a.slot))
    const free: number[] = []
    // slots are numbered within the job's own redundancy: a spot check's award looks like any k = 1 award
    for (let s = 0; s < this.record.redundancy && live.length + free.length < wanted; s++)
      if (!taken.has(s)) free.push(s)
    for (let i = live.length + free.length; i < wanted; i++) free.push(i % this.record.redundancy)
    return free
  }

  /**
   * Providers never to award again: every one awarded before, except one whose every award was
   * declined for capacity, fewer than BUSY_RETRIES + 1 times (its bid still counts: it is asked
   * again once its retry timer fires).
   */
  private spentProviders(): Set<string> {
    const spent = new Set<string>()
    const awards = new Map<string, AwardRecord[]>()
    for (const a of this.record.awards) awards.set(a.provider, [...(awards.get(a.provider) ?? []), a])
    for (const [provider, mine] of awards)
      if (mine.length > BUSY_RETRIES || !mine.every((a) => a.busy === true)) spent.add(provider)
    return spent
  }

  private bidsLeft(): number {
    const tried = this.spentProviders()
    return rankBids(
      [...this.bids.values()].map((b) => b.candidate),
      this.selectionOptions(),
    ).ranked.filter((s) => !tried.has(s.bid.provider)).length
  }

  /** awards every open slot to the best untried bidder; one pass at a time */
  private async placeOpenSlots(): Promise<void> {
    if (isFinal(this.record.phase)) return
    if (this.awarding) {
      // a slot may have opened after the pass in progress looked (a revocation during its save):
      // it runs once more when done
      this.placeAgain = true
      return
    }
    this.awarding = true
    this.placeAgain = false
    try {
      if (this.record.phase === 'bidding') this.record.phase = 'awarding'
      let slots = this.openSlots()
      while (slots.length > 0 && !isFinal(this.record.phase)) {
        const tried = this.spentProviders()
        for (const p of this.busyWaiting.keys()) tried.add(p)
        const untried = rankBids(
          [...this.bids.values()].map((b) => b.candidate),
          this.selectionOptions(),
        ).ranked.filter((s) => !tried.has(s.bid.provider))
        // a bidder that is likely full (it just declined another of our awards for capacity, or
        // our other jobs took the slots its bid said it had) would most likely decline this one
        // too: the next one goes first, and it is asked only when nobody else is left
        const next =
          untried.find((s) => !this.likelyFull(s.bid.provider, this.bids.get(s.bid.provider)?.slots)) ?? untried[0]
        if (next === undefined) break
        const slot = slots[0]
        const deadline = Math.min(
          this.record.deadline,
          this.now() + this.wallTimeMs + (this.policy.resultGraceMs ?? 5_000),
        )
        const payoutAddress = this.bids.get(next.bid.provider)?.payoutAddress
        const award: AwardRecord = {
          provider: next.bid.provider,
          price: next.bid.price.toString(),
          slot,
          status: 'awarding',
          awardedAt: this.now(),
          deadline,
          ...(payoutAddress !== undefined ? { payoutAddress } : {}),
        }
        this.record.awards.push(award)
        this.emit({
          type: 'job:awarded',
          at: this.now(),
          jobId: this.record.jobId,
          provider: award.provider,
          price: award.price,
          slot,
        })
        let answer: AwardAnswer = false
        // on disk only: the state machine moves on when the answer is back (a result may come first)
        const accepted = async (): Promise<void> => {
          const durable = structuredClone(this.record)
          const a = durable.awards.find(
            (x) => x.slot === slot && x.provider === award.provider && x.status === 'awarding',
          )
          if (a === undefined) return
          a.status = 'running'
          a.acceptedAt = this.now()
          await this.actions.save(durable, false)
        }
        try {
          answer = await this.actions.award(award.provider, next.bid.price, slot, deadline, accepted)
        } catch (err) {
          award.failure = `award failed: ${(err as Error).message}`
        }
        if (isFinal(this.record.phase)) {
          this.answered(award.provider)
          return
        }
        if (answer !== true) {
          award.status = 'failed'
          if (answer === 'busy') {
            award.busy = true
            award.failure = 'declined: busy (NO_CAPACITY)'
            this.retryWhenFree(award.provider)
          } else {
            award.failure ??= 'declined'
            this.excluded.add(award.provider)
          }
          this.emit({
            type: 'job:declined',
            at: this.now(),
            jobId: this.record.jobId,
            provider: award.provider,
            reason: award.failure,
          })
        } else {
          award.status = 'running'
          award.acceptedAt = this.now()
          this.record.placedAt ??= award.acceptedAt
          if (this.record.phase === 'awarding') this.record.phase = 'running'
          this.emit({
            type: 'job:accepted',
            at: this.now(),
            jobId: this.record.jobId,
            provider: award.provider,
            price: award.price,
            slot,
          })
          this.timer(deadline - this.now(), () => {
            void this.onAwardTimeout(award)
          })
        }
        this.answered(award.provider)
        slots = this.openSlots()
      }
      await this.actions.save(this.record, false)
      if (!this.clearingSent && this.record.awards.filter((a) => a.status === 'running').length >= this.k) {
        this.clearingSent = true
        // a spot check stays unannounced: the clearing names only the job's own redundancy of winners
        const winners = this.record.awards
          .filter((a) => a.status === 'running')
          .slice(0, this.record.redundancy)
          .map((a) => ({ provider: a.provider, price: BigInt(a.price) }))
        await this.actions.publishClearing(winners).catch(() => {})
      }
      this.reopenWhenShort()
    } finally {
      this.awarding = false
    }
    if (this.placeAgain && !isFinal(this.record.phase)) await this.placeOpenSlots()
  }

  /**
   * A provider declined for capacity (its slots filled between its bid and our award): a slot of
   * its frees when a job ends, so it is asked again after 1, 2, 4 s while no one else took the
   * slot, then given up (the chaos chain-faults run lost a job: with three providers, one full at
   * its award and two that failed, a reopen found nobody untried to ask) — or at once when one of
   * this requester's own awards with it ends (slotFreed). By timer, not by comparing clocks: a
   * timer may fire a millisecond before its instant.
   */
  private retryWhenFree(provider: string): void {
    const declines = this.record.awards.filter((a) => a.provider === provider).length
    if (this.spentProviders().has(provider)) {
      this.excluded.add(provider)
      return
    }
    const wait = ++this.busyWaits
    this.busyWaiting.set(provider, wait)
    this.timer(BUSY_RETRY_MS * 2 ** (declines - 1), () => {
      // a wait slotFreed ended already, or a later one, is not this timer's
      if (this.busyWaiting.get(provider) !== wait) return
      this.busyWaiting.delete(provider)
      void this.placeOpenSlots()
    })
  }

  /**
   * One of this requester's awards with `provider` ended (its result came, or it was revoked or
   * re-awarded), so a slot of it is most likely free: if this job waits for that provider after
   * a capacity decline, it asks now instead of at its timer (loaded, the 1–4 s timers were most
   * of the placement p99). True when this job was waiting: the caller wakes one job per slot, or
   * all the waiting jobs would ask for the one slot and all but one be declined again.
   */
  slotFreed(provider: string): boolean {
    if (isFinal(this.record.phase) || !this.busyWaiting.has(provider)) return false
    this.busyWaiting.delete(provider)
    void this.placeOpenSlots()
    return true
  }

  /**
   * After the bid window, with slots still open and no untried bid left: when every award failed,
   * or the awards held cannot reach the quorum on their own (k = 2 with one bid, say), bidding is
   * re-opened (job-reopen.ts), which fails the job when it cannot. At the window's close itself
   * (`atClose`) nothing fails: an open slot still takes a late bid until the deadline.
   */
  private reopenWhenShort(atClose = false): void {
    if (isFinal(this.record.phase) || this.openSlots().length === 0) return
    if (!this.biddingOver() || this.bidsLeft() > 0) return
    if (this.record.awards.every((a) => a.status === 'failed')) {
      this.reopener.noBidLeft(
        'NO_PROVIDER_ACCEPTED',
        `all ${this.record.awards.length} bidder(s) that were awarded the job declined, failed or were unreachable`,
        { orWait: atClose },
      )
    } else if (!this.canStillComplete()) {
      // not a failure yet: the open slot also takes a late bid until the deadline, as it always did
      const held = this.record.awards.filter((a) => a.status !== 'failed').length
      this.reopener.noBidLeft(
        'NO_PROVIDER_LEFT',
        `${held} provider(s) hold the job after its bid window, too few for its quorum, and no other bid is left`,
        { orWait: true },
      )
    }
  }

  private async onAwardTimeout(award: AwardRecord): Promise<void> {
    if (award.status !== 'running' || isFinal(this.record.phase)) return
    award.status = 'failed'
    award.failure = 'no result before the deadline'
    this.excluded.add(award.provider)
    this.emit({
      type: 'job:reawarded',
      at: this.now(),
      jobId: this.record.jobId,
      provider: award.provider,
      reason: 'DEADLINE_MISSED',
    })
    await this.placeOpenSlots()
    // a spot check whose second provider is gone, and no other to ask: the first answer stands alone
    if (this.spotChecked() && !isFinal(this.record.phase)) await this.checkMajority()
    if (isFinal(this.record.phase)) return
    if (
      this.openSlots().length > 0 &&
      this.record.awards.every((a) => a.status === 'failed' || a.status === 'delivered') &&
      this.bidsLeft() === 0
    ) {
      this.reopener.noBidLeft(
        'NO_PROVIDER_LEFT',
        'every awarded provider missed its deadline or failed, and no other bid is left',
      )
    }
  }

  /**
   * A spot check needs a second provider; when the bid window has closed and there is none left
   * to ask, the job is what it was posted as, k = 1, and counts as unchecked.
   */
  private skipUnavailableSpotCheck(): void {
    if (!this.spotChecked() || !this.biddingOver() || this.bidsLeft() > 0) return
    if (this.record.awards.some((a) => a.status === 'running' || a.status === 'awarding')) return
    const answered = this.record.awards.filter(
      (a) => a.status === 'delivered' || a.status === 'committed' || isFailureAnswer(a),
    )
    if (answered.length !== 1) return
    this.record.spotCheck = false
  }

  private markDissenter(provider: string): void {
    if (!this.record.dissenters.includes(provider)) this.record.dissenters.push(provider)
  }

  /**
   * k = 1: the output stands. k > 1: a strict majority of k must agree; a tie buys one more
   * opinion. With payments on, the votes are commitments, and the winners are paid before their
   * output is fetched.
   */
  private async checkMajority(): Promise<void> {
    if (this.exchanging) return
    if (this.tolerant() && this.actions.pay !== undefined) {
      const failed = (): number => this.record.awards.filter((a) => a.status === 'failed').length
      const failedBefore = failed()
      await this.buyCommittedAnswers()
      // an answer that could not be bought frees its slot for the next bidder
      if (failed() > failedBefore && !isFinal(this.record.phase)) await this.placeOpenSlots()
      if (isFinal(this.record.phase)) return
    }
    const delivered = this.record.awards.filter((a) => a.status === 'delivered' || a.status === 'committed')
    const counts = await this.groupDelivered(delivered)
    if (isFinal(this.record.phase)) return
    // deterministic failures vote too, one ballot per status (a trap is not a timeout)
    const failures = new Map<string, string[]>()
    for (const a of this.record.awards.filter(isFailureAnswer)) {
      const status = a.execStatus ?? ''
      failures.set(status, [...(failures.get(status) ?? []), a.provider])
    }
    this.skipUnavailableSpotCheck()
    const quorum = Math.floor(this.k / 2) + 1
    for (const [status, providers] of failures) {
      if (providers.length >= quorum) {
        this.fail(
          `JOB_${status}`,
          `the job failed with ${status} on ${providers.length} of ${this.k} provider(s): ` +
            'a deterministic failure of the module, not re-run elsewhere',
        )
        return
      }
    }
    for (const [cid, providers] of counts) {
      if (providers.length >= quorum) {
        // (a paid tolerance vote bought every answer it read: buyCommittedAnswers)
        if (this.actions.pay !== undefined && !this.tolerant()) {
          this.exchanging = true
          let ok: boolean
          try {
            ok = await this.payAndFetch(cid)
          } finally {
            this.exchanging = false
          }
          if (isFinal(this.record.phase)) return
          // some winners failed: count again without them
          if (!ok) {
            await this.checkMajority()
            return
          }
        }
        for (const a of delivered) {
          if (providers.includes(a.provider)) continue
          this.markDissenter(a.provider)
          if (this.spotChecked()) a.failure ??= `${SPOT_CHECK_MISMATCH}: output differs from the re-runs`
        }
        // a claimed trap (or limit) where a majority ran the module to its end is a dissent
        for (const a of this.record.awards.filter(isFailureAnswer)) this.markDissenter(a.provider)
        this.record.outputCid = cid
        // within a tolerance the winners' CIDs differ: name them (payment, audit, reputation)
        if (this.tolerant()) this.record.winners = [...providers]
        this.record.phase = 'completed'
        this.record.completedAt = this.now()
        const accepted = this.record.awards
          .filter((a) => a.status === 'delivered' && providers.includes(a.provider))
          .map((a) => a.provider)
        this.emit({
          type: 'job:verified',
          at: this.now(),
          jobId: this.record.jobId,
          outputCid: cid,
          providers: accepted,
          dissenters: [...this.record.dissenters],
        })
        this.finish()
        return
      }
    }
    const running = this.record.awards.filter((a) => a.status === 'running' || a.status === 'awarding').length
    if (running > 0) return
    const answers = delivered.length + [...failures.values()].reduce((n, p) => n + p.length, 0)
    if (answers >= this.k && counts.size + failures.size > 1) {
      // answers disagree and nobody has a majority: ask one more provider
      if (this.bidsLeft() === 0) {
        this.fail(
          'NO_MAJORITY',
          `${answers} providers returned ${counts.size + failures.size} different answers ` +
            `(${counts.size} output(s), ${failures.size} failure status(es)) and no other bid is left to break the tie`,
        )
        return
      }
      this.tiebreaks++
    }
    this.record.phase = 'running'
    await this.placeOpenSlots()
  }

  private tolerant(): boolean {
    return this.actions.groupOutputs !== undefined
  }

  /**
   * A tolerance vote compares numbers, and a commitment (a CID) says nothing about how close two
   * outputs are: with payments on, every committed answer is paid for and fetched before it is
   * voted, the fair exchange done answer by answer. A provider outside the tolerance is thus paid
   * once for the answer it sold, and recorded as a dissenter (reputation; its signed commitment
   * and the bytes are the evidence). Answers committed while one is being bought are bought too.
   */
  private async buyCommittedAnswers(): Promise<void> {
    this.exchanging = true
    try {
      for (;;) {
        const next = this.record.awards.find((a) => a.status === 'committed' && a.outputCid !== undefined)
        if (next === undefined || isFinal(this.record.phase)) return
        // every committed answer with this CID ends delivered (paid, fetched) or failed (unpaid, or
        // paid for bytes that never came: a dissent); only the job ending leaves one committed
        await this.payAndFetch(next.outputCid!)
        if (next.status === 'committed') return
      }
    } finally {
      this.exchanging = false
    }
  }

  /** the answers by CID, or, for a tolerance vote, around its representative (first) */
  private async groupDelivered(delivered: AwardRecord[]): Promise<Map<string, string[]>> {
    if (this.tolerant() && delivered.length > 0) {
      const answers = delivered.map((a) => ({ provider: a.provider, outputCid: a.outputCid ?? '' }))
      return (await this.actions.groupOutputs!(answers, this.k)).groups
    }
    const counts = new Map<string, string[]>()
    for (const a of delivered) counts.set(a.outputCid ?? '', [...(counts.get(a.outputCid ?? '') ?? []), a.provider])
    return counts
  }

  private finish(): void {
    this.dispose()
    // waiters hear of the end only once it is on disk
    this.finalSaved = this.actions.save(this.record, true).catch(() => {})
    void this.finalSaved.then(() => {
      for (const w of this.waiters.splice(0)) w(this.record)
    })
  }

  private timer(ms: number, fn: () => void): void {
    const t = this.clock.set(
      () => {
        this.timers.delete(t)
        fn()
      },
      Math.max(0, ms),
    )
    this.timers.add(t)
  }
}
