// The request/response layer between two libp2p nodes on 127.0.0.1: one framing, bounded
// frames, typed error replies (never a silent abort), stalled peers timed out and counted,
// inbound streams capped per peer, rate limits, strikes, and a streamed (chunked) response.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { expect } from 'chai'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import {
  OutcomeCounters,
  ReqRespError,
  handleProtocol,
  isReqRespError,
  requestFrames,
  sendRequest,
} from '../../../node/p2p/reqresp/index.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'
import type { Outcome, ProtocolDescriptor, ReqRespErrorCode } from '../../../node/p2p/reqresp/index.ts'

interface Answer {
  ok: boolean
  code: string
  text: string
}
const text = new TextEncoder()
const untext = new TextDecoder()

let next = 0
/** A small protocol: requests are strings, answers JSON; 'boom' fails, 'bad' is rejected, 'chunks:n' streams. */
function echo(over: Partial<ProtocolDescriptor<string, Answer>> = {}): ProtocolDescriptor<string, Answer> {
  return {
    id: `/test/echo-${next++}/1.0.0`,
    name: 'echo',
    request: { encode: (s) => text.encode(s), decode: (b) => untext.decode(b) },
    response: {
      encode: (a) => text.encode(JSON.stringify(a)),
      decode: (b) => JSON.parse(untext.decode(b)) as Answer,
    },
    maxRequestBytes: 64,
    maxResponseFrameBytes: 256,
    timeouts: { firstByteMs: 300, exchangeMs: 2_000 },
    inbound: { maxStreams: 32, maxStreamsPerPeer: 8 },
    handler: async (s) => {
      if (s === 'boom') throw new Error('disk on fire')
      if (s === 'bad') throw new ReqRespError('INVALID_REQUEST', 'not a good request', { detail: 'BAD_WORD' })
      if (s.startsWith('chunks:')) {
        const n = Number(s.slice(7))
        return { frames: Array.from({ length: n }, (_, i) => ({ ok: true, code: '', text: `part ${i}` })) }
      }
      return { ok: true, code: '', text: s }
    },
    errorResponse: (e) => ({ ok: false, code: e.code, text: `${e.detail}: ${e.message}` }),
    responseError: (a) => (a.ok ? undefined : new ReqRespError(a.code as ReqRespErrorCode, a.text)),
    ...over,
  }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (err) {
    return isReqRespError(err) ? err.code : `untyped ${(err as Error).name}`
  }
}

