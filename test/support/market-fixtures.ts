// Hand-made market inputs for driving the requester's job state machine without a network or a
// chain: a fake clock (time moves only when the test says), job records, bids, and scripted
// actions (accept / decline / fail per provider) that log every call in order.
import { RequesterJob } from '../../node/market/requester-job.ts'
import type { BidInfo, JobActions, JobPolicy, JobTimers } from '../../node/market/requester-job.ts'
import type { JobEvent } from '../../node/market/events.ts'
import type { AwardRecord, JobRecord } from '../../node/market/job-record.ts'
import type { GroupOutputs } from '../../node/market/tolerance-outputs.ts'
import type { PaymentMode } from '../../protocol/payment-mode.ts'

/** Lets every promise chain that is already resolvable run (macrotask turns, not a sleep). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve))
}

interface FakeTimer {
  id: number
  at: number
  fn: () => void
}

/**
 * Time stands still until `advance`; due timers then fire in order, each at its own instant.
 * `firesEarlyMs` plays Node's timers, which run by a monotonic clock: a callback may run while the
 * wall clock still reads up to a millisecond before the instant it was armed for.
 */
export class FakeClock {
  private _now: number
  private next = 1
  private _timers: FakeTimer[] = []
  private readonly early: number

  constructor(start = 1_000_000, opts: { firesEarlyMs?: number } = {}) {
    this._now = start
    this.early = opts.firesEarlyMs ?? 0
  }

  readonly now = (): number => this._now

  readonly timers: JobTimers = {
    set: (fn, ms) => {
      const id = this.next++
      this._timers.push({ id, at: this._now + Math.max(0, ms), fn })
      return id
    },
    clear: (handle) => {
      this._timers = this._timers.filter((t) => t.id !== handle)
    },
  }

  /** timers still armed */
  get pending(): number {
    return this._timers.length
  }

