import { expect } from 'chai'
import { network } from 'hardhat'
import { TEST_MINIMUMS, TEST_PARAMS, as } from './helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture } = networkHelpers
const key = (name: string): string => ethers.encodeBytes32String(name)

async function deploy() {
  const [deployer, gov, treasury, arbiter, other] = await ethers.getSigners()
  const initial = { ...TEST_PARAMS, treasury: treasury.address, arbiter: arbiter.address }
  const params = await ethers.deployContract('ProtocolParams', [
    gov.address,
    initial,
    TEST_MINIMUMS,
    ethers.ZeroAddress,
  ])
  return { deployer, gov, treasury, arbiter, other, params, initial, byGov: as(params, gov) }
}

// name, getter value in TEST_PARAMS, [min, max]
const NUMERIC: Array<[keyof typeof TEST_PARAMS, bigint, bigint]> = [
  ['minProviderStake', 1n, 2n ** 128n - 1n],
  ['unbondingPeriod', TEST_MINIMUMS.unbondingPeriod, 90n * 86400n],
  ['escrowChallengeWindow', TEST_MINIMUMS.escrowChallengeWindow, 30n * 86400n],
  ['channelChallengePeriod', TEST_MINIMUMS.channelChallengePeriod, 30n * 86400n],
  ['protocolFeeBps', 0n, 1000n],
  ['reporterShareBps', 0n, 5000n],
  ['equivocationSlashBps', 1n, 10_000n],
  ['disputeBondBps', 1n, 10_000n],
  ['arbitrationWindow', TEST_MINIMUMS.arbitrationWindow, 30n * 86400n],
]

