// JobEscrow.cancel (issue 16, docs/reaward.md): the requester takes back the deposit of an award it
// revoked, at once, while no result is committed; after that the provider can neither commit nor claim.
import { expect } from 'chai'
import { network } from 'hardhat'
import { EscrowStatus, b32, expectCredited } from '../helpers.ts'
import { PRICE, escrowAs, escrowFixture } from './setup.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers
const withEscrow = async () => await escrowFixture(ethers)

describe('JobEscrow.cancel', () => {
  it('credits the whole deposit back to the requester before the deadline, fee-free', async () => {
    const c = await loadFixture(withEscrow)
    const tx = escrowAs(c, 'requester').cancel(c.escrowId)
    await expect(tx).to.emit(c.escrow, 'EscrowCancelled').withArgs(c.escrowId, PRICE)
    await expect(tx).to.emit(c.escrow, 'EscrowRefunded').withArgs(c.escrowId, PRICE)
    await expectCredited(tx, c.token, c.escrow, [c.requester, c.provider, c.treasury], [PRICE, 0n, 0n])
    const e = await c.escrow.escrow(c.escrowId)
    expect(e.status).to.equal(BigInt(EscrowStatus.Refunded))
    expect(BigInt(await time.latest())).to.be.lessThan(e.deadline)
  })

  it('leaves the revoked provider nothing: no commitment, no claim, not even after the windows', async () => {
    const c = await loadFixture(withEscrow)
    await escrowAs(c, 'requester').cancel(c.escrowId)
    await expect(escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Refunded)
    await time.increaseTo(c.deadline + 10_000n)
    await expect(escrowAs(c, 'provider').claim(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Refunded)
    await expect(escrowAs(c, 'requester').refund(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Refunded)
  })

  it('is shut out once the provider committed a result (the usual rules hold: dispute or pay)', async () => {
    const c = await loadFixture(withEscrow)
    await escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash)
    await expect(escrowAs(c, 'requester').cancel(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowResultAlreadyCommitted')
      .withArgs(c.escrowId, c.resultHash)
  })

  it('is the requester’s alone, once, and only for a live escrow', async () => {
    const c = await loadFixture(withEscrow)
    for (const who of ['provider', 'other'] as const) {
      await expect(escrowAs(c, who).cancel(c.escrowId))
        .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnauthorized')
        .withArgs(c.escrowId, c[who].address)
    }
    const unknown = b32(ethers, 'unknown')
    await expect(escrowAs(c, 'requester').cancel(unknown))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(unknown, EscrowStatus.None)
    await escrowAs(c, 'requester').cancel(c.escrowId)
    await expect(escrowAs(c, 'requester').cancel(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Refunded)
  })
})
