// /hive/blob/1.0.0: serve blobs from the local store and fetch them from peers, as a streamed
// response on the request/response layer. The asker sends one BlobRequest; the server answers
// one BlobResponse and, when OK, the bytes in BlobChunk frames (framing unchanged, so the id
// keeps version 1). The fetcher checks the bytes against the CID before it stores or returns
// anything.
import { deadline } from '../util/deadline.ts'
import { BlobChunk, BlobResponse, BlobRequest, BlobStatus } from '../../protocol/gen/market.ts'
import { BLOB_CHUNK_DATA_BYTES, MAX_MESSAGE_BYTES } from '../../protocol/market/bounds.ts'
import { decodeBlobChunk, decodeBlobRequest, decodeBlobResponse } from '../../protocol/market/direct.ts'
import { PROTOCOLS } from '../../protocol/topics.ts'
import { RateLimiter } from '@libp2p/utils'
import { ReqRespError, handleProtocol, requestFrames } from '../p2p/reqresp/index.ts'
import { BlobError } from './store.ts'
import type { BlobStore } from './store.ts'
import type { CID } from '../../protocol/cid.ts'
import type { ValidBlobRequest } from '../../protocol/market/direct.ts'
import type { OutcomeCounters, ProtocolDescriptor, ReqRespError as TypedError } from '../p2p/reqresp/index.ts'
import { tryConsume } from '../util/rate-limit.ts'
import { directPossible, onlyLimited, remainingBytes, waitForDirect } from '../p2p/reach/direct.ts'
import type { AddressesLibp2p, ConnectionsLibp2p } from '../p2p/reach/direct.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

export interface BlobExchangeInit {
  /** with getConnections and events, fetches know when a peer is reached only through a relay */
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'> & Partial<ConnectionsLibp2p & AddressesLibp2p>
  store: BlobStore
  /** requests a peer may make per `rateWindowMs` (default 200 per 10 s) */
  requestsPerWindow?: number
  /** bytes a peer may pull per `rateWindowMs` (default 512 MiB) */
  bytesPerWindow?: number
  rateWindowMs?: number
  /** concurrent inbound blob streams (default 64) */
  maxInboundStreams?: number
  /** per-fetch timeout when the caller gives no signal (default 30 s) */
  fetchTimeoutMs?: number
  /** asked before serving any blob: false answers BLOB_PAYMENT_REQUIRED (a job output not paid for yet) */
  mayServe?: (cid: string) => Promise<boolean>
  counters?: OutcomeCounters
  /**
   * when a peer is reached only through a relay, how long a fetch waits for DCUtR to bring a
   * direct connection before it uses the relayed one (default 2 s; once per peer a minute, and
   * only when one side has a public address, without which DCUtR cannot succeed)
   */
  directWaitMs?: number
}

/** bytes of framing a blob response adds to the blob itself, at most (header and chunk frames) */
const framing = (size: number): number => 64 + Math.ceil(size / BLOB_CHUNK_DATA_BYTES) * 16

/** One frame of the response: the header first, then the bytes. */
export type BlobFrame = { head: BlobResponse } | { data: Uint8Array }

const head = (status: BlobStatus, message: string, totalSize = 0): BlobFrame => ({
  head: { status, totalSize, offset: 0, length: status === BlobStatus.BLOB_OK ? totalSize : 0, message },
})

/** A typed error as a BlobResponse; failures with no status of their own read as a refusal. */
function blobError(e: TypedError): BlobFrame {
  switch (e.code) {
    case 'RATE_LIMITED':
      return head(BlobStatus.BLOB_RATE_LIMITED, e.message)
    case 'NOT_FOUND':
      return head(BlobStatus.BLOB_NOT_FOUND, e.message)
    case 'PAYMENT_REQUIRED':
      return head(BlobStatus.BLOB_PAYMENT_REQUIRED, e.message)
    case 'MALFORMED':
    case 'OVERSIZED':
      return head(BlobStatus.BLOB_INVALID_REQUEST, 'malformed BlobRequest')
    // version 1 has no status for these: the fetcher reads BLOB_INVALID_REQUEST as a refusal
    default:
      return head(BlobStatus.BLOB_INVALID_REQUEST, `${e.code}: ${e.message}`.slice(0, 200))
  }
}

export class BlobExchange {
  private readonly init: BlobExchangeInit
  private readonly byteLimiter: RateLimiter
  private readonly windowSec: number
  private unhandle: (() => Promise<void>) | undefined
  /** peers a fetch already waited for a direct connection to, and until when not to wait again */
  private readonly waited = new Map<string, number>()

  constructor(init: BlobExchangeInit) {
    this.init = init
    this.windowSec = Math.max(1, Math.round((init.rateWindowMs ?? 10_000) / 1000))
    // points are KiB so that a window's budget fits comfortably in a number
    const kib = Math.ceil((init.bytesPerWindow ?? 512 * 1024 * 1024) / 1024)
    this.byteLimiter = new RateLimiter({ points: kib, duration: this.windowSec })
  }

