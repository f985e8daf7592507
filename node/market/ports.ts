// What the market asks of the services around it, declared here so that they depend on the market
// and not the other way round. Three narrow seams, each optional (the market runs without):
// - the journal (MarketJournal, implemented by audit/market-hook.ts): one call per protocol
//   message, write-ahead, with the job record riding in the same fsynced batch where it changes;
// - the market's events (events.ts MarketEvents): payments subscribes (payout addresses, securing
//   a payment on acceptance, paying a verified output, settling a finished job);
// - the payments port (MarketPayments): the questions only payments can answer.
//
// With payments on, output is exchanged for payment fairly: the provider runs only once the
// payment is secured (beforeExecute), answers with its signed result commitment (the output's
// CID) and holds the output; the requester compares commitments (k > 1: the majority), pays the
// providers whose commitment won ('output:verified'), and only then fetches the output, which the
// provider's blob server releases once outputReleasable says the payment is assured.
//
// The journal is fail-safe: each record resolves once the entry is durable or its failure was handled.
import type { CID } from 'multiformats/cid'
import type { PeerId } from '@libp2p/interface'
import type { LiveProvider } from '../../protocol/market/lottery.ts'
import type { PaymentMode } from '../../protocol/payment-mode.ts'
import type { JobRecord } from './job-record.ts'
import type { MarketEvents } from './events.ts'

export type PeerRef = PeerId | Uint8Array

/** One protocol message of a job as the market journals it; `envelope`: the SignedEnvelope bytes as they travelled. */
export type MarketJournalEntry =
  /** requester: the job was signed and is about to be published; `record` lands in the same batch */
  | { type: 'posted'; record: JobRecord; envelope: Uint8Array }
  | { type: 'bid-received'; jobId: string; peer: PeerRef; envelope: Uint8Array; price: bigint }
  /** requester, before the award goes out (write-ahead: a crash leaves "sent", never a silent send) */
  | { type: 'award-sent'; jobId: string; peer: PeerRef; envelope: Uint8Array; price: bigint; slot: number }
  | { type: 'acceptance-received'; jobId: string; peer: PeerRef; envelope: Uint8Array; price: bigint; slot: number }
  /** requester: it withdrew the award (the provider was taken for dead); `envelope`: the signed AwardRevocation */
  | { type: 'award-revoked'; jobId: string; peer: PeerRef; envelope: Uint8Array; slot: number; reason: string }
  /** requester: it re-opened bidding (every awarded provider gone, no bid left); `envelope`: the signed BidReopen */
  | { type: 'bid-reopened'; jobId: string; envelope: Uint8Array; sequence: number; bidsCloseAt: number; asked: number }
  | { type: 'result-received'; jobId: string; peer: PeerRef; envelope: Uint8Array; outputCid: CID | string }
  /** requester: the job ended; one `verified` entry per checked output, saved with the final `record` */
  | { type: 'finished'; record: JobRecord }
  /** provider, before the bid goes out */
  | { type: 'bid-sent'; jobId: string; peer: PeerRef; envelope: Uint8Array; price: bigint }
  /** provider: the award it got, and (when it accepts) the acceptance it answers with, in one unit */
  | {
      type: 'award-received'
      jobId: string
      peer: PeerRef
      envelope: Uint8Array
      price: bigint
      slot: number
      acceptance?: Uint8Array
    }
  /** provider, before the result goes out (only results with an output) */
  | { type: 'result-sent'; jobId: string; peer: PeerRef; envelope: Uint8Array; outputCid: CID | string }

/** The market's one journal call; resolves once the entry (and any record it carries) is durable. */
export interface MarketJournal {
  record: (entry: MarketJournalEntry) => Promise<unknown>
}

