// The provider's half of liveness (docs/reaward.md): while it works on an accepted award it
// sends the requester a signed heartbeat every interval, and it stops work on an award its
// requester withdrew, told either by a signed AwardRevocation on /hive/revoke or by the
// AWARD_REVOKED answer to a heartbeat. A revocation from anyone but the job's own requester is
// refused (and the work goes on). Heartbeats also carry the job's live output (stderr only,
// docs/job-logs.md): a chunk at most every LOG_MIN_INTERVAL_MS, the unsent rest bounded.
import { setTimeout as delay } from 'node:timers/promises'
import { logger } from '../log/logger.ts'
import { okReply } from '../../protocol/market/direct.ts'
import { ReplyStatus, type Reply } from '../../protocol/gen/market.ts'
import { signHeartbeat } from '../../protocol/market/heartbeat.ts'
import { LOG_MIN_INTERVAL_MS, LogOutbox } from '../../protocol/market/job-log.ts'
import { validateRevocation } from '../../protocol/market/revocation.ts'
import { handleDirect, sendRequest, unsupportedProtocol } from './direct.ts'
import { DEFAULT_LIVENESS } from './liveness.ts'
import type { DirectLibp2p } from './direct.ts'
import type { JobEventSink } from './events.ts'
import type { LivenessPolicy } from './liveness.ts'
import type { LogChunk } from '../exec/types.ts'
import type { HeartbeatStage } from '../../protocol/market/heartbeat.ts'
import type { OutcomeCounters } from '../p2p/reqresp/index.ts'
import type { JobId } from '../../protocol/market/job-id.ts'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'

const log = logger('hive:market:liveness')

interface Worked {
  jobId: JobId
  requester: PeerId
  awardIndex: number
  controller: AbortController
  stage: HeartbeatStage
  seq: number
  timer: ReturnType<typeof setInterval>
  /** live output not yet delivered */
  outbox: LogOutbox
  /** when the last log-bearing heartbeat left (performance.now()) */
  lastLogAt: number
  /** the heartbeat on the wire, if any (one at a time per award) */
  flight?: Promise<void>
  /** an early heartbeat scheduled to carry pending output */
  logTimer?: ReturnType<typeof setTimeout>
  /** the requester does not speak /hive/heartbeat/1.1.0: heartbeats go without output */
  noLog?: boolean
}

export interface ProviderLivenessInit {
  libp2p: DirectLibp2p & Pick<Libp2p, 'peerId'>
  privateKey: PrivateKey
  now: () => number
  policy?: Partial<LivenessPolicy>
  counters?: OutcomeCounters
  emit?: JobEventSink
  /** for tests of the requester's defences: never send a heartbeat */
  silent?: boolean
}

export class ProviderLiveness {
  private readonly init: ProviderLivenessInit
  private readonly intervalMs: number
  private readonly commitContactMs: number
  private readonly worked = new Map<string, Worked>()
  private unhandle?: () => Promise<void>

  constructor(init: ProviderLivenessInit) {
    this.init = init
    this.intervalMs = init.policy?.heartbeatIntervalMs ?? DEFAULT_LIVENESS.heartbeatIntervalMs
    this.commitContactMs = init.policy?.commitContactMs ?? DEFAULT_LIVENESS.commitContactMs
  }

  async start(): Promise<void> {
    const { libp2p, counters } = this.init
    this.unhandle = await handleDirect({
      libp2p,
      ...(counters !== undefined ? { counters } : {}),
      protocol: 'revoke',
      handle: async (bytes, from) => {
        const r = await validateRevocation(bytes, {
          now: this.init.now(),
          self: libp2p.peerId,
          expectedRequester: from,
          lookupAward: (jobId) => {
            const w = this.worked.get(jobId)
            return w === undefined ? undefined : { requester: w.requester, awardIndex: w.awardIndex }
          },
        })
        this.revoked(r.jobId, r.reason)
        return okReply()
      },
    })
  }

