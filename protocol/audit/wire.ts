// The /hive/audit/1.0.0 messages: bounded, checked decoding of requests and responses, and
// their builders. A response is read before anything in it is trusted, so every size, count
// and hash length is checked here; whether the proofs hold is the auditor's business
// (protocol/audit/log-check.ts).
import {
  AuditRequest,
  AuditResponse,
  AuditStatus,
  type AnchorBinding,
  type ConsistencyProof,
  type ProvenEntry,
  type SizedRoot,
} from '../gen/audit.ts'
import { ValidationError } from '../errors.ts'
import { AUDIT_BOUNDS } from './bounds.ts'
import { own } from './fields.ts'

export { AuditStatus }
export type { AnchorBinding, ConsistencyProof, ProvenEntry, SizedRoot }

export const AUDIT_WIRE_LIMITS = {
  maxRequestBytes: 2 * 1024,
  /** entries in one response; a job with more is paged (more + nextIndex) */
  maxEntriesPerResponse: 256,
  /** the server stops adding entries past this many bytes (then pages) */
  softResponseBytes: 1024 * 1024,
  /** hard frame limit: softResponseBytes plus one largest entry with its proof, plus roots */
  maxResponseBytes: 2 * 1024 * 1024,
  /** sizes in one roots query (so at most 63 consistency proofs) */
  maxRootsPerQuery: 64,
  /** hashes in one proof: a tree of 2^63 leaves needs at most 63 (RFC 9162) */
  maxProofHashes: 64,
  maxMessageLength: 256,
} as const

/** What an auditor may ask a node about its own log. */
export type AuditQuery =
  | { kind: 'head' }
  | { kind: 'job'; jobId: Uint8Array; proofSize: number; fromIndex: number }
  | { kind: 'range'; start: number; end: number; proofSize: number }
  | { kind: 'roots'; sizes: number[] }

/** A malformed audit message; `details.field` names what is wrong. */
export class AuditWireError extends ValidationError {
  static override name = 'AuditWireError'
}

function bad(field: string, message: string): never {
  throw new AuditWireError('INVALID_AUDIT_MESSAGE', `${field}: ${message}`, { field })
}

const isCount = (x: number): boolean => Number.isSafeInteger(x) && x >= 0

function checkCount(x: number, field: string): void {
  if (!isCount(x)) bad(field, 'must be a non-negative safe integer')
}

function checkHashes(list: Uint8Array[], field: string): void {
  if (list.length > AUDIT_WIRE_LIMITS.maxProofHashes) bad(field, `more than ${AUDIT_WIRE_LIMITS.maxProofHashes} hashes`)
  for (const h of list) if (h.length !== AUDIT_BOUNDS.hashBytes) bad(field, 'hashes must be 32 bytes')
}

function checkSizes(sizes: number[], field: string): void {
  if (sizes.length === 0 || sizes.length > AUDIT_WIRE_LIMITS.maxRootsPerQuery)
    bad(field, `1..${AUDIT_WIRE_LIMITS.maxRootsPerQuery} sizes`)
  for (let i = 0; i < sizes.length; i++) {
    checkCount(sizes[i], field)
    if (sizes[i] < 1) bad(field, 'sizes start at 1')
    if (i > 0 && sizes[i] <= sizes[i - 1]) bad(field, 'sizes must ascend strictly')
  }
}

export function encodeAuditRequest(q: AuditQuery): Uint8Array {
  switch (q.kind) {
    case 'head':
      return AuditRequest.encode({ head: {} })
    case 'job':
      if (q.jobId.length !== AUDIT_BOUNDS.hashBytes) bad('job.jobId', 'must be 32 bytes')
      checkCount(q.proofSize, 'job.proofSize')
      checkCount(q.fromIndex, 'job.fromIndex')
      return AuditRequest.encode({ job: { jobId: own(q.jobId), proofSize: q.proofSize, fromIndex: q.fromIndex } })
    case 'range':
      checkCount(q.start, 'range.start')
      checkCount(q.end, 'range.end')
      checkCount(q.proofSize, 'range.proofSize')
      if (q.end < q.start) bad('range', 'end before start')
      return AuditRequest.encode({ range: { start: q.start, end: q.end, proofSize: q.proofSize } })
    case 'roots':
      checkSizes(q.sizes, 'roots.sizes')
      return AuditRequest.encode({ roots: { sizes: q.sizes } })
  }
}

