// What the market asks of payments, and nothing more: the market runs without a chain when no
// hooks are given. Implemented by PaymentsService.hooks(); called from node/market.
//
// With payments on, output is exchanged for payment fairly: the provider runs only once the
// payment is secured (beforeExecute), answers with its signed result commitment (the output's
// CID) and holds the output; the requester compares commitments (k > 1: the majority), pays the
// providers whose commitment won (onVerified), and only then fetches the output, which the
// provider's blob server releases once outputReleasable says the payment is assured.
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
  /**
   * requester, right after a provider's signed acceptance: secure the payment (escrow mode:
   * create the escrow now, not before the award: a bidder that declines costs no gas)
   */
  afterAccept: (award: { jobId: string, payment: PaymentMode, provider: string, providerAddress: string, price: bigint, deadline: number }) => Promise<void>
  /**
   * provider, after accepting and before fetching or running: wait, for a bounded time, until
   * the payment is secured; throws a HiveError with a code (the provider then abandons the job).
   * `deadline`: the award's deadline (ms), by which the result is due.
   */
  beforeExecute: (job: { jobId: string, payment: PaymentMode, requesterAddress: string, price: bigint, deadline: number }, signal: AbortSignal) => Promise<void>
  /** provider, after running: the signed EIP-712 ResultCommitment for the Result message (throws: deliver nothing) */
  signResult: (job: { jobId: string, payment: PaymentMode, requesterAddress: string, outputCid: string, price: bigint }) => Promise<{ commitment: Uint8Array, signature: Uint8Array }>
  /** provider: may this job's output blob leave now (its payment is assured)? */
  outputReleasable: (job: { jobId: string, payment: PaymentMode, requesterAddress: string, outputCid: string, price: bigint }) => Promise<boolean>
  /** requester, on every Result that carries a commitment (keeps evidence of equivocation);
   * `onlyContradiction` for results outside a live award, which may only complete evidence */
  observeCommitment: (jobId: string, commitment: Uint8Array, signature: Uint8Array, providerAddress?: string, options?: { onlyContradiction?: boolean }) => Promise<void>
  /** requester, once per provider whose committed output won (before fetching it): pay it. Idempotent. */
  onVerified: (job: VerifiedPayment) => Promise<void>
  /** requester, for an awarded provider whose work was not accepted */
  onRejected: (job: { jobId: string, payment: PaymentMode, providerAddress: string }) => Promise<void>
}
