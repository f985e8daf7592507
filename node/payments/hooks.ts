// A verified job as payments records it when paying (PaymentsService.payJob); what the market
// asks of payments is declared by the market (node/market/ports.ts).
import type { VerifiedPayment } from '../market/ports.ts'

export interface PaidJob extends Omit<VerifiedPayment, 'outputCid'> {
  /** the output hash released in escrow mode */
  resultHash: string
}