/** Bounded, checked decode of a request (the server's side). */
export function decodeAuditRequest(bytes: Uint8Array): AuditQuery {
  if (bytes.length > AUDIT_WIRE_LIMITS.maxRequestBytes)
    bad('request', `over ${AUDIT_WIRE_LIMITS.maxRequestBytes} bytes`)
  let r: AuditRequest
  try {
    r = AuditRequest.decode(bytes)
  } catch {
    return bad('request', 'is not an AuditRequest')
  }
  let q: AuditQuery
  if (r.head != null) q = { kind: 'head' }
  else if (r.job != null)
    q = { kind: 'job', jobId: r.job.jobId, proofSize: r.job.proofSize, fromIndex: r.job.fromIndex }
  else if (r.range != null) q = { kind: 'range', start: r.range.start, end: r.range.end, proofSize: r.range.proofSize }
  else if (r.roots != null) q = { kind: 'roots', sizes: r.roots.sizes }
  else return bad('request', 'asks nothing')
  encodeAuditRequest(q) // the same checks as the asker's
  return q
}

export interface AuditAnswer {
  treeSize: number
  root: Uint8Array
  binding?: AnchorBinding
  entries?: Array<{ bytes: Uint8Array; proof: Uint8Array[] }>
  more?: boolean
  nextIndex?: number
  roots?: Array<{ size: number; root: Uint8Array }>
  consistency?: Array<{ from: number; to: number; proof: Uint8Array[] }>
}

export function okResponse(a: AuditAnswer): Uint8Array {
  return AuditResponse.encode({
    status: AuditStatus.AUDIT_OK,
    code: '',
    message: '',
    treeSize: a.treeSize,
    root: own(a.root),
    ...(a.binding !== undefined ? { binding: a.binding } : {}),
    entries: (a.entries ?? []).map((e) => ({ entry: own(e.bytes), proof: e.proof.map(own) })),
    more: a.more ?? false,
    nextIndex: a.nextIndex ?? 0,
    roots: (a.roots ?? []).map((r) => ({ size: r.size, root: own(r.root) })),
    consistency: (a.consistency ?? []).map((c) => ({ from: c.from, to: c.to, proof: c.proof.map(own) })),
  })
}

export type AuditErrorStatus =
  | AuditStatus.AUDIT_INVALID
  | AuditStatus.AUDIT_OUT_OF_RANGE
  | AuditStatus.AUDIT_RATE_LIMITED
  | AuditStatus.AUDIT_INTERNAL_ERROR

export function errorResponse(status: AuditErrorStatus, code: string, message = ''): Uint8Array {
  return AuditResponse.encode({
    status,
    code: code.slice(0, 64),
    message: message.slice(0, AUDIT_WIRE_LIMITS.maxMessageLength),
    treeSize: 0,
    root: new Uint8Array(0),
    entries: [],
    more: false,
    nextIndex: 0,
    roots: [],
    consistency: [],
  })
}

/**
 * Bounded, checked decode of a response (the auditor's side): shapes only. Entry bytes are
 * decoded later, by verifyChain/decodeEntry, which name what is wrong with them.
 */
export function decodeAuditResponse(bytes: Uint8Array): AuditResponse {
  if (bytes.length > AUDIT_WIRE_LIMITS.maxResponseBytes)
    bad('response', `over ${AUDIT_WIRE_LIMITS.maxResponseBytes} bytes`)
  let r: AuditResponse
  try {
    r = AuditResponse.decode(bytes)
  } catch {
    return bad('response', 'is not an AuditResponse')
  }
  if (r.status === AuditStatus.AUDIT_STATUS_UNSPECIFIED || AuditStatus[r.status] === undefined)
    bad('status', 'missing or unknown')
  if (r.code.length > 64 || r.message.length > AUDIT_WIRE_LIMITS.maxMessageLength) bad('message', 'too long')
  if (r.status !== AuditStatus.AUDIT_OK) return r
  checkCount(r.treeSize, 'treeSize')
  if (r.root.length !== AUDIT_BOUNDS.hashBytes) bad('root', 'must be 32 bytes')
  if (r.entries.length > AUDIT_WIRE_LIMITS.maxEntriesPerResponse)
    bad('entries', `more than ${AUDIT_WIRE_LIMITS.maxEntriesPerResponse}`)
  for (const e of r.entries) {
    if (e.entry.length === 0 || e.entry.length > AUDIT_BOUNDS.maxEntryBytes)
      bad('entries.entry', `must be 1..${AUDIT_BOUNDS.maxEntryBytes} bytes`)
    checkHashes(e.proof, 'entries.proof')
  }
  checkCount(r.nextIndex, 'nextIndex')
  if (r.roots.length > AUDIT_WIRE_LIMITS.maxRootsPerQuery) bad('roots', 'too many')
  for (const x of r.roots) {
    checkCount(x.size, 'roots.size')
    if (x.root.length !== AUDIT_BOUNDS.hashBytes) bad('roots.root', 'must be 32 bytes')
  }
  if (r.consistency.length > AUDIT_WIRE_LIMITS.maxRootsPerQuery) bad('consistency', 'too many')
  for (const c of r.consistency) {
    checkCount(c.from, 'consistency.from')
    checkCount(c.to, 'consistency.to')
    checkHashes(c.proof, 'consistency.proof')
  }
  return r
}
