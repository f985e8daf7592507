import { expect } from 'chai'
import { network } from 'hardhat'
import { EscrowStatus, as, b32, expectCredited, signRelease } from '../helpers.ts'
import { PRICE, escrowAs, escrowFixture, split } from './setup.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers
const withEscrow = async () => await escrowFixture(ethers)
const { payout, fee } = split(PRICE)

describe('JobEscrow.release', () => {
  it(
    'pays the provider minus the fee, the fee to the treasury,' + ' records the result and counts a completed job',
    async () => {
      const c = await loadFixture(withEscrow)
      const tx = escrowAs(c, 'requester').release(c.escrowId, c.resultHash)
      await expect(tx).to.emit(c.escrow, 'EscrowReleased').withArgs(c.escrowId, c.resultHash, payout, fee)
      await expectCredited(tx, c.token, c.escrow, [c.provider, c.treasury, c.requester], [payout, fee, 0n])
      const e = await c.escrow.escrow(c.escrowId)
      expect(e.status).to.equal(BigInt(EscrowStatus.Released))
      expect(e.resultHash).to.equal(c.resultHash)
      expect((await c.escrow.providerStats(c.provider.address)).completed).to.equal(1n)
    },
  )

  it("records the requester's hash even when the provider committed another, and ends a dispute", async () => {
    const c = await loadFixture(withEscrow)
    await escrowAs(c, 'provider').commitResult(c.escrowId, b32(ethers, 'provider says'))
    await escrowAs(c, 'requester').dispute(c.escrowId)
    await expect(escrowAs(c, 'requester').release(c.escrowId, c.resultHash))
      .to.emit(c.escrow, 'EscrowReleased')
      .withArgs(c.escrowId, c.resultHash, payout, fee)
    expect((await c.escrow.escrow(c.escrowId)).resultHash).to.equal(c.resultHash)
  })

  it('pays the fee to the treasury in force at payout time', async () => {
    const c = await loadFixture(withEscrow)
    await as(c.params, c.gov).setAddressParam(ethers.encodeBytes32String('treasury'), c.other.address)
    await expectCredited(
      escrowAs(c, 'requester').release(c.escrowId, c.resultHash),
      c.token,
      c.escrow,
      [c.other, c.treasury],
      [fee, 0n],
    )
  })

  it('rejects anyone but the requester, a zero hash, unknown escrows and a second release', async () => {
    const c = await loadFixture(withEscrow)
    for (const who of ['provider', 'other'] as const) {
      await expect(escrowAs(c, who).release(c.escrowId, c.resultHash))
        .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnauthorized')
        .withArgs(c.escrowId, c[who].address)
    }
    await expect(escrowAs(c, 'requester').release(c.escrowId, ethers.ZeroHash)).to.be.revertedWithCustomError(
      c.escrow,
      'JobEscrowZeroResultHash',
    )
    const unknown = b32(ethers, 'unknown')
    await expect(escrowAs(c, 'requester').release(unknown, c.resultHash))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(unknown, EscrowStatus.None)
    await escrowAs(c, 'requester').release(c.escrowId, c.resultHash)
    await expect(escrowAs(c, 'requester').release(c.escrowId, c.resultHash))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Released)
  })
})