  /** The protocol's descriptor: a request, then a header and chunk frames. */
  protocol(): ProtocolDescriptor<ValidBlobRequest, BlobFrame> {
    const exchangeMs = this.init.fetchTimeoutMs ?? 30_000
    const maxStreams = this.init.maxInboundStreams ?? 64
    return {
      id: PROTOCOLS.blob,
      name: 'blob',
      request: {
        encode: (r) => BlobRequest.encode({ cid: r.cid.bytes, offset: r.offset, maxBytes: r.maxBytes }),
        decode: (b) => decodeBlobRequest(b),
      },
      response: {
        encode: (f) =>
          'head' in f
            ? BlobResponse.encode(f.head)
            : // level hands out views over ArrayBuffers; the generated type only rules out SharedArrayBuffer
              BlobChunk.encode({ data: f.data as Uint8Array<ArrayBuffer> }),
        decode: (b, index) => (index === 0 ? { head: decodeBlobResponse(b) } : { data: decodeBlobChunk(b) }),
      },
      maxRequestBytes: MAX_MESSAGE_BYTES.blobRequest,
      maxResponseFrameBytes: MAX_MESSAGE_BYTES.blobChunk,
      timeouts: { firstByteMs: Math.min(10_000, exchangeMs), exchangeMs },
      inbound: { maxStreams, maxStreamsPerPeer: maxStreams },
      rateLimit: { perPeer: { points: this.init.requestsPerWindow ?? 200, seconds: this.windowSec } },
      handler: async (request, { peer }) => await this.serve(request, peer.toString()),
      errorResponse: blobError,
      // blobs may cross a relay within its limits; fetch() checks them first (BLOB_RELAY_LIMIT)
      runOnLimitedConnection: true,
    }
  }

  async start(): Promise<void> {
    if (this.unhandle !== undefined) return
    const counters = this.init.counters
    const components = { libp2p: this.init.libp2p, ...(counters !== undefined ? { counters } : {}) }
    this.unhandle = await handleProtocol(components, this.protocol())
  }

  async stop(): Promise<void> {
    if (this.unhandle === undefined) return
    await this.unhandle()
    this.unhandle = undefined
  }

