// Field checks for audit entries: each failure is an AuditEntryError naming the field.
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { ValidationError } from '../errors.ts'
import { AUDIT_BOUNDS } from './bounds.ts'

export const MAX_UINT256 = (1n << 256n) - 1n
const CANONICAL_AMOUNT = /^(0|[1-9][0-9]{0,77})$/

/** An audit entry that breaks a rule of the format; `details.field` names the culprit. */
export class AuditEntryError extends ValidationError {
  static override name = 'AuditEntryError'
}

export function bad(
  field: string,
  message: string,
  details: Record<string, string | number | boolean | null> = {},
  cause?: unknown,
): never {
  throw new AuditEntryError(
    'INVALID_AUDIT_ENTRY',
    `${field}: ${message}`,
    { field, ...details },
    cause === undefined ? undefined : { cause },
  )
}

export function checkCount(value: number, field: string, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    bad(field, `must be an integer in 0..${max}`, { value: String(value) })
}

export function checkHash(value: Uint8Array, field: string): void {
  if (!(value instanceof Uint8Array) || value.length !== AUDIT_BOUNDS.hashBytes)
    bad(field, 'must be 32 bytes', { length: value?.length ?? null })
}

export function checkBytes(value: Uint8Array, field: string, min: number, max: number): void {
  if (!(value instanceof Uint8Array) || value.length < min || value.length > max)
    bad(field, `must be ${min}..${max} bytes`, { length: value?.length ?? null })
}

export function checkText(value: string, field: string, max: number): void {
  if (typeof value !== 'string' || value.length > max) bad(field, `must be a string of at most ${max} characters`)
}

export function checkAmount(value: bigint, field: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT256)
    bad(field, 'must be a uint256 bigint', { value: String(value) })
}

export function amountToWire(value: bigint): string {
  return value.toString(10)
}

export function amountFromWire(text: string, field: string): bigint {
  if (!CANONICAL_AMOUNT.test(text)) bad(field, 'is not a canonical decimal amount', { value: text.slice(0, 90) })
  const v = BigInt(text)
  if (v > MAX_UINT256) bad(field, 'exceeds uint256')
  return v
}

/** A binary CIDv1 with a sha2-256 multihash, like every content address in ComputeHive. */
export function checkCid(value: Uint8Array, field: string): void {
  checkBytes(value, field, 1, AUDIT_BOUNDS.maxCidBytes)
  let cid: CID
  try {
    cid = CID.decode(value)
  } catch (err) {
    return bad(field, 'is not a binary CID', {}, err)
  }
  if (cid.version !== 1 || cid.multihash.code !== sha256.code) bad(field, 'must be a CIDv1 with sha2-256')
}

export function checkPeer(value: Uint8Array, field: string): void {
  checkBytes(value, field, 1, AUDIT_BOUNDS.maxPeerBytes)
}

/** The generated codecs type bytes as ArrayBuffer-backed; copy only when a view is not. */
export function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
}

export const NO_BYTES = new Uint8Array(0)