/** The questions the market asks payments (everything else payments learns from the market's events). */
export interface MarketPayments {
  /** this node's Ethereum address: the requester's in job specs, the provider's in bids */
  address: () => string
  /**
   * provider: the protocol fee (basis points) the chain takes from its pay at settlement; bids
   * are grossed up by it so the provider nets its price (protocol/market/pricing.ts). Absent: 0.
   */
  protocolFeeBps?: () => bigint
  /**
   * provider, after accepting and before fetching or running: wait, for a bounded time, until
   * the payment is secured; throws a HiveError with a code (the provider then abandons the job).
   * `deadline`: the award's deadline (ms), by which the result is due.
   */
  beforeExecute: (
    job: { jobId: string; payment: PaymentMode; requesterAddress: string; price: bigint; deadline: number },
    signal: AbortSignal,
  ) => Promise<void>
  /** provider, after running: the signed EIP-712 ResultCommitment for the Result message (throws: deliver nothing) */
  signResult: (job: {
    jobId: string
    payment: PaymentMode
    requesterAddress: string
    outputCid: string
    price: bigint
  }) => Promise<{ commitment: Uint8Array; signature: Uint8Array }>
  /**
   * requester, at start: did this node start paying for `jobId` (a payment pending or made)? A
   * payment is signed only for a verified output, so such a job is resumed (paid again, which is
   * idempotent, and its output fetched) rather than failed by the restart.
   */
  paymentStarted?: (jobId: string) => Promise<boolean>
  /**
   * requester, pay-on-award (a job that states it, docs/market-path.md): the voucher paying
   * `price` to ride with the award to `provider` (a peer id), signed and stored; `settle` takes
   * the voucher ack from the provider's acceptance (undefined: it declined; 'unknown': no answer)
   * and says whether the job is paid. Undefined: no voucher this time (no channel with room yet, or the provider lost
   * pay-on-award by a bad output), the award goes in the old order.
   */
  awardVoucher?: (award: {
    jobId: string
    provider: string
    price: bigint
  }) => Promise<
    { voucher: Uint8Array; settle: (ack: Uint8Array | undefined | 'unknown') => Promise<boolean> } | undefined
  >
  /**
   * provider, pay-on-award: judges the voucher that came with an award it accepts, for this job
   * only (its price, from its requester); returns the signed voucher ack for the acceptance.
   */
  takeAwardVoucher?: (
    job: { jobId: string; requesterAddress: string; price: bigint },
    voucher: Uint8Array,
    from: PeerId,
  ) => Promise<Uint8Array>
  /** provider: may this job's output blob leave now (its payment is assured)? */
  outputReleasable: (job: {
    jobId: string
    payment: PaymentMode
    requesterAddress: string
    outputCid: string
    price: bigint
  }) => Promise<boolean>
}

/**
 * What the market's factory looks for in the node's other services, by name: `audit` offers its
 * journal, `payments` its port and a subscription to the market's events, `chain` the stake
 * checks. Each is optional; the market runs without.
 */
export interface MarketJournalSource {
  readonly journal: MarketJournal
}
export interface MarketPaymentsSource {
  hooks(): MarketPayments
  /** subscribes to the market's events; the returned function unsubscribes */
  subscribe(events: MarketEvents): () => void
}
/**
 * The node's discovery view (node/discovery): the one source of "which providers of a class are
 * live" for the requester's push choice and estimate N, and for a provider's clamp of N.
 */
export interface MarketProviderView {
  /** unexpired verified profiles of other peers offering `executor` */
  liveProviders(executor: string): LiveProvider[]
  /** the view has listened for a full announcement round: it can vouch for a count */
  readonly warm: boolean
}
export interface MarketStakeSource {
  readonly stakeOf: (
    provider: PeerId,
    ethAddress: string,
  ) => Promise<{ stake: bigint; slashed: boolean; owner?: string }>
  readonly canBid: () => boolean
  /** the bid lottery's (issue 14): the minimum stake, our own bond (owners come with stakeOf) */
  readonly minProviderStake?: () => bigint | undefined
  readonly ownBondedStake?: () => bigint
}
