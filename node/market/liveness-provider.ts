// The provider's half of liveness (docs/reaward.md): while it works on an accepted award it
// sends the requester a signed heartbeat every interval, and it stops work on an award its
// requester withdrew, told either by a signed AwardRevocation on /hive/revoke or by the
// AWARD_REVOKED answer to a heartbeat. A revocation from anyone but the job's own requester is
// refused (and the work goes on).
import { logger } from '../log/logger.ts'
import { okReply } from '../../protocol/market/direct.ts'
import { signHeartbeat } from '../../protocol/market/heartbeat.ts'
import { validateRevocation } from '../../protocol/market/revocation.ts'
import { handleDirect, sendRequest } from './direct.ts'
import { DEFAULT_LIVENESS } from './liveness.ts'
import type { DirectLibp2p } from './direct.ts'
import type { JobEventSink } from './events.ts'
import type { LivenessPolicy } from './liveness.ts'
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
  private readonly worked = new Map<string, Worked>()
  private unhandle?: () => Promise<void>

  constructor(init: ProviderLivenessInit) {
    this.init = init
    this.intervalMs = init.policy?.heartbeatIntervalMs ?? DEFAULT_LIVENESS.heartbeatIntervalMs
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
    for (const w of this.worked.values()) clearInterval(w.timer)
    this.worked.clear()
  }

  /** an award was accepted: heartbeats start now (the first one at once) */
  started(award: { jobId: JobId; requester: PeerId; awardIndex: number }, controller: AbortController): void {
    const w: Worked = {
      ...award,
      controller,
      stage: 'fetching',
      seq: 0,
      timer: setInterval(() => {
        void this.beat(w)
      }, this.intervalMs),
    }
    w.timer.unref?.()
    this.worked.set(award.jobId, w)
    void this.beat(w)
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
    this.worked.delete(jobId)
  }

  private revoked(jobId: string, reason: string): void {
    const w = this.worked.get(jobId)
    if (w === undefined) return
    log('award of %s revoked by its requester: %s', jobId, reason)
    this.init.emit?.({ type: 'provider:revoked', at: this.init.now(), jobId, reason })
    this.ended(jobId)
    w.controller.abort(new Error(`award revoked by the requester: ${reason}`))
  }

  private async beat(w: Worked): Promise<void> {
    if (this.init.silent === true || this.worked.get(w.jobId) !== w) return
    try {
      const bytes = await signHeartbeat(
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
      const reply = await sendRequest(this.init.libp2p, w.requester, 'heartbeat', bytes, {
        signal: AbortSignal.timeout(Math.max(this.intervalMs, 1_000)),
      })
      // the requester withdrew the award and its revocation did not reach us: stop all the same
      if (reply.code === 'AWARD_REVOKED') this.revoked(w.jobId, 'AWARD_REVOKED')
    } catch (err) {
      log('heartbeat for %s not delivered: %s', w.jobId, (err as Error).message)
    }
  }
}
