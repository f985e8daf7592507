// Bounded decoding of the unsigned messages of the direct protocols: the Reply that answers
// every request on /hive/request, /hive/bid, /hive/award and /hive/result, and the blob
// exchange frames. These ride on a noise-authenticated stream, so they need no signature:
// nobody but the two ends ever has to verify them.
import { BlobChunk, BlobRequest, BlobResponse, BlobStatus, Reply, ReplyStatus } from '../gen/market.ts'
import { BLOB_CHUNK_MAX_DATA, JOB_BOUNDS, MAX_MESSAGE_BYTES, MESSAGE_BOUNDS } from './bounds.ts'
import { fail, isMarketValidationError } from './errors.ts'
import { checkRange, checkText, ownBytes, requireCid } from './fields.ts'
import type { MessageKind } from './bounds.ts'
import type { CID } from 'multiformats/cid'
import type { Uint8ArrayList } from 'uint8arraylist'

function decodeBounded<T>(
  bytes: Uint8Array | Uint8ArrayList,
  kind: MessageKind,
  decode: (b: Uint8Array | Uint8ArrayList) => T,
): T {
  const max = MAX_MESSAGE_BYTES[kind]
  if (bytes.byteLength > max)
    fail('OVERSIZED', `${kind} of ${bytes.byteLength} bytes exceeds ${max}`, {
      type: kind,
      size: bytes.byteLength,
      max,
    })
  try {
    return decode(bytes)
  } catch (err) {
    return fail('MALFORMED', `not a ${kind}`, { type: kind }, err)
  }
}

const REPLY_CODE = /^[A-Z0-9_]*$/

export function decodeReply(bytes: Uint8Array | Uint8ArrayList): Reply {
  const reply = decodeBounded(bytes, 'reply', (b) => Reply.decode(b))
  if (reply.status === ReplyStatus.REPLY_STATUS_UNSPECIFIED)
    fail('INVALID_FIELD', 'reply status missing', { field: 'status' })
  checkText(reply.code, 'code', MESSAGE_BOUNDS.maxReplyCodeLength, REPLY_CODE)
  checkText(reply.message, 'message', MESSAGE_BOUNDS.maxReplyMessageLength)
  return reply
}

export function okReply(envelope?: Uint8Array): Uint8Array {
  return Reply.encode({
    status: ReplyStatus.REPLY_OK,
    code: '',
    message: '',
    envelope: ownBytes(envelope ?? new Uint8Array(0)),
  })
}

/**
 * The reply for a request that failed: a MarketValidationError becomes INVALID (REJECT) or
 * IGNORED (IGNORE) with its code; anything else is our own failure and says only INTERNAL_ERROR
 * (its message may hold local details that are none of the peer's business).
 */
export function errorReply(err: unknown): Uint8Array {
  if (isMarketValidationError(err)) {
    const status = err.action === 'REJECT' ? ReplyStatus.REPLY_INVALID : ReplyStatus.REPLY_IGNORED
    return Reply.encode({
      status,
      code: err.code,
      message: err.message.slice(0, MESSAGE_BOUNDS.maxReplyMessageLength),
      envelope: new Uint8Array(0),
    })
  }
  return Reply.encode({
    status: ReplyStatus.REPLY_INTERNAL_ERROR,
    code: 'INTERNAL_ERROR',
    message: '',
    envelope: new Uint8Array(0),
  })
}

/** A reply for a refusal that is not about the message itself (rate limit, no capacity). */
export function statusReply(
  status: ReplyStatus.REPLY_RATE_LIMITED | ReplyStatus.REPLY_BUSY,
  code: string,
  message = '',
): Uint8Array {
  return Reply.encode({
    status,
    code,
    message: message.slice(0, MESSAGE_BOUNDS.maxReplyMessageLength),
    envelope: new Uint8Array(0),
  })
}

export interface ValidBlobRequest {
  cid: CID
  offset: number
  /** 0 = to the end */
  maxBytes: number
}

export function decodeBlobRequest(bytes: Uint8Array | Uint8ArrayList): ValidBlobRequest {
  const req = decodeBounded(bytes, 'blobRequest', (b) => BlobRequest.decode(b))
  const cid = requireCid(req.cid, 'cid')
  checkRange(req.offset, 'offset', { min: 0, max: JOB_BOUNDS.blobSize.max })
  checkRange(req.maxBytes, 'maxBytes', { min: 0, max: JOB_BOUNDS.blobSize.max })
  return { cid, offset: req.offset, maxBytes: req.maxBytes }
}

export function decodeBlobResponse(bytes: Uint8Array | Uint8ArrayList): BlobResponse {
  const res = decodeBounded(bytes, 'blobResponse', (b) => BlobResponse.decode(b))
  if (res.status === BlobStatus.BLOB_STATUS_UNSPECIFIED)
    fail('INVALID_FIELD', 'blob status missing', { field: 'status' })
  checkRange(res.totalSize, 'totalSize', { min: 0, max: JOB_BOUNDS.blobSize.max })
  checkRange(res.offset, 'offset', { min: 0, max: res.totalSize })
  checkRange(res.length, 'length', { min: 0, max: res.totalSize - res.offset })
  checkText(res.message, 'message', MESSAGE_BOUNDS.maxReplyMessageLength)
  return res
}

/** The data of one BlobChunk frame (never empty). */
export function decodeBlobChunk(bytes: Uint8Array | Uint8ArrayList): Uint8Array {
  const chunk = decodeBounded(bytes, 'blobChunk', (b) => BlobChunk.decode(b))
  checkRange(chunk.data.length, 'data', { min: 1, max: BLOB_CHUNK_MAX_DATA })
  return chunk.data
}
