// SignedEnvelope: one generic wrapper for every signed market message instead of a
// `signature` field in each. Why: the signature covers the payload bytes exactly as they
// travel, so verifying needs no re-encoding (cheaper, and no canonical-form pitfalls); the
// exact signed bytes can be stored in audit logs and re-verified by anyone; and one code path
// handles size limits, type checks and signatures for all six message types.
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MessageType, SignedEnvelope } from '../gen/market.ts'
import { peerIdToBytes, SIGNATURE_BYTES, signWithDomain, verifyWithDomain } from '../signing.ts'
import { fail } from './errors.ts'
import { bytesEqual, ownBytes, requirePeer } from './fields.ts'
import type { Ed25519PeerId, PrivateKey } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export type SignedMessageType = Exclude<MessageType, MessageType.MESSAGE_TYPE_UNSPECIFIED>

/** Signing domains, versioned with the wire format: bump them together. */
export const SIGNING_DOMAINS: Record<SignedMessageType, string> = {
  [MessageType.JOB_REQUEST]: 'hive/market/job-request/1',
  [MessageType.BID]: 'hive/market/bid/1',
  [MessageType.AWARD]: 'hive/market/award/1',
  [MessageType.ACCEPTANCE]: 'hive/market/acceptance/1',
  [MessageType.RESULT]: 'hive/market/result/1',
  [MessageType.CLEARING]: 'hive/market/clearing/1',
  [MessageType.HEARTBEAT]: 'hive/market/heartbeat/1',
  [MessageType.AWARD_REVOCATION]: 'hive/market/award-revocation/1',
  [MessageType.BID_REOPEN]: 'hive/market/bid-reopen/1',
}

export interface OpenedEnvelope<T> {
  /** the envelope bytes as received (what to store or forward) */
  bytes: Uint8Array
  envelope: SignedEnvelope
  message: T
  signer: Ed25519PeerId
}

export interface OpenOptions<T> {
  type: SignedMessageType
  decode: (bytes: Uint8Array | Uint8ArrayList) => T
  maxBytes: number
}

/** Signs `payload` as a message of `type` with the author's peer key; returns the envelope bytes. */
export async function sealEnvelope(type: SignedMessageType, payload: Uint8Array, key: PrivateKey): Promise<Uint8Array> {
  const signature = await signWithDomain(key, SIGNING_DOMAINS[type], payload)
  return SignedEnvelope.encode({
    type,
    payload: ownBytes(payload),
    signer: ownBytes(peerIdToBytes(peerIdFromPrivateKey(key))),
    signature: ownBytes(signature),
  })
}

/**
 * Bounded decode of an envelope and its payload, without checking the signature (that is the
 * expensive step, left for after the cheap semantic checks). Throws OVERSIZED, MALFORMED or
 * WRONG_TYPE, all REJECT.
 */
export function openEnvelope<T>(bytes: Uint8Array, opts: OpenOptions<T>): OpenedEnvelope<T> {
  if (bytes.length > opts.maxBytes) {
    fail('OVERSIZED', `${opts.type} envelope of ${bytes.length} bytes exceeds ${opts.maxBytes}`, {
      type: opts.type,
      size: bytes.length,
      max: opts.maxBytes,
    })
  }
  let envelope: SignedEnvelope
  try {
    envelope = SignedEnvelope.decode(bytes)
  } catch (err) {
    return fail('MALFORMED', 'not a SignedEnvelope', { type: opts.type }, err)
  }
  if (envelope.type !== opts.type)
    fail('WRONG_TYPE', `expected ${opts.type}, got ${envelope.type}`, { expected: opts.type, got: envelope.type })
  if (envelope.signature.length !== SIGNATURE_BYTES) {
    fail('MALFORMED', 'signature must be 64 bytes', {
      type: opts.type,
      field: 'signature',
      length: envelope.signature.length,
    })
  }
  const signer = requirePeer(envelope.signer, 'signer')
  let message: T
  try {
    message = opts.decode(envelope.payload)
  } catch (err) {
    return fail('MALFORMED', `payload is not a ${opts.type}`, { type: opts.type }, err)
  }
  return { bytes, envelope, message, signer }
}

/** The signer must be the peer the message names as its author (requester or provider). */
export function checkNamedSigner(opened: OpenedEnvelope<unknown>, named: Uint8Array, field: string): void {
  if (!bytesEqual(opened.envelope.signer, named)) {
    fail('SIGNER_MISMATCH', `signed by ${opened.signer.toString()}, but ${field} names another peer`, {
      field,
      signer: opened.signer.toString(),
    })
  }
}

/** Throws BAD_SIGNATURE (REJECT) unless the envelope's signer signed its payload. */
export async function checkEnvelopeSignature(opened: OpenedEnvelope<unknown>): Promise<void> {
  const type = opened.envelope.type as SignedMessageType
  const ok = await verifyWithDomain(
    opened.signer.publicKey,
    SIGNING_DOMAINS[type],
    opened.envelope.payload,
    opened.envelope.signature,
  )
  if (!ok)
    fail('BAD_SIGNATURE', `bad ${type} signature from ${opened.signer.toString()}`, {
      type,
      signer: opened.signer.toString(),
    })
}
