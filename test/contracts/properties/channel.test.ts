// State-machine fuzzing of PaymentChannel: random opens, top-ups, vouchers (fresh, replayed,
// larger than the deposit), cooperative closes, startClose/finalize and waits by several
// requesters and providers, checked against a model after every step. Invariants: the contract
// holds exactly the deposits of unsettled channels plus the credits not yet withdrawn; balance +
// credit of every account matches the model, so payout + fee never exceeds the voucher nor the
// deposit, and payouts + fees + refunds = deposits; a withdrawal succeeds exactly with a credit.
import { expect } from 'chai'
import fc from 'fast-check'
import { network } from 'hardhat'
import { channelId as channelIdOf } from '../../../protocol/eip712.ts'
import { as, deployCore, signCooperativeClose, signVoucher } from '../helpers.ts'
import type { Account } from '../helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const PERIOD = 100n
const FEE_BPS = 100n

type St = 'Open' | 'Closing' | 'Closed'
interface Model {
  id: string
  r: number
  p: number
  deposit: bigint
  expiry: bigint
  closesAt: bigint
  status: St
  used?: { amount: bigint; nonce: bigint; sig: string }
}

const ch = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat({ max: 5 }))
const amount = fc.bigInt({ min: 1n, max: 10n ** 20n })
const opArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('open' as const),
      r: fc.nat({ max: 1 }),
      p: fc.nat({ max: 1 }),
      amount,
      expiresIn: fc.option(fc.integer({ min: 1, max: 200 })),
    }),
  },
  fc.record({ op: fc.constant('topUp' as const), ch, amount }),
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('voucher' as const),
      ch,
      amount: fc.bigInt({ min: 0n, max: 2n * 10n ** 20n }),
      nonce: fc.bigInt({ min: 0n, max: 5n }),
    }),
  },
  fc.record({ op: fc.constant('replay' as const), ch }),
  fc.record({
    op: fc.constant('coop' as const),
    ch,
    amount: fc.bigInt({ min: 0n, max: 2n * 10n ** 20n }),
    nonce: fc.bigInt({ min: 0n, max: 5n }),
  }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('startClose' as const), ch, byRequester: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('finalize' as const), ch }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('wait' as const), dt: fc.integer({ min: 1, max: 150 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('withdraw' as const), who: fc.nat({ max: 4 }) }) },
)
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never

async function fixture() {
  const c = await deployCore(ethers)
  return { ...c, requesters: [c.requester, c.requester2], providers: [c.provider, c.provider2] }
}

/** When vouchers stop being accepted and finalize becomes possible. */
function deadline(m: Model): bigint {
  if (m.status === 'Closing') return m.closesAt
  return m.expiry !== 0n ? m.expiry + PERIOD : BigInt(Number.MAX_SAFE_INTEGER)
}

