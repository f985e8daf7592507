// Per-frame and per-stream costs taken out of libp2p's hot path (issue 14): yamux window updates
// once half the window is used (node/p2p/yamux-window.ts), noise's length-prefix decoding without
// a RangeError per chunk (lp-decoder.ts), one reused UnhandledProtocolError per protocol a node only
// dials (unhandled-protocol.ts), and a silent libp2p logger unless DEBUG names libp2p
// (node/log/libp2p-logger.ts). Each keeps libp2p's behaviour: bulk transfers past the window still
// flow, every message is decoded whatever the chunking, libp2p still sees "unhandled".
import { generateKeyPair } from '@libp2p/crypto/keys'
import { LengthPrefixedDecoder, lpStream } from '@libp2p/utils'
import { StreamState } from '@chainsafe/libp2p-yamux/stream'
import { expect } from 'chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import { windowUpdateCounts, windowUpdateDue } from '../../../node/p2p/yamux-window.ts'
import { emptyIsZero, quietLengthPrefixedDecoder } from '../../../node/p2p/lp-decoder.ts'
import { debugNamesLibp2p, libp2pLogger } from '../../../node/log/libp2p-logger.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'

const ECHO = '/test/stream-costs/echo/1.0.0'
const SINK = '/test/stream-costs/sink/1.0.0'
const WINDOW = 256 * 1024

