// The audit trail's routes: this node's log and anchoring status, its entries, "anchor now",
// exports of a range with proofs against the anchored sizes, and the auditor.
import type { AuditExport } from '../../../protocol/audit/export.ts'
import type { EntryJson } from '../../../protocol/audit/json.ts'
import type { AuditVerdict } from '../../../protocol/audit/verdict.ts'
import { ApiError } from '../errors.ts'
import { defineRoute, respond } from './route.ts'
import { q } from './query.ts'
import type { AnchorerStatus, AnchorResult } from './views/audit.ts'

export interface AuditStatusView {
  peerId: string
  size: number
  /** hex root of the whole log */
  root: string
  /** null: this node does not anchor (no chain account) */
  anchoring: AnchorerStatus | null
  binding: { chainId: number; contract: string; address: string } | null
}

export interface AuditEntriesView {
  size: number
  entries: EntryJson[]
}

export type AuditExportView = AuditExport & { binding?: Record<string, string | number> }

/** Either `peer` (a whole peer's log) or `job` with the parties to check. */
export interface VerifyBody {
  job?: string
  requester?: string
  providers?: string[]
  peer?: string
}

export const JOB_ID = /^[0-9a-f]{64}$/
const PEER = /^[1-9A-HJ-NP-Za-km-z]{30,80}$/
const PEER_OR_ADDRESS = /^([1-9A-HJ-NP-Za-km-z]{30,80}|0x[0-9a-fA-F]{40})$/
const MAX_INDEX = Number.MAX_SAFE_INTEGER

function bad(field: string, message: string): never {
  throw new ApiError(400, 'INVALID_AUDIT_REQUEST', `${field}: ${message}`, { field })
}

export function checkVerifyBody(raw: unknown): VerifyBody {
  if (raw === null || typeof raw !== 'object') bad('body', 'must be a JSON object')
  const body = raw as VerifyBody
  if (body.peer !== undefined) {
    if (typeof body.peer !== 'string' || !PEER_OR_ADDRESS.test(body.peer)) {
      bad('peer', 'must be a peer id or a 0x address')
    }
    return { peer: body.peer }
  }
  if (typeof body.job !== 'string' || !JOB_ID.test(body.job)) bad('job', 'must be a job id (64 hex characters)')
  if (body.requester !== undefined && (typeof body.requester !== 'string' || !PEER.test(body.requester))) {
    bad('requester', 'must be a peer id')
  }
  const providers = body.providers ?? []
  const peerIds = Array.isArray(providers) && providers.every((p) => typeof p === 'string' && PEER.test(p))
  if (!peerIds || providers.length > 16) bad('providers', 'must be up to 16 peer ids')
  return { job: body.job, ...(body.requester !== undefined ? { requester: body.requester } : {}), providers }
}

export const auditRoutes = {
  'audit.status': defineRoute({
    method: 'GET',
    path: '/v1/audit',
    errors: [],
    response: respond<AuditStatusView>(),
    summary: "this node's audit log: size, root, anchoring and its chain binding",
  }),
  'audit.entries': defineRoute({
    method: 'GET',
    path: '/v1/audit/entries',
    query: { job: q.string(JOB_ID), limit: q.int(1, 10_000), start: q.int(0, MAX_INDEX) },
    errors: ['UNKNOWN_PARAMETER', 'INVALID_PARAMETER'],
    response: respond<AuditEntriesView>(),
    summary: 'entries of the log: about one job, or a range (default: the last 100)',
  }),
  'audit.anchor': defineRoute({
    method: 'POST',
    path: '/v1/audit/anchor',
    errors: ['NO_ANCHORING'],
    response: respond<AnchorResult>(),
    summary: "anchor the log's current root on-chain now",
  }),
  'audit.export': defineRoute({
    method: 'GET',
    path: '/v1/audit/export',
    query: { job: q.string(JOB_ID), start: q.int(0, MAX_INDEX), end: q.int(0, MAX_INDEX) },
    errors: ['UNKNOWN_PARAMETER', 'INVALID_PARAMETER', 'INVALID_AUDIT_REQUEST', 'JOB_NOT_FOUND', 'NOT_ANCHORED'],
    response: respond<AuditExportView>(),
    summary: "a range of entries (or one job's) with proofs against the anchored sizes",
  }),
  'audit.verify': defineRoute({
    method: 'POST',
    path: '/v1/audit/verify',
    body: checkVerifyBody,
    errors: ['INVALID_AUDIT_REQUEST'],
    response: respond<AuditVerdict>(),
    summary: "audit a job across its parties' logs, or one peer's whole log",
  }),
}
