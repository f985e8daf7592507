// Field checks shared by the validators: each turns a bad wire value into the right
// MarketValidationError naming the field, and a good one into its typed form.
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { ed25519PeerIdFromBytes } from '../signing.ts'
import { ETH_ADDRESS, MESSAGE_BOUNDS } from './bounds.ts'
import { fail } from './errors.ts'
import type { Range } from './bounds.ts'
import type { MarketErrorCode } from './errors.ts'
import type { Ed25519PeerId } from '@libp2p/interface'

export function requirePeer(bytes: Uint8Array, field: string): Ed25519PeerId {
  try {
    return ed25519PeerIdFromBytes(bytes)
  } catch (err) {
    return fail('MALFORMED', `${field} is not an Ed25519 peer id`, { field, length: bytes.length }, err)
  }
}

/** A CIDv1 with a sha2-256 multihash, the only kind blobs are stored under. */
export function requireCid(bytes: Uint8Array, field: string): CID {
  if (bytes.length === 0 || bytes.length > MESSAGE_BOUNDS.maxCidBytes) {
    fail('MALFORMED', `${field} is not a CID`, { field, length: bytes.length })
  }
  let cid: CID
  try {
    cid = CID.decode(bytes)
  } catch (err) {
    return fail('MALFORMED', `${field} is not a CID`, { field, length: bytes.length }, err)
  }
  if (cid.version !== 1 || cid.multihash.code !== sha256.code) {
    fail('MALFORMED', `${field} must be a CIDv1 with sha2-256`, {
      field,
      version: cid.version,
      hash: cid.multihash.code,
    })
  }
  return cid
}

export function checkRange(value: number, field: string, range: Range, code: MarketErrorCode = 'INVALID_FIELD'): void {
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    fail(code, `${field} must be within ${range.min}..${range.max}`, { field, value, min: range.min, max: range.max })
  }
}

export function checkText(value: string, field: string, maxLength: number, pattern?: RegExp): void {
  if (value.length > maxLength || (pattern !== undefined && !pattern.test(value))) {
    fail('INVALID_FIELD', `${field} has a bad form`, { field, value: value.slice(0, 80), maxLength })
  }
}

/** '' (not stated) or 0x + 40 hex digits. The checksum is not enforced: case is not signed meaning. */
export function checkOptionalEthAddress(value: string, field: string): void {
  if (value !== '' && !ETH_ADDRESS.test(value)) {
    fail('INVALID_FIELD', `${field} is not an Ethereum address`, { field, value: value.slice(0, 80) })
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The generated codecs type bytes as ArrayBuffer-backed; copy only when a view is not. */
export function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
}
