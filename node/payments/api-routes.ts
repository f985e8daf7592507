// The payments handlers for the routes in node/api/contract/payments.ts (bodies are checked
// there). Amounts cross as decimal strings of base units.
import { getAddress, isAddress } from 'ethers'
import { peerIdFromString } from '@libp2p/peer-id'
import { ApiError } from '../api/errors.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { PaymentsApi } from './api-port.ts'
import type { EarningsGrouping } from '../api/contract/views/payments.ts'

export function registerPaymentsRoutes(routes: RouteRegistry, payments: PaymentsApi): void {
  routes.area('payments', {
    'payments.channels': async () => ({ address: payments.address, channels: await payments.channelSummaries() }),
    'payments.openChannel': async ({ body }) => {
      const { provider, deposit, peer } = await body()
      if (!isAddress(provider))
        throw new ApiError(400, 'BAD_REQUEST', 'provider must be an Ethereum address', { provider })
      const record = await payments.payer.open(
        getAddress(provider),
        peer !== undefined ? peerIdFromString(peer) : undefined,
        BigInt(deposit),
      )
      return { channel: record }
    },
    'payments.closeChannel': async ({ body }) => ({ channel: await payments.closeChannel((await body()).channelId) }),
    'payments.escrows': async () => ({ address: payments.address, escrows: await payments.escrow.list() }),
    'payments.evidence': async () => ({ evidence: await payments.evidence.list() }),
    'payments.slash': async ({ body }) => ({ evidence: await payments.evidence.slash((await body()).jobId) }),
    'payments.earnings': async ({ query }) =>
      await payments.earnings({
        ...(query.since !== undefined ? { since: query.since } : {}),
        ...(query.by !== undefined ? { by: query.by as EarningsGrouping } : {}),
      }),
  })
}
