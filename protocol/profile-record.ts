// The DHT side of profiles: the key /hive/hw/<peerId>, the validator and the selector that
// kad-dht calls for every record under the 'hive' namespace (kad-dht picks validators and
// selectors by the key's first path segment).
import { peerIdFromString } from '@libp2p/peer-id'
import { ValidationError } from './errors.ts'
import { verifyProfile, verifyProfileSignature } from './profile-signing.ts'
import type { HardwareProfile } from './profile.ts'

/** kad-dht namespace (first key segment) for every record ComputeHive stores. */
export const HIVE_RECORD_NAMESPACE = 'hive'
export const PROFILE_KEY_PREFIX = `/${HIVE_RECORD_NAMESPACE}/hw/`

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function profileKey(peerId: string): Uint8Array {
  return encoder.encode(PROFILE_KEY_PREFIX + peerId)
}

/** The peer id a profile key names; throws ValidationError (PROFILE_KEY_INVALID) otherwise. */
export function parseProfileKey(key: Uint8Array): string {
  let text: string
  try {
    text = decoder.decode(key)
  } catch (err) {
    throw new ValidationError('PROFILE_KEY_INVALID', 'record key is not UTF-8', {}, { cause: err })
  }
  if (!text.startsWith(PROFILE_KEY_PREFIX))
    throw new ValidationError('PROFILE_KEY_INVALID', `record key must start with ${PROFILE_KEY_PREFIX}`, {
      key: text.slice(0, 80),
    })
  const id = text.slice(PROFILE_KEY_PREFIX.length)
  try {
    // canonical form only: the string must round-trip, so one peer has exactly one key
    if (peerIdFromString(id).toString() !== id) throw new Error('not canonical')
  } catch (err) {
    throw new ValidationError(
      'PROFILE_KEY_INVALID',
      'record key does not end in a peer id',
      { key: text.slice(0, 80) },
      { cause: err },
    )
  }
  return id
}

/** kad-dht validator semantics: resolves if acceptable, throws ValidationError otherwise. */
export async function validateProfileRecord(key: Uint8Array, value: Uint8Array, now: number): Promise<HardwareProfile> {
  const peerId = parseProfileKey(key)
  return await verifyProfile(value, { now, expectedPeerId: peerId })
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

/**
 * kad-dht selector semantics: the index of the best record. Valid beats invalid (signature and
 * signer checked; the selector has no clock, so expiry is the validator's job); then the later
 * issuedAt; then the later expiresAt; then the larger bytes, so every node picks the same one.
 */
export async function selectProfileRecord(key: Uint8Array, records: Uint8Array[]): Promise<number> {
  if (records.length === 0) throw new ValidationError('PROFILE_NO_RECORDS', 'no records to select from', {})
  let keyPeer: string | undefined
  try {
    keyPeer = parseProfileKey(key)
  } catch {
    keyPeer = undefined
  }
  const scored = await Promise.all(
    records.map(async (bytes) => {
      try {
        const p = await verifyProfileSignature(bytes)
        return p.peerId === keyPeer ? p : undefined
      } catch {
        return undefined
      }
    }),
  )
  let best = 0
  for (let i = 1; i < records.length; i++) {
    const a = scored[i]
    const b = scored[best]
    let cmp: number
    if (a === undefined || b === undefined) cmp = (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1)
    else cmp = a.issuedAt - b.issuedAt || a.expiresAt - b.expiresAt
    if (cmp === 0) cmp = compareBytes(records[i], records[best])
    if (cmp > 0) best = i
  }
  return best
}
