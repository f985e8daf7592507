// What the payments API routes (api-routes.ts) need of the payments service. service.ts implements
// it and registers the routes; this interface is what lets the two files not import each other.
import type { ChannelRecord } from './channel-store.ts'
import type { EarningsGrouping, EarningsView } from '../api/contract/views/payments.ts'
import type { EscrowManager } from './escrow.ts'
import type { EvidenceStore } from './evidence.ts'
import type { ChannelPayer } from './payer.ts'

// the channels route's reply is defined with the route (node/api/contract/payments.ts)
export type { ChannelSummary } from '../api/contract/payments.ts'
import type { ChannelSummary } from '../api/contract/payments.ts'

export interface PaymentsApi {
  /** this node's Ethereum address */
  readonly address: string
  readonly payer: Pick<ChannelPayer, 'open'>
  readonly escrow: Pick<EscrowManager, 'list'>
  readonly evidence: Pick<EvidenceStore, 'list' | 'slash'>
  channelSummaries: () => Promise<ChannelSummary[]>
  closeChannel: (channelId: string) => Promise<ChannelRecord>
  earnings: (query: { since?: number; by?: EarningsGrouping }) => Promise<EarningsView>
}
