// One request, one reply: how the market's direct protocols (/hive/request, /hive/bid,
// /hive/award, /hive/result) talk. The asker writes one length-prefixed signed envelope and
// reads one length-prefixed Reply; both sides bound what they read and rate-limit per peer.
import { logger } from '@libp2p/logger'
import { RateLimiter, lpStream } from '@libp2p/utils'
import { ReplyStatus } from '../../protocol/gen/market.ts'
import type { Reply } from '../../protocol/gen/market.ts'
import { decodeReply, errorReply, statusReply } from '../../protocol/market/direct.ts'
import { MarketValidationError, isMarketValidationError } from '../../protocol/market/errors.ts'
import { DIRECT_LIMITS, PROTOCOLS } from '../../protocol/topics.ts'
import type { DirectProtocol } from '../../protocol/topics.ts'
import { tryConsume } from '../util/rate-limit.ts'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const log = logger('hive:market:direct')

export type MarketProtocol = Exclude<DirectProtocol, 'audit' | 'blob'>
export type DirectLibp2p = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol' | 'peerStore' | 'getConnections'>

export interface RequestOptions {
  signal?: AbortSignal
  /** addresses to try when the peer is not known yet (e.g. a requester's advertised addrs) */
  addrs?: Multiaddr[]
}

/** Sends one envelope on `protocol` to `peer` and returns the decoded Reply. */
export async function sendRequest (libp2p: DirectLibp2p, peer: PeerId, protocol: MarketProtocol, bytes: Uint8Array, options: RequestOptions = {}): Promise<Reply> {
  const signal = options.signal ?? AbortSignal.timeout(10_000)
  // only a new connection needs the addresses; over an open one (the usual case: a provider
  // bidding to a requester whose job it just heard) merging them would cost a peer-store read
  // and write per request, in the node's LevelDB
  if (options.addrs !== undefined && options.addrs.length > 0 && libp2p.getConnections(peer).length === 0) {
    await libp2p.peerStore.merge(peer, { multiaddrs: options.addrs })
  }
  const stream = await libp2p.dialProtocol(peer, PROTOCOLS[protocol], { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: DIRECT_LIMITS[protocol].maxResponseFrameBytes })
    await lp.write(bytes, { signal })
    const reply = decodeReply(await lp.read({ signal }))
    await stream.close({ signal }).catch(() => {})
    return reply
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
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
  maxInboundStreams?: number
  timeoutMs?: number
  /** counts outcomes by a fixed set of labels (for metrics and tests) */
  onOutcome?: (outcome: DirectOutcome, from: PeerId) => void
}

export type DirectOutcome = 'ok' | 'invalid' | 'ignored' | 'rate-limited' | 'error'

/** Registers a request/reply handler with per-peer rate limits; returns its unregister function. */
export async function handleDirect (init: DirectHandlerInit): Promise<() => Promise<void>> {
  const rate = new RateLimiter({ points: init.requestsPerSecond ?? 100, duration: 1 })
  const strikes = new RateLimiter({ points: init.invalidPerMinute ?? 10, duration: 60 })
  const limits = DIRECT_LIMITS[init.protocol]
  const protocol = PROTOCOLS[init.protocol]

  await init.libp2p.handle(protocol, async (stream, connection) => {
    const from = connection.remotePeer
    const key = from.toString()
    const signal = AbortSignal.timeout(init.timeoutMs ?? 10_000)
    const lp = lpStream(stream, { maxDataLength: limits.maxRequestBytes })
    let outcome: DirectOutcome = 'ok'
    try {
      let reply: Uint8Array
      if (!tryConsume(rate, key, 1) || (strikes.get(key)?.remainingPoints ?? 1) <= 0) {
        outcome = 'rate-limited'
        reply = statusReply(ReplyStatus.REPLY_RATE_LIMITED, 'RATE_LIMITED', 'too many requests; slow down')
      } else {
        let bytes: Uint8Array
        try {
          bytes = (await lp.read({ signal })).subarray()
        } catch (err) {
          // an over-long frame, a garbage length prefix or a truncated frame: the peer broke the
          // framing itself. Say why (best effort: its write side may be gone) so that a buggy
          // but honest peer can tell, then drop whatever else it sends.
          tryConsume(strikes, key, 1)
          outcome = 'invalid'
          log('unreadable %s request from %s: %s', init.protocol, key, (err as Error).message)
          const name = (err as Error).name
          const oversized = name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError'
          if (oversized || name === 'UnexpectedEOFError' || name === 'InvalidMessageLengthError') {
            const code = oversized ? 'OVERSIZED' : 'MALFORMED'
            const why = oversized ? `frame over the ${limits.maxRequestBytes}-byte limit of ${init.protocol}` : 'truncated or unreadable frame'
            try {
              await lp.write(errorReply(new MarketValidationError(code, why)), { signal })
              await stream.closeRead({ signal })
              await stream.close({ signal })
            } catch {
              stream.abort(err instanceof Error ? err : new Error(String(err)))
            }
          } else {
            stream.abort(err instanceof Error ? err : new Error(String(err)))
          }
          init.onOutcome?.(outcome, from)
          return
        }
        try {
          reply = await init.handle(bytes, from, connection)
        } catch (err) {
          if (isMarketValidationError(err)) {
            outcome = err.action === 'REJECT' ? 'invalid' : 'ignored'
            if (err.action === 'REJECT') tryConsume(strikes, key, 1)
          } else {
            outcome = 'error'
            log.error('%s handler failed for %s: %s', init.protocol, key, (err as Error).message)
          }
          reply = errorReply(err)
        }
      }
      await lp.write(reply, { signal })
      await stream.close({ signal })
    } catch (err) {
      outcome = 'error'
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
    init.onOutcome?.(outcome, from)
  }, { maxInboundStreams: init.maxInboundStreams ?? 256 })

  return async () => { await init.libp2p.unhandle(protocol) }
}
