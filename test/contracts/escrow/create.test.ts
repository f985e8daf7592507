import { expect } from 'chai'
import { network } from 'hardhat'
import { escrowId as escrowIdOf } from '../../../protocol/eip712.ts'
import { EscrowStatus, as, b32, deployCore, hive } from '../helpers.ts'
import { DEADLINE_IN, PRICE, createEscrow, escrowAs, escrowFixture } from './setup.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers
const core = async () => await deployCore(ethers)
const withEscrow = async () => await escrowFixture(ethers)

describe('JobEscrow.create', () => {
  it('pulls the deposit, records the escrow with the current window and fee, and emits EscrowCreated', async () => {
    const c = await loadFixture(core)
    const jobId = b32(ethers, 'job-a')
    const deadline = BigInt(await time.latest()) + DEADLINE_IN
    const token = await c.token.getAddress()
    const id = escrowIdOf(jobId, c.requester.address, c.provider.address)
    expect(await c.escrow.escrowIdOf(jobId, c.requester.address, c.provider.address)).to.equal(id)
    expect(
      await escrowAs(c, 'requester').create.staticCall(jobId, c.provider.address, token, PRICE, deadline),
    ).to.equal(id)
    const tx = escrowAs(c, 'requester').create(jobId, c.provider.address, token, PRICE, deadline)
    await expect(tx)
      .to.emit(c.escrow, 'EscrowCreated')
      .withArgs(id, jobId, c.requester.address, c.provider.address, token, PRICE, deadline, 100, 100)
    await expect(tx).to.changeTokenBalances(ethers, c.token, [c.requester, c.escrow], [-PRICE, PRICE])
    const e = await c.escrow.escrow(id)
    expect(e.requester).to.equal(c.requester.address)
    expect(e.provider).to.equal(c.provider.address)
    expect(e.token).to.equal(token)
    expect(e.amount).to.equal(PRICE)
    expect(e.deadline).to.equal(deadline)
    expect(e.challengeWindow).to.equal(100n)
    expect(e.feeBps).to.equal(100n)
    expect(e.status).to.equal(BigInt(EscrowStatus.Active))
    expect(e.committedAt).to.equal(0n)
    expect(e.resultHash).to.equal(ethers.ZeroHash)
  })

  it(
    'gives each (job, requester, provider) its own escrow, so a' + " front-runner cannot take a requester's id",
    async () => {
      const c = await loadFixture(core)
      const jobId = b32(ethers, 'job-a')
      const deadline = BigInt(await time.latest()) + DEADLINE_IN
      const token = await c.token.getAddress()
      await escrowAs(c, 'other').create(jobId, c.provider.address, token, 1n, deadline)
      await expect(escrowAs(c, 'requester').create(jobId, c.provider.address, token, PRICE, deadline))
        .to.emit(c.escrow, 'EscrowCreated')
        .withArgs(
          escrowIdOf(jobId, c.requester.address, c.provider.address),
          jobId,
          c.requester.address,
          c.provider.address,
          token,
          PRICE,
          deadline,
          100,
          100,
        )
      // the same job re-awarded to a second provider is a separate escrow
      await expect(escrowAs(c, 'requester').create(jobId, c.provider2.address, token, PRICE, deadline)).to.emit(
        c.escrow,
        'EscrowCreated',
      )
    },
  )

  it('fixes the challenge window and fee at creation; later governance changes apply to new escrows only', async () => {
    const c = await loadFixture(withEscrow)
    await as(c.params, c.gov).setParam(ethers.encodeBytes32String('escrowChallengeWindow'), 500n)
    await as(c.params, c.gov).setParam(ethers.encodeBytes32String('protocolFeeBps'), 300n)
    const old = await c.escrow.escrow(c.escrowId)
    expect([old.challengeWindow, old.feeBps]).to.deep.equal([100n, 100n])
    const fresh = await createEscrow(ethers, c, 'job-2')
    const e = await c.escrow.escrow(fresh.escrowId)
    expect([e.challengeWindow, e.feeBps]).to.deep.equal([500n, 300n])
  })

  const cases: Array<
    [
      string,
      (c: Awaited<ReturnType<typeof core>>, now: bigint) => [string, string, bigint, bigint],
      string,
      (c: Awaited<ReturnType<typeof core>>, now: bigint) => unknown[],
    ]
  > = [
    [
      'the zero provider',
      (c, now) => [b32(ethers, 'j'), ethers.ZeroAddress, PRICE, now + 100n],
      'JobEscrowInvalidProvider',
      () => [ethers.ZeroAddress],
    ],
    [
      'the requester as provider',
      (c, now) => [b32(ethers, 'j'), c.requester.address, PRICE, now + 100n],
      'JobEscrowInvalidProvider',
      (c) => [c.requester.address],
    ],
    [
      'a zero amount',
      (c, now) => [b32(ethers, 'j'), c.provider.address, 0n, now + 100n],
      'JobEscrowZeroAmount',
      () => [],
    ],
    [
      'a deadline now',
      (c, now) => [b32(ethers, 'j'), c.provider.address, PRICE, now],
      'JobEscrowDeadlineInPast',
      (_c, now) => [now, now],
    ],
    [
      'a deadline in the past',
      (c, now) => [b32(ethers, 'j'), c.provider.address, PRICE, now - 5n],
      'JobEscrowDeadlineInPast',
      (_c, now) => [now - 5n, now],
    ],
  ]
  for (const [what, args, error, errArgs] of cases) {
    it(`rejects ${what} with ${error}`, async () => {
      const c = await loadFixture(core)
      const now = BigInt(await time.latest()) + 10n
      await time.setNextBlockTimestamp(now)
      const [jobId, provider, amount, deadline] = args(c, now)
      await expect(escrowAs(c, 'requester').create(jobId, provider, await c.token.getAddress(), amount, deadline))
        .to.be.revertedWithCustomError(c.escrow, error)
        .withArgs(...errArgs(c, now))
    })
  }

  it('rejects an escrow that exists (also after it settled)', async () => {
    const c = await loadFixture(withEscrow)
    const args = [c.jobId, c.provider.address, await c.token.getAddress(), PRICE, c.deadline] as const
    await expect(escrowAs(c, 'requester').create(...args))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowAlreadyExists')
      .withArgs(c.escrowId)
    await escrowAs(c, 'requester').release(c.escrowId, c.resultHash)
    await expect(escrowAs(c, 'requester').create(...args))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowAlreadyExists')
      .withArgs(c.escrowId)
  })

  it('rejects a token that delivers less than the amount (fee on transfer)', async () => {
    const c = await loadFixture(core)
    const fee = await ethers.deployContract('MockFeeToken')
    await fee.mint(c.requester.address, hive(100))
    await as(fee, c.requester).approve(await c.escrow.getAddress(), hive(100))
    await expect(
      escrowAs(c, 'requester').create(
        b32(ethers, 'j'),
        c.provider.address,
        await fee.getAddress(),
        hive(10),
        BigInt(await time.latest()) + 100n,
      ),
    )
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnsupportedToken')
      .withArgs(await fee.getAddress(), hive(10), (hive(10) * 99n) / 100n)
  })

  it("fails without allowance (the token's own error surfaces)", async () => {
    const c = await loadFixture(core)
    await as(c.token, c.requester).approve(await c.escrow.getAddress(), 0n)
    await expect(
      escrowAs(c, 'requester').create(
        b32(ethers, 'j'),
        c.provider.address,
        await c.token.getAddress(),
        PRICE,
        BigInt(await time.latest()) + 100n,
      ),
    ).to.be.revertedWithCustomError(c.token, 'ERC20InsufficientAllowance')
  })
})

