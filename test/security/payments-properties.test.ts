// Property tests of the payment invariants (issue 11): under any sequence of jobs, payments,
// lost vouchers, lost acks, retries, requester restarts and forged acks,
// - the most a requester ever signs never exceeds the sum of the prices it agreed to, and
// - a provider's best voucher never goes back.
// The requester runs the real pure decisions (protocol/payments/payer-rules.ts), the provider
// the real voucher rules (checkVoucherRules); only the wire and the disk are modelled. A
// signature is modelled as unforgeable: a proof is valid only for a voucher the requester
// really signed (a forger may replay any of those).
import { expect } from 'chai'
import fc from 'fast-check'
import { VoucherStatus } from '../../protocol/payments/ack.ts'
import { checkVoucherRules } from '../../protocol/payments/channel-rules.ts'
import { judgeAck, nextVoucher, planJobPayment } from '../../protocol/payments/payer-rules.ts'
import type { AckClaim, VoucherCounters } from '../../protocol/payments/payer-rules.ts'
import type { ChannelView } from '../../protocol/payments/channel-rules.ts'

const CHANNEL = '0x' + 'cc'.repeat(32)
const CONTRACT = '0x' + '11'.repeat(20)
const DEPOSIT = 10n ** 30n
const VIEW: ChannelView = {
  chainId: 1n,
  contract: CONTRACT,
  channelId: CHANNEL,
  requester: '0x' + '01'.repeat(20),
  provider: '0x' + '02'.repeat(20),
  token: '0x' + '03'.repeat(20),
  deposit: DEPOSIT,
  expiry: 0n,
  challengePeriod: 86400n,
  feeBps: 0n,
  status: 'open',
}

type Delivery = 'ok' | 'voucher-lost' | 'ack-lost'
interface Forge {
  nonce: bigint
  amount: bigint
  replay: number
}
type Event = { kind: 'pay'; job: number; delivery: Delivery; forge?: Forge } | { kind: 'restart' }

const sig = (c: VoucherCounters): string => `${c.nonce}:${c.cumulativeAmount}`

/** A VOUCHER_REPLAYED ack naming `best`, with a (modelled) signature over it when `signed`. */
function replayedAck(v: VoucherCounters, best: VoucherCounters, signed: boolean): AckClaim {
  return {
    status: VoucherStatus.VOUCHER_REJECTED,
    code: 'VOUCHER_REPLAYED',
    nonce: v.nonce,
    bestNonce: best.nonce,
    bestCumulativeAmount: best.cumulativeAmount.toString(),
    bestSignature: new Uint8Array(signed ? 1 : 0),
  }
}

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      job: fc.nat({ max: 7 }),
      delivery: fc.constantFrom<Delivery>('ok', 'ok', 'voucher-lost', 'ack-lost'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      job: fc.nat({ max: 7 }),
      delivery: fc.constant<Delivery>('ok'),
      forge: fc.record({
        nonce: fc.bigInt({ min: 0n, max: 50n }),
        amount: fc.bigInt({ min: 0n, max: 10n ** 21n }),
        replay: fc.nat(),
      }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
)

describe('security: payment properties (fast-check)', () => {
  it("a requester never signs more than the prices it agreed to, and a provider's best never goes back", () => {
    const pricesArb = fc.array(fc.bigInt({ min: 1n, max: 10n ** 18n }), { minLength: 8, maxLength: 8 })
    fc.assert(
      fc.property(pricesArb, fc.array(eventArb, { maxLength: 60 }), (prices, events) => {
        // requester: durable last voucher and per-job records; the acked mark is not fsynced
        let sent: (VoucherCounters & { acked: boolean }) | undefined
        const jobs = new Map<number, VoucherCounters>()
        const agreed = new Set<number>()
        const signed: VoucherCounters[] = []
        const signedSet = new Set<string>()
        // provider
        let best: VoucherCounters | undefined
        const proves = (c: VoucherCounters, s: Uint8Array): boolean => s.length === 1 && signedSet.has(sig(c))

        /** The provider's answer to `v` (honest: checkVoucherRules; forged: any claim). */
        const provider = (v: VoucherCounters, forge: Forge | undefined): AckClaim => {
          if (forge !== undefined) {
            const replayed = signed.length > 0 ? signed[forge.replay % signed.length] : undefined
            // either a bare claim, or a genuine old voucher's signature replayed
            const bare = forge.replay % 2 === 0 || replayed === undefined
            const claim = bare ? { nonce: forge.nonce, cumulativeAmount: forge.amount } : replayed
            return replayedAck(v, claim, !bare)
          }
          const before = best
          try {
            const voucher = { chainId: 1n, contract: CONTRACT, channelId: CHANNEL, ...v, signature: '0x' }
            checkVoucherRules(VIEW, best, voucher, { chainId: 1n, contract: CONTRACT })
            best = v
          } catch (err) {
            const b = before ?? { nonce: 0n, cumulativeAmount: 0n }
            return { ...replayedAck(v, b, before !== undefined), code: (err as { code: string }).code }
          }
          return { ...replayedAck(v, v, true), status: VoucherStatus.VOUCHER_ACCEPTED, code: '' }
        }

        for (const e of events) {
          if (e.kind === 'restart') {
            if (sent !== undefined) sent = { ...sent, acked: false }
            continue
          }
          const price = prices[e.job]
          agreed.add(e.job)
          const bestBefore = best
          const deliver = (v: VoucherCounters): AckClaim | undefined => {
            if (e.delivery === 'voucher-lost') return undefined
            const ack = provider(v, e.forge)
            return e.delivery === 'ack-lost' ? undefined : ack
          }
          const plan = planJobPayment(jobs.get(e.job), sent)
          if (plan.kind === 'resend') {
            const ack = deliver(sent!)
            const nonce = sent!.nonce
            const delivered =
              ack !== undefined &&
              ((ack.status === VoucherStatus.VOUCHER_ACCEPTED && ack.nonce === nonce) ||
                (ack.code === 'VOUCHER_REPLAYED' && ack.bestNonce >= nonce))
            if (delivered) sent = { ...sent!, acked: true }
          } else if (plan.kind === 'sign') {
            for (let resynced = false; ; resynced = true) {
              const v = nextVoucher(sent, price)
              signed.push(v)
              signedSet.add(sig(v))
              sent = { ...v, acked: false }
              jobs.set(e.job, v)
              const ack = deliver(v)
              if (ack === undefined) break
              const verdict = judgeAck(ack, v, proves)
              if (verdict.kind === 'delivered') {
                sent = { ...v, acked: true }
                break
              }
              if (verdict.kind === 'resync' && !resynced) {
                sent = { ...verdict.best, acked: true }
                jobs.delete(e.job)
                continue
              }
              break
            }
          }
          const maxSigned = signed.reduce((m, v) => (v.cumulativeAmount > m ? v.cumulativeAmount : m), 0n)
          const agreedTotal = [...agreed].reduce((s, j) => s + prices[j], 0n)
          expect(maxSigned <= agreedTotal, `signed ${maxSigned} > agreed ${agreedTotal}`).to.equal(true)
          if (bestBefore !== undefined) {
            const forward = best!.nonce >= bestBefore.nonce && best!.cumulativeAmount >= bestBefore.cumulativeAmount
            expect(forward, 'provider best went back').to.equal(true)
          }
        }
      }),
      { numRuns: 2000 },
    )
  })
})