describe('JobEscrow.releaseWithSignature', () => {
  it("lets anyone submit the requester's signed release", async () => {
    const c = await loadFixture(withEscrow)
    const sig = await signRelease(c.requester, c.chainId, await c.escrow.getAddress(), {
      jobId: c.jobId,
      provider: c.provider.address,
      resultHash: c.resultHash,
    })
    const tx = escrowAs(c, 'other').releaseWithSignature(
      c.jobId,
      c.requester.address,
      c.provider.address,
      c.resultHash,
      sig,
    )
    await expect(tx).to.emit(c.escrow, 'EscrowReleased').withArgs(c.escrowId, c.resultHash, payout, fee)
    await expectCredited(tx, c.token, c.escrow, [c.provider, c.treasury, c.other], [payout, fee, 0n])
    expect((await c.escrow.escrow(c.escrowId)).status).to.equal(BigInt(EscrowStatus.Released))
  })

  it('rejects a signature by another key, for another result, or reused after the release', async () => {
    const c = await loadFixture(withEscrow)
    const escrow = await c.escrow.getAddress()
    const release = { jobId: c.jobId, provider: c.provider.address, resultHash: c.resultHash }
    const byProvider = await signRelease(c.provider, c.chainId, escrow, release)
    await expect(
      escrowAs(c, 'provider').releaseWithSignature(
        c.jobId,
        c.requester.address,
        c.provider.address,
        c.resultHash,
        byProvider,
      ),
    )
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowInvalidSignature')
      .withArgs(c.escrowId, c.requester.address)
    const otherResult = await signRelease(c.requester, c.chainId, escrow, {
      ...release,
      resultHash: b32(ethers, 'else'),
    })
    await expect(
      escrowAs(c, 'provider').releaseWithSignature(
        c.jobId,
        c.requester.address,
        c.provider.address,
        c.resultHash,
        otherResult,
      ),
    )
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowInvalidSignature')
      .withArgs(c.escrowId, c.requester.address)
    const good = await signRelease(c.requester, c.chainId, escrow, release)
    await escrowAs(c, 'provider').releaseWithSignature(
      c.jobId,
      c.requester.address,
      c.provider.address,
      c.resultHash,
      good,
    )
    await expect(
      escrowAs(c, 'provider').releaseWithSignature(
        c.jobId,
        c.requester.address,
        c.provider.address,
        c.resultHash,
        good,
      ),
    )
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Released)
  })

  it('rejects a release for an escrow that does not exist', async () => {
    const c = await loadFixture(withEscrow)
    const release = { jobId: c.jobId, provider: c.provider2.address, resultHash: c.resultHash }
    const sig = await signRelease(c.requester, c.chainId, await c.escrow.getAddress(), release)
    const id = await c.escrow.escrowIdOf(c.jobId, c.requester.address, c.provider2.address)
    await expect(
      escrowAs(c, 'other').releaseWithSignature(c.jobId, c.requester.address, c.provider2.address, c.resultHash, sig),
    )
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(id, EscrowStatus.None)
  })
})

describe('JobEscrow.claim', () => {
  async function committed() {
    const c = await escrowFixture(ethers)
    await escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash)
    return c
  }

  it('pays the provider after deadline + challenge window and counts a completed job', async () => {
    const c = await loadFixture(committed)
    await time.setNextBlockTimestamp(c.deadline + 101n)
    const tx = escrowAs(c, 'provider').claim(c.escrowId)
    await expect(tx).to.emit(c.escrow, 'EscrowClaimed').withArgs(c.escrowId, payout, fee)
    await expectCredited(tx, c.token, c.escrow, [c.provider, c.treasury], [payout, fee])
    expect((await c.escrow.escrow(c.escrowId)).status).to.equal(BigInt(EscrowStatus.Claimed))
    expect((await c.escrow.providerStats(c.provider.address)).completed).to.equal(1n)
  })

  it('rejects a claim until the challenge window has ended', async () => {
    const c = await loadFixture(committed)
    const endsAt = c.deadline + 100n
    await time.setNextBlockTimestamp(endsAt)
    await expect(escrowAs(c, 'provider').claim(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowChallengeWindowOpen')
      .withArgs(c.escrowId, endsAt, endsAt)
  })

  it('rejects a claim without a committed result, by anyone but the provider, when disputed, or twice', async () => {
    const c = await loadFixture(withEscrow)
    await time.increaseTo(c.deadline + 101n)
    await expect(escrowAs(c, 'provider').claim(c.escrowId))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowNoResultCommitted')
      .withArgs(c.escrowId)

    const d = await loadFixture(committed)
    await expect(escrowAs(d, 'requester').claim(d.escrowId))
      .to.be.revertedWithCustomError(d.escrow, 'JobEscrowUnauthorized')
      .withArgs(d.escrowId, d.requester.address)
    await escrowAs(d, 'requester').dispute(d.escrowId)
    // disputed: not before the arbiter's window has ended (JobEscrow.dispute tests the claim after it)
    const disputedAt = (await d.escrow.escrow(d.escrowId)).disputedAt
    await time.setNextBlockTimestamp(disputedAt + 200n)
    await expect(escrowAs(d, 'provider').claim(d.escrowId))
      .to.be.revertedWithCustomError(d.escrow, 'JobEscrowArbitrationWindowOpen')
      .withArgs(d.escrowId, disputedAt + 200n, disputedAt + 200n)

    const e = await loadFixture(committed)
    await time.increaseTo(e.deadline + 101n)
    await escrowAs(e, 'provider').claim(e.escrowId)
    await expect(escrowAs(e, 'provider').claim(e.escrowId))
      .to.be.revertedWithCustomError(e.escrow, 'JobEscrowWrongStatus')
      .withArgs(e.escrowId, EscrowStatus.Claimed)
  })
})
