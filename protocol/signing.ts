// Domain-separated Ed25519 signatures with libp2p peer keys.
// A signature covers `len(domain) || domain || payload`: the domain names what is signed
// (e.g. 'hive/market/bid/1'), so a signature made for one message type or protocol version
// can never be replayed as another, even if the payload bytes happened to parse as both
// (the same idea as libp2p's signed RecordEnvelope). Peers verify at every gossip hop, so the
// fast key signs (docs/architecture.md, Signatures): node:crypto Ed25519 through @libp2p/crypto.
// The payload is signed as sent: no re-encoding, hence no canonicalisation to get wrong.
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
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
  return new Uint8Array(cryptoSign(null, signedBytes(domain, payload), ed25519SigningKey(key)))
}

/** DER prefix of an Ed25519 PKCS #8 private key (RFC 8410): the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])
/** one node:crypto key per libp2p key object, held only as long as the libp2p key is */
const signingKeys = new WeakMap<PrivateKey, KeyObject>()

/**
 * The node:crypto key for a libp2p Ed25519 private key, imported once: @libp2p/crypto's
 * `sign` imports it from a JWK on every call, half the cost of a market message's signature
 * (issue 14: a job is ~10 signatures over its nodes). The seed is the first 32 of the key's 64 raw
 * bytes (seed || public key); the KeyObject stays in memory like the libp2p key itself.
 */
function ed25519SigningKey(key: PrivateKey): KeyObject {
  let keyObject = signingKeys.get(key)
  if (keyObject === undefined) {
    const der = new Uint8Array(ED25519_PKCS8_PREFIX.length + 32)
    der.set(ED25519_PKCS8_PREFIX)
    der.set(key.raw.subarray(0, 32), ED25519_PKCS8_PREFIX.length)
    keyObject = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })
    der.fill(0)
    signingKeys.set(key, keyObject)
  }
  return keyObject
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
    return cryptoVerify(null, signedBytes(domain, payload), ed25519KeyObject(key.raw), signature)
  } catch {
    return false
  }
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32 raw key bytes follow. */
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])
/** decoded keys kept: a node verifies the same few hundred peers' messages over and over */
const KEY_CACHE_MAX = 4096
const keyObjects = new Map<string, KeyObject>()

/**
 * The node:crypto key for a raw Ed25519 public key, decoded once per key (issue 14 goal 4):
 * @libp2p/crypto imports the key from a JWK on every verify, about as costly as the check itself.
 * Bounded, oldest first out; a key is 32 public bytes, so the cache holds nothing secret.
 */
function ed25519KeyObject(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')
  let key = keyObjects.get(id)
  if (key === undefined) {
    if (raw.byteLength !== 32) throw new TypeError('an Ed25519 public key is 32 bytes')
    const der = new Uint8Array(ED25519_SPKI_PREFIX.length + 32)
    der.set(ED25519_SPKI_PREFIX)
    der.set(raw, ED25519_SPKI_PREFIX.length)
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' })
    if (keyObjects.size >= KEY_CACHE_MAX) {
      const oldest = keyObjects.keys().next()
      if (oldest.done !== true) keyObjects.delete(oldest.value)
    }
    keyObjects.set(id, key)
  }
  return key
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
