// One file that carries a range of a log with everything needed to check it offline: the
// entries' bytes, the roots of the tree at some sizes (for an auditor to compare with the
// on-chain anchors), an inclusion proof of every entry against the first of those sizes that
// contains it, and consistency proofs between consecutive sizes (so each entry is proven in
// every later tree too). JSON: hashes in hex, entry bytes in base64.
import { checkConsistency, checkInclusion } from '../merkle/index.ts'
import { verifyChain } from './chain.ts'
import type { StoredEntry } from './types.ts'

export const EXPORT_FORMAT = 'hive-audit-export/1'

export interface AuditExport {
  format: typeof EXPORT_FORMAT
  /** hex of the binary peer id whose log this is */
  peer: string
  /** the entries [start, end) */
  start: number
  end: number
  /** tree sizes (ascending) and their roots */
  roots: Array<{ size: number; root: string }>
  /** consistency proof from roots[i] to roots[i + 1] */
  consistency: Array<{ from: number; to: number; proof: string[] }>
  entries: Array<{ index: number; bytes: string; size: number; proof: string[] }>
}

export type ExportFailure =
  | 'MALFORMED_EXPORT' // not JSON of this format, or a field of the wrong shape
  | 'ROOTS_OUT_OF_ORDER' // sizes not strictly ascending, or an entry beyond the largest size
  | 'INCONSISTENT_ROOTS' // a consistency proof between two listed roots fails: history was rewritten
  | 'CHAIN_BROKEN' // entries do not decode, have gaps, or do not link (verifyChain's code in `detail`)
  | 'WRONG_PEER' // an entry names another log owner
  | 'INCLUSION_FAILED' // an entry's inclusion proof fails against its root

export type ExportVerdict =
  | { ok: true; peer: Uint8Array; roots: Array<{ size: number; root: Uint8Array }>; entries: StoredEntry[] }
  | { ok: false; code: ExportFailure; index?: number; detail?: string; message: string }

const HEX32 = /^[0-9a-f]{64}$/
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
const isInt = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0
const isHexHashes = (x: unknown): x is string[] =>
  Array.isArray(x) && x.length <= 64 && x.every((h) => typeof h === 'string' && HEX32.test(h))

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')
}

/** Parses and fully verifies an export (JSON text or an already-parsed object). */
export function verifyExport(input: string | unknown, options: { maxEntries?: number } = {}): ExportVerdict {
  const fail = (
    code: ExportFailure,
    message: string,
    extra: { index?: number; detail?: string } = {},
  ): ExportVerdict => ({ ok: false, code, message, ...extra })
  let doc: unknown = input
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input)
    } catch {
      return fail('MALFORMED_EXPORT', 'not JSON')
    }
  }
  const d = doc as Partial<AuditExport>
  if (d === null || typeof d !== 'object' || d.format !== EXPORT_FORMAT)
    return fail('MALFORMED_EXPORT', `not a ${EXPORT_FORMAT} document`)
  if (
    typeof d.peer !== 'string' ||
    !/^([0-9a-f]{2}){1,64}$/.test(d.peer) ||
    !isInt(d.start) ||
    !isInt(d.end) ||
    d.end < d.start
  )
    return fail('MALFORMED_EXPORT', 'bad peer or range')
  if (!Array.isArray(d.roots) || !Array.isArray(d.consistency) || !Array.isArray(d.entries))
    return fail('MALFORMED_EXPORT', 'roots, consistency and entries must be arrays')
  if (d.entries.length !== d.end - d.start || d.entries.length > (options.maxEntries ?? 1_000_000))
    return fail('MALFORMED_EXPORT', 'entry count does not match the range or is too large')

  const roots: Array<{ size: number; root: Uint8Array }> = []
  for (const r of d.roots as unknown[]) {
    const x = r as { size?: unknown; root?: unknown }
    if (!isInt(x?.size) || x.size < 1 || typeof x.root !== 'string' || !HEX32.test(x.root))
      return fail('MALFORMED_EXPORT', 'bad root')
    if (roots.length > 0 && x.size <= roots[roots.length - 1].size)
      return fail('ROOTS_OUT_OF_ORDER', 'root sizes must ascend strictly')
    roots.push({ size: x.size, root: unhex(x.root) })
  }
  if (d.entries.length > 0 && (roots.length === 0 || d.end > roots[roots.length - 1].size))
    return fail('ROOTS_OUT_OF_ORDER', 'entries beyond the largest root size')

  if (d.consistency.length !== Math.max(0, roots.length - 1))
    return fail('MALFORMED_EXPORT', 'one consistency proof per pair of consecutive roots')
  for (let i = 0; i + 1 < roots.length; i++) {
    const c = d.consistency[i] as { from?: unknown; to?: unknown; proof?: unknown }
    if (c?.from !== roots[i].size || c.to !== roots[i + 1].size || !isHexHashes(c.proof))
      return fail('MALFORMED_EXPORT', `bad consistency proof ${i}`)
    const r = checkConsistency(roots[i].size, roots[i + 1].size, roots[i].root, roots[i + 1].root, c.proof.map(unhex))
    if (!r.ok)
      return fail(
        'INCONSISTENT_ROOTS',
        `the tree at ${roots[i + 1].size} does not extend the tree at ${roots[i].size}`,
        { detail: r.reason },
      )
  }

  const bytes: Uint8Array[] = []
  for (let i = 0; i < d.entries.length; i++) {
    const e = d.entries[i] as { index?: unknown; bytes?: unknown; size?: unknown; proof?: unknown }
    if (!isInt(e?.index) || typeof e.bytes !== 'string' || !isInt(e.size) || !isHexHashes(e.proof))
      return fail('MALFORMED_EXPORT', `bad entry at position ${i}`, { index: d.start + i })
    bytes.push(new Uint8Array(Buffer.from(e.bytes, 'base64')))
  }
  const peer = unhex(d.peer)
  // the chain is checked from the range's first entry: its own prevHash links it to the part
  // of the log before the range, which the inclusion proofs cover
  const chain = verifyChain(bytes, { startIndex: d.start, peer })
  if (!chain.ok) {
    return fail(chain.code === 'PEER_CHANGED' ? 'WRONG_PEER' : 'CHAIN_BROKEN', chain.message, {
      index: chain.index,
      detail: chain.code,
    })
  }
  for (let i = 0; i < chain.entries.length; i++) {
    const { index, size, proof } = d.entries[i] as { index: number; size: number; proof: string[] }
    const at = d.start + i
    if (index !== at)
      return fail('MALFORMED_EXPORT', `entry at position ${i} is labelled ${index}, but is entry ${at}`, { index: at })
    const root = roots.find((r) => r.size === size)
    const first = roots.find((r) => r.size > at)
    if (root === undefined || first === undefined || root.size !== first.size)
      return fail('MALFORMED_EXPORT', `entry ${at} must be proven against the first listed size above it`, {
        index: at,
      })
    const r = checkInclusion(chain.entries[i].hash, at, size, proof.map(unhex), root.root)
    if (!r.ok)
      return fail('INCLUSION_FAILED', `entry ${at} is not in the tree of size ${size}`, { index: at, detail: r.reason })
  }
  return { ok: true, peer, roots, entries: chain.entries }
}
