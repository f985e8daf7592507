// A small job's output rides inline with its result (/hive/result/2.0.0, issue 14: ≤ 4 exchanges)
// when it may leave the provider at once: no payment to wait for (a market without payments), or
// a payment already assured. The requester then needs no output fetch. The bytes are not signed:
// the requester uses them only when they hash to the output CID the signed result names, at the
// size it states; anything else is refused and the output is fetched as before, so forged bytes
// can at worst cost the fetch they were meant to save.
import { ResultWithData } from '../gen/market.ts'
import { MAX_INLINE_BLOB_BYTES, MAX_MESSAGE_BYTES } from './bounds.ts'
import { fail } from './errors.ts'
import { inlineBlob } from './inline-blobs.ts'
import type { CID } from 'multiformats/cid'

/** whether an output of `size` bytes goes inline with its result */
export function outputFitsInline(size: number, budget = MAX_INLINE_BLOB_BYTES): boolean {
  return size > 0 && size <= budget
}

export function encodeResultWithData(envelope: Uint8Array, output: Uint8Array | undefined): Uint8Array {
  return ResultWithData.encode({
    envelope: envelope as Uint8Array<ArrayBuffer>,
    output: (output ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
  })
}

export interface DecodedResultWithData {
  envelope: Uint8Array
  /** the output bundle as received (unchecked: see `inlineOutput`); undefined when none came */
  output?: Uint8Array
}

/** Decodes a result with inline output; REJECTs a message over its bounds or one that does not parse. */
export function decodeResultWithData(bytes: Uint8Array): DecodedResultWithData {
  if (bytes.byteLength > MAX_MESSAGE_BYTES.resultWithData)
    fail('OVERSIZED', `a result with data is at most ${MAX_MESSAGE_BYTES.resultWithData} bytes`, {
      size: bytes.byteLength,
    })
  let msg: ResultWithData
  try {
    msg = ResultWithData.decode(bytes)
  } catch (err) {
    fail('MALFORMED', 'not a ResultWithData', {}, err)
  }
  if (msg.envelope.byteLength > MAX_MESSAGE_BYTES.result)
    fail('OVERSIZED', `a result envelope is at most ${MAX_MESSAGE_BYTES.result} bytes`, {
      size: msg.envelope.byteLength,
    })
  if (msg.output.byteLength > MAX_INLINE_BLOB_BYTES)
    fail('OVERSIZED', `an inline output is at most ${MAX_INLINE_BLOB_BYTES} bytes`, { size: msg.output.byteLength })
  return { envelope: msg.envelope, ...(msg.output.byteLength > 0 ? { output: msg.output } : {}) }
}

/**
 * The inline output when it is exactly the content the signed result names (else undefined:
 * refused, the requester fetches the output as before).
 */
export async function inlineOutput(
  output: Uint8Array | undefined,
  outputCid: CID,
  outputSize: number,
): Promise<Uint8Array | undefined> {
  if (output === undefined) return undefined
  return await inlineBlob(new Map([[outputCid.toString(), output]]), outputCid, outputSize)
}
