// State-machine fuzzing of JobEscrow (Raiden-style): random sequences of operations by several
// requesters and providers, including ones that must fail, checked against a model after every
// step. Invariants: the contract holds exactly what it still owes (deposits, bonds, credits); every
// account's balance plus credit is what the model says, so nobody receives more than was
// deposited for them; a withdrawal succeeds exactly when there is a credit.
import { expect } from 'chai'
import fc from 'fast-check'
import { network } from 'hardhat'
import { escrowId as escrowIdOf } from '../../../protocol/eip712.ts'
import { as, deployCore, signRelease } from '../helpers.ts'
import type { Account } from '../helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const WINDOW = 100n // TEST_PARAMS
const ARBITRATION = 200n // TEST_PARAMS
const FEE_BPS = 100n
const BOND_BPS = 1000n

type St = 'Active' | 'Disputed' | 'Done'
interface Model {
  requester: number
  provider: number
  jobId: string
  amount: bigint
  deadline: bigint
  status: St
  committed: boolean
  bond: bigint
  disputedAt: bigint
}

// which escrow an operation targets, counted from the newest: mostly the newest, so that whole
// lifecycles (create, commit, dispute, resolve) happen often
const idx = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat({ max: 7 }))
const opArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      r: fc.nat({ max: 1 }),
      p: fc.nat({ max: 1 }),
      job: fc.nat({ max: 2 }),
      amount: fc.bigInt({ min: 1n, max: 10n ** 21n }),
      dl: fc.integer({ min: 1, max: 100 }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('commit' as const), e: idx, byProvider: fc.boolean() }) },
  fc.record({ op: fc.constant('release' as const), e: idx, byRequester: fc.boolean() }),
  fc.record({ op: fc.constant('releaseSig' as const), e: idx }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('claim' as const), e: idx }) },
  fc.record({ op: fc.constant('refund' as const), e: idx }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dispute' as const), e: idx }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('resolve' as const), e: idx, pct: fc.nat({ max: 100 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('wait' as const), dt: fc.integer({ min: 1, max: 150 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('withdraw' as const), who: fc.nat({ max: 4 }) }) },
)
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never

async function fixture() {
  const c = await deployCore(ethers)
  return { ...c, requesters: [c.requester, c.requester2], providers: [c.provider, c.provider2] }
}

