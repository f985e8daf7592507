import { expect } from 'chai'
import { network } from 'hardhat'
import { ChannelStatus, b32, expectCredited, hive } from '../helpers.ts'
import { DEPOSIT, PERIOD, channelAs, channelFixture, coSigned, openChannel, settlement, voucher } from './setup.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers
const withChannel = async () => await channelFixture(ethers)
const MAX = ethers.MaxUint256

describe('PaymentChannel.closeWithVoucher', () => {
  const amounts: Array<[string, bigint]> = [
    ['part of the deposit', hive(37)],
    ['exactly the deposit', DEPOSIT],
    ['more than the deposit (capped: never pays more than deposited)', DEPOSIT + hive(50)],
    ['one wei', 1n],
  ]
  for (const [what, amount] of amounts) {
    it(`settles a voucher for ${what}: payout + fee + refund = deposit`, async () => {
      const c = await loadFixture(withChannel)
      const { payout, fee, refund } = settlement(amount)
      const tx = channelAs(c, 'provider').closeWithVoucher(c.channelId, amount, 7n, await voucher(c, amount, 7n))
      await expect(tx).to.emit(c.channel, 'ChannelClosed').withArgs(c.channelId, payout, fee, refund, 7n)
      await expectCredited(tx, c.token, c.channel, [c.provider, c.treasury, c.requester], [payout, fee, refund])
      const ch = await c.channel.channel(c.channelId)
      expect([ch.status, ch.nonce]).to.deep.equal([BigInt(ChannelStatus.Closed), 7n])
      expect(await c.channel.closeDeadline(c.channelId)).to.equal(0n)
    })
  }

  it("answers a requester's startClose within the challenge period (the provider's voucher wins)", async () => {
    const c = await loadFixture(withChannel)
    await channelAs(c, 'requester').startClose(c.channelId)
    const closesAt = BigInt(await time.latest()) + PERIOD
    await time.setNextBlockTimestamp(closesAt - 1n)
    const { payout, fee, refund } = settlement(hive(40))
    await expect(channelAs(c, 'provider').closeWithVoucher(c.channelId, hive(40), 3n, await voucher(c, hive(40), 3n)))
      .to.emit(c.channel, 'ChannelClosed')
      .withArgs(c.channelId, payout, fee, refund, 3n)
  })

  it('rejects a voucher from the end of the challenge period or from expiry + period', async () => {
    const c = await loadFixture(withChannel)
    await channelAs(c, 'requester').startClose(c.channelId)
    const closesAt = BigInt(await time.latest()) + PERIOD
    await time.setNextBlockTimestamp(closesAt)
    await expect(channelAs(c, 'provider').closeWithVoucher(c.channelId, 1n, 1n, await voucher(c, 1n, 1n)))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelChallengeExpired')
      .withArgs(c.channelId, closesAt, closesAt)

    const expiry = closesAt + 50n
    const d = { ...c, ...(await openChannel(c, { expiry })) }
    await time.setNextBlockTimestamp(expiry + PERIOD)
    await expect(channelAs(c, 'provider').closeWithVoucher(d.channelId, 1n, 1n, await voucher(d, 1n, 1n)))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelChallengeExpired')
      .withArgs(d.channelId, expiry + PERIOD, expiry + PERIOD)
  })

  it('accepts a voucher just before expiry + period on an expiring channel', async () => {
    const c = await loadFixture(withChannel)
    const expiry = BigInt(await time.latest()) + 50n
    const d = { ...c, ...(await openChannel(c, { expiry })) }
    await time.setNextBlockTimestamp(expiry + PERIOD - 1n)
    await expect(channelAs(c, 'provider').closeWithVoucher(d.channelId, 1n, 1n, await voucher(d, 1n, 1n))).to.emit(
      c.channel,
      'ChannelClosed',
    )
  })

  it('rejects anyone but the provider, nonce 0, a forged voucher, and a second use of any voucher', async () => {
    const c = await loadFixture(withChannel)
    const good = await voucher(c, hive(10), 2n)
    for (const who of ['requester', 'other'] as const) {
      await expect(channelAs(c, who).closeWithVoucher(c.channelId, hive(10), 2n, good))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelUnauthorized')
        .withArgs(c.channelId, c[who].address)
    }
    await expect(channelAs(c, 'provider').closeWithVoucher(c.channelId, hive(10), 0n, await voucher(c, hive(10), 0n)))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelStaleVoucher')
      .withArgs(c.channelId, 0n, 0n)
    await expect(
      channelAs(c, 'provider').closeWithVoucher(c.channelId, hive(10), 2n, await voucher(c, hive(10), 2n, c.provider)),
    )
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidSignature')
      .withArgs(c.channelId, c.requester.address)
    await expect(channelAs(c, 'provider').closeWithVoucher(c.channelId, hive(11), 2n, good))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidSignature')
      .withArgs(c.channelId, c.requester.address)
    await channelAs(c, 'provider').closeWithVoucher(c.channelId, hive(10), 2n, good)
    for (const [amount, nonce] of [
      [hive(10), 2n],
      [hive(20), 3n],
    ] as const) {
      await expect(
        channelAs(c, 'provider').closeWithVoucher(c.channelId, amount, nonce, await voucher(c, amount, nonce)),
      )
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelWrongStatus')
        .withArgs(c.channelId, ChannelStatus.Closed)
    }
    const unknown = b32(ethers, 'unknown')
    await expect(channelAs(c, 'provider').closeWithVoucher(unknown, 1n, 1n, good))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelWrongStatus')
      .withArgs(unknown, ChannelStatus.None)
  })
})

