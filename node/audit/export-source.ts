// What an export reads of the log. log.ts's AuditLog implements it and calls exportRange; this
// interface is what lets export.ts and log.ts not import each other.
import type { StoredEntry } from '../../protocol/audit/index.ts'
import type { TreeStore } from './tree-store.ts'

export interface ExportSource {
  readonly peer: Uint8Array
  readonly tree: Pick<TreeStore, 'inclusionProof'>
  size: () => number
  root: (size: number) => Promise<Uint8Array>
  consistencyProof: (m: number, n: number) => Promise<Uint8Array[]>
  getRange: (start: number, end: number) => Promise<StoredEntry[]>
}
