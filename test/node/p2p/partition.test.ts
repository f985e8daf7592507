// The partition table of chaos runs (node/p2p/partition.ts): cuts are symmetric, a split cuts
// every pair across it, heal undoes one cut or all, and each node's gater refuses exactly the
// peers cut from it (and nothing before the harness knows the node's own id).
import { expect } from 'chai'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PartitionTable } from '../../../node/p2p/partition.ts'
import type { PeerId } from '@libp2p/interface'

describe('node/p2p PartitionTable', () => {
  let ids: PeerId[]
  before(async () => {
    ids = await Promise.all([0, 1, 2, 3].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
  })
  const s = (i: number): string => ids[i].toString()

  it('cuts both ways and heals one cut or all', () => {
    const t = new PartitionTable()
    expect(t.separated(s(0), s(1))).to.equal(false)
    t.cut(s(0), s(1))
    expect([t.separated(s(0), s(1)), t.separated(s(1), s(0)), t.separated(s(0), s(2))]).to.deep.equal([
      true,
      true,
      false,
    ])
    t.split([s(0)], [s(2), s(3)])
    expect(t.size).to.equal(3)
    t.heal(s(1), s(0))
    expect([t.separated(s(0), s(1)), t.separated(s(0), s(2))]).to.deep.equal([false, true])
    t.heal()
    expect(t.size).to.equal(0)
  })

  it("a node's gater denies dials and connections to the peers cut from it only", async () => {
    const t = new PartitionTable()
    const self: { id?: string } = {}
    const g = t.gaterFor(() => self.id)
    t.split([s(0), s(1)], [s(2)])
    expect(await g.denyDialPeer!(ids[2]), 'before the id is known').to.equal(false)
    self.id = s(0)
    expect(await g.denyDialPeer!(ids[2])).to.equal(true)
    expect(await g.denyInboundEncryptedConnection!(ids[2], {} as never)).to.equal(true)
    expect(await g.denyOutboundEncryptedConnection!(ids[2], {} as never)).to.equal(true)
    expect(await g.denyDialPeer!(ids[1]), 'same side').to.equal(false)
    expect(await g.denyDialPeer!(ids[3]), 'never cut').to.equal(false)
    t.heal()
    expect(await g.denyDialPeer!(ids[2]), 'healed').to.equal(false)
  })
})
