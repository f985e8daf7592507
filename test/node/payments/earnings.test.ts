// The provider's earnings as `hive earnings` shows them (node/payments/earnings.ts): channel jobs
// paid or pending, escrows released or awaiting release, fees at the channel's rate, grouped by
// job, requester or UTC day, and filtered by --since. Pure: records in, view out.
import { expect } from 'chai'
import { earningItems, summariseEarnings } from '../../../node/payments/earnings.ts'
import type { ChannelSummary } from '../../../node/api/contract/payments.ts'
import type { EscrowRecord } from '../../../node/api/contract/views/payments.ts'
import type { Expectation } from '../../../node/payments/channel-store.ts'

const A = '0x' + 'a'.repeat(40)
const B = '0x' + 'b'.repeat(40)
const DAY1 = Date.parse('2026-12-01T10:00:00Z')
const DAY2 = Date.parse('2026-12-02T10:00:00Z')
const job = (n: number): string => n.toString(16).padStart(64, '0')

function channel(requester: string, feeBps: string, extra: Partial<ChannelSummary> = {}): ChannelSummary {
  return {
    channelId: '0x' + requester.slice(2, 10).padEnd(64, '0'),
    role: 'provider',
    chainId: 31337,
    contract: '0x' + 'c'.repeat(40),
    requester,
    provider: '0x' + 'd'.repeat(40),
    token: '0x' + 'e'.repeat(40),
    deposit: '1000',
    expiry: '0',
    challengePeriod: '60',
    feeBps,
    status: 'open',
    openedAt: DAY1,
    nonce: '2',
    cumulativeAmount: '300',
    remaining: '700',
    ...extra,
  }
}

function escrow(n: number, state: EscrowRecord['state'], amount: string, at: number): EscrowRecord {
  return {
    escrowId: '0x' + job(n),
    jobId: '0x' + job(n),
    role: 'provider',
    requester: B,
    provider: '0x' + 'd'.repeat(40),
    amount,
    deadline: '0',
    state,
    txs: {},
    updatedAt: at,
  }
}

describe('node/payments earnings', () => {
  const expectations: Array<[string, Expectation]> = [
    [job(1), { requester: A, price: '100', paid: true, at: DAY1 }],
    [job(2), { requester: A, price: '200', paid: true, at: DAY2 }],
    [job(3), { requester: A, price: '50', paid: false, at: DAY2 }],
  ]
  const escrows = [
    escrow(4, 'released', '1000', DAY1),
    escrow(5, 'committed', '400', DAY2),
    escrow(6, 'refunded', '999', DAY2), // never paid: not earnings
  ]
  const channels = [channel(A, '100'), channel(B, '0', { status: 'closed', payout: '77', cumulativeAmount: '80' })]
  const gas = { transactions: 3, failed: 1, gasUsed: '150000', feesWei: '42' }
  const items = earningItems(expectations, escrows, channels, 200n)

  it('sums paid and pending over channel jobs and escrows, with fees at each one’s rate', () => {
    const v = summariseEarnings({ address: A, items, channels, gas })
    // paid: 100 + 200 (vouchers) + 1000 (released escrow); pending: 50 + 400 (awaiting release)
    expect(v.totals).to.deep.equal({ key: 'total', jobs: 5, paid: '1300', pending: '450', fees: '31' })
    // fees: channel at 1 %: 1 + 2 + 0 (50 * 1 % rounds down); escrows at 2 %: 20 + 8
    expect(v.escrows).to.deep.equal({ released: '1000', awaiting: '400' })
    expect(v.channels).to.deep.equal({ held: '300', redeemed: '77' })
    expect(v.gas).to.deep.equal(gas)
    expect(v.rows).to.deep.equal([])
  })

  it('groups by day (UTC), by requester and by job', () => {
    const byDay = summariseEarnings({ address: A, items, channels, gas, by: 'day' })
    expect(byDay.rows.map((r) => [r.key, r.jobs, r.paid, r.pending])).to.deep.equal([
      ['2026-12-01', 2, '1100', '0'],
      ['2026-12-02', 3, '200', '450'],
    ])
    const byRequester = summariseEarnings({ address: A, items, channels, gas, by: 'requester' })
    expect(byRequester.rows.map((r) => [r.key, r.jobs])).to.deep.equal([
      [A, 3],
      [B, 2],
    ])
    const byJob = summariseEarnings({ address: A, items, channels, gas, by: 'job' })
    expect(byJob.rows.map((r) => r.key)).to.have.members([job(1), job(2), job(3), job(4), job(5)])
  })

  it('counts only jobs since --since', () => {
    const v = summariseEarnings({ address: A, items, channels, gas, since: DAY2 })
    expect(v.totals).to.include({ jobs: 3, paid: '200', pending: '450' })
    expect(v.since).to.equal(DAY2)
  })
})
