// One request, one reply: how the market's direct protocols (/hive/request, /hive/bid,
// /hive/award, /hive/result) talk, as descriptors on the request/response layer. The asker
// writes one length-prefixed signed envelope and reads one length-prefixed Reply (the framing
// is the layer's and unchanged, so the ids keep version 1); the layer bounds what is read,
// rate-limits per peer, refuses peers with too many invalid requests, and times out stalls.
import { Reply, ReplyStatus } from '../../protocol/gen/market.ts'
import { decodeReply, errorReply, statusReply } from '../../protocol/market/direct.ts'
import { MarketValidationError, isMarketValidationError } from '../../protocol/market/errors.ts'
import { MESSAGE_BOUNDS } from '../../protocol/market/bounds.ts'
import { DIRECT_LIMITS, PROTOCOLS } from '../../protocol/topics.ts'
import { ReqRespError, bytesCodec, handleProtocol, sendRequest as ask } from '../p2p/reqresp/index.ts'
import { LruCache } from '../util/lru-cache.ts'
import type { DirectProtocol } from '../../protocol/topics.ts'
import type { Outcome, OutcomeCounters, ProtocolDescriptor } from '../p2p/reqresp/index.ts'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type MarketProtocol = Exclude<DirectProtocol, 'audit' | 'blob' | 'voucher'>
export type DirectLibp2p = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol' | 'peerStore' | 'getConnections'>

export interface RequestOptions {
  signal?: AbortSignal
  /** addresses to try when the peer is not known yet (e.g. a requester's advertised addrs) */
  addrs?: Multiaddr[]
}

export interface DirectHandlerInit {
  libp2p: DirectLibp2p
  protocol: MarketProtocol
  /** answers a request; returns the encoded Reply. Throwing a MarketValidationError replies INVALID/IGNORED */
  handle: (bytes: Uint8Array, from: PeerId, connection: Connection) => Promise<Uint8Array>
  /** requests per peer per window (default 100 per second) */
  requestsPerSecond?: number
  /** after this many invalid requests in a minute a peer is refused for the rest of it (default 10) */
  invalidPerMinute?: number
  /** streams open at once from one peer (default 256) */
  maxInboundStreams?: number
  timeoutMs?: number
  /** counts outcomes by a fixed set of labels (for metrics and tests) */
  onOutcome?: (outcome: DirectOutcome, from: PeerId) => void
  counters?: OutcomeCounters
}

export type DirectOutcome = 'ok' | 'invalid' | 'ignored' | 'rate-limited' | 'error'

const DEFAULT_TIMEOUT_MS = 10_000

/** The layer's outcome in the market's older, coarser labels (kept: provider gossip counters use them). */
const OUTCOMES: Partial<Record<Outcome, DirectOutcome>> = {
  OK: 'ok',
  INVALID_REQUEST: 'invalid',
  OVERSIZED: 'invalid',
  MALFORMED: 'invalid',
  TIMEOUT: 'invalid',
  IGNORED: 'ignored',
  RATE_LIMITED: 'rate-limited',
}

/** A typed error as the market's Reply message: the same statuses and codes as before the layer. */
function replyFor(e: ReqRespError): Uint8Array {
  if (isMarketValidationError(e.cause)) return errorReply(e.cause)
  switch (e.code) {
    case 'RATE_LIMITED':
      return statusReply(ReplyStatus.REPLY_RATE_LIMITED, 'RATE_LIMITED', e.message)
    case 'OVERSIZED':
    case 'MALFORMED':
      return errorReply(new MarketValidationError(e.code, e.message))
    case 'TIMEOUT': {
      const message = e.message.slice(0, MESSAGE_BOUNDS.maxReplyMessageLength)
      return Reply.encode({ status: ReplyStatus.REPLY_INVALID, code: 'TIMEOUT', message, envelope: new Uint8Array(0) })
    }
    default:
      return errorReply(e)
  }
}

