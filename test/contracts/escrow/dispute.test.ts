import { expect } from 'chai'
import { network } from 'hardhat'
import { EscrowStatus, TEST_PARAMS, as, b32, expectCredited } from '../helpers.ts'
import { PRICE, escrowAs, escrowFixture, split } from './setup.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers
const withEscrow = async () => await escrowFixture(ethers)
const BOND = (PRICE * TEST_PARAMS.disputeBondBps) / 10_000n
const ARBITRATION = TEST_PARAMS.arbitrationWindow
async function committed() {
  const c = await escrowFixture(ethers)
  await escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash)
  return c
}
async function disputed() {
  const c = await committed()
  await escrowAs(c, 'requester').dispute(c.escrowId)
  return c
}

describe('JobEscrow.refund', () => {
  it('returns the whole deposit after the deadline when nothing was committed', async () => {
    const c = await loadFixture(withEscrow)
    await time.setNextBlockTimestamp(c.deadline + 1n)
    const tx = escrowAs(c, 'requester').refund(c.escrowId)
    await expect(tx).to.emit(c.escrow, 'EscrowRefunded').withArgs(c.escrowId, PRICE)
    await expectCredited(tx, c.token, c.escrow, [c.requester, c.treasury], [PRICE, 0n])
    expect((await c.escrow.escrow(c.escrowId)).status).to.equal(BigInt(EscrowStatus.Refunded))
  })

  it('rejects a refund at the deadline, after a commitment, by anyone else, or twice', async () => {
    const c = await loadFixture(withEscrow)
    await time.setNextBlockTimestamp(c.deadline)
    await expect(escrowAs(c, 'requester').refund(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowDeadlineNotPassed')
      .withArgs(c.escrowId, c.deadline, c.deadline)
    await expect(escrowAs(c, 'provider').refund(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnauthorized')
      .withArgs(c.escrowId, c.provider.address)
    await time.increaseTo(c.deadline + 1n)
    await escrowAs(c, 'requester').refund(c.escrowId)
    await expect(escrowAs(c, 'requester').refund(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Refunded)

    const d = await loadFixture(committed)
    await time.increaseTo(d.deadline + 1n)
    await expect(escrowAs(d, 'requester').refund(d.escrowId))
      .to.be.revertedWithCustomError(d.escrow, 'JobEscrowResultAlreadyCommitted')
      .withArgs(d.escrowId, d.resultHash)
  })
})

describe('JobEscrow.dispute', () => {
  it('marks a committed escrow disputed within the challenge window', async () => {
    const c = await loadFixture(committed)
    await time.setNextBlockTimestamp(c.deadline + 100n) // last second of the window
    const tx = escrowAs(c, 'requester').dispute(c.escrowId)
    await expect(tx)
      .to.emit(c.escrow, 'EscrowDisputed')
      .withArgs(c.escrowId, BOND, c.deadline + 100n + ARBITRATION)
    await expect(tx).to.changeTokenBalances(ethers, c.token, [c.requester, c.escrow], [-BOND, BOND])
    const e = await c.escrow.escrow(c.escrowId)
    expect([e.status, e.disputedAt, e.disputeBond, e.arbitrationWindow]).to.deep.equal([
      BigInt(EscrowStatus.Disputed),
      c.deadline + 100n,
      BOND,
      ARBITRATION,
    ])
  })

  it('costs a bond rounded up, so that no dispute is free', async () => {
    const c = await loadFixture(withEscrow)
    const jobId = b32(ethers, 'one-wei job')
    const deadline = c.deadline + 50n
    await escrowAs(c, 'requester').create(jobId, c.provider.address, await c.token.getAddress(), 1n, deadline)
    const id = await c.escrow.escrowIdOf(jobId, c.requester.address, c.provider.address)
    expect((await c.escrow.escrow(id)).disputeBond).to.equal(1n)
  })

  it(
    'after the arbitration window the provider claims the deposit' + ' and the bond; the arbiter can no longer rule',
    async () => {
      const c = await loadFixture(disputed)
      const endsAt = (await c.escrow.escrow(c.escrowId)).disputedAt + ARBITRATION
      await time.setNextBlockTimestamp(endsAt)
      await expect(escrowAs(c, 'provider').claim(c.escrowId))
        .to.be.revertedWithCustomError(c.escrow, 'JobEscrowArbitrationWindowOpen')
        .withArgs(c.escrowId, endsAt, endsAt)
      await time.setNextBlockTimestamp(endsAt + 1n)
      await expect(escrowAs(c, 'arbiter').resolve(c.escrowId, 0n))
        .to.be.revertedWithCustomError(c.escrow, 'JobEscrowArbitrationWindowClosed')
        .withArgs(c.escrowId, endsAt, endsAt + 1n)
      await expect(escrowAs(c, 'requester').claim(c.escrowId))
        .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnauthorized')
        .withArgs(c.escrowId, c.requester.address)
      const { payout, fee } = split(PRICE)
      const tx = escrowAs(c, 'provider').claim(c.escrowId)
      await expect(tx).to.emit(c.escrow, 'EscrowClaimed').withArgs(c.escrowId, payout, fee)
      await expectCredited(tx, c.token, c.escrow, [c.provider, c.treasury, c.requester], [payout + BOND, fee, 0n])
      expect((await c.escrow.escrow(c.escrowId)).status).to.equal(BigInt(EscrowStatus.Claimed))
    },
  )

  it("a requester that releases after disputing concedes: the bond is the provider's", async () => {
    const c = await loadFixture(disputed)
    const { payout, fee } = split(PRICE)
    const tx = escrowAs(c, 'requester').release(c.escrowId, c.resultHash)
    await expectCredited(tx, c.token, c.escrow, [c.provider, c.treasury, c.requester], [payout + BOND, fee, 0n])
  })

  it('rejects a dispute after the window, without a commitment, by anyone else, or twice', async () => {
    const c = await loadFixture(committed)
    await expect(escrowAs(c, 'provider').dispute(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnauthorized')
      .withArgs(c.escrowId, c.provider.address)
    await time.setNextBlockTimestamp(c.deadline + 101n)
    await expect(escrowAs(c, 'requester').dispute(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowChallengeWindowClosed')
      .withArgs(c.escrowId, c.deadline + 100n, c.deadline + 101n)

    const d = await loadFixture(withEscrow)
    await expect(escrowAs(d, 'requester').dispute(d.escrowId))
      .to.be.revertedWithCustomError(d.escrow, 'JobEscrowNoResultCommitted')
      .withArgs(d.escrowId)

    const e = await loadFixture(disputed)
    await expect(escrowAs(e, 'requester').dispute(e.escrowId))
      .to.be.revertedWithCustomError(e.escrow, 'JobEscrowWrongStatus')
      .withArgs(e.escrowId, EscrowStatus.Disputed)
  })
})

describe('JobEscrow.resolve', () => {
  const cases: Array<[string, bigint, { completed: bigint; disputesLost: bigint }]> = [
    ['splits the deposit (provider loses the dispute)', (PRICE * 3n) / 10n, { completed: 0n, disputesLost: 1n }],
    ['awards everything to the provider (provider wins)', PRICE, { completed: 1n, disputesLost: 0n }],
    ['awards everything to the requester', 0n, { completed: 0n, disputesLost: 1n }],
  ]
  for (const [what, award, stats] of cases) {
    it(what, async () => {
      const c = await loadFixture(disputed)
      const { payout, fee } = split(award)
      const tx = escrowAs(c, 'arbiter').resolve(c.escrowId, award)
      await expect(tx)
        .to.emit(c.escrow, 'DisputeResolved')
        .withArgs(c.escrowId, c.arbiter.address, payout, fee, PRICE - award)
      // the bond goes to the provider only if it won in full
      const won = award === PRICE
      await expectCredited(
        tx,
        c.token,
        c.escrow,
        [c.provider, c.treasury, c.requester],
        [payout + (won ? BOND : 0n), fee, PRICE - award + (won ? 0n : BOND)],
      )
      expect((await c.escrow.escrow(c.escrowId)).status).to.equal(BigInt(EscrowStatus.Resolved))
      const s = await c.escrow.providerStats(c.provider.address)
      expect({ completed: s.completed, disputesLost: s.disputesLost }).to.deep.equal(stats)
    })
  }

  it('follows the arbiter set by governance', async () => {
    const c = await loadFixture(disputed)
    await as(c.params, c.gov).setAddressParam(ethers.encodeBytes32String('arbiter'), c.other.address)
    await expect(escrowAs(c, 'arbiter').resolve(c.escrowId, 0n))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnauthorized')
      .withArgs(c.escrowId, c.arbiter.address)
    await expect(escrowAs(c, 'other').resolve(c.escrowId, 0n)).to.emit(c.escrow, 'DisputeResolved')
  })

  it('rejects anyone but the arbiter, an undisputed escrow and an award above the deposit', async () => {
    const c = await loadFixture(disputed)
    for (const who of ['requester', 'provider'] as const) {
      await expect(escrowAs(c, who).resolve(c.escrowId, 0n))
        .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnauthorized')
        .withArgs(c.escrowId, c[who].address)
    }
    await expect(escrowAs(c, 'arbiter').resolve(c.escrowId, PRICE + 1n))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowAmountTooLarge')
      .withArgs(PRICE + 1n, PRICE)
    await escrowAs(c, 'arbiter').resolve(c.escrowId, 1n)
    await expect(escrowAs(c, 'arbiter').resolve(c.escrowId, 1n))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Resolved)

    const d = await loadFixture(committed)
    await expect(escrowAs(d, 'arbiter').resolve(d.escrowId, 0n))
      .to.be.revertedWithCustomError(d.escrow, 'JobEscrowWrongStatus')
      .withArgs(d.escrowId, EscrowStatus.Active)
    const unknown = b32(ethers, 'unknown')
    await expect(escrowAs(d, 'arbiter').resolve(unknown, 0n))
      .to.be.revertedWithCustomError(d.escrow, 'JobEscrowWrongStatus')
      .withArgs(unknown, EscrowStatus.None)
  })
})
