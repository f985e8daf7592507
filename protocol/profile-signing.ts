// Signing and verifying a HardwareProfile with the peer's libp2p Ed25519 key. The signature
// covers 'hive-profile-v1' || body, so these bytes can never be mistaken for another signed
// artifact of ours (or of libp2p, which signs with the same key).
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { ValidationError } from './errors.ts'
import { SignedHardwareProfile } from './gen/profile.ts'
import { MAX_CLOCK_SKEW_MS, MAX_PROFILE_RECORD_BYTES, decodeProfileBody, encodeProfileBody } from './profile.ts'
import type { HardwareProfile } from './profile.ts'
import type { PrivateKey } from '@libp2p/interface'

export const PROFILE_SIGNING_DOMAIN = 'hive-profile-v1'
const DOMAIN_BYTES = new TextEncoder().encode(PROFILE_SIGNING_DOMAIN)
const ED25519_SIGNATURE_BYTES = 64

export function profileSigningBytes(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(DOMAIN_BYTES.length + body.length)
  out.set(DOMAIN_BYTES, 0)
  out.set(body, DOMAIN_BYTES.length)
  return out
}

/**
 * Encodes and signs a profile; returns the DHT record value (a SignedHardwareProfile).
 * The key must belong to profile.peerId and be Ed25519.
 */
export async function signProfile(profile: HardwareProfile, privateKey: PrivateKey): Promise<Uint8Array> {
  if (privateKey.type !== 'Ed25519')
    throw new ValidationError('PROFILE_KEY_TYPE', `profiles are signed with Ed25519 keys, not ${privateKey.type}`, {
      type: privateKey.type,
    })
  const signer = peerIdFromPrivateKey(privateKey).toString()
  if (signer !== profile.peerId)
    throw new ValidationError('PROFILE_PEER_MISMATCH', 'the signing key does not belong to profile.peerId', {
      signer,
      peerId: profile.peerId,
    })
  const body = encodeProfileBody(profile)
  const signature = await privateKey.sign(profileSigningBytes(body))
  const record = SignedHardwareProfile.encode({
    body: body as Uint8Array<ArrayBuffer>,
    signature: signature as Uint8Array<ArrayBuffer>,
  })
  if (record.length > MAX_PROFILE_RECORD_BYTES) {
    throw new ValidationError(
      'PROFILE_TOO_LARGE',
      `signed profile is ${record.length} bytes; the limit is ${MAX_PROFILE_RECORD_BYTES}`,
      { size: record.length, max: MAX_PROFILE_RECORD_BYTES },
    )
  }
  return record
}

export interface VerifyProfileOptions {
  /** unix ms; the record must not be expired at this instant */
  now: number
  /** when given, the profile must be signed by this peer (base58 peer id string) */
  expectedPeerId?: string
}

/**
 * Full check of a record value: size, structure, canonical body, signature by the key embedded
 * in the profile's own peer id, expected signer, and time window. Returns the profile.
 * Throws ValidationError with one of: PROFILE_TOO_LARGE, PROFILE_MALFORMED, PROFILE_NOT_CANONICAL,
 * PROFILE_UNSUPPORTED_VERSION, PROFILE_KEY_TYPE, PROFILE_BAD_SIGNATURE, PROFILE_PEER_MISMATCH,
 * PROFILE_EXPIRED, PROFILE_NOT_YET_VALID.
 */
export async function verifyProfile(record: Uint8Array, options: VerifyProfileOptions): Promise<HardwareProfile> {
  const profile = await verifyProfileSignature(record)
  if (options.expectedPeerId !== undefined && profile.peerId !== options.expectedPeerId) {
    throw new ValidationError('PROFILE_PEER_MISMATCH', 'profile is signed by another peer', {
      expected: options.expectedPeerId,
      signer: profile.peerId,
    })
  }
  if (profile.expiresAt <= options.now) {
    throw new ValidationError('PROFILE_EXPIRED', 'profile has expired', {
      expiresAt: profile.expiresAt,
      now: options.now,
    })
  }
  if (profile.issuedAt > options.now + MAX_CLOCK_SKEW_MS) {
    throw new ValidationError('PROFILE_NOT_YET_VALID', 'profile was issued in the future (signer clock ahead?)', {
      issuedAt: profile.issuedAt,
      now: options.now,
    })
  }
  return profile
}

/** Everything verifyProfile checks except time and expected signer (used by the selector, which has no clock). */
export async function verifyProfileSignature(record: Uint8Array): Promise<HardwareProfile> {
  if (record.length > MAX_PROFILE_RECORD_BYTES) {
    throw new ValidationError(
      'PROFILE_TOO_LARGE',
      `profile record is ${record.length} bytes; the limit is ${MAX_PROFILE_RECORD_BYTES}`,
      { size: record.length, max: MAX_PROFILE_RECORD_BYTES },
    )
  }
  let signed: SignedHardwareProfile
  try {
    signed = SignedHardwareProfile.decode(record)
  } catch (err) {
    throw new ValidationError(
      'PROFILE_MALFORMED',
      `profile record does not decode: ${(err as Error).message}`,
      {},
      { cause: err },
    )
  }
  const profile = decodeProfileBody(signed.body)
  const peerId = peerIdFromString(profile.peerId)
  if (peerId.type !== 'Ed25519' || peerId.publicKey == null) {
    throw new ValidationError(
      'PROFILE_KEY_TYPE',
      'profile peer id must be an Ed25519 peer id (its public key is embedded)',
      { type: peerId.type },
    )
  }
  if (signed.signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new ValidationError('PROFILE_BAD_SIGNATURE', 'signature has the wrong length', {
      length: signed.signature.length,
    })
  }
  const ok = await peerId.publicKey.verify(profileSigningBytes(signed.body), signed.signature)
  if (!ok)
    throw new ValidationError('PROFILE_BAD_SIGNATURE', 'profile signature does not verify against the peer id key', {
      peerId: profile.peerId,
    })
  return profile
}