describe('node/p2p stream costs', function () {
  this.timeout(60_000)

  describe('yamux window updates', () => {
    it('are due for a flag, a pause, or half the window used, and not before', () => {
      const at = (state: StreamState, used: number): boolean =>
        windowUpdateDue({ state, recvWindow: WINDOW, recvWindowCapacity: WINDOW - used })
      expect(at(StreamState.Established, 0)).to.equal(false)
      expect(at(StreamState.Established, 300)).to.equal(false)
      expect(at(StreamState.Established, WINDOW / 2 - 1)).to.equal(false)
      expect(at(StreamState.Established, WINDOW / 2)).to.equal(true)
      expect(at(StreamState.Established, WINDOW)).to.equal(true)
      expect(at(StreamState.SYNReceived, 10), 'the ACK of an accepted stream').to.equal(true)
      expect(at(StreamState.Init, 0), 'the SYN of a new stream').to.equal(true)
      expect(at(StreamState.Paused, 10), "yamux's own pause handling").to.equal(true)
    })
  })

  describe('between two nodes on 127.0.0.1', () => {
    let a: HiveLibp2p
    let b: HiveLibp2p

    before(async () => {
      a = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
      b = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
      await Promise.all([a.start(), b.start()])
      // echoes each length-prefixed message until the dialer closes
      await b.handle(ECHO, async (stream) => {
        const lp = lpStream(stream)
        for (;;) {
          const msg = await lp.read().catch(() => undefined)
          if (msg === undefined) break
          await lp.write(msg.subarray())
        }
        await stream.close()
      })
      // counts every byte until the dialer closes, then answers the count
      await b.handle(SINK, async (stream) => {
        let total = 0
        for await (const chunk of stream) total += chunk.byteLength
        stream.send(new TextEncoder().encode(String(total)))
        await stream.close()
      })
      await a.dial(b.getMultiaddrs()[0])
    })
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()])
    })

    it('small request/response exchanges send no window update per data frame', async () => {
      const before = { ...windowUpdateCounts }
      const stream = await a.dialProtocol(b.peerId, ECHO)
      const lp = lpStream(stream)
      for (let i = 0; i < 50; i++) {
        const msg = new Uint8Array(200).fill(i)
        await lp.write(msg)
        expect((await lp.read()).subarray()).to.deep.equal(msg)
      }
      await stream.close()
      // 100 data frames received over both ends; without the rule each one sends an update
      expect(windowUpdateCounts.withheld - before.withheld, 'updates withheld').to.be.at.least(90)
      // the SYN and ACK of this stream and of whatever else the nodes open meanwhile (identify)
      expect(windowUpdateCounts.passed - before.passed, 'updates sent').to.be.at.most(20)
    })

    it('a transfer 16 times the window still flows (updates once half of it is used)', async () => {
      const before = { ...windowUpdateCounts }
      const size = 16 * WINDOW
      const stream = await a.dialProtocol(b.peerId, SINK)
      const chunk = new Uint8Array(64 * 1024).fill(7)
      for (let sent = 0; sent < size; sent += chunk.byteLength) {
        if (stream.send(chunk)) continue
        await new Promise((resolve) => stream.addEventListener('drain', resolve, { once: true }))
      }
      await stream.close()
      let answer = ''
      for await (const part of stream) answer += new TextDecoder().decode(part.subarray())
      expect(Number(answer)).to.equal(size)
      // 16 windows cannot pass without updates (yamux also grows the window on a fast link)
      expect(windowUpdateCounts.passed - before.passed, 'updates sent for the bulk').to.be.at.least(2)
    })

    it('a node that only dials a protocol throws the same UnhandledProtocolError each time', async () => {
      const registrar = (a as unknown as { components: { registrar: { getHandler: (p: string) => unknown } } })
        .components.registrar
      const thrown = (): unknown => {
        try {
          registrar.getHandler(ECHO)
        } catch (err) {
          return err
        }
        return undefined
      }
      const first = thrown()
      expect((first as Error).name).to.equal('UnhandledProtocolError')
      expect((first as Error).message).to.include(ECHO)
      expect(thrown(), 'the error built once').to.equal(first)
      // a handled protocol is looked up as before, and dialing still works
      const b2 = (b as unknown as { components: { registrar: { getHandler: (p: string) => unknown } } }).components
        .registrar
      expect(b2.getHandler(ECHO)).to.have.property('handler')
      const stream = await a.dialProtocol(b.peerId, ECHO)
      await stream.close()
    })
  })

  describe('length-prefixed decoding', () => {
    // noise's framing: a 2-byte big-endian length, then the message
    const frame = (body: Uint8Array): Uint8Array => {
      const out = new Uint8Array(2 + body.byteLength)
      out[0] = body.byteLength >> 8
      out[1] = body.byteLength & 0xff
      out.set(body, 2)
      return out
    }
    const counting = (): { decode: (data: Uint8ArrayList) => number; throws: number } => {
      const c = {
        throws: 0,
        decode: (data: Uint8ArrayList): number => {
          if (data.byteLength < 2) {
            c.throws++
            throw new RangeError('Could not decode int16BE')
          }
          return data.getUint16(0)
        },
      }
      return c
    }

    it('takes out every message whatever the chunking, throwing only for a partial prefix', () => {
      quietLengthPrefixedDecoder()
      const bodies = Array.from({ length: 40 }, (_, i) => new Uint8Array(1 + ((i * 37) % 300)).fill(i))
      const stream = new Uint8ArrayList(...bodies.map(frame)).subarray()
      const decodeAll = (cuts: Uint8Array[]): { out: Uint8Array[]; throws: number } => {
        const inner = counting()
        const decoder = new LengthPrefixedDecoder({ lengthDecoder: inner.decode, encodingLength: () => 2 })
        const out: Uint8Array[] = []
        for (const chunk of cuts) for (const msg of decoder.decode(chunk)) out.push(msg.subarray())
        return { out, throws: inner.throws }
      }
      // whole messages per chunk (what TCP usually hands over): no exception at all
      const whole = decodeAll(bodies.map(frame))
      expect(whole.out).to.deep.equal(bodies)
      expect(whole.throws, 'RangeErrors for chunks of whole messages').to.equal(0)
      // cut every 7th and every 1st byte: prefixes split across chunks still decode
      for (const n of [7, 1]) expect(decodeAll(splitEvery(stream, n)).out, `cut every ${n}`).to.deep.equal(bodies)
    })

    it('answers 0 for an empty buffer and leaves the rest to the decoder', () => {
      const inner = counting()
      const wrapped = emptyIsZero(inner.decode)
      expect(wrapped(new Uint8ArrayList())).to.equal(0)
      expect(wrapped(new Uint8ArrayList(Uint8Array.of(1, 2)))).to.equal(258)
      expect(() => wrapped(new Uint8ArrayList(Uint8Array.of(1)))).to.throw(RangeError)
    })
  })

  describe('the libp2p logger', () => {
    it('is silent unless DEBUG may name a libp2p namespace', () => {
      expect(debugNamesLibp2p(undefined)).to.equal(false)
      expect(debugNamesLibp2p('')).to.equal(false)
      expect(debugNamesLibp2p('hive:*')).to.equal(false)
      expect(debugNamesLibp2p('hive:market,hive:exec:*,-libp2p:*')).to.equal(false)
      expect(debugNamesLibp2p('hive:*,libp2p:kad-dht*')).to.equal(true)
      expect(debugNamesLibp2p('*')).to.equal(true)
      expect(debugNamesLibp2p('libp2p:yamux:outbound*')).to.equal(true)
      const silent = libp2pLogger('hive:*').forComponent('libp2p:yamux')
      expect(silent.enabled).to.equal(false)
      expect(silent.newScope('outbound:1'), 'a scope costs nothing').to.equal(silent)
      const loud = libp2pLogger('libp2p:yamux*').forComponent('libp2p:yamux')
      expect(loud.newScope('outbound:1'), "libp2p's own logger, scopes of their own").to.not.equal(loud)
    })
  })
})

function splitEvery(bytes: Uint8Array, n: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < bytes.byteLength; i += n) out.push(bytes.subarray(i, i + n))
  return out
}
