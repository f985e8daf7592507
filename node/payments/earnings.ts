// A provider's earnings from the records payments already keeps (issue 17, `hive earnings`):
// channel jobs it expected payment for (paid once a voucher covering them arrived) and escrows it
// is paid from (released, or awaiting release). Pure: the service gathers the records, this
// groups and sums them, so the rules are tested without a chain.
import type {
  ChannelRecord,
  EarningsGrouping,
  EarningsRow,
  EarningsView,
  EscrowRecord,
} from '../api/contract/views/payments.ts'
import type { ChannelSummary } from '../api/contract/payments.ts'
import type { Expectation } from './channel-store.ts'

/** One job's earning, whichever way it is paid. */
export interface EarningItem {
  jobId: string
  requester: string
  at: number
  amount: bigint
  paid: boolean
  feeBps: bigint
  /** paid through a job escrow (otherwise through a channel voucher) */
  fromEscrow: boolean
}

const RELEASED = new Set<EscrowRecord['state']>(['released', 'claimed', 'resolved'])
const AWAITING = new Set<EscrowRecord['state']>(['active', 'committed'])

/** Channel expectations and provider escrows as items; the fee is the requester channel's (escrows: escrowFeeBps). */
export function earningItems(
  expectations: ReadonlyArray<[string, Expectation]>,
  escrows: readonly EscrowRecord[],
  channels: readonly ChannelRecord[],
  escrowFeeBps: bigint,
): EarningItem[] {
  const feeOf = new Map<string, bigint>()
  for (const c of channels) if (c.role === 'provider') feeOf.set(c.requester.toLowerCase(), BigInt(c.feeBps))
  const items: EarningItem[] = expectations.map(([jobId, e]) => ({
    jobId,
    requester: e.requester.toLowerCase(),
    at: e.at,
    amount: BigInt(e.price),
    paid: e.paid,
    feeBps: feeOf.get(e.requester.toLowerCase()) ?? 0n,
    fromEscrow: false,
  }))
  for (const e of escrows) {
    if (e.role !== 'provider' || !(RELEASED.has(e.state) || AWAITING.has(e.state))) continue
    items.push({
      jobId: e.jobId.toLowerCase().replace(/^0x/, ''),
      requester: e.requester.toLowerCase(),
      at: e.updatedAt,
      amount: BigInt(e.amount),
      paid: RELEASED.has(e.state),
      feeBps: escrowFeeBps,
      fromEscrow: true,
    })
  }
  return items
}

function keyOf(item: EarningItem, by: EarningsGrouping): string {
  if (by === 'job') return item.jobId
  if (by === 'requester') return item.requester
  return new Date(item.at).toISOString().slice(0, 10)
}

function row(key: string, items: readonly EarningItem[]): EarningsRow {
  let paid = 0n
  let pending = 0n
  let fees = 0n
  for (const i of items) {
    if (i.paid) paid += i.amount
    else pending += i.amount
    fees += (i.amount * i.feeBps) / 10_000n
  }
  return { key, jobs: items.length, paid: paid.toString(), pending: pending.toString(), fees: fees.toString() }
}

export interface EarningsInput {
  address: string
  items: readonly EarningItem[]
  channels: readonly ChannelSummary[]
  gas: EarningsView['gas']
  since?: number
  by?: EarningsGrouping
}

export function summariseEarnings(input: EarningsInput): EarningsView {
  const { since, by } = input
  const items = input.items.filter((i) => since === undefined || i.at >= since)
  const groups = new Map<string, EarningItem[]>()
  if (by !== undefined)
    for (const i of [...items].sort((a, b) => a.at - b.at)) {
      const key = keyOf(i, by)
      groups.set(key, [...(groups.get(key) ?? []), i])
    }
  let held = 0n
  let redeemed = 0n
  for (const c of input.channels) {
    if (c.role !== 'provider') continue
    if (c.status === 'closed') redeemed += BigInt(c.payout ?? '0')
    else held += BigInt(c.cumulativeAmount)
  }
  let released = 0n
  let awaiting = 0n
  for (const i of items.filter((x) => x.fromEscrow)) {
    if (i.paid) released += i.amount
    else awaiting += i.amount
  }
  return {
    address: input.address,
    ...(since !== undefined ? { since } : {}),
    ...(by !== undefined ? { by } : {}),
    totals: row('total', items),
    channels: { held: held.toString(), redeemed: redeemed.toString() },
    escrows: { released: released.toString(), awaiting: awaiting.toString() },
    gas: input.gas,
    rows: [...groups.entries()].map(([key, list]) => row(key, list)),
  }
}