  async stop(): Promise<void> {
    await this.unhandle?.()
    this.unhandle = undefined
    for (const w of this.worked.values()) {
      clearInterval(w.timer)
      clearTimeout(w.logTimer)
    }
    this.worked.clear()
  }

  /**
   * An award was accepted: heartbeats start, the first an interval from now. The acceptance is
   * the requester's first sign of life; a heartbeat sent with it came while the requester was
   * still checking the acceptance, not yet watching the award, and was dropped.
   */
  started(award: { jobId: JobId; requester: PeerId; awardIndex: number }, controller: AbortController): void {
    const w: Worked = {
      ...award,
      controller,
      stage: 'fetching',
      seq: 0,
      timer: setInterval(() => {
        void this.beat(w)
      }, this.intervalMs),
      outbox: new LogOutbox(),
      lastLogAt: -Infinity,
    }
    w.timer.unref?.()
    this.worked.set(award.jobId, w)
  }

  /** what the award's work is doing now (carried by the next heartbeats) */
  stage(jobId: string, stage: HeartbeatStage): void {
    const w = this.worked.get(jobId)
    if (w !== undefined) w.stage = stage
  }

  /** the award's work ended (result sent, failed or aborted): no more heartbeats */
  ended(jobId: string): void {
    const w = this.worked.get(jobId)
    if (w === undefined) return
    clearInterval(w.timer)
    clearTimeout(w.logTimer)
    this.worked.delete(jobId)
  }

  /** live output of the award's job (stderr): goes out with the next heartbeats */
  log(jobId: string, chunk: LogChunk): void {
    const w = this.worked.get(jobId)
    if (w === undefined || w.noLog === true) return
    w.outbox.push(chunk.data, chunk.skipped)
    this.scheduleLog(w)
  }

  /**
   * Sends what is left of the output before the result goes (so the requester sees the log
   * first): a few heartbeats back to back, each bounded by its timeout; undelivered bytes are lost.
   */
  async flushLog(jobId: string): Promise<void> {
    const w = this.worked.get(jobId)
    if (w === undefined) return
    for (let i = 0; i < 3 && w.outbox.size > 0 && this.worked.get(jobId) === w; i++) await this.beat(w, true)
  }

  private scheduleLog(w: Worked): void {
    if (w.logTimer !== undefined || w.flight !== undefined || w.outbox.size === 0) return
    const wait = Math.max(0, w.lastLogAt + LOG_MIN_INTERVAL_MS - performance.now())
    w.logTimer = setTimeout(() => {
      w.logTimer = undefined
      void this.beat(w)
    }, wait)
    w.logTimer.unref?.()
  }