describe('PaymentChannel.startClose', () => {
  it('starts the challenge period and emits ChannelCloseStarted', async () => {
    const c = await loadFixture(withChannel)
    const now = BigInt(await time.latest()) + 3n
    await time.setNextBlockTimestamp(now)
    await expect(channelAs(c, 'requester').startClose(c.channelId))
      .to.emit(c.channel, 'ChannelCloseStarted')
      .withArgs(c.channelId, now + PERIOD)
    const ch = await c.channel.channel(c.channelId)
    expect([ch.status, ch.closesAt]).to.deep.equal([BigInt(ChannelStatus.Closing), now + PERIOD])
    expect(await c.channel.closeDeadline(c.channelId)).to.equal(now + PERIOD)
  })

  it('never extends an expiring channel beyond expiry + period', async () => {
    const c = await loadFixture(withChannel)
    const expiry = BigInt(await time.latest()) + 10n
    const d = await openChannel(c, { expiry })
    await time.setNextBlockTimestamp(expiry + 50n)
    await expect(channelAs(c, 'requester').startClose(d.channelId))
      .to.emit(c.channel, 'ChannelCloseStarted')
      .withArgs(d.channelId, expiry + PERIOD)
  })

  it('rejects anyone but the requester, and channels not open', async () => {
    const c = await loadFixture(withChannel)
    await expect(channelAs(c, 'provider').startClose(c.channelId))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelUnauthorized')
      .withArgs(c.channelId, c.provider.address)
    await channelAs(c, 'requester').startClose(c.channelId)
    await expect(channelAs(c, 'requester').startClose(c.channelId))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelWrongStatus')
      .withArgs(c.channelId, ChannelStatus.Closing)
  })
})