describe('ProtocolParams', () => {
  it('emits one event per parameter at deployment, so replaying events yields the full state', async () => {
    const { params, initial } = await loadFixture(deploy)
    const tx = params.deploymentTransaction()
    for (const [name] of NUMERIC) {
      await expect(tx).to.emit(params, 'ParamChanged').withArgs(key(name), 0n, initial[name])
    }
    await expect(tx)
      .to.emit(params, 'AddressParamChanged')
      .withArgs(key('treasury'), ethers.ZeroAddress, initial.treasury)
    await expect(tx)
      .to.emit(params, 'AddressParamChanged')
      .withArgs(key('arbiter'), ethers.ZeroAddress, initial.arbiter)
  })

  for (const [name, min, max] of NUMERIC) {
    describe(name, () => {
      it('has a getter, a keyed getter and published bounds', async () => {
        const { params, initial } = await loadFixture(deploy)
        expect(await params[name]()).to.equal(initial[name])
        expect(await params.getParam(key(name))).to.equal(initial[name])
        expect(await params.bounds(key(name))).to.deep.equal([min, max])
      })

      it('is set by the owner within its bounds, with ParamChanged(key, old, new)', async () => {
        const { params, byGov, initial } = await loadFixture(deploy)
        for (const v of [min, max]) {
          const old = await params[name]()
          await expect(byGov.setParam(key(name), v))
            .to.emit(params, 'ParamChanged')
            .withArgs(key(name), old, v)
          expect(await params[name]()).to.equal(v)
        }
        expect(initial[name]).to.be.within(min, max)
      })

      it('rejects values outside its bounds', async () => {
        const { params, byGov } = await loadFixture(deploy)
        const outside = [max + 1n, ...(min > 0n ? [min - 1n] : [])]
        for (const v of outside) {
          await expect(byGov.setParam(key(name), v))
            .to.be.revertedWithCustomError(params, 'ProtocolParamsOutOfBounds')
            .withArgs(key(name), v, min, max)
        }
      })
    })
  }

  for (const name of ['treasury', 'arbiter'] as const) {
    it(`${name}: getter, keyed getter, owner setter with AddressParamChanged, no zero address`, async () => {
      const { params, byGov, initial, other } = await loadFixture(deploy)
      expect(await params[name]()).to.equal(initial[name])
      expect(await params.getAddressParam(key(name))).to.equal(initial[name])
      await expect(byGov.setAddressParam(key(name), other.address))
        .to.emit(params, 'AddressParamChanged')
        .withArgs(key(name), initial[name], other.address)
      expect(await params[name]()).to.equal(other.address)
      await expect(byGov.setAddressParam(key(name), ethers.ZeroAddress))
        .to.be.revertedWithCustomError(params, 'ProtocolParamsZeroAddress')
        .withArgs(key(name))
    })
  }

  it('rejects unknown keys everywhere, and address keys in the numeric setter and vice versa', async () => {
    const { params, byGov, other } = await loadFixture(deploy)
    for (const k of [key('noSuchParam'), key('treasury')]) {
      await expect(byGov.setParam(k, 1n)).to.be.revertedWithCustomError(params, 'ProtocolParamsUnknownKey').withArgs(k)
      await expect(params.getParam(k)).to.be.revertedWithCustomError(params, 'ProtocolParamsUnknownKey').withArgs(k)
      await expect(params.bounds(k)).to.be.revertedWithCustomError(params, 'ProtocolParamsUnknownKey').withArgs(k)
    }
    for (const k of [key('noSuchParam'), key('protocolFeeBps')]) {
      await expect(byGov.setAddressParam(k, other.address))
        .to.be.revertedWithCustomError(params, 'ProtocolParamsUnknownKey')
        .withArgs(k)
      await expect(params.getAddressParam(k))
        .to.be.revertedWithCustomError(params, 'ProtocolParamsUnknownKey')
        .withArgs(k)
    }
  })

  it('lets only the owner change anything', async () => {
    const { params, other, deployer } = await loadFixture(deploy)
    for (const who of [other, deployer]) {
      await expect(as(params, who).setParam(key('protocolFeeBps'), 1n))
        .to.be.revertedWithCustomError(params, 'OwnableUnauthorizedAccount')
        .withArgs(who.address)
      await expect(as(params, who).setAddressParam(key('treasury'), who.address))
        .to.be.revertedWithCustomError(params, 'OwnableUnauthorizedAccount')
        .withArgs(who.address)
    }
  })

  it('hands ownership on only from the owner (OpenZeppelin Ownable)', async () => {
    const { params, byGov, gov, other } = await loadFixture(deploy)
    await expect(as(params, other).transferOwnership(other.address))
      .to.be.revertedWithCustomError(params, 'OwnableUnauthorizedAccount')
      .withArgs(other.address)
    await expect(byGov.transferOwnership(other.address))
      .to.emit(params, 'OwnershipTransferred')
      .withArgs(gov.address, other.address)
    expect(await params.owner()).to.equal(other.address)
  })

  it('rejects initial values outside the bounds', async () => {
    const { gov, initial } = await loadFixture(deploy)
    const factory = await ethers.getContractFactory('ProtocolParams')
    await expect(factory.deploy(gov.address, { ...initial, protocolFeeBps: 1001n }, TEST_MINIMUMS, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(factory, 'ProtocolParamsOutOfBounds')
      .withArgs(key('protocolFeeBps'), 1001n, 0n, 1000n)
    await expect(
      factory.deploy(gov.address, { ...initial, arbiter: ethers.ZeroAddress }, TEST_MINIMUMS, ethers.ZeroAddress),
    )
      .to.be.revertedWithCustomError(factory, 'ProtocolParamsZeroAddress')
      .withArgs(key('arbiter'))
    await expect(
      factory.deploy(gov.address, { ...initial, channelChallengePeriod: 99n }, TEST_MINIMUMS, ethers.ZeroAddress),
    )
      .to.be.revertedWithCustomError(factory, 'ProtocolParamsOutOfBounds')
      .withArgs(key('channelChallengePeriod'), 99n, 100n, 30n * 86400n)
  })

  it('refuses constructor minimums of a minute or less: every window must outlast an RPC outage', async () => {
    const { gov, initial } = await loadFixture(deploy)
    const factory = await ethers.getContractFactory('ProtocolParams')
    for (const name of Object.keys(TEST_MINIMUMS) as Array<keyof typeof TEST_MINIMUMS>) {
      await expect(factory.deploy(gov.address, initial, { ...TEST_MINIMUMS, [name]: 60n }, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, 'ProtocolParamsMinimumTooShort')
        .withArgs(key(name), 60n, 60n)
    }
    const params = await factory.deploy(gov.address, initial, TEST_MINIMUMS, ethers.ZeroAddress)
    expect(await params.minimums()).to.deep.equal(Object.values(TEST_MINIMUMS))
    expect(await params.governanceDelay()).to.equal(0n)
  })

  it('refuses a governor whose timelock is not the owner', async () => {
    const { gov, initial, other } = await loadFixture(deploy)
    const token = await ethers.deployContract('HiveToken', [gov.address, 10n ** 24n])
    const timelock = await ethers.deployContract('HiveTimelock', [100n, [], [], gov.address])
    const governor = await ethers.deployContract('HiveGovernor', [
      await token.getAddress(),
      await timelock.getAddress(),
      1n,
      30n,
      0n,
      4n,
    ])
    const factory = await ethers.getContractFactory('ProtocolParams')
    await expect(factory.deploy(other.address, initial, TEST_MINIMUMS, await governor.getAddress()))
      .to.be.revertedWithCustomError(factory, 'ProtocolParamsGovernorMismatch')
      .withArgs(await timelock.getAddress(), other.address)
    // with the governor: unbonding must outlast voting delay + voting period + timelock delay + margin
    const mins = { ...TEST_MINIMUMS, unbondingPeriod: 100n }
    const params = await factory.deploy(
      await timelock.getAddress(),
      { ...initial, unbondingPeriod: 231n },
      mins,
      await governor.getAddress(),
    )
    expect(await params.governanceDelay()).to.equal(131n)
    expect(await params.bounds(key('unbondingPeriod'))).to.deep.equal([231n, 90n * 86400n])
    await expect(
      factory.deploy(
        await timelock.getAddress(),
        { ...initial, unbondingPeriod: 230n },
        mins,
        await governor.getAddress(),
      ),
    )
      .to.be.revertedWithCustomError(factory, 'ProtocolParamsOutOfBounds')
      .withArgs(key('unbondingPeriod'), 230n, 231n, 90n * 86400n)
  })

  it('publishes its keys as constants and its version', async () => {
    const { params } = await loadFixture(deploy)
    expect(await params.PROTOCOL_FEE_BPS()).to.equal(key('protocolFeeBps'))
    expect(await params.TREASURY()).to.equal(key('treasury'))
    expect(await params.version()).to.equal('hive-params/2')
  })
})