describe('JobEscrow.commitResult', () => {
  it('records the result hash and time and emits ResultCommitted', async () => {
    const c = await loadFixture(withEscrow)
    const tx = escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash)
    await expect(tx).to.emit(c.escrow, 'ResultCommitted').withArgs(c.escrowId, c.resultHash)
    const e = await c.escrow.escrow(c.escrowId)
    expect(e.resultHash).to.equal(c.resultHash)
    expect(e.committedAt).to.equal(BigInt(await time.latest()))
  })

  it('accepts a commitment exactly at the deadline', async () => {
    const c = await loadFixture(withEscrow)
    await time.setNextBlockTimestamp(c.deadline)
    await expect(escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash)).to.emit(c.escrow, 'ResultCommitted')
  })

  it('rejects a commitment after the deadline', async () => {
    const c = await loadFixture(withEscrow)
    await time.setNextBlockTimestamp(c.deadline + 1n)
    await expect(escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowDeadlinePassed')
      .withArgs(c.escrowId, c.deadline, c.deadline + 1n)
  })

  it('rejects anyone but the provider, a zero hash, a second commitment, and unknown or settled escrows', async () => {
    const c = await loadFixture(withEscrow)
    for (const who of ['requester', 'other'] as const) {
      await expect(escrowAs(c, who).commitResult(c.escrowId, c.resultHash))
        .to.be.revertedWithCustomError(c.escrow, 'JobEscrowUnauthorized')
        .withArgs(c.escrowId, c[who].address)
    }
    await expect(escrowAs(c, 'provider').commitResult(c.escrowId, ethers.ZeroHash)).to.be.revertedWithCustomError(
      c.escrow,
      'JobEscrowZeroResultHash',
    )
    const unknown = b32(ethers, 'unknown')
    await expect(escrowAs(c, 'provider').commitResult(unknown, c.resultHash))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(unknown, EscrowStatus.None)
    await escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash)
    await expect(escrowAs(c, 'provider').commitResult(c.escrowId, b32(ethers, 'other output')))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowResultAlreadyCommitted')
      .withArgs(c.escrowId, c.resultHash)
    await escrowAs(c, 'requester').release(c.escrowId, c.resultHash)
    await expect(escrowAs(c, 'provider').commitResult(c.escrowId, c.resultHash))
      .to.be.revertedWithCustomError(c.escrow, 'JobEscrowWrongStatus')
      .withArgs(c.escrowId, EscrowStatus.Released)
  })
})

describe('JobEscrow views', () => {
  it('reports its version, its params and an empty record for unknown ids', async () => {
    const c = await loadFixture(core)
    expect(await c.escrow.version()).to.equal('hive-escrow/3')
    expect(await c.escrow.params()).to.equal(await c.params.getAddress())
    const e = await c.escrow.escrow(b32(ethers, 'nothing'))
    expect(e.status).to.equal(0n)
    expect(e.amount).to.equal(0n)
    const stats = await c.escrow.providerStats(c.provider.address)
    expect([stats.completed, stats.disputesLost]).to.deep.equal([0n, 0n])
  })
})