  /**
   * Escrow, before the result is committed on chain: does the requester still hold this award?
   * A heartbeat now and, while none gets through, another every interval, for the policy's
   * `commitContactMs` at most and never past `deadline` (the award's, unix ms). 'revoked': the
   * requester answered AWARD_REVOKED (the work is aborted as for any revocation); 'live': it
   * answered otherwise, or it is reachable but speaks no heartbeat protocol; 'unreachable':
   * nothing got through in time (a silent provider, a test double, is always this).
   */
  async confirmAward(
    jobId: string,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<'live' | 'revoked' | 'unreachable'> {
    if (this.init.silent === true) return 'unreachable'
    const w = this.worked.get(jobId)
    if (w === undefined) return 'live'
    const maxWaitMs = Math.min(this.commitContactMs, Math.max(0, deadline - this.init.now()))
    const giveUpAt = performance.now() + maxWaitMs
    for (;;) {
      signal?.throwIfAborted()
      try {
        const reply = await this.deliver(w, await this.plainHeartbeat(w), false)
        if (reply.code !== 'AWARD_REVOKED') return 'live'
        this.revoked(w.jobId, 'AWARD_REVOKED')
        return 'revoked'
      } catch (err) {
        // reachable, but it takes no heartbeats (an old or minimal requester): it can withdraw an
        // award only by /hive/revoke, which would have reached us over the same connection
        if (unsupportedProtocol(err)) return 'live'
        log('award of %s not confirmed yet: %s', jobId, (err as Error).message)
      }
      const left = giveUpAt - performance.now()
      if (left <= 0) {
        log('requester of %s unreachable for %d ms: taken for gone', jobId, maxWaitMs)
        return 'unreachable'
      }
      await delay(Math.min(this.intervalMs, left), undefined, { signal })
    }
  }

  private revoked(jobId: string, reason: string): void {
    const w = this.worked.get(jobId)
    if (w === undefined) return
    log('award of %s revoked by its requester: %s', jobId, reason)
    this.init.emit?.({ type: 'provider:revoked', at: this.init.now(), jobId, reason })
    this.ended(jobId)
    w.controller.abort(new Error(`award revoked by the requester: ${reason}`))
  }

  private async beat(w: Worked, flush = false): Promise<void> {
    if (this.init.silent === true || this.worked.get(w.jobId) !== w) return
    if (w.flight !== undefined) {
      // one heartbeat at a time; a flush waits for the one on the wire and then sends its own
      if (!flush) return
      await w.flight
      if (this.worked.get(w.jobId) !== w) return
    }
    const flight = this.send(w, flush)
    w.flight = flight
    try {
      await flight
    } finally {
      w.flight = undefined
      if (this.worked.get(w.jobId) === w) this.scheduleLog(w)
    }
  }

  private async send(w: Worked, flush: boolean): Promise<void> {
    const t = performance.now()
    const chunk = flush || t - w.lastLogAt >= LOG_MIN_INTERVAL_MS ? w.outbox.peek() : undefined
    if (chunk !== undefined) w.lastLogAt = t
    try {
      const bytes = await signHeartbeat(
        {
          jobId: w.jobId,
          requester: w.requester,
          awardIndex: w.awardIndex,
          seq: ++w.seq,
          sentAt: this.init.now(),
          stage: w.stage,
          ...(chunk !== undefined ? { log: chunk } : {}),
        },
        this.init.privateKey,
      )
      const reply = await this.deliver(w, bytes, chunk !== undefined)
      // the requester withdrew the award and its revocation did not reach us: stop all the same
      if (reply.code === 'AWARD_REVOKED') this.revoked(w.jobId, 'AWARD_REVOKED')
      else if (chunk !== undefined && reply.status === ReplyStatus.REPLY_OK)
        w.outbox.ack(chunk.offset + chunk.data.length)
    } catch (err) {
      log('heartbeat for %s not delivered: %s', w.jobId, (err as Error).message)
    }
  }

  /** on 1.1.0 when it carries output; a requester without 1.1.0 gets it again without, on 1.0.0 */
  private async deliver(w: Worked, bytes: Uint8Array, withLog: boolean): Promise<Reply> {
    // a heartbeat is worth delivering late: cut off at one interval, it was reset in the requester's
    // receive queue whenever that requester's event loop lagged by more (a soak near capacity: loop
    // delay p99 1.1 s, 3,000 awards revoked for silence at 4.2 s). One is in flight at a time.
    const options = { signal: AbortSignal.timeout(Math.max(3 * this.intervalMs, 3_000)) }
    if (!withLog) return await sendRequest(this.init.libp2p, w.requester, 'heartbeat', bytes, options)
    try {
      return await sendRequest(this.init.libp2p, w.requester, 'heartbeatLog', bytes, options)
    } catch (err) {
      if (!unsupportedProtocol(err)) throw err
    }
    w.noLog = true
    w.outbox = new LogOutbox()
    return await sendRequest(this.init.libp2p, w.requester, 'heartbeat', await this.plainHeartbeat(w), options)
  }

  /** the award's next heartbeat, signed, without output */
  private async plainHeartbeat(w: Worked): Promise<Uint8Array> {
    return await signHeartbeat(
      {
        jobId: w.jobId,
        requester: w.requester,
        awardIndex: w.awardIndex,
        seq: ++w.seq,
        sentAt: this.init.now(),
        stage: w.stage,
      },
      this.init.privateKey,
    )
  }
}