describe('PaymentChannel properties (fast-check)', () => {
  it(
    'random operation sequences keep the channel contract' + ' solvent and every balance as the model predicts',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 40, size: 'max' }), async (ops: Op[]) => {
          const c = await networkHelpers.loadFixture(fixture)
          const token = await c.token.getAddress()
          const addr = await c.channel.getAddress()
          const accounts: Account[] = [...c.requesters, ...c.providers, c.treasury]
          const expected = new Map<string, bigint>()
          const received = new Map<string, bigint>()
          const depositedFor = new Map<string, bigint>()
          for (const a of accounts) expected.set(a.address, await c.token.balanceOf(a.address))
          const add = (map: Map<string, bigint>, a: Account, v: bigint): void => {
            map.set(a.address, (map.get(a.address) ?? 0n) + v)
          }
          // balance + credit of each account, and the credits alone (deposits are negative: no credit)
          const credits = new Map<string, bigint>()
          const credit = (a: Account, v: bigint): void => {
            add(expected, a, v)
            if (v > 0n) {
              add(received, a, v)
              add(credits, a, v)
            }
          }
          const channels: Model[] = []
          const nonces = [0n, 0n]
          let now = BigInt(await networkHelpers.time.latest())

          async function step(ok: boolean, call: () => Promise<unknown>, what: string): Promise<boolean> {
            now += 1n
            await networkHelpers.time.setNextBlockTimestamp(now)
            let succeeded = true
            try {
              await call()
            } catch {
              succeeded = false
            }
            expect(succeeded, `${what}: model expected ${ok ? 'success' : 'revert'}`).to.equal(ok)
            return ok
          }
          function settle(m: Model, voucherAmount: bigint): void {
            const gross = voucherAmount < m.deposit ? voucherAmount : m.deposit
            const fee = (gross * FEE_BPS) / 10_000n
            credit(c.providers[m.p], gross - fee)
            credit(c.treasury, fee)
            credit(c.requesters[m.r], m.deposit - gross)
            m.status = 'Closed'
          }

          for (const o of ops) {
            if (o.op === 'wait') {
              now += BigInt(o.dt)
              continue
            }
            if (o.op === 'withdraw') {
              const a = accounts[o.who]
              const has = (credits.get(a.address) ?? 0n) > 0n
              if (await step(has, async () => await (await as(c.channel, a).withdraw(token)).wait(), 'withdraw'))
                credits.set(a.address, 0n)
              continue
            }
            if (o.op === 'open') {
              const r = c.requesters[o.r]
              const p = c.providers[o.p]
              const expiry = o.expiresIn == null ? 0n : now + 1n + BigInt(o.expiresIn)
              const id = channelIdOf({
                chainId: c.chainId,
                contract: addr,
                requester: r.address,
                provider: p.address,
                token,
                expiry,
                challengePeriod: PERIOD,
                feeBps: FEE_BPS,
                nonce: nonces[o.r],
              })
              if (
                await step(
                  true,
                  async () => await (await as(c.channel, r).open(p.address, token, o.amount, expiry)).wait(),
                  'open',
                )
              ) {
                nonces[o.r] += 1n
                channels.push({ id, r: o.r, p: o.p, deposit: o.amount, expiry, closesAt: 0n, status: 'Open' })
                credit(r, -o.amount)
                for (const a of [r, p, c.treasury]) add(depositedFor, a, o.amount)
              }
              continue
            }
            if (channels.length === 0) continue
            const m = channels[channels.length - 1 - (o.ch % channels.length)]
            const r = c.requesters[m.r]
            const p = c.providers[m.p]
            const t = now + 1n
            const live = m.status === 'Open' || m.status === 'Closing'
            switch (o.op) {
              case 'topUp': {
                const ok = m.status === 'Open' && (m.expiry === 0n || t < m.expiry)
                if (await step(ok, async () => await (await as(c.channel, r).topUp(m.id, o.amount)).wait(), 'topUp')) {
                  m.deposit += o.amount
                  credit(r, -o.amount)
                  for (const a of [r, p, c.treasury]) add(depositedFor, a, o.amount)
                }
                break
              }
              case 'voucher': {
                const sig = await signVoucher(r, c.chainId, addr, {
                  channelId: m.id,
                  cumulativeAmount: o.amount,
                  nonce: o.nonce,
                })
                const ok = live && t < deadline(m) && o.nonce > 0n
                if (
                  await step(
                    ok,
                    async () => await (await as(c.channel, p).closeWithVoucher(m.id, o.amount, o.nonce, sig)).wait(),
                    'voucher',
                  )
                ) {
                  m.used = { amount: o.amount, nonce: o.nonce, sig }
                  settle(m, o.amount)
                }
                break
              }
              case 'replay': {
                if (m.used == null) break
                const u = m.used
                await step(
                  false,
                  async () => await (await as(c.channel, p).closeWithVoucher(m.id, u.amount, u.nonce, u.sig)).wait(),
                  'replay',
                )
                break
              }
              case 'coop': {
                const msg = { channelId: m.id, cumulativeAmount: o.amount, nonce: o.nonce }
                const rs = await signCooperativeClose(r, c.chainId, addr, msg)
                const ps = await signCooperativeClose(p, c.chainId, addr, msg)
                if (
                  await step(
                    live && o.nonce > 0n,
                    async () =>
                      await (await as(c.channel, c.other).cooperativeClose(m.id, o.amount, o.nonce, rs, ps)).wait(),
                    'coop',
                  )
                )
                  settle(m, o.amount)
                break
              }
              case 'startClose': {
                const ok = m.status === 'Open' && o.byRequester
                if (
                  await step(
                    ok,
                    async () => await (await as(c.channel, o.byRequester ? r : p).startClose(m.id)).wait(),
                    'startClose',
                  )
                ) {
                  const byPeriod = t + PERIOD
                  m.closesAt = deadline(m) < byPeriod ? deadline(m) : byPeriod
                  m.status = 'Closing'
                }
                break
              }
              case 'finalize': {
                if (
                  await step(
                    live && t >= deadline(m),
                    async () => await (await as(c.channel, c.other).finalize(m.id)).wait(),
                    'finalize',
                  )
                )
                  settle(m, 0n)
                break
              }
            }
            const held = channels.filter((x) => x.status !== 'Closed').reduce((s, x) => s + x.deposit, 0n)
            expect(await c.token.balanceOf(addr)).to.equal([...credits.values()].reduce((s, v) => s + v, held))
            for (const a of accounts) {
              const credit = await c.channel.credits(token, a.address)
              expect(credit, `credit of ${a.address}`).to.equal(credits.get(a.address) ?? 0n)
              expect((await c.token.balanceOf(a.address)) + credit, a.address).to.equal(expected.get(a.address))
            }
          }
          for (const a of accounts) {
            expect((received.get(a.address) ?? 0n) <= (depositedFor.get(a.address) ?? 0n), a.address).to.equal(true)
          }
        }),
        { numRuns: 25 },
      )
    },
  )
})
