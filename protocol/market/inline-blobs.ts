// A small job's inputs ride inline with its award (/hive/award/2.0.0, issue 14 goal 3): the
// provider then runs without a fetch exchange. The blobs are not signed: each is content-addressed,
// and the provider uses one only when its bytes hash to a CID the signed job names, with the
// size the job states; anything else is ignored and fetched as before, so a relay or a buggy
// requester can at worst cost the fetch it would have cost anyway.
import { CID } from 'multiformats/cid'
import { AwardWithData } from '../gen/market.ts'
import { cidForBytes } from '../cid.ts'
import { MAX_INLINE_BLOB_BYTES, MAX_MESSAGE_BYTES } from './bounds.ts'
import { fail } from './errors.ts'
import { MAX_VOUCHER_BYTES } from '../payments/voucher.ts'

/** the most blobs one award carries */
export const MAX_INLINE_BLOBS = 64

export interface InlineCandidate {
  cid: string
  size: number
}

/**
 * Which of a job's blobs go inline: all of them when they fit the budget together, else none
 * (a partial set would still cost the fetch exchange it was meant to save).
 */
export function chooseInline<T extends InlineCandidate>(blobs: T[], budget = MAX_INLINE_BLOB_BYTES): T[] {
  if (blobs.length === 0 || blobs.length > MAX_INLINE_BLOBS) return []
  const total = blobs.reduce((a, b) => a + b.size, 0)
  return total <= budget ? blobs : []
}

/** `voucher`: pay-on-award, the wire voucher paying the job's price (see protocol/market/pay-on-award.ts) */
export function encodeAwardWithData(
  envelope: Uint8Array,
  blobs: Array<{ cid: string; data: Uint8Array }>,
  voucher?: Uint8Array,
): Uint8Array {
  return AwardWithData.encode({
    envelope: envelope as Uint8Array<ArrayBuffer>,
    blobs: blobs.map((b) => ({ cid: CID.parse(b.cid).bytes, data: b.data as Uint8Array<ArrayBuffer> })),
    voucher: (voucher ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
  })
}

export interface DecodedAwardWithData {
  envelope: Uint8Array
  /** CID string -> bytes as received (unchecked: see `inlineBlob`) */
  blobs: Map<string, Uint8Array>
  /** pay-on-award: the wire voucher as received (unchecked: the payments receiver judges it) */
  voucher?: Uint8Array
}

/** Decodes an award with inline blobs; REJECTs a message over its bounds or one that does not parse. */
export function decodeAwardWithData(bytes: Uint8Array): DecodedAwardWithData {
  if (bytes.byteLength > MAX_MESSAGE_BYTES.awardWithData)
    fail('OVERSIZED', `an award with data is at most ${MAX_MESSAGE_BYTES.awardWithData} bytes`, {
      size: bytes.byteLength,
    })
  let msg: AwardWithData
  try {
    msg = AwardWithData.decode(bytes, { limits: { blobs: MAX_INLINE_BLOBS } })
  } catch (err) {
    fail('MALFORMED', 'not an AwardWithData', {}, err)
  }
  if (msg.envelope.byteLength > MAX_MESSAGE_BYTES.award)
    fail('OVERSIZED', `an award envelope is at most ${MAX_MESSAGE_BYTES.award} bytes`, {
      size: msg.envelope.byteLength,
    })
  if (msg.voucher.byteLength > MAX_VOUCHER_BYTES)
    fail('OVERSIZED', `a voucher is at most ${MAX_VOUCHER_BYTES} bytes`, { size: msg.voucher.byteLength })
  const blobs = new Map<string, Uint8Array>()
  let total = 0
  for (const b of msg.blobs) {
    total += b.data.byteLength
    if (total > MAX_INLINE_BLOB_BYTES)
      fail('OVERSIZED', `inline blobs are at most ${MAX_INLINE_BLOB_BYTES} bytes in all`)
    let cid: CID
    try {
      cid = CID.decode(b.cid)
    } catch (err) {
      fail('MALFORMED', 'an inline blob with an unreadable CID', {}, err)
    }
    blobs.set(cid.toString(), b.data)
  }
  return { envelope: msg.envelope, blobs, ...(msg.voucher.byteLength > 0 ? { voucher: msg.voucher } : {}) }
}

/** The inline bytes for `cid` when they are exactly the content the job names (else undefined: fetch it). */
export async function inlineBlob(
  blobs: ReadonlyMap<string, Uint8Array> | undefined,
  cid: CID,
  size: number,
): Promise<Uint8Array | undefined> {
  const data = blobs?.get(cid.toString())
  if (data === undefined || data.byteLength !== size) return undefined
  return (await cidForBytes(data)).equals(cid) ? data : undefined
}
