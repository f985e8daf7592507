import { expect } from 'chai'
import { Signature } from 'ethers'
import { network } from 'hardhat'
import { channelId as channelIdOf } from '../../../protocol/eip712.ts'
import { ChannelStatus, as, b32, deployCore, hive } from '../helpers.ts'
import type { Account, Core } from '../helpers.ts'
import { DEPOSIT, FEE_BPS, PERIOD, channelAs, channelFixture, openChannel } from './setup.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers
const core = async () => await deployCore(ethers)
const withChannel = async () => await channelFixture(ethers)

async function permit(c: Core, owner: Account, value: bigint, deadline: bigint): Promise<Signature> {
  const domain = {
    name: 'ComputeHive',
    version: '1',
    chainId: c.chainId,
    verifyingContract: await c.token.getAddress(),
  }
  const types = {
    Permit: [
      { name: 'owner', type: 'address' },
      { name: 'spender', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'nonce', type: 'uint256' },
      { name: 'deadline', type: 'uint256' },
    ],
  }
  const nonce = await c.token.nonces(owner.address)
  return Signature.from(
    await owner.signTypedData(domain, types, {
      owner: owner.address,
      spender: await c.channel.getAddress(),
      value,
      nonce,
      deadline,
    }),
  )
}

describe('PaymentChannel.open', () => {
  it(
    'pulls the deposit, derives the id from the immutable terms,' + ' records the channel and emits ChannelOpened',
    async () => {
      const c = await loadFixture(core)
      const token = await c.token.getAddress()
      const expiry = BigInt(await time.latest()) + 10_000n
      const id = channelIdOf({
        chainId: c.chainId,
        contract: await c.channel.getAddress(),
        requester: c.requester.address,
        provider: c.provider.address,
        token,
        expiry,
        challengePeriod: PERIOD,
        feeBps: FEE_BPS,
        nonce: 0n,
      })
      expect(
        await c.channel.channelIdOf(c.requester.address, c.provider.address, token, expiry, PERIOD, FEE_BPS, 0n),
      ).to.equal(id)
      const tx = channelAs(c, 'requester').open(c.provider.address, token, DEPOSIT, expiry)
      await expect(tx)
        .to.emit(c.channel, 'ChannelOpened')
        .withArgs(id, c.requester.address, c.provider.address, token, DEPOSIT, expiry, PERIOD, FEE_BPS, 0n)
      await expect(tx).to.changeTokenBalances(ethers, c.token, [c.requester, c.channel], [-DEPOSIT, DEPOSIT])
      const ch = await c.channel.channel(id)
      expect([ch.requester, ch.provider, ch.token]).to.deep.equal([c.requester.address, c.provider.address, token])
      expect([ch.expiry, ch.challengePeriod, ch.feeBps, ch.status, ch.nonce, ch.deposit, ch.closesAt]).to.deep.equal([
        expiry,
        PERIOD,
        FEE_BPS,
        BigInt(ChannelStatus.Open),
        0n,
        DEPOSIT,
        0n,
      ])
      expect(await c.channel.nonces(c.requester.address)).to.equal(1n)
      expect(await c.channel.closeDeadline(id)).to.equal(expiry + PERIOD)
    },
  )

  it('gives every channel a new id, also between the same pair with the same terms', async () => {
    const c = await loadFixture(core)
    const a = await openChannel(c)
    const b = await openChannel(c)
    expect(a.channelId).to.not.equal(b.channelId)
    expect((await c.channel.channel(b.channelId)).status).to.equal(BigInt(ChannelStatus.Open))
  })

  it('rejects the zero provider, itself as provider, a zero deposit and an expiry not in the future', async () => {
    const c = await loadFixture(core)
    const token = await c.token.getAddress()
    const byReq = channelAs(c, 'requester').open
    await expect(byReq(ethers.ZeroAddress, token, DEPOSIT, 0n))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidProvider')
      .withArgs(ethers.ZeroAddress)
    await expect(byReq(c.requester.address, token, DEPOSIT, 0n))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidProvider')
      .withArgs(c.requester.address)
    await expect(byReq(c.provider.address, token, 0n, 0n)).to.be.revertedWithCustomError(
      c.channel,
      'PaymentChannelZeroAmount',
    )
    const now = BigInt(await time.latest()) + 5n
    await time.setNextBlockTimestamp(now)
    await expect(byReq(c.provider.address, token, DEPOSIT, now))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidExpiry')
      .withArgs(now, now)
  })

  it('rejects a token that delivers less than the deposit', async () => {
    const c = await loadFixture(core)
    const fee = await ethers.deployContract('MockFeeToken')
    await fee.mint(c.requester.address, hive(100))
    await as(fee, c.requester).approve(await c.channel.getAddress(), hive(100))
    await expect(channelAs(c, 'requester').open(c.provider.address, await fee.getAddress(), hive(100), 0n))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelUnsupportedToken')
      .withArgs(await fee.getAddress(), hive(100), hive(99))
  })
})

