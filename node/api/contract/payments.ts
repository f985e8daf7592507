// The payments routes: what `hive channel`, `hive escrow` and `hive slash` read and ask for.
// Amounts cross as decimal strings of base units.
import type { ChannelRecord, EarningsView, EscrowRecord, EquivocationEvidence } from './views/payments.ts'
import { ApiError } from '../errors.ts'
import { defineRoute, respond } from './route.ts'
import { q } from './query.ts'

export interface ChannelSummary extends ChannelRecord {
  /** nonce and cumulative amount of the best (provider) or last sent (requester) voucher */
  nonce: string
  cumulativeAmount: string
  remaining: string
}

export interface OpenChannelBody {
  /** the provider's payout address */
  provider: string
  /** decimal string of token base units */
  deposit: string
  /** the provider's peer id, to tell it of the channel; '' or absent: none */
  peer?: string
}

function object(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
}

function field(raw: unknown, name: string): string {
  const v = object(raw)[name]
  if (typeof v !== 'string' || v === '') {
    throw new ApiError(400, 'BAD_REQUEST', `body field "${name}" is required`, { field: name })
  }
  return v
}

export function checkOpenChannelBody(raw: unknown): OpenChannelBody {
  const provider = field(raw, 'provider')
  const deposit = field(raw, 'deposit')
  // BigInt() of anything else threw a SyntaxError, answered as a 500
  if (!/^[0-9]{1,78}$/.test(deposit)) {
    throw new ApiError(400, 'BAD_REQUEST', 'deposit must be a decimal string of token base units', { field: 'deposit' })
  }
  const peer = object(raw).peer
  return { provider, deposit, ...(typeof peer === 'string' && peer !== '' ? { peer } : {}) }
}

export const paymentsRoutes = {
  'payments.channels': defineRoute({
    method: 'GET',
    path: '/v1/payments/channels',
    errors: [],
    response: respond<{ address: string; channels: ChannelSummary[] }>(),
    summary: "this node's payment channels with their latest vouchers",
  }),
  'payments.openChannel': defineRoute({
    method: 'POST',
    path: '/v1/payments/channels/open',
    body: checkOpenChannelBody,
    errors: ['BAD_REQUEST'],
    response: respond<{ channel: ChannelRecord }>(),
    summary: 'open a channel to a provider with a deposit',
  }),
  'payments.closeChannel': defineRoute({
    method: 'POST',
    path: '/v1/payments/channels/close',
    body: (raw: unknown): { channelId: string } => ({ channelId: field(raw, 'channelId') }),
    errors: ['BAD_REQUEST', 'UNKNOWN_CHANNEL'],
    response: respond<{ channel: ChannelRecord }>(),
    summary: 'close a channel: the provider redeems, the rest returns after the challenge period',
  }),
  'payments.escrows': defineRoute({
    method: 'GET',
    path: '/v1/payments/escrows',
    errors: [],
    response: respond<{ address: string; escrows: EscrowRecord[] }>(),
    summary: 'the job escrows this node funded or is paid from',
  }),
  'payments.evidence': defineRoute({
    method: 'GET',
    path: '/v1/payments/evidence',
    errors: [],
    response: respond<{ evidence: EquivocationEvidence[] }>(),
    summary: 'equivocation evidence this node holds against providers',
  }),
  'payments.slash': defineRoute({
    method: 'POST',
    path: '/v1/payments/slash',
    body: (raw: unknown): { jobId: string } => ({ jobId: field(raw, 'jobId') }),
    errors: ['BAD_REQUEST', 'NO_EVIDENCE', 'NO_WALLET'],
    response: respond<{ evidence: EquivocationEvidence }>(),
    summary: 'submit the evidence about a job on-chain to slash the provider',
  }),
  'payments.earnings': defineRoute({
    method: 'GET',
    path: '/v1/payments/earnings',
    // since: ms since the epoch; by: how to group the rows
    query: { since: q.int(0, 8_640_000_000_000_000), by: q.string(/^(job|requester|day)$/) },
    errors: ['UNKNOWN_PARAMETER', 'INVALID_PARAMETER'],
    response: respond<EarningsView>(),
    summary: "the provider's earnings: paid and pending (vouchers held, escrows awaiting release), fees, gas",
  }),
}
