import { expect } from 'chai'
import { BlobChunk, BlobRequest, BlobResponse, BlobStatus, Reply, ReplyStatus } from '../../../protocol/gen/market.ts'
import { BLOB_CHUNK_MAX_DATA, MAX_MESSAGE_BYTES } from '../../../protocol/market/bounds.ts'
import {
  decodeBlobChunk,
  decodeBlobRequest,
  decodeBlobResponse,
  decodeReply,
  errorReply,
  okReply,
  statusReply,
} from '../../../protocol/market/direct.ts'
import { MarketValidationError } from '../../../protocol/market/errors.ts'
import { ownBytes } from '../../../protocol/market/fields.ts'
import { cidOf, expectMarketError } from './fixtures.ts'

describe('protocol/market direct-protocol frames', () => {
  it('replies: ok with an envelope, errors mapped to INVALID / IGNORED with their code, bugs to INTERNAL_ERROR', () => {
    const env = new Uint8Array([1, 2, 3])
    const ok = decodeReply(okReply(env))
    expect(ok.status).to.equal(ReplyStatus.REPLY_OK)
    expect(ok.envelope).to.deep.equal(env)
    const rejected = decodeReply(errorReply(new MarketValidationError('PRICE_ABOVE_MAX', 'too dear')))
    expect([rejected.status, rejected.code, rejected.message]).to.deep.equal([
      ReplyStatus.REPLY_INVALID,
      'PRICE_ABOVE_MAX',
      'too dear',
    ])
    const ignored = decodeReply(errorReply(new MarketValidationError('DUPLICATE', 'again')))
    expect([ignored.status, ignored.code]).to.deep.equal([ReplyStatus.REPLY_IGNORED, 'DUPLICATE'])
    const internal = decodeReply(errorReply(new Error('disk path /secret/x failed')))
    expect([internal.status, internal.code, internal.message]).to.deep.equal([
      ReplyStatus.REPLY_INTERNAL_ERROR,
      'INTERNAL_ERROR',
      '',
    ])
    const limited = decodeReply(statusReply(ReplyStatus.REPLY_RATE_LIMITED, 'RATE_LIMITED', 'slow down'))
    expect([limited.status, limited.code]).to.deep.equal([ReplyStatus.REPLY_RATE_LIMITED, 'RATE_LIMITED'])
  })

  it('refuses bad replies', async () => {
    await expectMarketError(() => decodeReply(new Uint8Array(MAX_MESSAGE_BYTES.reply + 1)), 'OVERSIZED', 'REJECT')
    await expectMarketError(() => decodeReply(new Uint8Array([0x1a, 0x05, 0x41])), 'MALFORMED', 'REJECT')
    await expectMarketError(
      () =>
        decodeReply(
          Reply.encode({
            status: ReplyStatus.REPLY_STATUS_UNSPECIFIED,
            code: '',
            message: '',
            envelope: new Uint8Array(0),
          }),
        ),
      'INVALID_FIELD',
    )
    await expectMarketError(
      () =>
        decodeReply(
          Reply.encode({ status: ReplyStatus.REPLY_OK, code: 'lower case', message: '', envelope: new Uint8Array(0) }),
        ),
      'INVALID_FIELD',
    )
  })

  it('blob request: a CID and a range; a bad CID or absurd range is refused', async () => {
    const cid = cidOf('blob')
    const req = decodeBlobRequest(BlobRequest.encode({ cid: ownBytes(cid.bytes), offset: 10, maxBytes: 100 }))
    expect(req.cid.equals(cid)).to.equal(true)
    expect([req.offset, req.maxBytes]).to.deep.equal([10, 100])
    await expectMarketError(
      () => decodeBlobRequest(BlobRequest.encode({ cid: new Uint8Array([1, 2]), offset: 0, maxBytes: 0 })),
      'MALFORMED',
    )
    await expectMarketError(
      () => decodeBlobRequest(BlobRequest.encode({ cid: ownBytes(cid.bytes), offset: 2 ** 40, maxBytes: 0 })),
      'INVALID_FIELD',
    )
    await expectMarketError(() => decodeBlobRequest(new Uint8Array(MAX_MESSAGE_BYTES.blobRequest + 1)), 'OVERSIZED')
  })

  it('blob response header: its range must lie inside the blob', async () => {
    const res = decodeBlobResponse(
      BlobResponse.encode({ status: BlobStatus.BLOB_OK, totalSize: 100, offset: 10, length: 90, message: '' }),
    )
    expect(res.length).to.equal(90)
    const notFound = decodeBlobResponse(
      BlobResponse.encode({
        status: BlobStatus.BLOB_NOT_FOUND,
        totalSize: 0,
        offset: 0,
        length: 0,
        message: 'no such blob',
      }),
    )
    expect(notFound.status).to.equal(BlobStatus.BLOB_NOT_FOUND)
    await expectMarketError(
      () =>
        decodeBlobResponse(
          BlobResponse.encode({ status: BlobStatus.BLOB_OK, totalSize: 100, offset: 10, length: 91, message: '' }),
        ),
      'INVALID_FIELD',
    )
    await expectMarketError(
      () =>
        decodeBlobResponse(
          BlobResponse.encode({
            status: BlobStatus.BLOB_STATUS_UNSPECIFIED,
            totalSize: 1,
            offset: 0,
            length: 1,
            message: '',
          }),
        ),
      'INVALID_FIELD',
    )
  })

  it('blob chunks: non-empty and at most the chunk limit', async () => {
    const data = new Uint8Array(BLOB_CHUNK_MAX_DATA).fill(7)
    expect(decodeBlobChunk(BlobChunk.encode({ data })).length).to.equal(BLOB_CHUNK_MAX_DATA)
    await expectMarketError(() => decodeBlobChunk(BlobChunk.encode({ data: new Uint8Array(0) })), 'INVALID_FIELD')
    await expectMarketError(
      () => decodeBlobChunk(BlobChunk.encode({ data: new Uint8Array(BLOB_CHUNK_MAX_DATA + 1) })),
      'INVALID_FIELD',
    )
    await expectMarketError(
      () => decodeBlobChunk(BlobChunk.encode({ data: new Uint8Array(BLOB_CHUNK_MAX_DATA + 100) })),
      'OVERSIZED',
    )
  })
})
