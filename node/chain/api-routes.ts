// The chain's handlers for the routes in node/api/contract/chain.ts. Never the key: the wallet
// route shows the address, balances and stake only.
import type { RouteRegistry } from '../api/router.ts'
import type { ChainApi } from './api-port.ts'

export function registerChainRoutes(routes: RouteRegistry, chain: ChainApi): void {
  routes.area('chain', {
    'chain.wallet': async () => await chain.walletSummary(),
    'chain.params': () => ({ chainId: chain.client.chainId, block: chain.params.block, params: chain.params.current }),
    'chain.stake': () => chain.ownStake,
  })
}