/** The descriptor of one market protocol; `handle` is only needed on the answering side. */
export function marketProtocol(
  protocol: MarketProtocol,
  handle?: DirectHandlerInit['handle'],
  init: Partial<DirectHandlerInit> = {},
): ProtocolDescriptor<Uint8Array, Uint8Array> {
  const limits = DIRECT_LIMITS[protocol]
  const exchangeMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const perPeer = init.maxInboundStreams ?? 256
  return {
    id: PROTOCOLS[protocol],
    name: protocol,
    request: bytesCodec,
    response: bytesCodec,
    maxRequestBytes: limits.maxRequestBytes,
    maxResponseFrameBytes: limits.maxResponseFrameBytes,
    timeouts: { firstByteMs: exchangeMs, exchangeMs },
    inbound: { maxStreams: perPeer * 4, maxStreamsPerPeer: perPeer },
    rateLimit: { perPeer: { points: init.requestsPerSecond ?? 100, seconds: 1 } },
    strikes: { points: init.invalidPerMinute ?? 10, seconds: 60 },
    // request, bid, award and result messages are small: they cross relayed (limited)
    // connections, so a provider behind a NAT trades through its relay (issue 13)
    runOnLimitedConnection: true,
    handler: async (bytes, { peer, connection }) => {
      if (handle === undefined) throw new Error(`${protocol}: no handler on the asking side`)
      return await handle(bytes, peer, connection)
    },
    classifyError: (err) => {
      if (!isMarketValidationError(err)) return undefined
      const code = err.action === 'REJECT' ? 'INVALID_REQUEST' : 'IGNORED'
      return new ReqRespError(code, err.message, { detail: err.code, protocol, cause: err })
    },
    errorResponse: replyFor,
  }
}

/** Sends one envelope on `protocol` to `peer` and returns the decoded Reply. */
export async function sendRequest(
  libp2p: DirectLibp2p,
  peer: PeerId,
  protocol: MarketProtocol,
  bytes: Uint8Array,
  options: RequestOptions = {},
): Promise<Reply> {
  const signal = options.signal ?? AbortSignal.timeout(DEFAULT_TIMEOUT_MS)
  // only a new connection needs the addresses; over an open one (the usual case: a provider
  // bidding to a requester whose job it just heard) merging them would cost a peer-store read
  // and write per request, in the node's LevelDB
  if (options.addrs !== undefined && options.addrs.length > 0 && libp2p.getConnections(peer).length === 0) {
    await libp2p.peerStore.merge(peer, { multiaddrs: options.addrs })
  }
  return decodeReply(await ask({ libp2p }, marketProtocol(protocol), peer, bytes, { signal }))
}

/** The peer does not speak the protocol (libp2p's error, possibly wrapped by the reqresp layer). */
export function unsupportedProtocol(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    if (e.name === 'UnsupportedProtocolError') return true
  return false
}

/**
 * Peers that turned down the newer version of one protocol (UnsupportedProtocolError), so that
 * later requests to them go straight to the older version. Bounded: peer ids cost nothing to make.
 */
export class OlderVersionPeers {
  private readonly peers = new LruCache<true>({ maxEntries: 1_024 })

  /** `newer()` unless `peer` is known not to speak it; `older()` then, or when it turns out not to */
  async send<T>(peer: PeerId, newer: () => Promise<T>, older: () => Promise<T>): Promise<T> {
    const key = peer.toString()
    if (this.peers.get(key) === undefined) {
      try {
        return await newer()
      } catch (err) {
        if (!unsupportedProtocol(err)) throw err
        this.peers.set(key, true)
        try {
          return await older()
        } catch (e) {
          // it serves neither: not an older peer, one whose handlers are not registered yet (it is
          // starting); the newer protocol is tried again next time
          if (unsupportedProtocol(e)) this.peers.delete(key)
          throw e
        }
      }
    }
    return await older()
  }
}

/** Registers a request/reply handler with per-peer rate limits; returns its unregister function. */
export async function handleDirect(init: DirectHandlerInit): Promise<() => Promise<void>> {
  const components = { libp2p: init.libp2p, ...(init.counters !== undefined ? { counters: init.counters } : {}) }
  return await handleProtocol(components, marketProtocol(init.protocol, init.handle, init), {
    onOutcome: (outcome, peer) => {
      init.onOutcome?.(OUTCOMES[outcome] ?? 'error', peer)
    },
  })
}
