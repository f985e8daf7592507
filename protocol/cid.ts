// Content addresses: CIDv1, raw codec, sha2-256. The same bytes give the same CID on every node.
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { ValidationError } from './errors.ts'

export { CID }

/** The CID of a byte string (sha2-256 is synchronous in Node through multiformats' hasher). */
export async function cidForBytes(bytes: Uint8Array): Promise<CID> {
  const digest = await sha256.digest(bytes)
  return CID.createV1(raw.code, digest)
}

/** Parses a CID string and insists on what we use: v1, raw or dag-pb payloads, sha2-256. */
export function parseCid(text: string): CID {
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch (err) {
    throw new ValidationError('INVALID_CID', `not a CID: ${JSON.stringify(text.slice(0, 80))}`, {}, { cause: err })
  }
  if (cid.version !== 1 || cid.multihash.code !== sha256.code) {
    throw new ValidationError('UNSUPPORTED_CID', `CID ${text} must be CIDv1 with sha2-256`, {
      version: cid.version,
      hash: cid.multihash.code,
    })
  }
  return cid
}

/** True when `bytes` hash to `cid` (same multihash). */
export async function bytesMatchCid(bytes: Uint8Array, cid: CID): Promise<boolean> {
  if (cid.multihash.code !== sha256.code) return false
  const digest = await sha256.digest(bytes)
  const a = digest.digest
  const b = cid.multihash.digest
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
