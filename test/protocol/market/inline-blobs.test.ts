// Inline inputs with the award (issue 14 goal 3): the set goes inline only when it fits the
// budget as a whole; the provider uses an inline blob only if its bytes are the CID the signed
// job names, at the stated size; the message is bounded before and while it is decoded.
import { expect } from 'chai'
import { cidForBytes } from '../../../protocol/cid.ts'
import { MAX_INLINE_BLOB_BYTES, MAX_MESSAGE_BYTES } from '../../../protocol/market/bounds.ts'
import { isMarketValidationError } from '../../../protocol/market/errors.ts'
import {
  chooseInline,
  decodeAwardWithData,
  encodeAwardWithData,
  inlineBlob,
} from '../../../protocol/market/inline-blobs.ts'

const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill)

describe('protocol/market inline blobs', () => {
  it("inlines all of a job's inputs when they fit the budget together, else none", () => {
    const a = { cid: 'a', size: 1000 }
    const b = { cid: 'b', size: MAX_INLINE_BLOB_BYTES - 1000 }
    expect(chooseInline([a, b])).to.deep.equal([a, b])
    expect(chooseInline([a, { ...b, size: b.size + 1 }])).to.deep.equal([])
    expect(chooseInline([])).to.deep.equal([])
  })

  it('round-trips, and a blob is used only when its bytes hash to the CID at the stated size', async () => {
    const data = bytes(100)
    const cid = await cidForBytes(data)
    const envelope = bytes(50, 7)
    const decoded = decodeAwardWithData(encodeAwardWithData(envelope, [{ cid: cid.toString(), data }]))
    expect(decoded.envelope).to.deep.equal(envelope)
    expect(await inlineBlob(decoded.blobs, cid, 100)).to.deep.equal(data)
    expect(await inlineBlob(decoded.blobs, cid, 99), 'wrong size').to.equal(undefined)
    // other bytes under the job's CID: not used (the provider fetches instead)
    const forged = decodeAwardWithData(encodeAwardWithData(envelope, [{ cid: cid.toString(), data: bytes(100, 2) }]))
    expect(await inlineBlob(forged.blobs, cid, 100)).to.equal(undefined)
    expect(await inlineBlob(undefined, cid, 100)).to.equal(undefined)
  })

  it('refuses oversized and malformed messages with REJECT codes', async () => {
    const big = bytes(MAX_INLINE_BLOB_BYTES + 1)
    const cid = (await cidForBytes(big)).toString()
    const over = (f: () => unknown, code: string): void => {
      try {
        f()
        expect.fail('accepted')
      } catch (err) {
        expect(isMarketValidationError(err) && err.code === code && err.action === 'REJECT', String(err)).to.equal(true)
      }
    }
    over(() => decodeAwardWithData(encodeAwardWithData(bytes(10), [{ cid, data: big }])), 'OVERSIZED')
    over(() => decodeAwardWithData(bytes(MAX_MESSAGE_BYTES.awardWithData + 1)), 'OVERSIZED')
    over(() => decodeAwardWithData(Uint8Array.of(0x0a, 0xff)), 'MALFORMED')
  })
})
