// The payments part of a node's local API: what `hive channel`, `hive escrow` and `hive slash`
// read and ask for. Amounts cross as decimal strings of base units.
import { getAddress, isAddress } from 'ethers'
import { peerIdFromString } from '@libp2p/peer-id'
import { ApiError } from '../api/errors.ts'
import type { RouteRegistry } from '../api/router.ts'
import type { PaymentsApi } from './api-port.ts'

function field (body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | null)?.[name]
  if (typeof v !== 'string' || v === '') throw new ApiError(400, 'BAD_REQUEST', `body field "${name}" is required`, { field: name })
  return v
}

export function registerPaymentsRoutes (routes: RouteRegistry, payments: PaymentsApi): void {
  routes.route({ method: 'GET', path: '/v1/payments/channels', handler: async () => ({ address: payments.address, channels: await payments.channelSummaries() }) })
  routes.route({
    method: 'POST',
    path: '/v1/payments/channels/open',
    handler: async (ctx) => {
      const body = await ctx.json()
      const provider = field(body, 'provider')
      if (!isAddress(provider)) throw new ApiError(400, 'BAD_REQUEST', 'provider must be an Ethereum address', { provider })
      const deposit = BigInt(field(body, 'deposit'))
      const peer = (body as Record<string, unknown>).peer
      const record = await payments.payer.open(getAddress(provider), typeof peer === 'string' && peer !== '' ? peerIdFromString(peer) : undefined, deposit)
      return { channel: record }
    },
  })
  routes.route({
    method: 'POST',
    path: '/v1/payments/channels/close',
    handler: async (ctx) => ({ channel: await payments.closeChannel(field(await ctx.json(), 'channelId')) }),
  })
  routes.route({ method: 'GET', path: '/v1/payments/escrows', handler: async () => ({ address: payments.address, escrows: await payments.escrow.list() }) })
  routes.route({ method: 'GET', path: '/v1/payments/evidence', handler: async () => ({ evidence: await payments.evidence.list() }) })
  routes.route({
    method: 'POST',
    path: '/v1/payments/slash',
    handler: async (ctx) => ({ evidence: await payments.evidence.slash(field(await ctx.json(), 'jobId')) }),
  })
}
