import { expect } from 'chai'
import { network } from 'hardhat'
import { ProviderStatus, as, deployCore, hive } from '../helpers.ts'
import type { Core } from '../helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers
const core = async () => await deployCore(ethers)
// libp2p peer ids are multihashes: an Ed25519 one is 38 bytes (identity multihash of the key)
const PEER = '0x002408011220' + 'ab'.repeat(32)
const PEER2 = '0x002408011220' + 'cd'.repeat(32)
const MIN = hive(100)
const UNBONDING = 1000n

async function staked() {
  const c = await deployCore(ethers)
  await as(c.registry, c.provider).stake(hive(150), PEER)
  return c
}
const reg = (c: Core, who: 'provider' | 'provider2' | 'other' | 'gov') => as(c.registry, c[who])

describe('ProviderRegistry.stake', () => {
  it('bonds the stake under the peer id, emits Staked and PeerIdBound, and makes the provider active', async () => {
    const c = await loadFixture(core)
    const tx = reg(c, 'provider').stake(MIN, PEER)
    await expect(tx).to.emit(c.registry, 'PeerIdBound').withArgs(c.provider.address, ethers.keccak256(PEER), PEER)
    await expect(tx).to.emit(c.registry, 'Staked').withArgs(c.provider.address, MIN, MIN)
    await expect(tx).to.changeTokenBalances(ethers, c.token, [c.provider, c.registry], [-MIN, MIN])
    expect(await c.registry.statusOf(c.provider.address)).to.equal(BigInt(ProviderStatus.Active))
    expect(await c.registry.stakeOf(c.provider.address)).to.equal(MIN)
    expect(await c.registry.providerOfPeerId(PEER)).to.equal(c.provider.address)
    const [addr, status, bonded] = await c.registry.statusOfPeerId(PEER)
    expect([addr, status, bonded]).to.deep.equal([c.provider.address, BigInt(ProviderStatus.Active), MIN])
    const info = await c.registry.providerInfo(c.provider.address)
    expect([info.bonded, info.unbonding, info.unbondingEndsAt, info.slashed, info.peerId]).to.deep.equal([
      MIN,
      0n,
      0n,
      false,
      PEER,
    ])
  })

  it('adds to the bond with the same or an empty peer id', async () => {
    const c = await loadFixture(staked)
    await expect(reg(c, 'provider').stake(hive(1), PEER))
      .to.emit(c.registry, 'Staked')
      .withArgs(c.provider.address, hive(1), hive(151))
    await expect(reg(c, 'provider').stake(hive(1), '0x'))
      .to.emit(c.registry, 'Staked')
      .withArgs(c.provider.address, hive(1), hive(152))
      .and.not.to.emit(c.registry, 'PeerIdBound')
  })

  it(
    'rejects zero, a first stake below the minimum or without peer' + ' id, a different peer id, and a taken peer id',
    async () => {
      const c = await loadFixture(core)
      await expect(reg(c, 'provider').stake(0n, PEER)).to.be.revertedWithCustomError(
        c.registry,
        'ProviderRegistryZeroAmount',
      )
      await expect(reg(c, 'provider').stake(MIN - 1n, PEER))
        .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryBelowMinimumStake')
        .withArgs(MIN - 1n, MIN)
      await expect(reg(c, 'provider').stake(MIN, '0x'))
        .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryPeerIdRequired')
        .withArgs(c.provider.address)
      await expect(reg(c, 'provider').stake(MIN, '0x' + '11'.repeat(65)))
        .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryInvalidPeerId')
        .withArgs(65)
      await reg(c, 'provider').stake(MIN, PEER)
      await expect(reg(c, 'provider').stake(MIN, PEER2))
        .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryPeerIdMismatch')
        .withArgs(c.provider.address)
      await expect(reg(c, 'provider2').stake(MIN, PEER))
        .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryPeerIdTaken')
        .withArgs(ethers.keccak256(PEER), c.provider.address)
    },
  )

  it('judges status against the minimum stake in force now', async () => {
    const c = await loadFixture(staked)
    await as(c.params, c.gov).setParam(ethers.encodeBytes32String('minProviderStake'), hive(200))
    expect(await c.registry.statusOf(c.provider.address)).to.equal(BigInt(ProviderStatus.Inactive))
    expect(await c.registry.statusOf(c.other.address)).to.equal(BigInt(ProviderStatus.None))
    const [addr, status, bonded] = await c.registry.statusOfPeerId(PEER2)
    expect([addr, status, bonded]).to.deep.equal([ethers.ZeroAddress, 0n, 0n])
  })
})