describe('PaymentChannel.topUp with a token that starts charging fees', () => {
  it('rejects the top-up instead of crediting more than arrived', async () => {
    const c = await loadFixture(core)
    const fee = await ethers.deployContract('MockFeeToken')
    const feeAddr = await fee.getAddress()
    await fee.setFeeOn(false)
    await fee.mint(c.requester.address, hive(100))
    await as(fee, c.requester).approve(await c.channel.getAddress(), hive(100))
    await channelAs(c, 'requester').open(c.provider.address, feeAddr, hive(10), 0n)
    const id = await c.channel.channelIdOf(c.requester.address, c.provider.address, feeAddr, 0n, PERIOD, FEE_BPS, 0n)
    await fee.setFeeOn(true)
    await expect(channelAs(c, 'requester').topUp(id, hive(10)))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelUnsupportedToken')
      .withArgs(feeAddr, hive(10), (hive(10) * 99n) / 100n)
  })
})

describe('PaymentChannel.openWithPermit', () => {
  it('opens with an ERC-2612 permit instead of a prior approval', async () => {
    const c = await loadFixture(core)
    await as(c.token, c.requester).approve(await c.channel.getAddress(), 0n)
    const deadline = BigInt(await time.latest()) + 1000n
    const sig = await permit(c, c.requester, DEPOSIT, deadline)
    await expect(
      channelAs(c, 'requester').openWithPermit(
        c.provider.address,
        await c.token.getAddress(),
        DEPOSIT,
        0n,
        deadline,
        sig.v,
        sig.r,
        sig.s,
      ),
    )
      .to.emit(c.channel, 'ChannelOpened')
      .and.to.emit(c.token, 'Approval')
    expect(await c.token.balanceOf(await c.channel.getAddress())).to.equal(DEPOSIT)
  })

  it('still opens when a front-runner used the permit first (SWC-114)', async () => {
    const c = await loadFixture(core)
    await as(c.token, c.requester).approve(await c.channel.getAddress(), 0n)
    const deadline = BigInt(await time.latest()) + 1000n
    const sig = await permit(c, c.requester, DEPOSIT, deadline)
    await as(c.token, c.other).permit(
      c.requester.address,
      await c.channel.getAddress(),
      DEPOSIT,
      deadline,
      sig.v,
      sig.r,
      sig.s,
    )
    await expect(
      channelAs(c, 'requester').openWithPermit(
        c.provider.address,
        await c.token.getAddress(),
        DEPOSIT,
        0n,
        deadline,
        sig.v,
        sig.r,
        sig.s,
      ),
    ).to.emit(c.channel, 'ChannelOpened')
  })

  it("fails on the allowance when the permit is not the requester's", async () => {
    const c = await loadFixture(core)
    await as(c.token, c.requester).approve(await c.channel.getAddress(), 0n)
    const deadline = BigInt(await time.latest()) + 1000n
    const sig = await permit(c, c.other, DEPOSIT, deadline)
    await expect(
      channelAs(c, 'requester').openWithPermit(
        c.provider.address,
        await c.token.getAddress(),
        DEPOSIT,
        0n,
        deadline,
        sig.v,
        sig.r,
        sig.s,
      ),
    ).to.be.revertedWithCustomError(c.token, 'ERC20InsufficientAllowance')
  })
})

