import { expect } from 'chai'
import { Signature } from 'ethers'
import { network } from 'hardhat'
import { as, hive } from './helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers

async function deploy() {
  const [deployer, holder, a, b] = await ethers.getSigners()
  const token = await ethers.deployContract('HiveToken', [holder.address, hive(1000)])
  return { deployer, holder, a, b, token }
}

describe('HiveToken', () => {
  it('mints the fixed supply to the initial holder once; nobody can mint later', async () => {
    const { token, holder, deployer } = await loadFixture(deploy)
    expect(await token.getFunction('name')()).to.equal('ComputeHive')
    expect(await token.getFunction('symbol')()).to.equal('HIVE')
    expect(await token.getFunction('decimals')()).to.equal(18n)
    expect(await token.getFunction('totalSupply')()).to.equal(hive(1000))
    expect(await token.getFunction('balanceOf')(holder.address)).to.equal(hive(1000))
    expect(await token.getFunction('balanceOf')(deployer.address)).to.equal(0n)
    expect(token.interface.getFunction('mint')).to.equal(null)
    expect(token.interface.getFunction('owner')).to.equal(null)
    expect(await token.getFunction('version')()).to.equal('hive-token/1')
  })

  it('counts votes by timestamp (ERC-6372 mode=timestamp)', async () => {
    const { token, holder, a } = await loadFixture(deploy)
    expect(await token.getFunction('CLOCK_MODE')()).to.equal('mode=timestamp')
    expect(await token.getFunction('clock')()).to.equal(BigInt(await time.latest()))
    await as(token, holder).getFunction('delegate')(holder.address)
    const t1 = BigInt(await time.latest())
    await time.increase(100)
    await as(token, holder).getFunction('transfer')(a.address, hive(400))
    const t2 = BigInt(await time.latest())
    await time.increase(1)
    expect(await token.getFunction('getPastVotes')(holder.address, t1)).to.equal(hive(1000))
    expect(await token.getFunction('getPastVotes')(holder.address, t1 + 50n)).to.equal(hive(1000))
    expect(await token.getFunction('getPastVotes')(holder.address, t2)).to.equal(hive(600))
    expect(await token.getFunction('getVotes')(a.address)).to.equal(0n) // undelegated tokens do not vote
    expect(await token.getFunction('getPastTotalSupply')(t2)).to.equal(hive(1000))
  })

  it('accepts an ERC-2612 permit and rejects its replay', async () => {
    const { token, holder, a } = await loadFixture(deploy)
    const { chainId } = await ethers.provider.getNetwork()
    const deadline = BigInt(await time.latest()) + 100n
    const domain = { name: 'ComputeHive', version: '1', chainId, verifyingContract: await token.getAddress() }
    const types = {
      Permit: [
        { name: 'owner', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    }
    const sig = Signature.from(
      await holder.signTypedData(domain, types, {
        owner: holder.address,
        spender: a.address,
        value: 5n,
        nonce: 0n,
        deadline,
      }),
    )
    await as(token, a).getFunction('permit')(holder.address, a.address, 5n, deadline, sig.v, sig.r, sig.s)
    expect(await token.getFunction('allowance')(holder.address, a.address)).to.equal(5n)
    expect(await token.getFunction('nonces')(holder.address)).to.equal(1n)
    await expect(
      as(token, a).getFunction('permit')(holder.address, a.address, 5n, deadline, sig.v, sig.r, sig.s),
    ).to.be.revertedWithCustomError(token, 'ERC2612InvalidSigner')
  })
})