describe('PaymentChannel.finalize', () => {
  it('returns the whole deposit to the requester once the challenge period is over (anyone may call)', async () => {
    const c = await loadFixture(withChannel)
    await channelAs(c, 'requester').startClose(c.channelId)
    await time.increase(PERIOD)
    const tx = channelAs(c, 'other').finalize(c.channelId)
    await expect(tx).to.emit(c.channel, 'ChannelClosed').withArgs(c.channelId, 0n, 0n, DEPOSIT, 0n)
    await expectCredited(tx, c.token, c.channel, [c.requester, c.provider], [DEPOSIT, 0n])
    await expect(channelAs(c, 'other').finalize(c.channelId))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelWrongStatus')
      .withArgs(c.channelId, ChannelStatus.Closed)
  })

  it('lets the requester reclaim an expired channel at expiry + period without startClose', async () => {
    const c = await loadFixture(withChannel)
    const expiry = BigInt(await time.latest()) + 10n
    const d = await openChannel(c, { expiry })
    await time.setNextBlockTimestamp(expiry + PERIOD - 1n)
    await expect(channelAs(c, 'requester').finalize(d.channelId))
      .to.be.revertedWithCustomError(c.channel, 'PaymentChannelChallengeNotOver')
      .withArgs(d.channelId, expiry + PERIOD, expiry + PERIOD - 1n)
    await time.setNextBlockTimestamp(expiry + PERIOD)
    await expect(channelAs(c, 'requester').finalize(d.channelId))
      .to.emit(c.channel, 'ChannelClosed')
      .withArgs(d.channelId, 0n, 0n, DEPOSIT, 0n)
  })

  it(
    'rejects finalizing an open channel without expiry, or' + ' before the period ends, or an unknown channel',
    async () => {
      const c = await loadFixture(withChannel)
      const unknown = b32(ethers, 'unknown')
      await expect(channelAs(c, 'other').finalize(unknown))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelWrongStatus')
        .withArgs(unknown, ChannelStatus.None)
      const now = BigInt(await time.latest()) + 1n
      await time.setNextBlockTimestamp(now)
      await expect(channelAs(c, 'requester').finalize(c.channelId))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelChallengeNotOver')
        .withArgs(c.channelId, MAX, now)
      await channelAs(c, 'requester').startClose(c.channelId)
      const closesAt = now + PERIOD
      await time.setNextBlockTimestamp(closesAt - 1n)
      await expect(channelAs(c, 'requester').finalize(c.channelId))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelChallengeNotOver')
        .withArgs(c.channelId, closesAt, closesAt - 1n)
    },
  )
})

describe('PaymentChannel.cooperativeClose', () => {
  it('settles at once with both signatures, submitted by anyone, also while closing', async () => {
    const c = await loadFixture(withChannel)
    await channelAs(c, 'requester').startClose(c.channelId)
    const [rs, ps] = await coSigned(c, hive(60), 9n)
    const { payout, fee, refund } = settlement(hive(60))
    const tx = channelAs(c, 'other').cooperativeClose(c.channelId, hive(60), 9n, rs, ps)
    await expect(tx).to.emit(c.channel, 'ChannelClosed').withArgs(c.channelId, payout, fee, refund, 9n)
    await expectCredited(tx, c.token, c.channel, [c.provider, c.treasury, c.requester], [payout, fee, refund])
  })

  it(
    'rejects a missing or wrong signature from either side, a voucher' +
      ' in place of a close, nonce 0 and a closed channel',
    async () => {
      const c = await loadFixture(withChannel)
      const [rs, ps] = await coSigned(c, hive(60), 9n)
      const coop = channelAs(c, 'other').cooperativeClose
      await expect(coop(c.channelId, hive(60), 9n, rs, rs))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidSignature')
        .withArgs(c.channelId, c.provider.address)
      await expect(coop(c.channelId, hive(60), 9n, ps, ps))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidSignature')
        .withArgs(c.channelId, c.requester.address)
      await expect(coop(c.channelId, hive(61), 9n, rs, ps))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidSignature')
        .withArgs(c.channelId, c.requester.address)
      // a plain voucher is a promise to pay, not an agreement to close
      await expect(coop(c.channelId, hive(60), 9n, await voucher(c, hive(60), 9n), ps))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelInvalidSignature')
        .withArgs(c.channelId, c.requester.address)
      const [r0, p0] = await coSigned(c, hive(60), 0n)
      await expect(coop(c.channelId, hive(60), 0n, r0, p0))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelStaleVoucher')
        .withArgs(c.channelId, 0n, 0n)
      await coop(c.channelId, hive(60), 9n, rs, ps)
      await expect(coop(c.channelId, hive(60), 9n, rs, ps))
        .to.be.revertedWithCustomError(c.channel, 'PaymentChannelWrongStatus')
        .withArgs(c.channelId, ChannelStatus.Closed)
    },
  )
})
