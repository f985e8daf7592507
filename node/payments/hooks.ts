// A verified job as payments records it when paying (PaymentsService.payJob). What the market asks
// of payments is declared by the market (node/market/ports.ts); what payments hears from the market
// arrives as the market's events (node/market/events.ts, PaymentsService.subscribe).
import type { PeerId } from '@libp2p/interface'
import type { PaymentMode } from '../../protocol/payment-mode.ts'

export interface PaidJob {
  jobId: string
  payment: PaymentMode
  providerPeer: PeerId
  /** where the provider's bid asked to be paid (payout-addresses.ts) */
  providerAddress: string
  price: bigint
  /** the output hash released in escrow mode */
  resultHash: string
}
