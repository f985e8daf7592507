// The chain's handlers for the routes in node/api/contract/chain.ts. Never the key: the wallet
// route shows the address, balances and stake only.
import { ApiError } from '../api/errors.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { ChainApi } from './api-port.ts'
import { GovernanceError } from './governance.ts'

export function registerChainRoutes(routes: RouteRegistry, chain: ChainApi): void {
  routes.area('chain', {
    'chain.wallet': async () => await chain.walletSummary(),
    'chain.params': () => ({ chainId: chain.client.chainId, block: chain.params.block, params: chain.params.current }),
    'chain.stake': () => chain.ownStake,
    'chain.proposals': async () => ({ proposals: await chain.proposals() }),
    'chain.vote': async (call) => {
      const { proposalId, choice, reason } = await call.body()
      try {
        return await chain.vote(BigInt(proposalId), choice, reason)
      } catch (err) {
        // the governor's refusals are the caller's to fix (not a node failure): 409 with the code
        if (err instanceof GovernanceError)
          throw new ApiError(err.code === 'GOV_UNKNOWN_PROPOSAL' ? 404 : 409, err.code, err.message, err.details)
        throw err
      }
    },
  })
}
