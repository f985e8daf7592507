// What the market tells the node's local clients as a job moves on (the CLI's live progress),
// and the services around it (MarketEvents, below).
import type { PaymentMode } from '../../protocol/payment-mode.ts'
import type { JobRecord } from './job-record.ts'

export type { JobPhase } from '../api/contract/views/jobs.ts'

export type JobEvent =
  | { type: 'job:posted'; at: number; jobId: string; pushedTo: number }
  | { type: 'job:bid'; at: number; jobId: string; provider: string; price: string; bids: number }
  | { type: 'job:awarded'; at: number; jobId: string; provider: string; price: string; slot: number }
  | { type: 'job:accepted'; at: number; jobId: string; provider: string; price: string; slot: number }
  | { type: 'job:declined'; at: number; jobId: string; provider: string; reason: string }
  | { type: 'job:result'; at: number; jobId: string; provider: string; status: string; outputCid?: string }
  | { type: 'job:reawarded'; at: number; jobId: string; provider: string; reason: string }
  // the award's provider was taken for dead and its award withdrawn (docs/reaward.md); the slot is re-awarded
  | {
      type: 'job:revoked'
      at: number
      jobId: string
      provider: string
      slot: number
      reason: string
      silentForMs: number
      /** heartbeats taken for the award before the verdict, and the stage the last one named */
      heartbeats?: number
      lastStage?: string
    }
  // every awarded provider died and no bid was left: bidding re-opened with a signed BidReopen (docs/reaward.md)
  | { type: 'job:reopened'; at: number; jobId: string; sequence: number; bidsCloseAt: number; asked: number }
  | { type: 'job:verified'; at: number; jobId: string; outputCid: string; providers: string[]; dissenters: string[] }
  | { type: 'job:failed'; at: number; jobId: string; reason: string; message: string }
  // live output of a running job (stderr only, never stdout; docs/job-logs.md): the text added
  | { type: 'job:log'; at: number; jobId: string; provider: string; text: string; progress?: number }
  // provider side
  | { type: 'provider:bid'; at: number; jobId: string; requester: string; price: string }
  | { type: 'provider:accepted'; at: number; jobId: string; requester: string; price: string }
  | { type: 'provider:declined'; at: number; jobId: string; reason: string }
  | { type: 'provider:revoked'; at: number; jobId: string; reason: string }
  /** a result that found no way to its requester; `retryInMs` null: given up */
  | {
      type: 'provider:result-undelivered'
      at: number
      jobId: string
      attempt: number
      error: string
      retryInMs: number | null
    }
  | {
      type: 'provider:completed'
      at: number
      jobId: string
      status: string
      outputCid?: string
      wallMs: number
      /** the run's peak WebAssembly memory (metrics); absent when the job never ran */
      peakMemoryBytes?: number
    }

export type JobEventSink = (event: JobEvent) => void

// What the market tells the services around it (payments) as a job moves on. Unlike the
// progress feed above, each emit is awaited: it resolves once every subscriber handled the
// event, and a subscriber's throw fails the market's step, as a refused payment must (no award
// without a secured payment; no output fetched before it is paid for: fair exchange).

export interface MarketEventMap {
  /** requester: a bid the job keeps names the address its provider is to be paid at */
  'bid:kept': { jobId: string; provider: string; payoutAddress: string }
  /** requester: bids the job dropped (never to be paid) */
  'bid:released': { jobId: string; providers: string[] }
  /** requester, on a provider's signed acceptance: secure the payment (a throw fails the award) */
  'award:accepted': { jobId: string; payment: PaymentMode; provider: string; price: bigint; deadline: number }
  /**
   * requester, on every Result that carries a commitment (a throw: the commitment is refused);
   * `onlyContradiction` for results outside a live award (no `provider`), which may only complete evidence
   */
  'result:commitment': {
    jobId: string
    provider?: string
    commitment: Uint8Array
    signature: Uint8Array
    onlyContradiction?: boolean
  }
  /**
   * requester: the award of `provider` was revoked (taken for dead, docs/reaward.md) before any
   * result came; whatever was secured for it goes back (escrow: cancelled at once)
   */
  'award:revoked': { jobId: string; payment: PaymentMode; provider: string; slot: number; reason: string }
  /** requester, once per provider whose committed output won, before fetching it: pay it (idempotent) */
  'output:verified': { jobId: string; payment: PaymentMode; provider: string; price: bigint; outputCid: string }
  /** requester: the job ended (completed or failed); every accepted award is paid or rejected */
  'job:settled': { record: JobRecord }
}

export type MarketEventType = keyof MarketEventMap
export type MarketEventListener<K extends MarketEventType> = (event: MarketEventMap[K]) => Promise<void> | void

/** The market's typed, awaited event emitter: listeners run one after another, in subscription order. */
export class MarketEvents {
  private readonly listeners = new Map<MarketEventType, Array<MarketEventListener<never>>>()

  /** Subscribe; the returned function unsubscribes. */
  on<K extends MarketEventType>(type: K, listener: MarketEventListener<K>): () => void {
    const list = this.listeners.get(type) ?? []
    list.push(listener as MarketEventListener<never>)
    this.listeners.set(type, list)
    return () => {
      const at = list.indexOf(listener as MarketEventListener<never>)
      if (at >= 0) list.splice(at, 1)
    }
  }

  /** Resolves once every listener handled `event`; rejects with the first listener's error. */
  async emit<K extends MarketEventType>(type: K, event: MarketEventMap[K]): Promise<void> {
    for (const listener of [...(this.listeners.get(type) ?? [])]) await (listener as MarketEventListener<K>)(event)
  }

  listenerCount(type: MarketEventType): number {
    return this.listeners.get(type)?.length ?? 0
  }
}
