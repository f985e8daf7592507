// Canonical bytes of audit entries. Deterministic because protons writes fields in field-number
// order, omits defaults and has no maps; canonical because decodeEntry accepts only bytes that
// re-encode identically (no unknown fields, duplicate or reordered fields, non-minimal
// varints or lenient booleans), so every event has exactly one encoding and one hash.
import { AuditEntry as WireEntry } from '../gen/audit.ts'
import { equalBytes, leafHash } from '../merkle/index.ts'
import { AUDIT_BOUNDS } from './bounds.ts'
import { eventFromWire, eventToWire } from './events.ts'
import { NO_BYTES, bad, checkCount, checkHash, checkPeer, own } from './fields.ts'
import type { AuditEntry, AuditEvent, EntryHeader, StoredEntry } from './types.ts'

/** prevHash of the first entry of every log. */
export const ZERO_HASH: Uint8Array = new Uint8Array(32)

function checkHeader(h: EntryHeader, type: AuditEvent['type']): void {
  checkCount(h.index, 'index')
  checkCount(h.timestamp, 'timestamp')
  checkHash(h.prevHash, 'prevHash')
  if (h.index === 0 && !equalBytes(h.prevHash, ZERO_HASH)) bad('prevHash', 'must be zero for the first entry')
  checkPeer(h.peer, 'peer')
  if (type === 'anchored') {
    if (h.jobId.length !== 0) bad('jobId', 'must be empty for an anchored entry')
  } else {
    checkHash(h.jobId, 'jobId')
  }
}

/** The canonical bytes of an entry; throws AuditEntryError (code INVALID_AUDIT_ENTRY) naming the bad field. */
export function encodeEntry(entry: AuditEntry): Uint8Array {
  checkHeader(entry, entry.type)
  const bytes = WireEntry.encode({
    index: entry.index,
    prevHash: own(entry.prevHash),
    timestamp: entry.timestamp,
    peer: own(entry.peer),
    jobId: own(entry.type === 'anchored' ? NO_BYTES : entry.jobId),
    ...eventToWire(entry),
  })
  if (bytes.length > AUDIT_BOUNDS.maxEntryBytes)
    bad('entry', `encodes to ${bytes.length} bytes, over ${AUDIT_BOUNDS.maxEntryBytes}`)
  return bytes
}

/** Bounded, strict decode: size first, then protobuf, then every field, then canonical form. */
export function decodeEntry(bytes: Uint8Array): AuditEntry {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > AUDIT_BOUNDS.maxEntryBytes) {
    bad('entry', `must be 1..${AUDIT_BOUNDS.maxEntryBytes} bytes`, { length: bytes?.length ?? null })
  }
  let wire: WireEntry
  try {
    wire = WireEntry.decode(bytes)
  } catch (err) {
    return bad('entry', 'is not an AuditEntry protobuf', {}, err)
  }
  if (!equalBytes(WireEntry.encode(wire), bytes)) bad('entry', 'is not in canonical form')
  const event = eventFromWire(wire)
  const entry = {
    index: wire.index,
    prevHash: wire.prevHash,
    timestamp: wire.timestamp,
    peer: wire.peer,
    jobId: wire.jobId,
    ...event,
  } as AuditEntry
  checkHeader(entry, entry.type)
  return entry
}

/** SHA-256(0x00 || bytes): the entry's Merkle leaf, and the prevHash of the entry after it. */
export function entryHash(bytes: Uint8Array): Uint8Array {
  return leafHash(bytes)
}

/** Decodes and hashes stored bytes in one step. */
export function readEntry(bytes: Uint8Array): StoredEntry {
  return { entry: decodeEntry(bytes), bytes, hash: entryHash(bytes) }
}