describe('JobEscrow properties (fast-check)', () => {
  it('random operation sequences keep the escrow solvent and every balance as the model predicts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 40, size: 'max' }), async (ops: Op[]) => {
        const c = await networkHelpers.loadFixture(fixture)
        const token = await c.token.getAddress()
        const escrowAddr = await c.escrow.getAddress()
        const accounts: Account[] = [...c.requesters, ...c.providers, c.treasury]
        const expected = new Map<string, bigint>()
        for (const a of accounts) expected.set(a.address, await c.token.balanceOf(a.address))
        // what each account received from the escrow, and what was deposited for it
        const received = new Map<string, bigint>()
        const depositedFor = new Map<string, bigint>()
        const add = (map: Map<string, bigint>, a: Account, v: bigint): void => {
          map.set(a.address, (map.get(a.address) ?? 0n) + v)
        }
        // balance + credit of each account, and the credits alone
        const credits = new Map<string, bigint>()
        const credit = (a: Account, v: bigint): void => {
          add(expected, a, v)
          add(credits, a, v)
          if (v > 0n) add(received, a, v)
        }
        const pull = (a: Account, v: bigint): void => {
          add(expected, a, -v)
        }
        const escrows: Model[] = []
        let now = BigInt(await networkHelpers.time.latest())

        // Sends `call` at the next second; it must succeed exactly when the model says so.
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
        const pay = (m: Model, gross: bigint, bond = 0n): void => {
          const fee = (gross * FEE_BPS) / 10_000n
          credit(c.providers[m.provider], gross - fee + bond)
          credit(c.treasury, fee)
        }

        for (const o of ops) {
          if (o.op === 'wait') {
            now += BigInt(o.dt)
            continue
          }
          if (o.op === 'withdraw') {
            const a = accounts[o.who]
            const has = (credits.get(a.address) ?? 0n) > 0n
            if (await step(has, async () => await (await as(c.escrow, a).withdraw(token)).wait(), 'withdraw'))
              credits.set(a.address, 0n)
            continue
          }
          if (o.op === 'create') {
            const jobId = ethers.id(`job ${o.job}`)
            const r = c.requesters[o.r]
            const p = c.providers[o.p]
            const exists = escrows.some((m) => m.jobId === jobId && m.requester === o.r && m.provider === o.p)
            const deadline = now + 1n + BigInt(o.dl)
            if (
              await step(
                !exists,
                async () => await (await as(c.escrow, r).create(jobId, p.address, token, o.amount, deadline)).wait(),
                'create',
              )
            ) {
              escrows.push({
                requester: o.r,
                provider: o.p,
                jobId,
                amount: o.amount,
                deadline,
                status: 'Active',
                committed: false,
                bond: 0n,
                disputedAt: 0n,
              })
              pull(r, o.amount)
              // the deposit is for the requester (refund) and the provider (payout), the fee for the treasury
              for (const a of [r, p, c.treasury]) add(depositedFor, a, o.amount)
            }
            continue
          }
          if (escrows.length === 0) continue
          const m = escrows[escrows.length - 1 - (o.e % escrows.length)]
          const id = escrowIdOf(m.jobId, c.requesters[m.requester].address, c.providers[m.provider].address)
          const req = as(c.escrow, c.requesters[m.requester])
          const prov = as(c.escrow, c.providers[m.provider])
          const t = now + 1n // the timestamp the next transaction will carry
          switch (o.op) {
            case 'commit': {
              const ok = o.byProvider && m.status === 'Active' && !m.committed && t <= m.deadline
              if (
                await step(
                  ok,
                  async () => await (await (o.byProvider ? prov : req).commitResult(id, ethers.id('out'))).wait(),
                  'commit',
                )
              )
                m.committed = true
              break
            }
            case 'release': {
              const ok = o.byRequester && m.status !== 'Done'
              if (
                await step(
                  ok,
                  async () => await (await (o.byRequester ? req : prov).release(id, ethers.id('out'))).wait(),
                  'release',
                )
              ) {
                m.status = 'Done'
                pay(m, m.amount, m.bond)
              }
              break
            }
            case 'releaseSig': {
              const r = c.requesters[m.requester]
              const p = c.providers[m.provider]
              const sig = await signRelease(r, c.chainId, escrowAddr, {
                jobId: m.jobId,
                provider: p.address,
                resultHash: ethers.id('out'),
              })
              if (
                await step(
                  m.status !== 'Done',
                  async () =>
                    await (
                      await as(c.escrow, c.other).releaseWithSignature(
                        m.jobId,
                        r.address,
                        p.address,
                        ethers.id('out'),
                        sig,
                      )
                    ).wait(),
                  'releaseSig',
                )
              ) {
                m.status = 'Done'
                pay(m, m.amount, m.bond)
              }
              break
            }
            case 'claim': {
              const ok =
                (m.status === 'Active' && m.committed && t > m.deadline + WINDOW) ||
                (m.status === 'Disputed' && t > m.disputedAt + ARBITRATION)
              if (await step(ok, async () => await (await prov.claim(id)).wait(), 'claim')) {
                m.status = 'Done'
                pay(m, m.amount, m.bond)
              }
              break
            }
            case 'refund': {
              const ok = m.status === 'Active' && !m.committed && t > m.deadline
              if (await step(ok, async () => await (await req.refund(id)).wait(), 'refund')) {
                m.status = 'Done'
                credit(c.requesters[m.requester], m.amount)
              }
              break
            }
            case 'dispute': {
              const ok = m.status === 'Active' && m.committed && t <= m.deadline + WINDOW
              if (await step(ok, async () => await (await req.dispute(id)).wait(), 'dispute')) {
                m.status = 'Disputed'
                m.disputedAt = t
                m.bond = (m.amount * BOND_BPS + 9_999n) / 10_000n
                pull(c.requesters[m.requester], m.bond)
                for (const a of [c.requesters[m.requester], c.providers[m.provider]]) add(depositedFor, a, m.bond)
              }
              break
            }
            case 'resolve': {
              const award = (m.amount * BigInt(o.pct)) / 100n
              const ok = m.status === 'Disputed' && t <= m.disputedAt + ARBITRATION
              if (
                await step(ok, async () => await (await as(c.escrow, c.arbiter).resolve(id, award)).wait(), 'resolve')
              ) {
                // the bond follows the ruling: the provider's only if it won in full
                const won = award === m.amount
                m.status = 'Done'
                pay(m, award, won ? m.bond : 0n)
                credit(c.requesters[m.requester], m.amount - award + (won ? 0n : m.bond))
              }
              break
            }
          }
          const held = escrows
            .filter((e) => e.status !== 'Done')
            .reduce((s, e) => s + e.amount + (e.status === 'Disputed' ? e.bond : 0n), 0n)
          const owed = [...credits.values()].reduce((s, v) => s + v, held)
          expect(await c.token.balanceOf(escrowAddr)).to.equal(owed)
          for (const a of accounts) {
            const credit = await c.escrow.credits(token, a.address)
            expect(credit, `credit of ${a.address}`).to.equal(credits.get(a.address) ?? 0n)
            expect((await c.token.balanceOf(a.address)) + credit, a.address).to.equal(expected.get(a.address))
          }
        }
        // nobody received more than was deposited for them
        for (const a of accounts) {
          expect((received.get(a.address) ?? 0n) <= (depositedFor.get(a.address) ?? 0n), a.address).to.equal(true)
        }
      }),
      { numRuns: 50 },
    )
  })
})
