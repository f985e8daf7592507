// The client side: dial, write one request frame, read response frames. A typed error reply
// becomes a thrown ReqRespError (via the descriptor's `responseError`); a stall past the
// first-byte or exchange timeout is a TIMEOUT.
import { lpStream } from '@libp2p/utils'
import type { LengthPrefixedStream } from '@libp2p/utils'
import { ReqRespError, frameError } from './errors.ts'
import { deadline } from '../../util/deadline.ts'
import { LAZY_SELECT, MAX_SELECT_LINE, confirmSelected, isLazySelected, selectLines } from './lazy-select.ts'
import type { ProtocolDescriptor } from './types.ts'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'

export interface OutboundComponents {
  /** getConnections lets a request reuse an open relayed connection (see openRequestStream) */
  libp2p: Pick<Libp2p, 'dialProtocol'> & Partial<Pick<Libp2p, 'getConnections'>>
}

export interface RequestOptions {
  /**
   * the caller's bound on the whole exchange. When given it replaces the descriptor's timeouts on
   * this side, and its own AbortError/TimeoutError is what the caller gets: callers chose their
   * bounds before the layer existed (a blob fetch runs to a job's deadline) and the API maps
   * those errors to 504. The server side always enforces the descriptor's timeouts.
   */
  signal?: AbortSignal
}

/** Sends one request and returns the one response. */
export async function sendRequest<Req, Res>(
  components: OutboundComponents,
  descriptor: ProtocolDescriptor<Req, Res>,
  peer: PeerId,
  request: Req,
  options: RequestOptions = {},
): Promise<Res> {
  for await (const response of requestFrames(components, descriptor, peer, request, options)) return response
  throw new ReqRespError('STREAM_ERROR', `${descriptor.name}: the peer closed without answering`)
}

/**
 * Sends one request and yields the response frames until the peer closes or the caller stops
 * iterating (a caller that knows the length, such as the blob fetcher, stops by itself).
 */
export async function* requestFrames<Req, Res>(
  components: OutboundComponents,
  descriptor: ProtocolDescriptor<Req, Res>,
  peer: PeerId,
  request: Req,
  options: RequestOptions = {},
): AsyncGenerator<Res, void, undefined> {
  // our own bound when the caller set none, let go of when the exchange ends (node/util/deadline.ts)
  const own = options.signal === undefined ? deadline(descriptor.timeouts.exchangeMs) : undefined
  const signal = options.signal ?? own!.signal
  let stream
  try {
    stream = await openRequestStream(components, peer, descriptor.id, {
      signal,
      runOnLimitedConnection: descriptor.runOnLimitedConnection ?? false,
      // the protocol goes out with the request, not a round trip ahead of it (lazy-select.ts)
      [LAZY_SELECT]: true,
    })
  } catch (err) {
    own?.clear()
    // the caller's own abort stays what it is; anything else means we never got to ask
    if (options.signal?.aborted === true) throw err
    const why = `could not open ${descriptor.id} to ${peer.toString()}: ${(err as Error).message}`
    throw new ReqRespError('UNREACHABLE', why, { protocol: descriptor.name, cause: err })
  }
  let failed = false
  try {
    const body = descriptor.request.encode(request)
    // lazily selected: the negotiation lines and the request in one message, and the listener's
    // echo read under the negotiation's own line limit before the response's framing takes over
    const responses = (): LengthPrefixedStream<Stream> =>
      lpStream(stream, { maxDataLength: descriptor.maxResponseFrameBytes })
    let negotiation = isLazySelected(stream) ? lpStream(stream, { maxDataLength: MAX_SELECT_LINE }) : undefined
    let lp = negotiation === undefined ? responses() : undefined
    if (negotiation !== undefined) await negotiation.writeV([...selectLines(descriptor.id), body], { signal })
    else await lp?.write(body, { signal })
    for (let index = 0; ; index++) {
      const first = index === 0 && own !== undefined ? deadline(descriptor.timeouts.firstByteMs, signal) : undefined
      let bytes: Uint8Array
      try {
        // the listener's echo of the protocol comes first, within the first-byte bound
        if (negotiation !== undefined) {
          const where = { peer: peer.toString(), name: descriptor.name }
          await confirmSelected(negotiation, descriptor.id, where, first?.signal ?? signal)
          negotiation.unwrap()
          negotiation = undefined
        }
        lp ??= responses()
        bytes = (await lp.read({ signal: first?.signal ?? signal })).subarray()
      } catch (err) {
        if (err instanceof ReqRespError) throw err
        const e = frameError(err, descriptor.maxResponseFrameBytes, descriptor.name)
        // the peer closed after at least one frame: the response is complete. (lpStream cannot
        // tell a close between frames from one inside a frame: a streamed response says its own
        // length, as the blob header does, and its reader checks it.)
        if (index > 0 && e.code === 'MALFORMED') break
        throw options.signal?.aborted === true ? err : e
      } finally {
        first?.clear()
      }
      const response = descriptor.response.decode(bytes, index)
      const refused = descriptor.responseError?.(response, index)
      if (refused !== undefined) throw refused
      yield response
    }
  } catch (err) {
    failed = true
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  } finally {
    // done, or the caller stopped early: a polite close when it had what it wanted, a reset
    // when it gave up (its signal) so the peer stops sending at once
    if (!failed) {
      if (signal.aborted) stream.abort(new Error(`${descriptor.name}: the caller gave up`))
      else
        await stream.close({ signal }).catch(() => {
          stream.abort(new Error('close failed'))
        })
    }
    own?.clear()
  }
}

/**
 * A stream for one request. libp2p's dialProtocol reuses only unlimited connections: to a peer we
 * hold nothing but a relayed (limited) connection with, it dials a new circuit through the relay
 * for every stream, and when both sides do so at once (a NATed requester pushing a job while the
 * NATed provider bids) the circuits close each other as duplicates ("Remote closed connection
 * during opening"; the issue 13 testbed's both-nat run lost its jobs this way). A protocol that
 * may run on limited connections therefore opens its stream on the relayed connection we hold.
 */
async function openRequestStream(
  components: OutboundComponents,
  peer: PeerId,
  protocol: string,
  options: { signal: AbortSignal; runOnLimitedConnection: boolean; [LAZY_SELECT]?: boolean },
): Promise<Stream> {
  const open = (components.libp2p.getConnections?.(peer) ?? []).filter((c) => c.status === 'open')
  if (options.runOnLimitedConnection && !open.some((c) => c.limits === undefined)) {
    const relayed = open.find((c) => c.limits !== undefined)
    if (relayed !== undefined) return await relayed.newStream(protocol, options)
  }
  return await components.libp2p.dialProtocol(peer, protocol, options)
}
