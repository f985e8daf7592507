// The audit trail's local API: this node's log and anchoring status, its entries, "anchor now",
// exports of a range with proofs against the anchored sizes, and the auditor.
import { ApiError } from '../api/errors.ts'
import { numberParam, rejectUnknownParams, stringParam } from '../api/query.ts'
import { bindingToJson, verifyAnchorBinding } from '../../protocol/audit/binding.ts'
import { entryToJson } from '../../protocol/audit/json.ts'
import { toHex } from '../../protocol/audit/index.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { AuditService } from './service.ts'
import type { AnchorerStatus, AnchorResult } from './anchorer.ts'
import type { EntryJson } from '../../protocol/audit/json.ts'
import type { AuditExport } from '../../protocol/audit/index.ts'

export interface AuditStatusView {
  peerId: string
  size: number
  /** hex root of the whole log */
  root: string
  /** null: this node does not anchor (no chain account) */
  anchoring: AnchorerStatus | null
  binding: { chainId: number, contract: string, address: string } | null
}

export interface AuditEntriesView { size: number, entries: EntryJson[] }

export interface VerifyBody { job?: string, requester?: string, providers?: string[], peer?: string }

const JOB_ID = /^[0-9a-f]{64}$/
const PEER = /^[1-9A-HJ-NP-Za-km-z]{30,80}$/
const PEER_OR_ADDRESS = /^([1-9A-HJ-NP-Za-km-z]{30,80}|0x[0-9a-fA-F]{40})$/

function bad (field: string, message: string): never {
  throw new ApiError(400, 'INVALID_AUDIT_REQUEST', `${field}: ${message}`, { field })
}

export function registerAuditRoutes (routes: RouteRegistry, audit: AuditService, peerId: string): void {
  routes.route({
    method: 'GET',
    path: '/v1/audit',
    handler: async (): Promise<AuditStatusView> => {
      const b = audit.binding !== undefined ? await verifyAnchorBinding(audit.binding) : undefined
      return {
        peerId,
        size: audit.log.size(),
        root: toHex(audit.log.currentRoot()),
        anchoring: audit.anchorer?.status() ?? null,
        binding: b?.ok === true ? { chainId: b.binding.chainId, contract: b.binding.contract, address: b.binding.address } : null,
      }
    },
  })

  routes.route({
    method: 'GET',
    path: '/v1/audit/entries',
    handler: async (ctx): Promise<AuditEntriesView> => {
      rejectUnknownParams(ctx.query, ['job', 'start', 'limit'])
      const job = stringParam(ctx.query, 'job', JOB_ID)
      const size = audit.log.size()
      const limit = numberParam(ctx.query, 'limit', { min: 1, max: 10_000, integer: true }) ?? 100
      if (job !== undefined) {
        const entries = await audit.log.entriesForJob(jobIdToBytes(job))
        return { size, entries: entries.slice(0, limit).map(entryToJson) }
      }
      const start = numberParam(ctx.query, 'start', { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }) ?? Math.max(0, size - limit)
      return { size, entries: (await audit.log.getRange(start, Math.min(size, start + limit))).map(entryToJson) }
    },
  })

  routes.route({
    method: 'POST',
    path: '/v1/audit/anchor',
    handler: async (ctx): Promise<AnchorResult> => {
      const anchorer = audit.anchorer
      if (anchorer === undefined) throw new ApiError(409, 'NO_ANCHORING', 'this node does not anchor its audit log: configure rpcUrl and unlock a wallet (`hive wallet create`), then restart it')
      return await anchorer.anchorNow(ctx.signal)
    },
  })

  routes.route({
    method: 'GET',
    path: '/v1/audit/export',
    handler: async (ctx): Promise<AuditExport & { binding?: Record<string, string | number> }> => {
      rejectUnknownParams(ctx.query, ['job', 'start', 'end'])
      const log = audit.log
      const job = stringParam(ctx.query, 'job', JOB_ID)
      let start: number
      let end: number
      if (job !== undefined) {
        const entries = await log.entriesForJob(jobIdToBytes(job))
        if (entries.length === 0) throw new ApiError(404, 'JOB_NOT_FOUND', `this node's log has no entry about job ${job}`)
        start = entries[0].entry.index
        end = entries[entries.length - 1].entry.index + 1
      } else {
        start = numberParam(ctx.query, 'start', { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }) ?? 0
        end = numberParam(ctx.query, 'end', { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }) ?? log.size()
      }
      if (end < start || end > log.size()) bad('end', `the range [${start}, ${end}) is not within the log's ${log.size()} entries`)
      const sizes = await exportSizes(audit, start, end)
      const doc = await log.export({ start, end }, sizes)
      return { ...doc, ...(audit.binding !== undefined ? { binding: bindingToJson(audit.binding) } : {}) }
    },
  })

  routes.route({
    method: 'POST',
    path: '/v1/audit/verify',
    handler: async (ctx) => {
      const body = await ctx.json() as VerifyBody | null
      if (body === null || typeof body !== 'object') bad('body', 'must be a JSON object')
      const auditor = audit.auditor()
      if (body.peer !== undefined) {
        if (typeof body.peer !== 'string' || !PEER_OR_ADDRESS.test(body.peer)) bad('peer', 'must be a peer id or a 0x address')
        return await auditor.verifyPeer(body.peer)
      }
      if (typeof body.job !== 'string' || !JOB_ID.test(body.job)) bad('job', 'must be a job id (64 hex characters)')
      if (body.requester !== undefined && (typeof body.requester !== 'string' || !PEER.test(body.requester))) bad('requester', 'must be a peer id')
      const providers = body.providers ?? []
      if (!Array.isArray(providers) || providers.length > 16 || providers.some((p) => typeof p !== 'string' || !PEER.test(p))) bad('providers', 'must be up to 16 peer ids')
      return await auditor.verifyJob(body.job, { ...(body.requester !== undefined ? { requester: body.requester } : {}), providers })
    },
  })
}

/**
 * The anchored sizes an export of [start, end) is proven against: from the first anchor above
 * `start` to the first that covers `end`. Without anchoring, the log's current size (the
 * auditor then sees the entries as not yet anchored).
 */
async function exportSizes (audit: AuditService, start: number, end: number): Promise<number[]> {
  const chain = audit.chain
  const address = audit.anchorer?.status().address
  if (chain === undefined || address === undefined) return end > start ? [audit.log.size()] : []
  const anchors = (await chain.anchors(address)).filter((a) => a.treeSize <= audit.log.size())
  const from = anchors.findIndex((a) => a.treeSize > start)
  const to = anchors.findIndex((a) => a.treeSize >= end)
  if (end > start && (from < 0 || to < 0)) {
    throw new ApiError(409, 'NOT_ANCHORED', `entries up to ${end} are not all anchored yet (latest anchor: ${anchors.at(-1)?.treeSize ?? 0}): run \`hive audit anchor\` first`, { end })
  }
  return end > start ? anchors.slice(from, to + 1).map((a) => a.treeSize) : []
}
