// /hive/blob/1.0.0: serve blobs from the local store and fetch them from peers. The asker sends
// one BlobRequest; the server answers one BlobResponse and, when OK, the bytes in BlobChunk
// frames. The fetcher checks the bytes against the CID before it stores or returns anything.
import { logger } from '@libp2p/logger'
import { RateLimiter, lpStream } from '@libp2p/utils'
import { BlobChunk, BlobResponse, BlobRequest, BlobStatus } from '../../protocol/gen/market.ts'
import { BLOB_CHUNK_DATA_BYTES, MAX_MESSAGE_BYTES } from '../../protocol/market/bounds.ts'
import { decodeBlobChunk, decodeBlobRequest, decodeBlobResponse } from '../../protocol/market/direct.ts'
import { PROTOCOLS } from '../../protocol/topics.ts'
import { BlobError } from './store.ts'
import type { BlobStore } from './store.ts'
import type { CID } from '../../protocol/cid.ts'
import { tryConsume } from '../util/rate-limit.ts'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'

const log = logger('hive:blobs')

export interface BlobExchangeInit {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>
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
  /** asked before serving any blob: false answers BLOB_PAYMENT_REQUIRED (a job output not yet paid for) */
  mayServe?: (cid: string) => Promise<boolean>
}

export class BlobExchange {
  private readonly init: BlobExchangeInit
  private readonly requestLimiter: RateLimiter
  private readonly byteLimiter: RateLimiter
  private started = false

  constructor (init: BlobExchangeInit) {
    this.init = init
    const windowSec = Math.max(1, Math.round((init.rateWindowMs ?? 10_000) / 1000))
    this.requestLimiter = new RateLimiter({ points: init.requestsPerWindow ?? 200, duration: windowSec })
    // points are KiB so that a window's budget fits comfortably in a number
    this.byteLimiter = new RateLimiter({ points: Math.ceil((init.bytesPerWindow ?? 512 * 1024 * 1024) / 1024), duration: windowSec })
  }

  async start (): Promise<void> {
    if (this.started) return
    await this.init.libp2p.handle(PROTOCOLS.blob, (stream, connection) => { void this.serve(stream, connection) }, {
      maxInboundStreams: this.init.maxInboundStreams ?? 64,
    })
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) return
    await this.init.libp2p.unhandle(PROTOCOLS.blob)
    this.started = false
  }

  /** Fetches `cid` from `peer`, verifies it, stores it and returns the bytes. */
  async fetch (peer: PeerId, cid: CID, options: { signal?: AbortSignal, maxBytes?: number } = {}): Promise<Uint8Array> {
    const local = await this.init.store.get(cid)
    if (local !== undefined) return local
    const signal = options.signal ?? AbortSignal.timeout(this.init.fetchTimeoutMs ?? 30_000)
    const maxBytes = Math.min(options.maxBytes ?? this.init.store.maxBlobBytes, this.init.store.maxBlobBytes)
    const stream = await this.init.libp2p.dialProtocol(peer, PROTOCOLS.blob, { signal })
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES.blobChunk })
      await lp.write(BlobRequest.encode({ cid: cid.bytes, offset: 0, maxBytes: 0 }), { signal })
      const head = decodeBlobResponse(await lp.read({ signal }))
      if (head.status !== BlobStatus.BLOB_OK) {
        const code = head.status === BlobStatus.BLOB_NOT_FOUND || head.status === BlobStatus.BLOB_RATE_LIMITED || head.status === BlobStatus.BLOB_PAYMENT_REQUIRED ? head.status : 'BLOB_REFUSED'
        throw new BlobError(code, `peer ${peer.toString()} answered ${BlobStatus[head.status]} for ${cid.toString()}${head.message !== '' ? `: ${head.message}` : ''}`, { cid: cid.toString(), peer: peer.toString() })
      }
      if (head.totalSize > maxBytes || head.length !== head.totalSize) {
        throw new BlobError('BLOB_TOO_LARGE', `blob ${cid.toString()} of ${head.totalSize} bytes exceeds the limit of ${maxBytes}`, { cid: cid.toString(), size: head.totalSize, limit: maxBytes })
      }
      const bytes = new Uint8Array(head.length)
      let received = 0
      while (received < head.length) {
        const data = decodeBlobChunk(await lp.read({ signal }))
        if (received + data.length > head.length) throw new BlobError('BLOB_OVERRUN', `peer sent more than the ${head.length} bytes it announced`, { cid: cid.toString() })
        bytes.set(data, received)
        received += data.length
      }
      await this.init.store.putVerified(cid, bytes)
      await stream.close({ signal }).catch(() => {})
      return bytes
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const signal = AbortSignal.timeout(this.init.fetchTimeoutMs ?? 30_000)
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES.blobRequest })
    const answer = async (status: BlobStatus, message: string, totalSize = 0): Promise<void> => {
      await lp.write(BlobResponse.encode({ status, totalSize, offset: 0, length: status === BlobStatus.BLOB_OK ? totalSize : 0, message }), { signal })
    }
    try {
      if (!tryConsume(this.requestLimiter, peer, 1)) {
        await answer(BlobStatus.BLOB_RATE_LIMITED, 'too many blob requests; retry later')
        await stream.close({ signal })
        return
      }
      let request
      try {
        request = decodeBlobRequest(await lp.read({ signal }))
      } catch (err) {
        log('invalid blob request %o', { peer, err: (err as Error).message })
        await answer(BlobStatus.BLOB_INVALID_REQUEST, 'malformed BlobRequest')
        await stream.close({ signal })
        return
      }
      if (this.init.mayServe !== undefined && !await this.init.mayServe(request.cid.toString())) {
        await answer(BlobStatus.BLOB_PAYMENT_REQUIRED, 'a job output, released once its payment is assured')
        await stream.close({ signal })
        return
      }
      // the budget is checked against the size index: a peer over its budget must not make us
      // read (up to 64 MiB of) the blob only to refuse it
      const size = await this.init.store.size(request.cid)
      if (size !== undefined && !tryConsume(this.byteLimiter, peer, Math.ceil(size / 1024))) {
        await answer(BlobStatus.BLOB_RATE_LIMITED, 'byte budget for this peer exhausted; retry later')
        await stream.close({ signal })
        return
      }
      const bytes = size === undefined ? undefined : await this.init.store.get(request.cid)
      if (bytes === undefined) {
        await answer(BlobStatus.BLOB_NOT_FOUND, `no blob ${request.cid.toString()} here`)
        await stream.close({ signal })
        return
      }
      await answer(BlobStatus.BLOB_OK, '', bytes.byteLength)
      for (let at = 0; at < bytes.byteLength; at += BLOB_CHUNK_DATA_BYTES) {
        // level hands out views over ArrayBuffers; the generated type only wants to rule out SharedArrayBuffer
        await lp.write(BlobChunk.encode({ data: bytes.subarray(at, at + BLOB_CHUNK_DATA_BYTES) as Uint8Array<ArrayBuffer> }), { signal })
      }
      await stream.close({ signal })
    } catch (err) {
      log.error('serving a blob to %s failed: %s', peer, (err as Error).message)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
