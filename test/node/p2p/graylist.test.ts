// The quarantine of graylisted peers (node/p2p/graylist.ts): bans expire, memory is bounded, the
// gater refuses quarantined peers, gaters combine (any deny wins), and the sweep hangs up on
// peers below the threshold only.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { combineGaters, Quarantine, sweepGraylisted } from '../../../node/p2p/graylist.ts'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const newPeer = async (): Promise<PeerId> => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

describe('graylist quarantine', () => {
  it('refuses a peer until its ban ends', async () => {
    let now = 1_000
    const q = new Quarantine({ banMs: 500, now: () => now })
    const peer = await newPeer()
    const gater = q.gater()
    expect(gater.denyDialPeer!(peer)).to.equal(false)
    q.add(peer.toString())
    expect(gater.denyDialPeer!(peer)).to.equal(true)
    expect(gater.denyInboundEncryptedConnection!(peer, undefined as never)).to.equal(true)
    now += 501
    expect(gater.denyDialPeer!(peer)).to.equal(false)
    expect(q.size).to.equal(0)
  })

  it('forgets the oldest ban beyond its capacity', () => {
    const q = new Quarantine({ maxPeers: 3 })
    for (const p of ['a', 'b', 'c', 'd']) q.add(p)
    expect(q.size).to.equal(3)
    expect(q.has('a')).to.equal(false)
    expect(q.has('d')).to.equal(true)
  })

  it('combined gaters deny when any denies and keep an address only when all keep it', async () => {
    const peer = await newPeer()
    const addr = undefined as unknown as Multiaddr
    const both = combineGaters({ denyDialPeer: () => false, filterMultiaddrForPeer: () => true }, undefined, {
      denyDialPeer: async () => true,
      filterMultiaddrForPeer: () => false,
    })
    expect(await both.denyDialPeer!(peer)).to.equal(true)
    expect(await both.filterMultiaddrForPeer!(peer, addr)).to.equal(false)
    const none = combineGaters({ denyDialPeer: () => false }, { filterMultiaddrForPeer: () => true })
    expect(await none.denyDialPeer!(peer)).to.equal(false)
    expect(await none.filterMultiaddrForPeer!(peer, addr)).to.equal(true)
  })

  it('the sweep quarantines and hangs up on peers below the threshold, and on no one else', async () => {
    const [bad, good] = [await newPeer(), await newPeer()]
    const scores: Record<string, number> = { [bad.toString()]: -20_000, [good.toString()]: -100 }
    const hungUp: string[] = []
    const q = new Quarantine()
    const quarantined: string[] = []
    const stop = sweepGraylisted(
      {
        peers: () => [bad, good],
        score: (p) => scores[p],
        connected: () => true,
        hangUp: async (p) => {
          hungUp.push(p.toString())
        },
      },
      q,
      { threshold: -16_000, intervalMs: 10, onQuarantine: (p) => quarantined.push(p) },
    )
    try {
      const until = Date.now() + 5_000
      while (hungUp.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10))
    } finally {
      stop()
    }
    expect(hungUp[0]).to.equal(bad.toString())
    expect(hungUp).to.not.include(good.toString())
    expect(quarantined).to.deep.equal([bad.toString()])
    expect(q.has(bad.toString())).to.equal(true)
    expect(q.has(good.toString())).to.equal(false)
  })
})
