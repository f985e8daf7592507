// The audit trail of a node (docs/architecture.md, Audit): what node wiring and other services use.
import { anchorReader, anchorWriter } from './anchor-chain.ts'
import { AuditService } from './service.ts'
import type { ChainClient } from '../chain/client.ts'
import type { HiveConfig } from '../config.ts'
import type { NodeEvents } from '../events.ts'
import type { HiveLibp2p } from '../p2p/create.ts'
import type { HiveStore } from '../store.ts'
import type { PrivateKey } from '@libp2p/interface'

export { AuditService, type AuditServiceInit } from './service.ts'
export { AuditHook, type PaymentAuditHook, type PaymentRecordInput } from './market-hook.ts'
export { Anchorer, type AnchorResult, type AnchorerOptions, type AnchorerStatus } from './anchorer.ts'
export { anchorReader, anchorWriter, type AnchorReader, type AnchorWriter } from './anchor-chain.ts'
export { AuditClient, AuditUnavailableError } from './client.ts'
export { AuditServer } from './server.ts'
export { Auditor, type VerifyJobOptions } from './verify.ts'
export { verifyExportFiles } from './verify-file.ts'
export { registerAuditRoutes, type AuditEntriesView, type AuditStatusView, type VerifyBody } from './api-routes.ts'
export { AuditLog, type AuditRecord } from './log.ts'

/**
 * The audit service for a node, from its config: anchoring (every `auditAnchorEvery` entries or
 * `auditAnchorIntervalMs`) when `chain` has the node's wallet, read-only auditing when it has
 * none, and a log that is kept and served but not anchored without a chain. Add it to the node
 * before the MarketService and pass `service.hook` as MarketOptions.audit.
 */
export function auditServiceFor (
  node: { libp2p: HiveLibp2p, store: HiveStore, config: Pick<HiveConfig, 'auditAnchorEvery' | 'auditAnchorIntervalMs'>, events: NodeEvents },
  options: { privateKey: PrivateKey, chain?: ChainClient },
): AuditService {
  const chain = options.chain
  return new AuditService({
    libp2p: node.libp2p,
    store: node.store,
    privateKey: options.privateKey,
    ...(chain?.sender !== undefined ? { anchors: anchorWriter(chain) } : {}),
    ...(chain !== undefined ? { reader: anchorReader(chain) } : {}),
    anchorer: { everyEntries: node.config.auditAnchorEvery, intervalMs: node.config.auditAnchorIntervalMs },
    events: node.events,
  })
}