describe('ProviderRegistry.setPeerId', () => {
  it('rebinds the provider to a new peer id and frees the old one', async () => {
    const c = await loadFixture(staked)
    const tx = reg(c, 'provider').setPeerId(PEER2)
    await expect(tx).to.emit(c.registry, 'PeerIdUnbound').withArgs(c.provider.address, ethers.keccak256(PEER))
    await expect(tx).to.emit(c.registry, 'PeerIdBound').withArgs(c.provider.address, ethers.keccak256(PEER2), PEER2)
    expect(await c.registry.providerOfPeerId(PEER)).to.equal(ethers.ZeroAddress)
    expect(await c.registry.providerOfPeerId(PEER2)).to.equal(c.provider.address)
    await expect(reg(c, 'provider2').stake(MIN, PEER)).to.emit(c.registry, 'PeerIdBound')
  })

  it('rejects unregistered callers, taken, empty or too long peer ids, and slashed providers', async () => {
    const c = await loadFixture(staked)
    await expect(reg(c, 'other').setPeerId(PEER2))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryNotRegistered')
      .withArgs(c.other.address)
    await reg(c, 'provider2').stake(MIN, PEER2)
    await expect(reg(c, 'provider').setPeerId(PEER2))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryPeerIdTaken')
      .withArgs(ethers.keccak256(PEER2), c.provider2.address)
    await expect(reg(c, 'provider').setPeerId('0x'))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryInvalidPeerId')
      .withArgs(0)
    await reg(c, 'gov').slash(c.provider.address, 1n, ethers.encodeBytes32String('test'))
    await expect(reg(c, 'provider').setPeerId('0x01'))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryProviderSlashed')
      .withArgs(c.provider.address)
  })
})

describe('ProviderRegistry.requestUnbond and withdraw', () => {
  it('moves stake to unbonding, restarts the period on each request, and pays it out after the period', async () => {
    const c = await loadFixture(staked)
    let now = BigInt(await time.latest()) + 1n
    await time.setNextBlockTimestamp(now)
    await expect(reg(c, 'provider').requestUnbond(hive(50)))
      .to.emit(c.registry, 'UnbondRequested')
      .withArgs(c.provider.address, hive(50), hive(50), now + UNBONDING)
    expect(await c.registry.statusOf(c.provider.address)).to.equal(BigInt(ProviderStatus.Active))
    now += 10n
    await time.setNextBlockTimestamp(now)
    await expect(reg(c, 'provider').requestUnbond(hive(60)))
      .to.emit(c.registry, 'UnbondRequested')
      .withArgs(c.provider.address, hive(60), hive(110), now + UNBONDING)
    expect(await c.registry.statusOf(c.provider.address)).to.equal(BigInt(ProviderStatus.Inactive))
    await time.setNextBlockTimestamp(now + UNBONDING - 1n)
    await expect(reg(c, 'provider').withdraw())
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryStillUnbonding')
      .withArgs(now + UNBONDING, now + UNBONDING - 1n)
    await time.setNextBlockTimestamp(now + UNBONDING)
    const tx = reg(c, 'provider').withdraw()
    await expect(tx).to.emit(c.registry, 'Withdrawn').withArgs(c.provider.address, hive(110))
    await expect(tx).to.changeTokenBalances(ethers, c.token, [c.registry, c.provider], [-hive(110), hive(110)])
    const info = await c.registry.providerInfo(c.provider.address)
    expect([info.bonded, info.unbonding, info.unbondingEndsAt]).to.deep.equal([hive(40), 0n, 0n])
  })

  it('frees the peer id when everything is withdrawn', async () => {
    const c = await loadFixture(staked)
    await reg(c, 'provider').requestUnbond(hive(150))
    await time.increase(UNBONDING)
    await expect(reg(c, 'provider').withdraw())
      .to.emit(c.registry, 'PeerIdUnbound')
      .withArgs(c.provider.address, ethers.keccak256(PEER))
    expect(await c.registry.statusOf(c.provider.address)).to.equal(BigInt(ProviderStatus.None))
    expect(await c.registry.providerOfPeerId(PEER)).to.equal(ethers.ZeroAddress)
    await expect(reg(c, 'provider').stake(MIN, PEER2)).to.emit(c.registry, 'PeerIdBound')
  })

  it('rejects unbonding zero or more than bonded, and withdrawing with nothing unbonding', async () => {
    const c = await loadFixture(staked)
    await expect(reg(c, 'provider').requestUnbond(0n)).to.be.revertedWithCustomError(
      c.registry,
      'ProviderRegistryZeroAmount',
    )
    await expect(reg(c, 'provider').requestUnbond(hive(151)))
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryInsufficientBond')
      .withArgs(hive(151), hive(150))
    await expect(reg(c, 'provider').withdraw())
      .to.be.revertedWithCustomError(c.registry, 'ProviderRegistryNothingToWithdraw')
      .withArgs(c.provider.address)
  })
})

describe('ProviderRegistry views', () => {
  it('reports version, token and params', async () => {
    const c = await loadFixture(core)
    expect(await c.registry.version()).to.equal('hive-registry/2')
    expect(await c.registry.token()).to.equal(await c.token.getAddress())
    expect(await c.registry.params()).to.equal(await c.params.getAddress())
    expect(await c.registry.owner()).to.equal(c.gov.address)
  })
})
