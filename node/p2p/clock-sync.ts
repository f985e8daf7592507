// /hive/time/1.0.0 and the node's network-adjusted clock (protocol/clock-offset.ts). A node on
// the system clock asks each peer that speaks the protocol for its time once identify says so,
// and again every few minutes; it answers with its own adjusted time. The node's clock is the
// system clock plus the median offset (itself counting at 0), within the cap. A node given a
// clock by its caller (tests, benchmarks: HiveNodeOptions.now) runs on it unchanged and only answers.
import {
  CLOCK_SYNC,
  decodeTime,
  encodeTime,
  networkOffset,
  offsetSample,
  type NetworkOffset,
} from '../../protocol/clock-offset.ts'
import { logger } from '../log/logger.ts'
import { ReqRespError } from './reqresp/errors.ts'
import { handleProtocol } from './reqresp/inbound.ts'
import { sendRequest } from './reqresp/outbound.ts'
import type { OutcomeCounters } from './reqresp/counters.ts'
import type { ProtocolDescriptor } from './reqresp/types.ts'
import type { HiveLibp2p } from './create.ts'
import type { HiveService } from '../service.ts'
import type { IdentifyResult, PeerId, PeerUpdate } from '@libp2p/interface'

const log = logger('hive:clock')

export const TIME_PROTOCOL = '/hive/time/1.0.0'
const EMPTY = new Uint8Array(0)

function descriptor(answer: () => number): ProtocolDescriptor<Uint8Array, Uint8Array> {
  return {
    id: TIME_PROTOCOL,
    name: 'time',
    request: {
      encode: () => EMPTY,
      decode: (b) => {
        if (b.length !== 0) throw new ReqRespError('MALFORMED', 'a time request is empty')
        return b
      },
    },
    response: { encode: (b) => b, decode: (b) => b },
    maxRequestBytes: 16,
    maxResponseFrameBytes: 8,
    timeouts: { firstByteMs: 2 * CLOCK_SYNC.maxRttMs, exchangeMs: 2 * CLOCK_SYNC.maxRttMs },
    inbound: { maxStreams: 32, maxStreamsPerPeer: 2 },
    rateLimit: { perPeer: { points: 10, seconds: 60 } },
    runOnLimitedConnection: true,
    handler: async () => encodeTime(answer()),
    // an error answer is not a time: the asker counts no sample
    errorResponse: () => EMPTY,
  }
}

export interface ClockStatus extends NetworkOffset {
  /** whether this node corrects its clock (false: its caller gave it one) */
  adjusting: boolean
}

export interface ClockSyncInit {
  /** the clock to correct (the system clock; a test may skew it) */
  system: () => number
  /** a clock the node's caller gave it (tests, benchmarks): run on as is and answered with, never adjusted */
  given?: () => number
  /** how old a peer's sample may grow before it is asked again (default 5 min) */
  resampleMs?: number
  /** peers whose samples are kept, and asked while fewer are fresh (default 16; the oldest goes) */
  maxPeers?: number
}

export class ClockSync implements HiveService {
  readonly name = 'clock'
  private readonly init: Required<Omit<ClockSyncInit, 'given'>> & Pick<ClockSyncInit, 'given'>
  private readonly adjust: boolean
  private offset = 0
  private last: NetworkOffset = { offsetMs: 0, medianMs: 0, peers: 0, capped: false }
  private readonly samples = new Map<string, { offsetMs: number; at: number }>()
  private readonly asking = new Set<string>()
  private libp2p: HiveLibp2p | undefined
  private counters: OutcomeCounters | undefined
  private unhandle: (() => Promise<void>) | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly abort = new AbortController()
  // identify tells a peer's protocols; an identify push (a peer that registered the protocol after
  // its first identify: libp2p starts before the node's services) comes as a peer update
  private readonly onIdentify = (e: CustomEvent<IdentifyResult>): void => {
    this.consider(e.detail.peerId, e.detail.protocols)
  }

  private readonly onPeerUpdate = (e: CustomEvent<PeerUpdate>): void => {
    this.consider(e.detail.peer.id, e.detail.peer.protocols)
  }

  constructor(init: ClockSyncInit) {
    this.init = { resampleMs: 5 * 60_000, maxPeers: 16, ...init }
    this.adjust = init.given === undefined
    this.now = init.given ?? ((): number => this.init.system() + this.offset)
  }

  /** the node's clock: the system clock plus the network's correction (or the clock it was given) */
  readonly now: () => number

