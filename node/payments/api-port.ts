// What the payments API routes (api-routes.ts) need of the payments service. service.ts implements
// it and registers the routes; this interface is what lets the two files not import each other.
import type { ChannelRecord } from './channel-store.ts'
import type { EscrowManager } from './escrow.ts'
import type { EvidenceStore } from './evidence.ts'
import type { ChannelPayer } from './payer.ts'

export interface ChannelSummary extends ChannelRecord {
  /** nonce and cumulative amount of the best (provider) or last sent (requester) voucher */
  nonce: string
  cumulativeAmount: string
  remaining: string
}

export interface PaymentsApi {
  /** this node's Ethereum address */
  readonly address: string
  readonly payer: Pick<ChannelPayer, 'open'>
  readonly escrow: Pick<EscrowManager, 'list'>
  readonly evidence: Pick<EvidenceStore, 'list' | 'slash'>
  channelSummaries: () => Promise<ChannelSummary[]>
  closeChannel: (channelId: string) => Promise<ChannelRecord>
}
