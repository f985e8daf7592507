// The chain's local API: what `hive wallet` and dashboards read from a running node. Never the
// key: the wallet route shows the address, balances and stake only.
import type { RouteRegistry } from '../api/router.ts'
import type { ChainApi } from './api-port.ts'

export function registerChainRoutes (routes: RouteRegistry, chain: ChainApi): void {
  routes.route({ method: 'GET', path: '/v1/chain/wallet', handler: async () => await chain.walletSummary() })
  routes.route({ method: 'GET', path: '/v1/chain/params', handler: () => ({ chainId: chain.client.chainId, block: chain.params.block, params: chain.params.current }) })
  routes.route({ method: 'GET', path: '/v1/chain/stake', handler: () => chain.ownStake })
}
