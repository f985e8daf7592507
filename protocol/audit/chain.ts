// Hash-chain checks over a contiguous run of a log's entries, as bytes (the chain links the
// bytes' hashes, so re-encoding typed entries could hide nothing but is not needed either).
import { isHiveError } from '../errors.ts'
import { equalBytes } from '../merkle/index.ts'
import { ZERO_HASH, decodeEntry, entryHash } from './codec.ts'
import type { StoredEntry } from './types.ts'

export type ChainFailure =
  | 'MALFORMED_ENTRY' // bytes that are not a valid canonical entry
  | 'INDEX_GAP' // an entry's index is not the one its position requires (deleted, inserted or reordered entries)
  | 'BROKEN_LINK' // prevHash is not the hash of the entry before (changed or replaced entries)
  | 'PEER_CHANGED' // an entry names another log owner

export type ChainVerdict =
  | { ok: true; entries: StoredEntry[]; lastHash: Uint8Array }
  | { ok: false; code: ChainFailure; index: number; position: number; message: string }

export interface ChainOptions {
  /** index of the first entry (default: the first entry's own index must be 0) */
  startIndex?: number
  /** hash of the entry before the first one, when known (default: ZERO_HASH when starting at 0) */
  prevHash?: Uint8Array
  /** the peer whose log this must be (default: the first entry's peer) */
  peer?: Uint8Array
}

/**
 * Checks that `entries` are consecutive entries of one log: each decodes canonically, indices
 * are dense from startIndex, every prevHash is the previous entry's hash, one peer throughout.
 * On failure names the first broken entry (its index, and its position in the array).
 */
export function verifyChain(entries: readonly Uint8Array[], options: ChainOptions = {}): ChainVerdict {
  const start = options.startIndex ?? 0
  let prev = options.prevHash ?? (start === 0 ? ZERO_HASH : undefined)
  let peer = options.peer
  const out: StoredEntry[] = []
  for (let i = 0; i < entries.length; i++) {
    const at = start + i
    let stored: StoredEntry
    try {
      stored = { entry: decodeEntry(entries[i]), bytes: entries[i], hash: entryHash(entries[i]) }
    } catch (err) {
      const why = isHiveError(err) ? err.message : String(err)
      return {
        ok: false,
        code: 'MALFORMED_ENTRY',
        index: at,
        position: i,
        message: `entry ${at} does not decode: ${why}`,
      }
    }
    const e = stored.entry
    if (e.index !== at)
      return {
        ok: false,
        code: 'INDEX_GAP',
        index: at,
        position: i,
        message: `entry at position ${i} has index ${e.index}, expected ${at}`,
      }
    if (prev !== undefined && !equalBytes(e.prevHash, prev)) {
      return {
        ok: false,
        code: 'BROKEN_LINK',
        index: at,
        position: i,
        message: `entry ${at} does not link to the hash of entry ${at - 1}`,
      }
    }
    peer ??= e.peer
    if (!equalBytes(e.peer, peer))
      return {
        ok: false,
        code: 'PEER_CHANGED',
        index: at,
        position: i,
        message: `entry ${at} belongs to another peer's log`,
      }
    prev = stored.hash
    out.push(stored)
  }
  return { ok: true, entries: out, lastHash: prev ?? ZERO_HASH }
}
