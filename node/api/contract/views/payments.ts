// The payments records as the API returns them: channels, job escrows and equivocation evidence
// (node/payments keeps them in its store sublevels as JSON, amounts as decimal strings). Types
// only, so that node/payments and the route table can both import them without a cycle.
import type { SignedCommitment } from '../../../../protocol/payments/commitment.ts'

export type ChannelRole = 'requester' | 'provider'
export type ChannelStatus = 'open' | 'closing' | 'closed'

export interface ChannelRecord {
  channelId: string
  role: ChannelRole
  chainId: number
  contract: string
  requester: string
  provider: string
  /** the counterparty's peer id, when known */
  peer?: string
  token: string
  deposit: string
  /** unix seconds, '0' = none */
  expiry: string
  challengePeriod: string
  feeBps: string
  status: ChannelStatus
  openedAt: number
  openTx?: string
  /** unix seconds when a requester's startClose ends the challenge period */
  closesAt?: string
  closeTx?: string
  /** what the provider received (net of fee) when it closed */
  payout?: string
  closedAt?: number
}

export type EscrowState = 'active' | 'committed' | 'released' | 'claimed' | 'refunded' | 'disputed' | 'resolved'

export interface EscrowRecord {
  escrowId: string
  jobId: string
  role: 'requester' | 'provider'
  requester: string
  provider: string
  amount: string
  /** unix seconds */
  deadline: string
  state: EscrowState
  /** the output hash the provider committed / the requester released */
  resultHash?: string
  /** the counterparty's peer id, when known (audit entries name it) */
  peer?: string
  txs: Record<string, string>
  updatedAt: number
}

/** Two different outputs one provider signed for one job (ProviderRegistry.slashEquivocation). */
export interface EquivocationEvidence {
  jobId: string
  provider: string
  a: SignedCommitment
  b: SignedCommitment
  foundAt: number
  /** the salt of this node's slashing commitment (commit–reveal), kept so a restart reveals what it committed */
  slashSalt?: string
  /** the commitSlash transaction */
  commitTx?: string
  slashTx?: string
}

// --- earnings (issue 17): `hive earnings` ---
export type EarningsGrouping = 'job' | 'requester' | 'day'

/** One group of a provider's earnings; amounts in token base units (decimal strings). */
export interface EarningsRow {
  /** the job id, the requester's address, or the UTC day (YYYY-MM-DD) */
  key: string
  jobs: number
  /** received: vouchers held for channel jobs, escrows released */
  paid: string
  /** still to come: channel jobs not yet paid by a voucher, escrows awaiting release */
  pending: string
  /** the protocol fee on these amounts (part of paid + pending: the provider nets the rest) */
  fees: string
}

export interface EarningsView {
  /** this node's payout address */
  address: string
  /** only jobs since this time (ms), when asked */
  since?: number
  by?: EarningsGrouping
  totals: EarningsRow
  channels: {
    /** vouchers held in channels still open: redeemable by closing them */
    held: string
    /** what closed channels paid out (net of the fee) */
    redeemed: string
  }
  escrows: { released: string; awaiting: string }
  /** what this node's own transactions cost since it started (wei of the chain's native coin) */
  gas: { transactions: number; failed: number; gasUsed: string; feesWei: string }
  rows: EarningsRow[]
}
