// What the market asks of payments, and nothing more: the market runs without a chain when no
// hooks are given. Implemented by PaymentsService.hooks(); called from node/market.
import type { PeerId } from '@libp2p/interface'

export type PaymentMode = 'escrow' | 'channel'

/** A job verified by the requester, owed to one provider. */
export interface VerifiedPayment {
  jobId: string
  payment: PaymentMode
  providerPeer: PeerId
  providerAddress: string
  price: bigint
  outputCid: string
}

export interface PaidJob extends Omit<VerifiedPayment, 'outputCid'> {
  /** the output hash released in escrow mode */
  resultHash: string
}

export interface MarketPayments {
  /** this node's Ethereum address: the requester's in job specs, the provider's in bids */
  address: () => string
  /** requester, before sending an award: secure the payment (escrow mode: create the escrow) */
  beforeAward: (award: { jobId: string, payment: PaymentMode, provider?: string, providerAddress: string, price: bigint, deadline: number }) => Promise<void>
  /** provider, after accepting and before running: wait until the payment is secured */
  beforeExecute: (job: { jobId: string, payment: PaymentMode, requesterAddress: string, price: bigint }, signal: AbortSignal) => Promise<void>
  /** provider, after running: the signed EIP-712 ResultCommitment for the Result message */
  signResult: (job: { jobId: string, payment: PaymentMode, requesterAddress: string, outputCid: string }) => Promise<{ commitment: Uint8Array, signature: Uint8Array }>
  /** requester, on every Result that carries a commitment (keeps evidence of equivocation);
   * `onlyContradiction` for results outside a live award, which may only complete evidence */
  observeCommitment: (jobId: string, commitment: Uint8Array, signature: Uint8Array, providerAddress?: string, options?: { onlyContradiction?: boolean }) => Promise<void>
  /** requester, once per provider whose output was accepted: pay it */
  onVerified: (job: VerifiedPayment) => Promise<void>
  /** requester, for an awarded provider whose work was not accepted */
  onRejected: (job: { jobId: string, payment: PaymentMode, providerAddress: string }) => Promise<void>
}
