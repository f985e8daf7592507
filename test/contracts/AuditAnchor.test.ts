import { expect } from 'chai'
import { network } from 'hardhat'
import { as } from './helpers.ts'

const { ethers, networkHelpers } = await network.connect()
const { loadFixture, time } = networkHelpers

describe('AuditAnchor', () => {
  async function deploy() {
    const [a, b] = await ethers.getSigners()
    const anchor = await ethers.deployContract('AuditAnchor')
    return { anchor, a, b, byA: as(anchor, a), byB: as(anchor, b) }
  }
  const root = (n: number): string => ethers.keccak256(ethers.toUtf8Bytes(`root ${n}`))

  it('anchor: appends the root with the block timestamp, per submitter, and emits Anchored', async () => {
    const { anchor, a, b, byA, byB } = await loadFixture(deploy)
    const tx = await byA.anchor(root(1), 10)
    const ts = await time.latest()
    await expect(tx).to.emit(anchor, 'Anchored').withArgs(a.address, 0, root(1), 10, ts)
    await expect(byA.anchor(root(2), 11))
      .to.emit(anchor, 'Anchored')
      .withArgs(a.address, 1, root(2), 11, ts + 1)
    // another submitter's log is independent: it may start below a's size
    await expect(byB.anchor(root(3), 1))
      .to.emit(anchor, 'Anchored')
      .withArgs(b.address, 0, root(3), 1, ts + 2)
    expect(await anchor.anchorCount(a.address)).to.equal(2n)
    expect(await anchor.anchorCount(b.address)).to.equal(1n)
    const first = await anchor.anchorAt(a.address, 0)
    expect([first.root, first.treeSize, first.timestamp]).to.deep.equal([root(1), 10n, BigInt(ts)])
    const latest = await anchor.latest(a.address)
    expect([latest.root, latest.treeSize, latest.timestamp]).to.deep.equal([root(2), 11n, BigInt(ts + 1)])
  })

  it('anchor: rejects a tree that does not grow strictly', async () => {
    const { anchor, a, byA } = await loadFixture(deploy)
    await expect(byA.anchor(root(1), 0))
      .to.be.revertedWithCustomError(anchor, 'AuditAnchorTreeSizeNotGrowing')
      .withArgs(a.address, 0, 0)
    await byA.anchor(root(1), 10)
    for (const size of [10, 9]) {
      await expect(byA.anchor(root(2), size))
        .to.be.revertedWithCustomError(anchor, 'AuditAnchorTreeSizeNotGrowing')
        .withArgs(a.address, size, 10)
    }
  })

  it('anchor: rejects the zero root', async () => {
    const { anchor, byA } = await loadFixture(deploy)
    await expect(byA.anchor(ethers.ZeroHash, 1)).to.be.revertedWithCustomError(anchor, 'AuditAnchorZeroRoot')
  })

  it('latest and anchorAt: reject indexes that do not exist', async () => {
    const { anchor, a, byA } = await loadFixture(deploy)
    await expect(anchor.latest(a.address))
      .to.be.revertedWithCustomError(anchor, 'AuditAnchorIndexOutOfRange')
      .withArgs(a.address, 0, 0)
    await byA.anchor(root(1), 1)
    await expect(anchor.anchorAt(a.address, 1))
      .to.be.revertedWithCustomError(anchor, 'AuditAnchorIndexOutOfRange')
      .withArgs(a.address, 1, 1)
    expect(await anchor.anchorCount(ethers.ZeroAddress)).to.equal(0n)
  })

  const PEER = '0x' + '00'.repeat(2) + '11'.repeat(36) // 38 bytes, like an Ed25519 peer id
  const SIG = '0x' + 'ab'.repeat(64)
  const MAX = 2n ** 64n - 1n

  it('bindPeer: records (account, nonce, since, fromAnchor) with the signature, and emits PeerBound', async () => {
    const { anchor, a, byA } = await loadFixture(deploy)
    await byA.anchor(root(1), 5) // anchors before the binding are not the peer's
    const tx = await byA.bindPeer(PEER, 7, SIG)
    const ts = await time.latest()
    await expect(tx).to.emit(anchor, 'PeerBound').withArgs(ethers.keccak256(PEER), a.address, 0, PEER, 7, 1, SIG)
    expect(await anchor.bindingCount(PEER)).to.equal(1n)
    const b = await anchor.bindingAt(PEER, 0)
    expect([b.account, b.nonce, b.since, b.fromAnchor, b.untilAnchor, b.signature]).to.deep.equal([
      a.address,
      7n,
      BigInt(ts),
      1n,
      MAX,
      SIG,
    ])
  })

  it("bindPeer: a later record ends the previous account's range at its anchor count; the history stays", async () => {
    const { anchor, a, b, byA, byB } = await loadFixture(deploy)
    await byA.bindPeer(PEER, 1, SIG)
    await byA.anchor(root(1), 5)
    await byA.anchor(root(2), 6)
    await byB.anchor(root(3), 1)
    await byB.bindPeer(PEER, 2, SIG)
    const at = anchor.bindingAt
    const [first, second] = [await at(PEER, 0), await at(PEER, 1)]
    expect([first.account, first.fromAnchor, first.untilAnchor]).to.deep.equal([a.address, 0n, 2n])
    expect([second.account, second.fromAnchor, second.untilAnchor]).to.deep.equal([b.address, 1n, MAX])
    await expect(anchor.bindingAt(PEER, 2))
      .to.be.revertedWithCustomError(anchor, 'AuditAnchorBindingOutOfRange')
      .withArgs(ethers.keccak256(PEER), 2, 2)
  })

  it('bindPeer: rejects empty or oversized peer ids and signatures that are not 64 bytes', async () => {
    const { anchor, byA } = await loadFixture(deploy)
    const bind = byA.bindPeer
    await expect(bind('0x', 1, SIG)).to.be.revertedWithCustomError(anchor, 'AuditAnchorBadPeerId')
    await expect(bind('0x' + '11'.repeat(65), 1, SIG)).to.be.revertedWithCustomError(anchor, 'AuditAnchorBadPeerId')
    await expect(bind(PEER, 1, '0x' + 'ab'.repeat(65))).to.be.revertedWithCustomError(
      anchor,
      'AuditAnchorBadPeerSignature',
    )
    expect(await anchor.bindingCount(PEER)).to.equal(0n)
  })

  it('version', async () => {
    const { anchor } = await loadFixture(deploy)
    expect(await anchor.version()).to.equal('hive-anchor/2')
  })
})