describe('node/p2p/reqresp: one request/response layer', function () {
  this.timeout(30_000)
  let asker: HiveLibp2p
  let answerer: HiveLibp2p

  before(async () => {
    asker = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    answerer = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    await Promise.all([asker.start(), answerer.start()])
    await asker.peerStore.merge(answerer.peerId, { multiaddrs: answerer.getMultiaddrs() })
    await asker.dial(answerer.peerId)
  })

  after(async () => {
    await Promise.all([asker?.stop(), answerer?.stop()])
  })

  type Served = Promise<{ counters: OutcomeCounters; outcomes: Outcome[] }>
  async function serve(d: ProtocolDescriptor<string, Answer>): Served {
    const counters = new OutcomeCounters()
    const outcomes: Outcome[] = []
    await handleProtocol({ libp2p: answerer, counters }, d, { onOutcome: (o) => outcomes.push(o) })
    return { counters, outcomes }
  }

  const until = async (check: () => boolean): Promise<void> => {
    const end = Date.now() + 5_000
    while (!check()) {
      if (Date.now() > end) throw new Error('condition not met in 5 s')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  it('answers a request and streams a chunked response, counting OK', async () => {
    const d = echo()
    const { counters } = await serve(d)
    expect((await sendRequest({ libp2p: asker }, d, answerer.peerId, 'hello')).text).to.equal('hello')
    const parts: string[] = []
    for await (const a of requestFrames({ libp2p: asker }, d, answerer.peerId, 'chunks:3')) parts.push(a.text)
    expect(parts).to.deep.equal(['part 0', 'part 1', 'part 2'])
    await until(() => counters.get('echo', 'OK') === 2)
  })

  it('answers failures with typed error replies, never a bare abort', async () => {
    const d = echo()
    const { counters } = await serve(d)
    const cases: Array<[string, string]> = [
      ['boom', 'SERVER_ERROR'],
      ['bad', 'INVALID_REQUEST'],
      ['x'.repeat(65), 'OVERSIZED'],
    ]
    for (const [request, code] of cases) {
      expect(await codeOf(sendRequest({ libp2p: asker }, d, answerer.peerId, request)), request).to.equal(code)
    }
    await until(() => counters.get('echo', 'OVERSIZED') === 1)
    expect(counters.snapshot().echo).to.deep.equal({ SERVER_ERROR: 1, INVALID_REQUEST: 1, OVERSIZED: 1 })
  })

  it('times out and counts a peer that opens a stream and never sends its request', async () => {
    const d = echo()
    const { counters } = await serve(d)
    const stream = await asker.dialProtocol(answerer.peerId, d.id)
    const lp = lpStream(stream)
    // the server answers TIMEOUT after firstByteMs, though we never wrote
    const frame = await lp.read({ signal: AbortSignal.timeout(3_000) })
    const reply = JSON.parse(untext.decode(frame.subarray())) as Answer
    expect(reply.code).to.equal('TIMEOUT')
    await until(() => counters.get('echo', 'TIMEOUT') === 1)
    stream.abort(new Error('done'))
  })

  it('refuses streams over the per-peer cap with RATE_LIMITED', async () => {
    const d = echo({
      inbound: { maxStreams: 32, maxStreamsPerPeer: 1 },
      timeouts: { firstByteMs: 1_500, exchangeMs: 3_000 },
    })
    const { counters } = await serve(d)
    const stalled = await asker.dialProtocol(answerer.peerId, d.id)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await codeOf(sendRequest({ libp2p: asker }, d, answerer.peerId, 'one more'))).to.equal('RATE_LIMITED')
    await until(() => counters.get('echo', 'TIMEOUT') === 1)
    stalled.abort(new Error('done'))
    // the cap is released with the stalled stream
    expect(await codeOf(sendRequest({ libp2p: asker }, d, answerer.peerId, 'now'))).to.equal('OK')
  })

  it('rate-limits a peer by its quota, and refuses one with too many strikes', async () => {
    const limited = echo({ rateLimit: { perPeer: { points: 2, seconds: 60 } } })
    await serve(limited)
    const got = []
    for (let i = 0; i < 3; i++) got.push(await codeOf(sendRequest({ libp2p: asker }, limited, answerer.peerId, 'hi')))
    expect(got).to.deep.equal(['OK', 'OK', 'RATE_LIMITED'])

    const strict = echo({ strikes: { points: 2, seconds: 60 } })
    await serve(strict)
    const seen = []
    for (const r of ['bad', 'bad', 'fine']) {
      seen.push(await codeOf(sendRequest({ libp2p: asker }, strict, answerer.peerId, r)))
    }
    expect(seen).to.deep.equal(['INVALID_REQUEST', 'INVALID_REQUEST', 'RATE_LIMITED'])
  })

  it('times out a server that never answers, as TIMEOUT', async () => {
    const never = async (): Promise<Answer> => await new Promise<Answer>(() => {})
    const d = echo({ handler: never, timeouts: { firstByteMs: 300, exchangeMs: 800 } })
    const { counters } = await serve(d)
    expect(await codeOf(sendRequest({ libp2p: asker }, d, answerer.peerId, 'hello?'))).to.equal('TIMEOUT')
    // the handler never settles: the server still ends the exchange at its deadline, and counts it
    await until(() => counters.get('echo', 'TIMEOUT') === 1)
  })

  it('sends the protocol with the request: the listener holds the request when its handler starts', async () => {
    // negotiated first (libp2p's way), the dialer would write its request only after the echo
    // reached it, and the handler would start on an empty stream (node/p2p/reqresp/lazy-select.ts)
    const d = echo()
    const buffered: number[] = []
    await answerer.handle(d.id, async (stream) => {
      buffered.push(stream.readBufferLength)
      const lp = lpStream(stream)
      const request = untext.decode((await lp.read()).subarray())
      await lp.write(d.response.encode({ ok: true, code: '', text: request }))
      await stream.close()
    })
    for (const word of ['one', 'two', 'three'])
      expect((await sendRequest({ libp2p: asker }, d, answerer.peerId, word)).text).to.equal(word)
    expect(buffered, 'request bytes waiting at each handler start').to.have.length(3)
    for (const n of buffered) expect(n).to.be.at.least(1 + 'one'.length)
  })

  it('fails a request to a peer that does not serve the protocol as UNREACHABLE, and says why', async () => {
    const d = echo() // never served
    const err = await sendRequest({ libp2p: asker }, d, answerer.peerId, 'anyone?').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isReqRespError(err) && err.code).to.equal('UNREACHABLE')
    // what a failed negotiation gave before: callers fall back to older protocol versions on it
    expect(((err as Error).cause as Error | undefined)?.name).to.equal('UnsupportedProtocolError')
    expect((err as Error).message)
      .to.include(d.id)
      .and.to.include('does not serve')
    // the connection is still good for the next exchange
    const served = echo()
    await serve(served)
    expect((await sendRequest({ libp2p: asker }, served, answerer.peerId, 'still here')).text).to.equal('still here')
  })
})
