// The audit trail of a node (docs/architecture.md, Audit): what node wiring and other services use.
import { anchorReader, anchorWriter } from './anchor-chain.ts'
import { AuditService } from './service.ts'
import type { ChainClient } from '../chain/client.ts'
import { registerAuditRoutes } from './api-routes.ts'
import type { AnchorerOptions } from './anchorer.ts'
import type { AuditServiceInit } from './service.ts'
import type { HiveService, ServiceFactory } from '../service.ts'

export { AuditService, type AuditServiceInit } from './service.ts'
export { AuditHook } from './market-hook.ts'
export { Anchorer, type AnchorResult, type AnchorerOptions, type AnchorerStatus } from './anchorer.ts'
export { anchorReader, anchorWriter, type AnchorReader, type AnchorWriter } from './anchor-chain.ts'
export { AuditClient, AuditUnavailableError } from './client.ts'
export { AuditServer } from './server.ts'
export { Auditor, type VerifyJobOptions } from './verify.ts'
export { verifyExportFiles } from './verify-file.ts'
export { registerAuditRoutes, type AuditEntriesView, type AuditStatusView, type VerifyBody } from './api-routes.ts'
export { AuditLog, type AuditRecord } from './log.ts'

/** What a node's audit service is built with besides its config. */
export interface AuditServiceOptions {
  /** a chain client of its own (tests); otherwise the node's `chain` service's, when it has one */
  chain?: ChainClient
  /** overrides the config's anchoring cadence */
  anchorer?: AnchorerOptions
  server?: AuditServiceInit['server']
  now?: () => number
}

/**
 * The audit service factory: anchoring (every `auditAnchorEvery` entries or
 * `auditAnchorIntervalMs`) when the chain has the node's wallet, read-only auditing when it has
 * none, and a log that is kept and served but not anchored without a chain. The market and
 * payments find it under the name `audit` and write through its hook.
 */
export function auditService(options: AuditServiceOptions = {}): ServiceFactory<AuditService> {
  return {
    optionalDependencies: ['chain'],
    create: (components, services) => {
      const chain = options.chain ?? services.get<HiveService & { readonly client: ChainClient }>('chain')?.client
      const { config } = components
      return new AuditService({
        libp2p: components.libp2p,
        store: components.store,
        privateKey: components.privateKey,
        ...(chain?.sender !== undefined ? { anchors: anchorWriter(chain) } : {}),
        ...(chain !== undefined ? { reader: anchorReader(chain) } : {}),
        anchorer: {
          everyEntries: config.auditAnchorEvery,
          intervalMs: config.auditAnchorIntervalMs,
          ...options.anchorer,
        },
        events: components.events,
        server: { ...options.server, counters: components.counters },
        ...(options.now !== undefined ? { now: options.now } : {}),
        routes: (registry, audit) => {
          registerAuditRoutes(registry, audit, components.peerId.toString())
        },
      })
    },
  }
}
