// The audit trail's handlers for the routes in node/api/contract/audit.ts: this node's log and
// anchoring status, its entries, "anchor now", exports of a range with proofs against the
// anchored sizes, and the auditor.
import { ApiError } from '../api/errors.ts'
import { bindingToJson, verifyAnchorBinding } from '../../protocol/audit/binding.ts'
import { entryToJson } from '../../protocol/audit/json.ts'
import { toHex } from '../../protocol/audit/index.ts'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { AuditService } from './service.ts'

export type { AuditEntriesView, AuditStatusView, VerifyBody } from '../api/contract/audit.ts'

function bad(field: string, message: string): never {
  throw new ApiError(400, 'INVALID_AUDIT_REQUEST', `${field}: ${message}`, { field })
}

export function registerAuditRoutes(routes: RouteRegistry, audit: AuditService, peerId: string): void {
  routes.area('audit', {
    'audit.status': async () => {
      const b = audit.binding !== undefined ? await verifyAnchorBinding(audit.binding) : undefined
      return {
        peerId,
        size: audit.log.size(),
        root: toHex(audit.log.currentRoot()),
        anchoring: audit.anchorer?.status() ?? null,
        binding:
          b?.ok === true
            ? { chainId: b.binding.chainId, contract: b.binding.contract, address: b.binding.address }
            : null,
      }
    },

    'audit.entries': async ({ query }) => {
      const size = audit.log.size()
      const limit = query.limit ?? 100
      if (query.job !== undefined) {
        const entries = await audit.log.entriesForJob(jobIdToBytes(query.job))
        return { size, entries: entries.slice(0, limit).map(entryToJson) }
      }
      const start = query.start ?? Math.max(0, size - limit)
      return { size, entries: (await audit.log.getRange(start, Math.min(size, start + limit))).map(entryToJson) }
    },

    'audit.anchor': async ({ signal }) => {
      const anchorer = audit.anchorer
      if (anchorer === undefined)
        throw new ApiError(
          409,
          'NO_ANCHORING',
          'this node does not anchor its audit log: configure rpcUrl and' +
            ' unlock a wallet (`hive wallet create`), then restart it',
        )
      return await anchorer.anchorNow(signal)
    },

    'audit.export': async ({ query }) => {
      const log = audit.log
      let start: number
      let end: number
      if (query.job !== undefined) {
        const entries = await log.entriesForJob(jobIdToBytes(query.job))
        if (entries.length === 0)
          throw new ApiError(404, 'JOB_NOT_FOUND', `this node's log has no entry about job ${query.job}`)
        start = entries[0].entry.index
        end = entries[entries.length - 1].entry.index + 1
      } else {
        start = query.start ?? 0
        end = query.end ?? log.size()
      }
      if (end < start || end > log.size())
        bad('end', `the range [${start}, ${end}) is not within the log's ${log.size()} entries`)
      const sizes = await exportSizes(audit, start, end)
      const doc = await log.export({ start, end }, sizes)
      return { ...doc, ...(audit.binding !== undefined ? { binding: bindingToJson(audit.binding) } : {}) }
    },

    'audit.verify': async ({ body }) => {
      const checked = await body()
      const auditor = audit.auditor()
      if (checked.peer !== undefined) return await auditor.verifyPeer(checked.peer)
      return await auditor.verifyJob(checked.job ?? '', {
        ...(checked.requester !== undefined ? { requester: checked.requester } : {}),
        providers: checked.providers ?? [],
      })
    },
  })
}

/**
 * The anchored sizes an export of [start, end) is proven against: from the first anchor above
 * `start` to the first that covers `end`. Without anchoring, the log's current size (the
 * auditor then sees the entries as not yet anchored).
 */
async function exportSizes(audit: AuditService, start: number, end: number): Promise<number[]> {
  const chain = audit.chain
  const address = audit.anchorer?.status().address
  if (chain === undefined || address === undefined) return end > start ? [audit.log.size()] : []
  const anchors = (await chain.anchors(address)).filter((a) => a.treeSize <= audit.log.size())
  const from = anchors.findIndex((a) => a.treeSize > start)
  const to = anchors.findIndex((a) => a.treeSize >= end)
  if (end > start && (from < 0 || to < 0)) {
    throw new ApiError(
      409,
      'NOT_ANCHORED',
      `entries up to ${end} are not all anchored yet (latest anchor:` +
        ` ${anchors.at(-1)?.treeSize ?? 0}): run \`hive audit anchor\` first`,
      { end },
    )
  }
  return end > start ? anchors.slice(from, to + 1).map((a) => a.treeSize) : []
}