  /** libp2p exists only after the clock (libp2p's parts are given the clock): attached before start */
  attach(libp2p: HiveLibp2p, counters: OutcomeCounters): void {
    this.libp2p = libp2p
    this.counters = counters
  }

  async start(): Promise<void> {
    const libp2p = this.libp2p
    if (libp2p === undefined) throw new Error('ClockSync.attach() first')
    this.unhandle = await handleProtocol({ libp2p, counters: this.counters }, descriptor(this.now))
    if (!this.adjust) return
    libp2p.addEventListener('peer:identify', this.onIdentify)
    libp2p.addEventListener('peer:update', this.onPeerUpdate)
    this.timer = setInterval(() => void this.refresh(), this.init.resampleMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    this.abort.abort()
    clearInterval(this.timer)
    this.libp2p?.removeEventListener('peer:identify', this.onIdentify)
    this.libp2p?.removeEventListener('peer:update', this.onPeerUpdate)
    await this.unhandle?.()
    this.unhandle = undefined
  }

  status(): ClockStatus {
    return { ...this.last, adjusting: this.adjust }
  }

  /** asks every connected peer whose sample is stale (or missing) that speaks the protocol */
  async refresh(): Promise<void> {
    const libp2p = this.libp2p
    if (libp2p === undefined) return
    const stale = this.init.system() - this.init.resampleMs
    for (const [peer, s] of this.samples) if (s.at < stale - this.init.resampleMs) this.samples.delete(peer)
    const due = libp2p.getPeers().filter((peer) => (this.samples.get(peer.toString())?.at ?? 0) < stale)
    await Promise.all(
      due.slice(0, Math.max(0, this.init.maxPeers - this.freshSamples())).map(async (peer) => {
        const protocols: string[] = await libp2p.peerStore
          .get(peer)
          .then((p) => p.protocols)
          .catch(() => [])
        if (protocols.includes(TIME_PROTOCOL)) await this.ask(peer)
      }),
    )
    this.recompute()
  }

  /** asks a peer that speaks the protocol and has no fresh sample, while fewer than maxPeers are fresh */
  private consider(peer: PeerId, protocols: readonly string[]): void {
    if (!protocols.includes(TIME_PROTOCOL) || this.freshSamples() >= this.init.maxPeers) return
    const s = this.samples.get(peer.toString())
    if (s !== undefined && s.at >= this.init.system() - this.init.resampleMs) return
    void this.ask(peer)
  }

  private freshSamples(): number {
    const stale = this.init.system() - this.init.resampleMs
    let n = 0
    for (const s of this.samples.values()) if (s.at >= stale) n++
    return n
  }

  /** one sample from `peer`; a failed or slow answer counts nothing */
  async ask(peer: PeerId): Promise<void> {
    const key = peer.toString()
    if (this.libp2p === undefined || this.asking.has(key) || this.abort.signal.aborted) return
    this.asking.add(key)
    try {
      const sentAt = this.init.system()
      const bytes = await sendRequest({ libp2p: this.libp2p }, descriptor(this.now), peer, EMPTY, {
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(2 * CLOCK_SYNC.maxRttMs)]),
      })
      const sample = offsetSample(sentAt, decodeTime(bytes), this.init.system())
      if (sample.rttMs > CLOCK_SYNC.maxRttMs) return
      this.samples.delete(key) // re-inserted last: the map's order is the samples' age
      this.samples.set(key, { offsetMs: sample.offsetMs, at: sentAt })
      while (this.samples.size > this.init.maxPeers) this.samples.delete(this.samples.keys().next().value!)
      this.recompute()
    } catch (err) {
      log('no time from %s: %s', key, (err as Error).message)
    } finally {
      this.asking.delete(key)
    }
  }

  private recompute(): void {
    const next = networkOffset([...this.samples.values()].map((s) => s.offsetMs))
    this.last = next
    if (!this.adjust || next.offsetMs === this.offset) return
    const was = this.offset
    this.offset = next.offsetMs
    const ahead = next.medianMs < 0 ? 'ahead of' : 'behind'
    if (next.offsetMs === 0) log('the system clock agrees with %d peers again: no correction', next.peers)
    else
      log.error(
        'the system clock is %d s %s the median of %d peers: this node runs on it corrected by %d ms%s ' +
          '(was %d ms); fix the clock (NTP)',
        Math.round(Math.abs(next.medianMs) / 1000),
        ahead,
        next.peers,
        next.offsetMs,
        next.capped ? `, the most it corrects (${CLOCK_SYNC.maxAdjustMs / 60_000} min)` : '',
        was,
      )
  }
}
