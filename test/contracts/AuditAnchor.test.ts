import { expect } from 'chai'
import { network } from 'hardhat'

const { ethers, networkHelpers } = await network.connect()

describe('AuditAnchor', () => {
  async function deploy () {
    const [a, b] = await ethers.getSigners()
    const anchor = await ethers.deployContract('AuditAnchor')
    return { anchor, a, b }
  }
  const root = (n: number): string => ethers.keccak256(ethers.toUtf8Bytes(`root ${n}`))

  it('anchor: appends a root with the block timestamp and emits Anchored', async () => {
    const { anchor, a } = await networkHelpers.loadFixture(deploy)
    const tx = await anchor.connect(a).anchor(root(1), 10)
    const ts = await networkHelpers.time.latest()
    await expect(tx).to.emit(anchor, 'Anchored').withArgs(a.address, 0, root(1), 10, ts)
    expect(await anchor.anchorCount(a.address)).to.equal(1n)
  })

  it('anchor: rejects a non-growing tree', async () => {
    const { anchor, a } = await networkHelpers.loadFixture(deploy)
    await anchor.connect(a).anchor(root(1), 10)
    await expect(anchor.connect(a).anchor(root(2), 10))
      .to.be.revertedWithCustomError(anchor, 'AuditAnchorTreeSizeNotGrowing').withArgs(a.address, 10, 10)
  })
})