  /**
   * Fetches `cid` from `peer`, verifies it, stores it and returns the bytes. A peer reached only
   * through a relay: waits (bounded) for a direct connection, then either the blob fits what the
   * relayed connection may still carry or the fetch fails at once with BLOB_RELAY_LIMIT; a relay
   * that ends the circuit mid-transfer gives BLOB_RELAY_ABORTED. Never a silent stall.
   */
  async fetch(peer: PeerId, cid: CID, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Uint8Array> {
    const local = await this.init.store.get(cid)
    if (local !== undefined) return local
    const maxBytes = Math.min(options.maxBytes ?? this.init.store.maxBlobBytes, this.init.store.maxBlobBytes)
    // our own refusals (too large, overrun) reset the stream at once: the peer must stop sending
    const giveUp = new AbortController()
    // the caller's signal (a job's deadline) bounds a fetch, else fetchTimeoutMs
    // (node/util/deadline.ts: both let go of their timers and listeners when the fetch ends)
    const timeout = options.signal === undefined ? deadline(this.init.fetchTimeoutMs ?? 30_000) : undefined
    const bound = options.signal ?? timeout!.signal
    const combined = deadline(undefined, giveUp.signal, bound)
    const signal = combined.signal
    try {
      const relayed = await this.relayBudget(peer, signal)
      const request = { cid, offset: 0, maxBytes: 0 }
      let bytes: Uint8Array | undefined
      let received = 0
      const frames = requestFrames({ libp2p: this.init.libp2p }, this.protocol(), peer, request, { signal })
      try {
        for await (const frame of frames) {
          try {
            if ('head' in frame) {
              bytes = this.accept(frame.head, peer, cid, maxBytes)
              this.fitsRelay(bytes.length, relayed, peer, cid)
            } else if (bytes !== undefined) {
              if (received + frame.data.length > bytes.length) {
                const why = `peer sent more than the ${bytes.length} bytes it announced`
                throw new BlobError('BLOB_OVERRUN', why, { cid: cid.toString() })
              }
              bytes.set(frame.data, received)
              received += frame.data.length
            }
          } catch (err) {
            // before the loop ends the exchange, so that it resets rather than closes politely
            giveUp.abort(err)
            throw err
          }
          if (bytes !== undefined && received === bytes.length) break
        }
      } catch (err) {
        // a relay that ends a circuit at its limits resets the stream: say so, with a code
        if (relayed.limited && !(err instanceof BlobError) && !bound.aborted) {
          const why =
            `the relayed connection to ${peer.toString()} ended during ${cid.toString()} after ${received} ` +
            `bytes (the relay's limits?): ${(err as Error).message}`
          throw new BlobError('BLOB_RELAY_ABORTED', why, { cid: cid.toString(), peer: peer.toString() }, { cause: err })
        }
        throw err
      }
      if (bytes === undefined || received < bytes.length) {
        const why = `peer ${peer.toString()} ended ${cid.toString()} after ${received} bytes`
        throw new BlobError('BLOB_TRUNCATED', why, { cid: cid.toString() })
      }
      await this.init.store.putVerified(cid, bytes)
      return bytes
    } finally {
      combined.clear()
      timeout?.clear()
    }
  }

  /**
   * Whether `peer` is reached only through relays, and how many bytes they may still carry. Waits
   * (bounded) for a direct connection first: DCUtR may be upgrading the relayed one right now.
   */
  private async relayBudget(peer: PeerId, signal: AbortSignal): Promise<{ limited: boolean; bytes?: bigint }> {
    const { getConnections, addEventListener, getMultiaddrs, peerStore } = this.init.libp2p
    if (getConnections === undefined) return { limited: false }
    const libp2p = this.init.libp2p as ConnectionsLibp2p & AddressesLibp2p
    const id = peer.toString()
    const now = Date.now()
    if (
      onlyLimited(libp2p.getConnections(peer)) &&
      addEventListener !== undefined &&
      getMultiaddrs !== undefined &&
      peerStore !== undefined &&
      (this.waited.get(id) ?? 0) <= now &&
      (await directPossible(libp2p, peer))
    ) {
      this.waited.set(id, now + 60_000)
      await waitForDirect(libp2p, peer, { timeoutMs: this.init.directWaitMs ?? 2000, signal })
    }
    const connections = libp2p.getConnections(peer)
    if (!onlyLimited(connections)) return { limited: false }
    const bytes = remainingBytes(connections)
    return bytes === undefined ? { limited: true } : { limited: true, bytes }
  }

  /** Throws BLOB_RELAY_LIMIT when a blob of `size` bytes cannot fit the relayed connection. */
  private fitsRelay(size: number, relayed: { limited: boolean; bytes?: bigint }, peer: PeerId, cid: CID): void {
    if (relayed.bytes === undefined || BigInt(size + framing(size)) <= relayed.bytes) return
    const why =
      `blob ${cid.toString()} of ${size} bytes does not fit the ${relayed.bytes} bytes the relayed ` +
      `connection to ${peer.toString()} may still carry, and no direct connection came`
    throw new BlobError('BLOB_RELAY_LIMIT', why, { cid: cid.toString(), size, relayBytes: String(relayed.bytes) })
  }

  /** Checks the header; returns the buffer the chunks go into. */
  private accept(h: BlobResponse, peer: PeerId, cid: CID, maxBytes: number): Uint8Array {
    if (h.status !== BlobStatus.BLOB_OK) {
      const known = [BlobStatus.BLOB_NOT_FOUND, BlobStatus.BLOB_RATE_LIMITED, BlobStatus.BLOB_PAYMENT_REQUIRED]
      const code = known.includes(h.status) ? h.status : 'BLOB_REFUSED'
      const why = `peer ${peer.toString()} answered ${BlobStatus[h.status]} for ${cid.toString()}`
      const details = { cid: cid.toString(), peer: peer.toString() }
      throw new BlobError(code, why + (h.message !== '' ? `: ${h.message}` : ''), details)
    }
    if (h.totalSize > maxBytes || h.length !== h.totalSize) {
      const why = `blob ${cid.toString()} of ${h.totalSize} bytes exceeds the limit of ${maxBytes}`
      throw new BlobError('BLOB_TOO_LARGE', why, { cid: cid.toString(), size: h.totalSize, limit: maxBytes })
    }
    return new Uint8Array(h.length)
  }

  /** The answer to one request: refusals throw typed errors (the layer writes them as a BlobResponse). */
  private async serve(request: ValidBlobRequest, peer: string): Promise<{ frames: Iterable<BlobFrame> }> {
    if (this.init.mayServe !== undefined && !(await this.init.mayServe(request.cid.toString()))) {
      throw new ReqRespError('PAYMENT_REQUIRED', 'a job output, released once its payment is assured')
    }
    // the budget is checked against the size index: a peer over its budget must not make us
    // read (up to 64 MiB of) the blob only to refuse it
    const size = await this.init.store.size(request.cid)
    if (size !== undefined && !tryConsume(this.byteLimiter, peer, Math.ceil(size / 1024))) {
      throw new ReqRespError('RATE_LIMITED', 'byte budget for this peer exhausted; retry later')
    }
    const bytes = size === undefined ? undefined : await this.init.store.get(request.cid)
    if (bytes === undefined) throw new ReqRespError('NOT_FOUND', `no blob ${request.cid.toString()} here`)
    return { frames: framesOf(bytes) }
  }
}

function* framesOf(bytes: Uint8Array): Iterable<BlobFrame> {
  yield head(BlobStatus.BLOB_OK, '', bytes.byteLength)
  for (let at = 0; at < bytes.byteLength; at += BLOB_CHUNK_DATA_BYTES) {
    yield { data: bytes.subarray(at, at + BLOB_CHUNK_DATA_BYTES) }
  }
}
