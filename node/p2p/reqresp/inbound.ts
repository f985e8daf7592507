// The server side of every request/response protocol: admit, read one bounded request frame
// within the first-byte timeout, decode, handle, write one or more response frames, close.
// Every failure the peer can still hear about gets a typed error reply; every exchange ends in
// exactly one counted outcome.
import { logger } from '../../log/logger.ts'
import { lpStream } from '@libp2p/utils'
import type { LengthPrefixedStream } from '@libp2p/utils'
import { Admission } from './admission.ts'
import { ReqRespError, STRIKE_CODES, frameError, isReqRespError } from './errors.ts'
import { deadline } from '../../util/deadline.ts'
import type { OutcomeCounters, Outcome } from './counters.ts'
import type { ProtocolDescriptor, ResponseFrames } from './types.ts'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'

const log = logger('hive:reqresp')

/** How long a typed error reply may take: the peer may be the one that stalled. */
const ERROR_REPLY_MS = 1_000

export interface InboundComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>
  counters?: OutcomeCounters
}

export interface HandleOptions {
  /** told of each exchange's outcome (tests, callers that keep their own counts) */
  onOutcome?: (outcome: Outcome, peer: PeerId, error?: ReqRespError) => void
}

function isFrames<Res>(value: unknown): value is ResponseFrames<Res> {
  return typeof value === 'object' && value !== null && 'frames' in value
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)))

/** Registers `descriptor`'s handler; returns its unregister function. */
export async function handleProtocol<Req, Res>(
  components: InboundComponents,
  descriptor: ProtocolDescriptor<Req, Res>,
  options: HandleOptions = {},
): Promise<() => Promise<void>> {
  const admission = new Admission(descriptor.inbound, descriptor.rateLimit, descriptor.strikes)
  const serve = async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer
    const key = peer.toString()
    const refused = admission.admit(key)
    let outcome: Outcome = 'OK'
    let error: ReqRespError | undefined
    try {
      if (refused !== undefined) {
        error = new ReqRespError('RATE_LIMITED', refused, { protocol: descriptor.name })
        await replyError(stream, lpStream(stream), descriptor, error, false)
      } else {
        error = await exchange(stream, connection, descriptor)
        if (error !== undefined && STRIKE_CODES.has(error.code)) admission.strike(key)
      }
    } finally {
      if (refused === undefined) admission.release(key)
    }
    if (error !== undefined) outcome = error.code
    components.counters?.add(descriptor.name, outcome)
    options.onOutcome?.(outcome, peer, error)
  }
  await components.libp2p.handle(descriptor.id, serve, {
    // libp2p's own cap is per connection and resets streams without a word; ours (Admission)
    // is per peer and in total and answers RATE_LIMITED, so libp2p's only stops a flood past it
    maxInboundStreams: descriptor.inbound.maxStreams,
    runOnLimitedConnection: descriptor.runOnLimitedConnection ?? false,
  })
  return async () => {
    await components.libp2p.unhandle(descriptor.id)
  }
}

/** One admitted exchange; returns the error it ended with, if any. */
async function exchange<Req, Res>(
  stream: Stream,
  connection: Connection,
  descriptor: ProtocolDescriptor<Req, Res>,
): Promise<ReqRespError | undefined> {
  // both bounds let go of their timers when the exchange ends (node/util/deadline.ts)
  const bound = deadline(descriptor.timeouts.exchangeMs)
  try {
    return await exchangeWithin(stream, connection, descriptor, bound.signal)
  } finally {
    bound.clear()
  }
}

async function exchangeWithin<Req, Res>(
  stream: Stream,
  connection: Connection,
  descriptor: ProtocolDescriptor<Req, Res>,
  signal: AbortSignal,
): Promise<ReqRespError | undefined> {
  const lp = lpStream(stream, { maxDataLength: descriptor.maxRequestBytes })
  let request: Req
  const firstByte = deadline(descriptor.timeouts.firstByteMs, signal)
  try {
    const bytes = (await lp.read({ signal: firstByte.signal })).subarray()
    request = decodeRequest(descriptor, bytes)
  } catch (err) {
    const e = isReqRespError(err) ? err : frameError(err, descriptor.maxRequestBytes, descriptor.name)
    log('unreadable %s request from %s: %s', descriptor.name, connection.remotePeer, e.message)
    await replyError(stream, lp, descriptor, e, true)
    return e
  } finally {
    firstByte.clear()
  }
  let frames: Iterable<Res> | AsyncIterable<Res>
  try {
    const context = { peer: connection.remotePeer, connection, signal }
    const answer = await withDeadline(descriptor.handler(request, context), signal, descriptor)
    frames = isFrames<Res>(answer) ? answer.frames : [answer]
  } catch (err) {
    const e = classify(descriptor, err)
    if (e.code === 'SERVER_ERROR') {
      log.error('%s handler failed for %s: %s', descriptor.name, connection.remotePeer, e.message)
    }
    await replyError(stream, lp, descriptor, e, false)
    return e
  }
  try {
    for await (const frame of frames) await lp.write(descriptor.response.encode(frame), { signal })
    await stream.close({ signal })
    return undefined
  } catch (err) {
    const e = signal.aborted
      ? new ReqRespError('TIMEOUT', `${descriptor.name} exchange over ${descriptor.timeouts.exchangeMs} ms`, {
          protocol: descriptor.name,
          cause: err,
        })
      : new ReqRespError('STREAM_ERROR', asError(err).message, { protocol: descriptor.name, cause: err })
    // frames may already be on the wire: a typed reply now would be read as one more frame
    stream.abort(e)
    return e
  }
}

/** A handler that ignores its signal still ends the exchange at the deadline. */
async function withDeadline<T, Req, Res>(
  work: Promise<T>,
  signal: AbortSignal,
  descriptor: ProtocolDescriptor<Req, Res>,
): Promise<T> {
  let onAbort: (() => void) | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    const why = `${descriptor.name} handler over ${descriptor.timeouts.exchangeMs} ms`
    onAbort = () => {
      reject(new ReqRespError('TIMEOUT', why, { protocol: descriptor.name }))
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
  }
}

function decodeRequest<Req, Res>(descriptor: ProtocolDescriptor<Req, Res>, bytes: Uint8Array): Req {
  try {
    return descriptor.request.decode(bytes)
  } catch (err) {
    if (isReqRespError(err)) throw err
    const e = descriptor.classifyError?.(err)
    if (e !== undefined) throw e
    throw new ReqRespError('MALFORMED', asError(err).message, { protocol: descriptor.name, cause: err })
  }
}

function classify<Req, Res>(descriptor: ProtocolDescriptor<Req, Res>, err: unknown): ReqRespError {
  const e = descriptor.classifyError?.(err)
  if (e !== undefined) return e
  if (isReqRespError(err)) return err
  return new ReqRespError('SERVER_ERROR', asError(err).message, { protocol: descriptor.name, cause: err })
}

/** Best effort: a peer whose write side is gone (or that stalled) may not hear it; then abort. */
async function replyError<Req, Res>(
  stream: Stream,
  lp: LengthPrefixedStream,
  descriptor: ProtocolDescriptor<Req, Res>,
  e: ReqRespError,
  dropRest: boolean,
): Promise<void> {
  const signal = AbortSignal.timeout(ERROR_REPLY_MS)
  try {
    await lp.write(descriptor.response.encode(descriptor.errorResponse(e)), { signal })
    // a peer that broke the framing may keep sending: drop whatever else comes
    if (dropRest) await stream.closeRead({ signal })
    await stream.close({ signal })
  } catch {
    stream.abort(e)
  }
}
