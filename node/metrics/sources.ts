// What the metrics service reads of the other services, as shapes (ports): it imports none of their
// classes, so no service folder depends on metrics and metrics depends on no service's internals.
import type { ChannelSummary } from '../api/contract/payments.ts'
import type { EscrowRecord } from '../api/contract/views/payments.ts'
import type { GossipOutcome } from '../market/gossip.ts'
import type { HiveService } from '../service.ts'
import type { JsonRpcProvider } from 'ethers'

type GossipStats = Readonly<Record<GossipOutcome, number>>

export interface MetricsMarketSource extends HiveService {
  readonly provider?: { gossipStats(): GossipStats }
  /** the requester's window of negotiating jobs (node/market/post-window.ts) */
  readonly requester?: { windowStats(): { window: number; negotiating: number; waiting: number } }
}

export interface MetricsDiscoverySource extends HiveService {
  announcementStats(): GossipStats
}

export interface MetricsPaymentsSource extends HiveService {
  channelSummaries(): Promise<ChannelSummary[]>
  readonly escrow: { list(): Promise<EscrowRecord[]> }
}

export interface MetricsAuditSource extends HiveService {
  readonly log: { size(): number }
  readonly anchorer?: { status(): { latest?: { treeSize: number }; pending: number; failures: number } }
}

export interface MetricsChainSource extends Partial<HiveService> {
  readonly client: {
    readonly provider: JsonRpcProvider
    readonly sender?: {
      readonly stats: { mined: number; failed: number; gasUsed: bigint; dropped: number; staleReceipts: number }
    }
  }
}

export interface MetricsSources {
  market?: MetricsMarketSource
  discovery?: MetricsDiscoverySource
  payments?: MetricsPaymentsSource
  audit?: MetricsAuditSource
  chain?: MetricsChainSource
}
