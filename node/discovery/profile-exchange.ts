// /hive/profiles/1.0.0 (issue 16, requester churn): a node that has just joined asks the peers it
// is connected to for the providers they know. Announcements reach a node only while it listens
// and pushes (profile-push.ts) only from providers it is connected to, so a requester whose one
// connection was its bootstrap (itself no provider) knew no provider: it pushed its first jobs to
// the bootstrap, which refused, gossiped them on a shard no provider had joined, and in a small
// network the DHT held no profile yet either. Those jobs failed NO_BIDS; a newcomer in the
// requester-churn scenario waited over a minute for its first completed job.
//
// The answer is a list of signed profile records as the answering node verified them, each one
// its provider's own signature: the asker verifies every record as if it had heard it announced
// (signature, validity window, newer than the one held) and drops the rest, so a peer can neither
// forge nor alter one. What a peer can do is answer with real profiles of providers that have
// gone (they were valid for their lifetime): the requester's pushes find them unreachable and
// leave them out, as they do after churn. Bounded on both sides: at most MAX_EXCHANGED_PROFILES
// records per answer, requests rate-limited per peer, and a node asks only while its view is cold,
// each peer once, a few peers in all.
import { SeenCache } from '../../protocol/market/seen-cache.ts'
import { logger } from '../log/logger.ts'
import { ReqRespError, readTextRefusal, textRefusal } from '../p2p/reqresp/errors.ts'
import { handleProtocol } from '../p2p/reqresp/inbound.ts'
import { sendRequest } from '../p2p/reqresp/outbound.ts'
import { MAX_PROFILE_RECORD_BYTES } from '../../protocol/profile.ts'
import type { InboundComponents } from '../p2p/reqresp/inbound.ts'
import type { OutboundComponents } from '../p2p/reqresp/outbound.ts'
import type { ProtocolDescriptor } from '../p2p/reqresp/types.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import type { HardwareProfile } from '../../protocol/profile.ts'
import type { IdentifyResult, Libp2p, PeerId } from '@libp2p/interface'

const log = logger('hive:discovery:exchange')

export const PROFILE_EXCHANGE_PROTOCOL = '/hive/profiles/1.0.0'
/** most records one answer carries */
export const MAX_EXCHANGED_PROFILES = 16
/** longest executor class name a request may name ('' asks for every class) */
const MAX_CLASS_BYTES = 64
/** the first byte of an answer: records follow; anything else is an error code in text */
const RECORDS = 0x01

/** longest signed peer record (libp2p's envelope of a peer's own addresses) an answer may carry */
export const MAX_PEER_RECORD_BYTES = 4 * 1024

/**
 * One provider in an answer: its signed profile record, and the signed peer record (its own
 * addresses, as libp2p's identify hands them on) when the answering node holds one. A newcomer
 * has no other way to dial a provider it never met: a public provider's profile carries no
 * addresses, and in a small network peer routing through the DHT may find none yet.
 */
export interface ListedProfile {
  record: Uint8Array
  peerRecord?: Uint8Array
}

const putLength = (out: Uint8Array, at: number, n: number): void => {
  out[at] = n >> 8
  out[at + 1] = n & 0xff
}

/** An answer's wire form: 0x01, then per provider its profile and peer record, each after a 2-byte length (0: none). */
export function encodeProfileList(listed: ListedProfile[]): Uint8Array {
  const list = listed.slice(0, MAX_EXCHANGED_PROFILES)
  const size = list.reduce((n, l) => n + 4 + l.record.byteLength + (l.peerRecord?.byteLength ?? 0), 1)
  const out = new Uint8Array(size)
  out[0] = RECORDS
  let at = 1
  for (const { record, peerRecord = new Uint8Array(0) } of list) {
    if (
      record.byteLength === 0 ||
      record.byteLength > MAX_PROFILE_RECORD_BYTES ||
      peerRecord.byteLength > MAX_PEER_RECORD_BYTES
    )
      throw new RangeError('a record is larger than the protocol allows')
    putLength(out, at, record.byteLength)
    out.set(record, at + 2)
    at += 2 + record.byteLength
    putLength(out, at, peerRecord.byteLength)
    out.set(peerRecord, at + 2)
    at += 2 + peerRecord.byteLength
  }
  return out
}