describe('PaymentChannel.topUp', () => {
  it('adds to the deposit and emits ChannelToppedUp', async () => {
    const c = await loadFixture(withChannel)
    const tx = channelAs(c, 'requester').topUp(c.channelId, hive(5))
    await expect(tx)
      .to.emit(c.channel, 'ChannelToppedUp')
      .withArgs(c.channelId, hive(5), DEPOSIT + hive(5))
    await expect(tx).to.changeTokenBalances(ethers, c.token, [c.requester, c.channel], [-hive(5), hive(5)])
    expect((await c.channel.channel(c.channelId)).deposit).to.equal(DEPOSIT + hive(5))
  })

  it('rejects anyone but the requester, zero, unknown and closing channels, and expired channels', async () => {
    const c = await loadFixture(withChannel)
    await expect(channelAs(c, 'provider').topUp(c.channelId, 1n))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelUnauthorized')
      .withArgs(c.channelId, c.provider.address)
    await expect(channelAs(c, 'requester').topUp(c.channelId, 0n)).to.be.revertedWithCustomError(
      c.channel,
      'PaymentChannelZeroAmount',
    )
    const unknown = b32(ethers, 'unknown')
    await expect(channelAs(c, 'requester').topUp(unknown, 1n))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelWrongStatus')
      .withArgs(unknown, ChannelStatus.None)
    await channelAs(c, 'requester').startClose(c.channelId)
    await expect(channelAs(c, 'requester').topUp(c.channelId, 1n))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelWrongStatus')
      .withArgs(c.channelId, ChannelStatus.Closing)

    const expiry = BigInt(await time.latest()) + 50n
    const d = await openChannel(c, { expiry })
    await time.setNextBlockTimestamp(expiry)
    await expect(channelAs(c, 'requester').topUp(d.channelId, 1n))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelExpired')
      .withArgs(d.channelId, expiry, expiry)
  })
})

describe('PaymentChannel views', () => {
  it(
    'reports its version and params, and no deadline for an' + ' open channel without expiry or an unknown one',
    async () => {
      const c = await loadFixture(withChannel)
      expect(await c.channel.version()).to.equal('hive-channel/2')
      expect(await c.channel.params()).to.equal(await c.params.getAddress())
      expect(await c.channel.closeDeadline(c.channelId)).to.equal(0n)
      expect(await c.channel.closeDeadline(b32(ethers, 'x'))).to.equal(0n)
      expect((await c.channel.channel(b32(ethers, 'x'))).status).to.equal(0n)
    },
  )

  it('fixes the challenge period and fee at opening', async () => {
    const c = await loadFixture(withChannel)
    await as(c.params, c.gov).setParam(ethers.encodeBytes32String('channelChallengePeriod'), 700n)
    await as(c.params, c.gov).setParam(ethers.encodeBytes32String('protocolFeeBps'), 0n)
    const old = await c.channel.channel(c.channelId)
    expect([old.challengePeriod, old.feeBps]).to.deep.equal([PERIOD, FEE_BPS])
    await channelAs(c, 'requester').open(c.provider.address, await c.token.getAddress(), 1n, 0n)
    const id = await c.channel.channelIdOf(
      c.requester.address,
      c.provider.address,
      await c.token.getAddress(),
      0n,
      700n,
      0n,
      1n,
    )
    const fresh = await c.channel.channel(id)
    expect([fresh.challengePeriod, fresh.feeBps, fresh.status]).to.deep.equal([700n, 0n, BigInt(ChannelStatus.Open)])
  })
})
