// A request's protocol negotiated in the same message as the request (issue 14).
//
// libp2p 3 negotiates every new stream with multistream-select before handing it over: the dialer
// writes "/multistream/1.0.0\n" and the protocol, waits for the listener to echo both, and only
// then writes its request — a full round trip per exchange before a byte of the request leaves,
// ~12 exchanges per job. (Its `negotiateFully: false` option, documented to do otherwise, is not
// implemented in 3.3.) multistream-select allows the dialer to send its data right behind the
// protocol (the listener reads exactly the negotiation lines and leaves the rest for the handler),
// and other libp2p implementations do so. This does it for the request/response layer:
//   - the muxer, asked for a stream with LAZY_SELECT set, marks the new stream as already
//     speaking the protocol, so libp2p skips its negotiation (installLazySelect);
//   - the dialer writes the negotiation lines and the request in one message (selectLines) and
//     reads the listener's echo before the response (confirmSelected): a listener that does not
//     serve the protocol answers "na", which fails the exchange as UNREACHABLE caused by an
//     UnsupportedProtocolError, as a failed negotiation did before (callers fall back to an older
//     protocol version on it; the listener drops the request it read as a bad protocol line).
// A stream that was negotiated the usual way (the wrapper not installed, a muxer that is not
// libp2p's) is not marked, and the dialer then writes only its request, as before.
import { UnsupportedProtocolError } from '@libp2p/interface'
import { AbstractStreamMuxer } from '@libp2p/utils'
import { ReqRespError } from './errors.ts'
import type { Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'

/** the option that asks for a lazily selected stream (passed through dialProtocol to the muxer) */
export const LAZY_SELECT = 'hiveLazySelect'

const MSS_HEADER = '/multistream/1.0.0\n'
/** the longest negotiation line read (multistream-select's own limit for a protocol) */
export const MAX_SELECT_LINE = 1024
const INSTALLED = Symbol.for('computehive.reqresp.lazySelect')
const lazyStreams = new WeakSet<object>()

/** Marks streams created with LAZY_SELECT as already speaking their protocol (idempotent). */
export function installLazySelect(): void {
  const proto = AbstractStreamMuxer.prototype as unknown as Record<PropertyKey, unknown> & {
    createStream: (this: unknown, options?: Record<string, unknown>) => Promise<Stream>
  }
  if (proto[INSTALLED] === true) return
  const original = proto.createStream
  proto.createStream = async function (this: unknown, options?: Record<string, unknown>): Promise<Stream> {
    const stream = await original.call(this, options)
    const protocol = options?.protocol
    if (options?.[LAZY_SELECT] === true && typeof protocol === 'string' && stream.protocol === '') {
      stream.protocol = protocol
      lazyStreams.add(stream)
    }
    return stream
  }
  proto[INSTALLED] = true
}

/** whether the dialer must still write the negotiation lines and read their echo */
export function isLazySelected(stream: Stream): boolean {
  return lazyStreams.has(stream)
}

/** the negotiation lines to send ahead of the request, each a length-prefixed message */
export function selectLines(protocol: string): Uint8Array[] {
  const encoder = new TextEncoder()
  return [encoder.encode(MSS_HEADER), encoder.encode(`${protocol}\n`)]
}

/** Reads the listener's echo of the negotiation; throws UNREACHABLE if it refused the protocol. */
export async function confirmSelected(
  lp: LengthPrefixedStream<Stream>,
  protocol: string,
  where: { peer: string; name: string },
  signal: AbortSignal,
): Promise<void> {
  const decoder = new TextDecoder()
  const header = decoder.decode((await lp.read({ signal })).subarray())
  const answer = header === MSS_HEADER ? decoder.decode((await lp.read({ signal })).subarray()) : header
  if (answer === `${protocol}\n`) return
  const why = answer === 'na\n' ? 'the peer does not serve it' : `it answered ${JSON.stringify(answer)}`
  const message = `could not open ${protocol} to ${where.peer}: ${why}`
  // the cause libp2p's own negotiation gives: callers fall back to older versions on it
  const cause = new UnsupportedProtocolError(`Protocol selection failed - could not negotiate ${protocol}`)
  throw new ReqRespError('UNREACHABLE', message, { protocol: where.name, cause })
}
