// Domain-separated Ed25519 signatures with libp2p peer keys.
// A signature covers `len(domain) || domain || payload`: the domain names what is signed
// (e.g. 'hive/market/bid/1'), so a signature made for one message type or protocol version
// can never be replayed as another, even if the payload bytes happened to parse as both
// (the same idea as libp2p's signed RecordEnvelope). Peers verify at every gossip hop, so the
// fast key signs (docs/architecture.md, Signatures): node:crypto Ed25519 through @libp2p/crypto.
// The payload is signed as sent: no re-encoding, hence no canonicalisation to get wrong.
import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { ValidationError } from './errors.ts'
import type { Ed25519PeerId, PeerId, PrivateKey, PublicKey } from '@libp2p/interface'

/** Ed25519 signatures are always 64 bytes. */
export const SIGNATURE_BYTES = 64
/** A domain is short ASCII so that its length fits the single prefix byte. */
export const MAX_DOMAIN_LENGTH = 127
/** An Ed25519 peer id multihash: identity code, length, 36-byte protobuf public key. */
export const ED25519_PEER_ID_BYTES = 38

const encoder = new TextEncoder()
const DOMAIN = /^[\x21-\x7e]{1,127}$/

/** The exact bytes that get signed for `payload` under `domain`. */
export function signedBytes(domain: string, payload: Uint8Array): Uint8Array {
  if (!DOMAIN.test(domain))
    throw new TypeError(`signing domain must be 1-${MAX_DOMAIN_LENGTH} printable ASCII characters`)
  const d = encoder.encode(domain)
  const out = new Uint8Array(1 + d.length + payload.length)
  out[0] = d.length
  out.set(d, 1)
  out.set(payload, 1 + d.length)
  return out
}

/** Signs `payload` under `domain` with a libp2p Ed25519 private key. */
export async function signWithDomain(key: PrivateKey, domain: string, payload: Uint8Array): Promise<Uint8Array> {
  if (key.type !== 'Ed25519') throw new TypeError(`market messages are signed with Ed25519 peer keys, not ${key.type}`)
  return await key.sign(signedBytes(domain, payload))
}

/** True when `signature` is `key`'s signature of `payload` under `domain`. Never throws on bad input. */
export async function verifyWithDomain(
  key: PublicKey,
  domain: string,
  payload: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (key.type !== 'Ed25519' || signature.length !== SIGNATURE_BYTES) return false
  try {
    return await key.verify(signedBytes(domain, payload), signature)
  } catch {
    return false
  }
}

/** The binary form of a peer id used on the wire (its multihash). */
export function peerIdToBytes(peerId: PeerId): Uint8Array {
  return peerId.toMultihash().bytes
}

/**
 * Parses a wire peer id and insists on Ed25519, whose public key is inline in the id: a
 * signature can then be checked against the id alone, without a key lookup.
 */
export function ed25519PeerIdFromBytes(bytes: Uint8Array): Ed25519PeerId {
  if (bytes.length !== ED25519_PEER_ID_BYTES) {
    throw new ValidationError(
      'INVALID_PEER_ID',
      `an Ed25519 peer id is ${ED25519_PEER_ID_BYTES} bytes, got ${bytes.length}`,
      { length: bytes.length },
    )
  }
  let peerId: PeerId
  try {
    peerId = peerIdFromMultihash(Digest.decode(bytes))
  } catch (err) {
    throw new ValidationError('INVALID_PEER_ID', 'not a peer id multihash', { length: bytes.length }, { cause: err })
  }
  if (peerId.type !== 'Ed25519')
    throw new ValidationError('INVALID_PEER_ID', `peer id must be Ed25519, not ${peerId.type}`, { type: peerId.type })
  return peerId
}

/** Verifies that the peer whose wire id is `signer` signed `payload` under `domain`. */
export async function verifyBySigner(
  signer: Uint8Array,
  domain: string,
  payload: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  let peerId: Ed25519PeerId
  try {
    peerId = ed25519PeerIdFromBytes(signer)
  } catch {
    return false
  }
  return await verifyWithDomain(peerId.publicKey, domain, payload, signature)
}