/** Reads an answer; throws MALFORMED on anything but a well-formed list within the bounds. */
export function decodeProfileList(bytes: Uint8Array): ListedProfile[] {
  const malformed = (why: string): never => {
    throw new ReqRespError('MALFORMED', `profile list: ${why}`, { protocol: 'profile-exchange' })
  }
  if (bytes[0] !== RECORDS) malformed('no record list')
  let at = 1
  const field = (max: number, what: string): Uint8Array => {
    if (at + 2 > bytes.byteLength) malformed(`a length cut short`)
    const n = (bytes[at]! << 8) | bytes[at + 1]!
    if (n > max) malformed(`a ${what} of ${n} bytes`)
    if (at + 2 + n > bytes.byteLength) malformed(`a ${what} cut short`)
    const value = bytes.slice(at + 2, at + 2 + n)
    at += 2 + n
    return value
  }
  const out: ListedProfile[] = []
  while (at < bytes.byteLength) {
    if (out.length === MAX_EXCHANGED_PROFILES) malformed(`more than ${MAX_EXCHANGED_PROFILES} profiles`)
    const record = field(MAX_PROFILE_RECORD_BYTES, 'profile record')
    if (record.byteLength === 0) malformed('an empty profile record')
    const peerRecord = field(MAX_PEER_RECORD_BYTES, 'peer record')
    out.push(peerRecord.byteLength > 0 ? { record, peerRecord } : { record })
  }
  return out
}

/** The providers this node lists for a class ('' every class), best first. */
export type ServeProfiles = (executor: string) => Promise<ListedProfile[]>

/**
 * The protocol; `answer` gives the wire answer to a request (the node's: its view's records,
 * encodeProfileList). Exported for the attack tests, whose peers answer what they like.
 */
export function profileExchangeProtocol(
  answer?: (executor: string) => Promise<Uint8Array>,
): ProtocolDescriptor<string, Uint8Array> {
  return {
    id: PROFILE_EXCHANGE_PROTOCOL,
    name: 'profile-exchange',
    request: {
      encode: (executor) => new TextEncoder().encode(executor),
      decode: (bytes) => {
        const executor = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
        if (!/^[a-z0-9-]*$/.test(executor)) throw new ReqRespError('INVALID_REQUEST', 'not an executor class name')
        return executor
      },
    },
    response: { encode: (b) => b, decode: (b) => b },
    maxRequestBytes: MAX_CLASS_BYTES,
    maxResponseFrameBytes: 1 + MAX_EXCHANGED_PROFILES * (4 + MAX_PROFILE_RECORD_BYTES + MAX_PEER_RECORD_BYTES),
    timeouts: { firstByteMs: 2_000, exchangeMs: 4_000 },
    inbound: { maxStreams: 32, maxStreamsPerPeer: 2 },
    rateLimit: { perPeer: { points: 10, seconds: 60 } },
    strikes: { points: 3, seconds: 60 },
    handler: async (executor) => (await answer?.(executor)) ?? encodeProfileList([]),
    errorResponse: textRefusal,
    responseError: (b) =>
      b[0] === RECORDS ? undefined : readTextRefusal(b, 'the peer refused to list its profiles', 'profile-exchange'),
  }
}

/** Asks `peer` for the providers of `executor` it knows; the records as sent, not yet verified. */
export async function askProfiles(
  components: OutboundComponents,
  peer: PeerId,
  executor: string,
  signal: AbortSignal,
): Promise<ListedProfile[]> {
  return decodeProfileList(await sendRequest(components, profileExchangeProtocol(), peer, executor, { signal }))
}

export interface ProfileExchangeInit {
  libp2p: InboundComponents['libp2p'] &
    OutboundComponents['libp2p'] &
    Pick<Libp2p, 'addEventListener' | 'removeEventListener' | 'getPeers' | 'getConnections' | 'peerStore'>
  counters?: InboundComponents['counters']
  serve: ServeProfiles
  /** verifies a profile record and takes it into the view if it is valid and newer; the profile taken */
  take: (record: Uint8Array) => Promise<HardwareProfile | undefined>
  /** whether the view may be missing providers (not warm yet): only then does this node ask */
  cold: () => boolean
  /** most peers asked on connecting (default 3) */
  maxAsked?: number
}

/**
 * Serves this node's view, and fills it from the first few peers it connects to while it is cold
 * (start()/stop()). `askConnected` asks peers not asked yet, for a lookup that found nothing.
 */
