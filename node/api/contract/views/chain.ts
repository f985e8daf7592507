// The chain's state as the API returns it: the protocol parameters the node follows and its own
// stake (node/chain reads both). Types only, so that node/chain and the route table can both
// import them without a cycle; node/chain/params.ts lists the same names (checked there).

/** ProtocolParams' numeric parameters, by their on-chain names */
export type NumericParam =
  | 'minProviderStake'
  | 'unbondingPeriod'
  | 'escrowChallengeWindow'
  | 'channelChallengePeriod'
  | 'protocolFeeBps'
  | 'reporterShareBps'
  | 'equivocationSlashBps'
  | 'disputeBondBps'
  | 'arbitrationWindow'
/** ProtocolParams' address parameters */
export type AddressParam = 'treasury' | 'arbiter'
export type ParamName = NumericParam | AddressParam

/** Token amounts in wei, periods in seconds, shares in basis points; addresses checksummed. */
export type ProtocolParamValues = { [K in NumericParam]: bigint } & { [K in AddressParam]: string }

export type IneligibleReason = 'NOT_STAKED' | 'BELOW_MINIMUM' | 'SLASHED' | 'OTHER_PEER_ID' | 'UNKNOWN'

export interface OwnStakeStatus {
  address: string
  eligible: boolean
  reason?: IneligibleReason
  bonded: bigint
  unbonding: bigint
  /** unix seconds; 0 when nothing is unbonding */
  unbondingEndsAt: number
  slashed: boolean
  minStake: bigint
  /** the peer id bound on chain is this node's */
  peerIdBound: boolean
}

/** A governance proposal as the dashboard lists it (node/chain/governance.ts reads it). */
export interface ProposalSummary {
  /** the governor's proposal id (a uint256, decimal) */
  id: bigint
  proposer: string
  description: string
  state: string
  votes: { for: bigint; against: bigint; abstain: bigint }
  /** votes needed; null until the snapshot is past */
  quorum: bigint | null
  /** unix seconds */
  voteStart: number
  voteEnd: number
  /** the actions, decoded for people ("ProtocolParams.setParam(protocolFeeBps, 125)") */
  decoded: string[]
}

export type VoteChoice = 'for' | 'against' | 'abstain'

export interface VoteResult {
  proposalId: bigint
  choice: VoteChoice
  /** the voting weight used */
  weight: bigint
  tx: string
  votes: { for: bigint; against: bigint; abstain: bigint }
}
