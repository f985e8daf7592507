// What the chain API routes (api-routes.ts) need of the chain service. service.ts implements it
// and registers the routes; this interface is what lets the two files not import each other.
import type { ChainClient } from './client.ts'
import type { ParamsFollower } from './params.ts'
import type { OwnStakeStatus } from './registry.ts'

// the wallet route's reply is defined with the route (node/api/contract/chain.ts)
export type { WalletSummary } from '../api/contract/chain.ts'
import type { WalletSummary } from '../api/contract/chain.ts'
import type { ProposalSummary, VoteChoice, VoteResult } from '../api/contract/views/chain.ts'

export interface ChainApi {
  readonly client: Pick<ChainClient, 'chainId'>
  readonly params: Pick<ParamsFollower, 'block' | 'current'>
  readonly ownStake: OwnStakeStatus
  walletSummary: () => Promise<WalletSummary>
  /** governance proposals, newest first (dashboard, issue 17) */
  proposals: () => Promise<ProposalSummary[]>
  /** votes with the node's wallet; GovernanceError (GOV_…) when the governor would refuse */
  vote: (proposalId: bigint, choice: VoteChoice, reason?: string) => Promise<VoteResult>
}
