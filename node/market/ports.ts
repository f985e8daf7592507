// What the market asks of the services around it, declared here so that they depend on the market
// and not the other way round: audit (audit/market-hook.ts) and payments (PaymentsService.hooks())
// implement these ports; the market runs without either when none is given.
//
// With payments on, output is exchanged for payment fairly: the provider runs only once the
// payment is secured (beforeExecute), answers with its signed result commitment (the output's
// CID) and holds the output; the requester compares commitments (k > 1: the majority), pays the
// providers whose commitment won (onVerified), and only then fetches the output, which the
// provider's blob server releases once outputReleasable says the payment is assured.
//
// Audit is fail-safe: each call resolves once the entry is durable or its failure was handled.
import type { CID } from 'multiformats/cid'
import type { PeerId } from '@libp2p/interface'
import type { PaymentMode } from '../../protocol/payment-mode.ts'
import type { JobRecord } from './job-record.ts'

export type PeerRef = PeerId | Uint8Array

/** The calls the market makes; each resolves once the entry is durable (or its failure was handled). */
export interface MarketAuditHook {
  /** requester: the job was signed and is about to be published; saves `record` in the same batch */
  posted: (record: JobRecord, requestEnvelope: Uint8Array) => Promise<void>
  bidReceived: (jobId: string, from: PeerRef, envelope: Uint8Array, price: bigint) => Promise<void>
  /** requester, before the award goes out (write-ahead: a crash leaves "sent", never a silent send) */
  awardSent: (jobId: string, to: PeerRef, envelope: Uint8Array, price: bigint, slot: number) => Promise<void>
  acceptanceReceived: (
    jobId: string, from: PeerRef, envelope: Uint8Array, price: bigint, slot: number,
  ) => Promise<void>
  resultReceived: (
    jobId: string, from: PeerRef, envelope: Uint8Array, outputCid: CID | string, commitmentSignature?: Uint8Array,
  ) => Promise<void>
  /** requester: the job ended; one `verified` entry per checked output, saved with the final record */
  finished: (record: JobRecord) => Promise<void>
  /** provider, before the bid goes out */
  bidSent: (jobId: string, to: PeerRef, envelope: Uint8Array, price: bigint) => Promise<void>
  /** provider: the award it got, and (when it accepts) the acceptance it answers with, in one unit */
  awardReceived: (
    jobId: string, from: PeerRef, award: Uint8Array, price: bigint, slot: number, acceptance?: Uint8Array,
  ) => Promise<void>
  /** provider, before the result goes out (only results with an output) */
  resultSent: (
    jobId: string, to: PeerRef, envelope: Uint8Array, outputCid: CID | string, commitmentSignature?: Uint8Array,
  ) => Promise<void>
}

/** A job verified by the requester, owed to one provider. */
export interface VerifiedPayment {
  jobId: string
  payment: PaymentMode
  providerPeer: PeerId
  providerAddress: string
  price: bigint
  outputCid: string
}

export interface MarketPayments {
  /** this node's Ethereum address: the requester's in job specs, the provider's in bids */
  address: () => string
  /**
   * provider: the protocol fee (basis points) the chain takes from its pay at settlement; bids
   * are grossed up by it so the provider nets its price (protocol/market/pricing.ts). Absent: 0.
   */
  protocolFeeBps?: () => bigint
  /**
   * requester, right after a provider's signed acceptance: secure the payment (escrow mode:
   * create the escrow now, not before the award: a bidder that declines costs no gas)
   */
  afterAccept: (award: {
    jobId: string, payment: PaymentMode, provider: string, providerAddress: string, price: bigint, deadline: number
  }) => Promise<void>
  /**
   * provider, after accepting and before fetching or running: wait, for a bounded time, until
   * the payment is secured; throws a HiveError with a code (the provider then abandons the job).
   * `deadline`: the award's deadline (ms), by which the result is due.
   */
  beforeExecute: (
    job: { jobId: string, payment: PaymentMode, requesterAddress: string, price: bigint, deadline: number },
    signal: AbortSignal,
  ) => Promise<void>
  /** provider, after running: the signed EIP-712 ResultCommitment for the Result message (throws: deliver nothing) */
  signResult: (job: {
    jobId: string, payment: PaymentMode, requesterAddress: string, outputCid: string, price: bigint
  }) => Promise<{ commitment: Uint8Array, signature: Uint8Array }>
  /** provider: may this job's output blob leave now (its payment is assured)? */
  outputReleasable: (job: {
    jobId: string, payment: PaymentMode, requesterAddress: string, outputCid: string, price: bigint
  }) => Promise<boolean>
  /** requester, on every Result that carries a commitment (keeps evidence of equivocation);
   * `onlyContradiction` for results outside a live award, which may only complete evidence */
  observeCommitment: (
    jobId: string, commitment: Uint8Array, signature: Uint8Array, providerAddress?: string,
    options?: { onlyContradiction?: boolean },
  ) => Promise<void>
  /** requester, once per provider whose committed output won (before fetching it): pay it. Idempotent. */
  onVerified: (job: VerifiedPayment) => Promise<void>
  /** requester, for an awarded provider whose work was not accepted */
  onRejected: (job: { jobId: string, payment: PaymentMode, providerAddress: string }) => Promise<void>
}

/**
 * What the market's factory looks for in the node's other services, by name: `audit` offers its
 * hook, `payments` its hooks, `chain` the stake checks. Each is optional; the market runs without.
 */
export interface MarketAuditSource { readonly hook: MarketAuditHook }
export interface MarketPaymentsSource { hooks (): MarketPayments }
export interface MarketStakeSource {
  readonly stakeOf: (provider: PeerId, ethAddress: string) => Promise<{ stake: bigint, slashed: boolean, owner?: string }>
  readonly canBid: () => boolean
}
