// The chain's routes: what `hive wallet` and dashboards read from a running node. Never the
// key: the wallet route shows the address, balances and stake only.
import { ApiError } from '../errors.ts'
import { defineRoute, respond } from './route.ts'
import type { OwnStakeStatus, ProposalSummary, ProtocolParamValues, VoteChoice, VoteResult } from './views/chain.ts'

export interface WalletSummary {
  chainId: number
  address: string
  eth: bigint
  hive: bigint
  stake: OwnStakeStatus | undefined
  params: Readonly<ProtocolParamValues> | undefined
  /** null when no payments service reports it */
  openChannels: number | null
}

export interface ChainParamsView {
  chainId: number
  block: number
  params: Readonly<ProtocolParamValues>
}

export interface VoteBody {
  /** the proposal id, decimal */
  proposalId: string
  choice: VoteChoice
  reason?: string
}

export function checkVoteBody(raw: unknown): VoteBody {
  const b = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
  if (typeof b.proposalId !== 'string' || !/^[0-9]{1,78}$/.test(b.proposalId))
    throw new ApiError(400, 'BAD_REQUEST', 'proposalId must be a decimal proposal id', { field: 'proposalId' })
  if (b.choice !== 'for' && b.choice !== 'against' && b.choice !== 'abstain')
    throw new ApiError(400, 'BAD_REQUEST', 'choice must be "for", "against" or "abstain"', { field: 'choice' })
  if (b.reason !== undefined && (typeof b.reason !== 'string' || b.reason.length > 1000))
    throw new ApiError(400, 'BAD_REQUEST', 'reason must be text of at most 1000 characters', { field: 'reason' })
  return { proposalId: b.proposalId, choice: b.choice, ...(b.reason !== undefined ? { reason: b.reason } : {}) }
}

export const chainRoutes = {
  'chain.wallet': defineRoute({
    method: 'GET',
    path: '/v1/chain/wallet',
    errors: [],
    response: respond<WalletSummary>(),
    summary: "the node's chain account: address, balances, stake, open channels",
  }),
  'chain.params': defineRoute({
    method: 'GET',
    path: '/v1/chain/params',
    errors: [],
    response: respond<ChainParamsView>(),
    summary: 'the protocol parameters the node follows, and the block they were read at',
  }),
  'chain.stake': defineRoute({
    method: 'GET',
    path: '/v1/chain/stake',
    errors: [],
    response: respond<OwnStakeStatus>(),
    summary: "the node's own stake and whether it may bid",
  }),
  'chain.proposals': defineRoute({
    method: 'GET',
    path: '/v1/chain/proposals',
    errors: [],
    response: respond<{ proposals: ProposalSummary[] }>(),
    summary: 'governance proposals since the deployment, newest first, with their state and votes',
  }),
  'chain.vote': defineRoute({
    method: 'POST',
    path: '/v1/chain/vote',
    body: checkVoteBody,
    errors: [
      'BAD_REQUEST',
      'GOV_UNKNOWN_PROPOSAL',
      'GOV_NOT_ACTIVE',
      'GOV_VOTING_CLOSED',
      'GOV_ALREADY_VOTED',
      'GOV_NO_VOTES',
    ],
    response: respond<VoteResult>(),
    summary: "vote on a proposal with this node's wallet (its delegated votes)",
  }),
}
