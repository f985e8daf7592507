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
    expect(await token.name()).to.equal('ComputeHive')
    expect(await token.symbol()).to.equal('HIVE')
    expect(await token.decimals()).to.equal(18n)
    expect(await token.totalSupply()).to.equal(hive(1000))
    expect(await token.balanceOf(holder.address)).to.equal(hive(1000))
    expect(await token.balanceOf(deployer.address)).to.equal(0n)
    expect(token.interface.hasFunction('mint')).to.equal(false)
    expect(token.interface.hasFunction('owner')).to.equal(false)
    expect(await token.version()).to.equal('hive-token/1')
  })

  it('counts votes by timestamp (ERC-6372 mode=timestamp)', async () => {
    const { token, holder, a } = await loadFixture(deploy)
    expect(await token.CLOCK_MODE()).to.equal('mode=timestamp')
    expect(await token.clock()).to.equal(BigInt(await time.latest()))
    await as(token, holder).delegate(holder.address)
    const t1 = BigInt(await time.latest())
    await time.increase(100)
    await as(token, holder).transfer(a.address, hive(400))
    const t2 = BigInt(await time.latest())
    await time.increase(1)
    expect(await token.getPastVotes(holder.address, t1)).to.equal(hive(1000))
    expect(await token.getPastVotes(holder.address, t1 + 50n)).to.equal(hive(1000))
    expect(await token.getPastVotes(holder.address, t2)).to.equal(hive(600))
    expect(await token.getVotes(a.address)).to.equal(0n) // undelegated tokens do not vote
    expect(await token.getPastTotalSupply(t2)).to.equal(hive(1000))
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
    await as(token, a).permit(holder.address, a.address, 5n, deadline, sig.v, sig.r, sig.s)
    expect(await token.allowance(holder.address, a.address)).to.equal(5n)
    expect(await token.nonces(holder.address)).to.equal(1n)
    await expect(
      as(token, a).permit(holder.address, a.address, 5n, deadline, sig.v, sig.r, sig.s),
    ).to.be.revertedWithCustomError(token, 'ERC2612InvalidSigner')
  })
})
