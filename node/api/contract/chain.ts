// The chain's routes: what `hive wallet` and dashboards read from a running node. Never the
// key: the wallet route shows the address, balances and stake only.
import { defineRoute, respond } from './route.ts'
import type { OwnStakeStatus, ProtocolParamValues } from './views/chain.ts'

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
}