  /** moves time forward by `ms`, firing due timers (earliest first) and letting their work run */
  async advance(ms: number): Promise<void> {
    const end = this._now + ms
    for (;;) {
      const due = this._timers.filter((t) => t.at - this.early <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (due === undefined) break
      this._timers = this._timers.filter((t) => t !== due)
      this._now = Math.max(this._now, due.at - this.early)
      due.fn()
      await settle()
    }
    this._now = Math.max(this._now, end)
    await settle()
  }

  /** moves time to the instant `at` (no-op if already past) */
  async advanceTo(at: number): Promise<void> {
    await this.advance(Math.max(0, at - this._now))
  }
}

export const JOB_ID = 'ab'.repeat(32)
export const METERING = { wallMs: 1, cpuMs: 1, peakMemoryBytes: 1 }

export interface RecordOptions {
  k?: number
  maxPrice?: bigint
  payment?: PaymentMode
  /** bid window length from `postedAt` (default 1 s) */
  windowMs?: number
  /** job deadline from `postedAt` (default 60 s) */
  deadlineMs?: number
  wallTimeMs?: number
}

/** A fresh job record in the bidding phase, posted at `postedAt`. */
export function jobRecord(postedAt: number, opts: RecordOptions = {}): JobRecord {
  return {
    jobId: JOB_ID,
    phase: 'bidding',
    executor: 'wasm',
    redundancy: opts.k ?? 1,
    maxPrice: (opts.maxPrice ?? 100n).toString(),
    payment: opts.payment ?? 'escrow',
    moduleCid: 'module',
    inputs: [],
    args: [],
    limits: { memoryBytes: 1, wallTimeMs: opts.wallTimeMs ?? 1_000, outputBytes: 1 },
    postedAt,
    bidsCloseAt: postedAt + (opts.windowMs ?? 1_000),
    deadline: postedAt + (opts.deadlineMs ?? 60_000),
    bids: [],
    awards: [],
    dissenters: [],
    requestHex: '',
  }
}

/**
 * A valid bid from `provider` at `price`. With the default weights, no chain (stake 1) and the
 * reference benchmark, a bid scores 0.25 + 0.5·(1 - price/maxPrice): "good" (≥ 0.5, the early
 * award threshold) at or below half the max price.
 */
export function bid(provider: string, price: bigint, now: number, extra: Partial<BidInfo['candidate']> = {}): BidInfo {
  return {
    benchmarkScore: 1000,
    candidate: { provider, price, expiresAt: now + 3_600_000, stake: 1n, benchmarkScore: 1000, ...extra },
  }
}

/**
 * How a scripted provider answers an award. `hold` keeps the answer pending until released;
 * `busy` declines for capacity (NO_CAPACITY).
 */
export type AwardAnswer = 'accept' | 'decline' | 'busy' | 'throw' | 'hold'

export interface ScriptOptions {
  /** per provider; default accept. A list answers its awards in turn, the last one from then on */
  answers?: Record<string, AwardAnswer | AwardAnswer[]>
  /** providers whose output fetch fails (missing or not matching its CID) */
  badOutput?: string[]
  /** payments on (fair exchange): `pay` exists; providers listed in `payFails` make it throw */
  payments?: boolean
  payFails?: string[]
  /** a tolerance vote (node/market/tolerance-outputs.ts) in place of the CID rule */
  groupOutputs?: GroupOutputs
}

/** Scripted JobActions with a log of every call, in order ("award p1 10 0", "pay p1 10 cid" …). */
export interface ScriptedActions {
  actions: JobActions
  log: string[]
  saves: Array<{ final: boolean; phase: string }>
  clearings: string[][]
  /** answers a held award */
  release: (provider: string, accepted: boolean) => void
}

export function scriptedActions(opts: ScriptOptions = {}): ScriptedActions {
  const log: string[] = []
  const saves: ScriptedActions['saves'] = []
  const clearings: string[][] = []
  const held = new Map<string, (accepted: boolean) => void>()
  const awardsTo = new Map<string, number>()
  const actions: JobActions = {
    award: async (provider, price, slot) => {
      log.push(`award ${provider} ${price} ${slot}`)
      const n = awardsTo.get(provider) ?? 0
      awardsTo.set(provider, n + 1)
      const script = opts.answers?.[provider] ?? 'accept'
      const answer = Array.isArray(script) ? script[Math.min(n, script.length - 1)] : script
      if (answer === 'throw') throw new Error('unreachable')
      if (answer === 'hold') return await new Promise<boolean>((resolve) => held.set(provider, resolve))
      if (answer === 'busy') return 'busy'
      return answer === 'accept'
    },
    fetchOutput: async (provider, cid) => {
      log.push(`fetch ${provider} ${cid}`)
      return opts.badOutput?.includes(provider) !== true
    },
    publishClearing: async (winners) => {
      clearings.push(winners.map((w) => w.provider))
    },
    save: async (record, final) => {
      saves.push({ final, phase: record.phase })
    },
  }
  if (opts.groupOutputs !== undefined) actions.groupOutputs = opts.groupOutputs
  if (opts.payments === true) {
    actions.pay = async (provider, price, cid) => {
      log.push(`pay ${provider} ${price} ${cid}`)
      if (opts.payFails?.includes(provider) === true) throw new Error('channel closed')
    }
  }
  const release = (provider: string, accepted: boolean): void => {
    const resolve = held.get(provider)
    if (resolve === undefined) throw new Error(`no held award for ${provider}`)
    held.delete(provider)
    resolve(accepted)
  }
  return { actions, log, saves, clearings, release }
}

export interface JobHarness extends ScriptedActions {
  job: RequesterJob
  clock: FakeClock
  events: JobEvent[]
  record: JobRecord
  /** adds bids `[provider, price]` at the clock's current time, letting any award run */
  bid: (...bids: Array<[string, bigint]>) => Promise<void>
  /** the event types in order, optionally of one kind with its provider ("job:accepted p1") */
  seen: (type?: JobEvent['type']) => string[]
}

/** A RequesterJob on a fake clock with scripted actions, started (bid window and deadline armed). */
export function jobHarness(
  opts: RecordOptions &
    ScriptOptions & {
      policy?: JobPolicy
      likelyFull?: (provider: string) => boolean
      /**
       * a job as a restarted requester finds it on disk: its bid window over, these awards in
       * (deadlines default to the job's); not started — the test calls `job.resume()`
       */
      restartedWith?: Array<Pick<AwardRecord, 'provider' | 'status'> & Partial<AwardRecord>>
    } = {},
): JobHarness {
  const clock = new FakeClock()
  const payment = opts.payment ?? (opts.payments === true ? 'channel' : 'escrow')
  const record = jobRecord(clock.now(), { ...opts, payment })
  if (opts.restartedWith !== undefined) {
    record.phase = 'running'
    record.awards = opts.restartedWith.map((a, slot) => ({
      price: '10',
      slot,
      awardedAt: record.postedAt,
      deadline: record.deadline,
      ...a,
    }))
  }
  const scripted = scriptedActions(opts)
  const events: JobEvent[] = []
  const job = new RequesterJob(record, {
    actions: scripted.actions,
    policy: opts.policy ?? {},
    emit: (e) => {
      events.push(e)
    },
    now: clock.now,
    wallTimeMs: record.limits.wallTimeMs,
    timers: clock.timers,
    ...(opts.likelyFull !== undefined ? { likelyFull: opts.likelyFull } : {}),
  })
  if (opts.restartedWith === undefined) job.start()
  return {
    ...scripted,
    job,
    clock,
    events,
    record,
    bid: async (...bids) => {
      for (const [p, price] of bids) job.addBid(bid(p, price, clock.now()))
      await settle()
    },
    seen: (type) =>
      events
        .filter((e) => type === undefined || e.type === type)
        .map((e) => ('provider' in e && type !== undefined ? `${e.type} ${e.provider}` : e.type)),
  }
}