export class ProfileExchange {
  private readonly init: ProfileExchangeInit
  /** peers asked already (each once while it is remembered; bounded) */
  private readonly asked = new SeenCache({ capacity: 1024, ttlMs: 30 * 60_000 })
  private unserve: (() => Promise<void>) | undefined
  private stopping = new AbortController()
  private readonly counts = { asked: 0, received: 0, taken: 0, failed: 0 }

  private readonly onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, connection } = evt.detail
    if (!protocols.includes(PROFILE_EXCHANGE_PROTOCOL) || !this.init.cold()) return
    // over a relayed connection an ask would dial the peer anew (the protocol does not run on
    // limited connections): a private peer would open a direct connection the relay was for
    if (connection.limits !== undefined) return
    if (this.asked.size >= (this.init.maxAsked ?? 3)) return
    void this.ask(peerId, '', AbortSignal.timeout(4_000))
  }

  constructor(init: ProfileExchangeInit) {
    this.init = init
  }

  async start(): Promise<void> {
    if (this.unserve !== undefined) return
    this.stopping = new AbortController()
    this.unserve = await handleProtocol(
      { libp2p: this.init.libp2p, ...(this.init.counters !== undefined ? { counters: this.init.counters } : {}) },
      profileExchangeProtocol(async (executor) => encodeProfileList(await this.init.serve(executor))),
    )
    this.init.libp2p.addEventListener('peer:identify', this.onIdentify)
    // peers identified before we listened (the bootstrap, dialled as libp2p started)
    if (this.init.cold())
      for (const peer of this.init.libp2p
        .getPeers()
        .filter((p) => this.direct(p))
        .slice(0, this.init.maxAsked ?? 3))
        void this.ask(peer, '', AbortSignal.timeout(4_000))
  }

  async stop(): Promise<void> {
    if (this.unserve === undefined) return
    this.init.libp2p.removeEventListener('peer:identify', this.onIdentify)
    this.stopping.abort()
    await this.unserve()
    this.unserve = undefined
  }

  /** Asks, for `executor`'s providers, up to `max` connected peers not asked yet; resolves with the profiles taken. */
  async askConnected(executor: string, signal: AbortSignal, max = 2): Promise<number> {
    const peers = this.init.libp2p.getPeers().filter((p) => !this.asked.has(p.toString(), Date.now()) && this.direct(p))
    const taken = await Promise.all(peers.slice(0, max).map(async (p) => await this.ask(p, executor, signal)))
    return taken.reduce((a, b) => a + b, 0)
  }

  /** Whether we hold a direct (unlimited) connection to `peer`: only those are asked. */
  private direct(peer: PeerId): boolean {
    return this.init.libp2p.getConnections(peer).some((c) => c.limits === undefined)
  }

  /** Asks, sent, and records received and taken (metrics, tests). */
  stats(): Readonly<{ asked: number; received: number; taken: number; failed: number }> {
    return { ...this.counts }
  }

  private async ask(peer: PeerId, executor: string, signal: AbortSignal): Promise<number> {
    const id = peer.toString()
    if (this.unserve === undefined || !this.asked.add(id, Date.now())) return 0
    this.counts.asked++
    let records: ListedProfile[]
    try {
      records = await askProfiles(
        { libp2p: this.init.libp2p },
        peer,
        executor,
        AbortSignal.any([signal, this.stopping.signal]),
      )
    } catch (err) {
      // a peer without the protocol (an older node), gone, or answering garbage: ask another
      this.counts.failed++
      log('asking %s for profiles failed: %s', id, (err as Error).message)
      return 0
    }
    this.counts.received += records.length
    let taken = 0
    for (const { record, peerRecord } of records) {
      const profile = await this.init.take(record)
      if (profile === undefined) continue
      taken++
      // its addresses, signed by the provider itself: the peer store checks the signature and
      // that the signer is the profile's peer (a record of anyone else's is refused)
      if (peerRecord !== undefined)
        await this.init.libp2p.peerStore
          .consumePeerRecord(peerRecord, { expectedPeer: peerIdFromString(profile.peerId) })
          .catch((err: unknown) => {
            log('the peer record listed with %s was refused: %s', profile.peerId, (err as Error).message)
          })
    }
    this.counts.taken += taken
    log('%s listed %d profiles, %d taken', id, records.length, taken)
    return taken
  }
}
