// The requester's half of liveness (docs/reaward.md): takes heartbeats on /hive/heartbeat,
// hears connections drop, watches every accepted award through the LivenessMonitor, and when a
// provider is taken for dead hands the award to `revoke` (which withdraws it and re-awards the
// slot) and tells the provider, best effort, with a signed AwardRevocation on /hive/revoke.
import { logger } from '../log/logger.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { okReply } from '../../protocol/market/direct.ts'
import { validateHeartbeat } from '../../protocol/market/heartbeat.ts'
import { MAX_MESSAGE_BYTES } from '../../protocol/market/bounds.ts'
import { signRevocation } from '../../protocol/market/revocation.ts'
import { handleDirect, sendRequest } from './direct.ts'
import { LivenessMonitor } from './liveness.ts'
import type { DirectLibp2p } from './direct.ts'
import type { JobEvent } from './events.ts'
import type { DeathVerdict, LivenessPolicy } from './liveness.ts'
import type { HeartbeatAwardContext } from '../../protocol/market/heartbeat.ts'
import type { OutcomeCounters } from '../p2p/reqresp/index.ts'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'

const log = logger('hive:market:liveness')

export type LivenessLibp2p = DirectLibp2p & Pick<Libp2p, 'peerId' | 'addEventListener' | 'removeEventListener'>

export interface RequesterLivenessInit {
  libp2p: LivenessLibp2p
  privateKey: PrivateKey
  now: () => number
  policy?: Partial<LivenessPolicy>
  counters?: OutcomeCounters
  /** the award of `jobId` to `provider`, as a heartbeat sees it (undefined: no such award) */
  lookupAward: (jobId: string, provider: string) => HeartbeatAwardContext | undefined
  /**
   * withdraws a dead provider's award and re-awards its slot; resolves with the slot withdrawn
   * (undefined: the award was no longer running, nothing to tell the provider)
   */
  revoke: (verdict: DeathVerdict) => Promise<number | undefined>
  /**
   * the award was withdrawn and `envelope` is the signed AwardRevocation about to be sent: journal
   * it and let go of the money secured for it. Awaited before the send; a throw is logged.
   */
  revoked?: (verdict: DeathVerdict, slot: number, envelope: Uint8Array) => Promise<void>
  /** a checked heartbeat carried live job output (docs/job-logs.md) */
  onLog?: (jobId: string, provider: string, chunk: { offset: number; data: Uint8Array }) => void
}

export class RequesterLiveness {
  readonly monitor: LivenessMonitor
  private readonly init: RequesterLivenessInit
  private unhandle?: () => Promise<void>
  private readonly onDisconnect = (e: CustomEvent<PeerId>): void => {
    this.monitor.disconnected(e.detail.toString())
  }

  constructor(init: RequesterLivenessInit) {
    this.init = init
    this.monitor = new LivenessMonitor({
      policy: init.policy,
      now: init.now,
      isConnected: (provider) => init.libp2p.getConnections(peerIdFromString(provider)).length > 0,
      onDead: (verdict) => {
        void this.dead(verdict)
      },
    })
  }

  async start(): Promise<void> {
    const { libp2p, counters } = this.init
    // 1.0.0 for older providers, 1.1.0 for heartbeats that may carry live job output (larger frames)
    const handlers = await Promise.all(
      (['heartbeat', 'heartbeatLog'] as const).map(
        async (protocol) =>
          await handleDirect({
            libp2p,
            ...(counters !== undefined ? { counters } : {}),
            protocol,
            handle: async (bytes, from) => {
              const hb = await validateHeartbeat(bytes, {
                now: this.init.now(),
                self: libp2p.peerId,
                expectedProvider: from,
                lookupAward: (jobId, provider) => this.init.lookupAward(jobId, provider.toString()),
                maxBytes: MAX_MESSAGE_BYTES[protocol === 'heartbeat' ? 'heartbeat' : 'heartbeatWithLog'],
              })
              this.monitor.beat(hb.jobId, hb.provider.toString(), hb.stage)
              if (hb.log !== undefined) this.init.onLog?.(hb.jobId, hb.provider.toString(), hb.log)
              return okReply()
            },
          }),
      ),
    )
    this.unhandle = async () => {
      for (const u of handlers) await u()
    }
    libp2p.addEventListener('peer:disconnect', this.onDisconnect)
  }

  async stop(): Promise<void> {
    this.init.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    await this.unhandle?.()
    this.unhandle = undefined
    this.monitor.stop()
  }

  /** follows the market's job events: which awards are live and need watching */
  onJobEvent(e: JobEvent): void {
    switch (e.type) {
      case 'job:accepted':
        this.monitor.watch(e.jobId, e.provider)
        break
      case 'job:result':
      case 'job:declined':
      case 'job:reawarded':
        this.monitor.unwatch(e.jobId, e.provider)
        break
      case 'job:verified':
      case 'job:failed':
        this.monitor.unwatch(e.jobId)
        break
      default:
        break
    }
  }

  private async dead(verdict: DeathVerdict): Promise<void> {
    let slot: number | undefined
    try {
      slot = await this.init.revoke(verdict)
    } catch (err) {
      log.error('revoking %s of %s failed: %s', verdict.provider, verdict.jobId, (err as Error).message)
      return
    }
    if (slot === undefined) return
    const provider = peerIdFromString(verdict.provider)
    let bytes: Uint8Array
    try {
      bytes = await signRevocation(
        { jobId: verdict.jobId, provider, awardIndex: slot, reason: verdict.reason, issuedAt: this.init.now() },
        this.init.privateKey,
      )
    } catch (err) {
      log.error('signing the revocation of %s failed: %s', verdict.jobId, (err as Error).message)
      return
    }
    try {
      await this.init.revoked?.(verdict, slot, bytes)
    } catch (err) {
      // the award stays withdrawn: a lost journal entry or a failed refund must not keep it alive
      log.error('after revoking %s of %s: %s', verdict.provider, verdict.jobId, (err as Error).message)
    }
    // best effort: a dead provider will not hear it; a live but cut-off one learns it from the
    // AWARD_REVOKED answer to its next heartbeat, and its result is refused either way
    try {
      if (this.init.libp2p.getConnections(provider).length === 0) return
      await sendRequest(this.init.libp2p, provider, 'revoke', bytes, { signal: AbortSignal.timeout(2_000) })
    } catch (err) {
      log('revocation of %s could not be delivered to %s: %s', verdict.jobId, verdict.provider, (err as Error).message)
    }
  }
}
