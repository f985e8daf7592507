// The peer store's protocol-merge cache (node/p2p/protocol-merges.ts): libp2p merges a stream's
// protocol into the remote peer's record on every stream it opens or accepts (a datastore read
// and write each); the cache answers repeats from memory, and still writes a protocol the record
// lost (identify replaced the list) on its next stream, after a delete, and once per refresh.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'chai'
import { createHiveLibp2p, protocolMerges } from '../../../node/p2p/create.ts'
import { cacheProtocolMerges } from '../../../node/p2p/protocol-merges.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'
import type { Peer, PeerData, PeerId, PeerStore } from '@libp2p/interface'

const PROTOCOL = '/test/merges/1.0.0'

describe('node/p2p protocol-merge cache', function () {
  this.timeout(30_000)

  describe('between two nodes on 127.0.0.1', () => {
    let a: HiveLibp2p
    let b: HiveLibp2p

    before(async () => {
      a = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
      b = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
      await Promise.all([a.start(), b.start()])
      await b.handle(PROTOCOL, async (stream) => {
        await stream.close()
      })
      await a.dial(b.getMultiaddrs()[0])
    })
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()])
    })

    const openStreams = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const stream = await a.dialProtocol(b.peerId, PROTOCOL)
        await stream.close()
      }
    }

    it('writes a stream protocol once, not once per stream, on both ends', async () => {
      const before = { a: protocolMerges(a)!.skipped, b: protocolMerges(b)!.skipped }
      await openStreams(20)
      expect(protocolMerges(a)!.skipped - before.a, 'outbound merges answered from memory').to.be.at.least(19)
      expect(protocolMerges(b)!.skipped - before.b, 'inbound merges answered from memory').to.be.at.least(19)
      expect((await a.peerStore.get(b.peerId)).protocols).to.include(PROTOCOL)
    })

    it('writes the protocol again on the next stream once the record lost it', async () => {
      await openStreams(1)
      // identify replacing the peer's protocol list (announced as peer:update) stands in here
      await a.peerStore.patch(b.peerId, { protocols: ['/test/other/1.0.0'] })
      expect((await a.peerStore.get(b.peerId)).protocols).not.to.include(PROTOCOL)
      await openStreams(1)
      expect((await a.peerStore.get(b.peerId)).protocols, 'the record after the next stream').to.include(PROTOCOL)
    })
  })

  describe('on a store of its own', () => {
    /** A peer store that counts the merges reaching it and keeps protocols only. */
    function countingStore(): { store: PeerStore; merges: () => number; events: EventTarget } {
      const records = new Map<string, Peer>()
      const events = new EventTarget()
      let merges = 0
      const store = {
        merge: async (id: PeerId, data: PeerData): Promise<Peer> => {
          merges++
          const old = records.get(id.toString())
          const peer = {
            id,
            addresses: [],
            protocols: [...new Set([...(old?.protocols ?? []), ...(data.protocols ?? [])])],
            metadata: new Map(),
            tags: new Map(),
          } satisfies Peer
          records.set(id.toString(), peer)
          return peer
        },
        delete: async (id: PeerId): Promise<void> => {
          records.delete(id.toString())
        },
      } as unknown as PeerStore
      return { store, merges: () => merges, events }
    }

    it('writes again after a refresh period, after a delete, and for any other kind of merge', async () => {
      const { store, merges, events } = countingStore()
      let clock = 1_000
      const cache = cacheProtocolMerges(store, events as never, { refreshMs: 60_000, now: () => clock })
      const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
      await store.merge(peer, { protocols: [PROTOCOL] })
      await store.merge(peer, { protocols: [PROTOCOL] })
      expect(merges(), 'a repeat within the period').to.equal(1)
      await store.merge(peer, { protocols: ['/test/new/1.0.0'] })
      expect(merges(), 'a protocol the record lacks').to.equal(2)
      clock += 60_000
      await store.merge(peer, { protocols: [PROTOCOL] })
      expect(merges(), 'after the refresh period').to.equal(3)
      await store.delete(peer)
      await store.merge(peer, { protocols: [PROTOCOL] })
      expect(merges(), 'after a delete').to.equal(4)
      await store.merge(peer, { protocols: [PROTOCOL], tags: { keep: { value: 1 } } })
      expect(merges(), 'a merge of more than protocols').to.equal(5)
      expect(cache.skipped).to.equal(1)
      cache.stop()
      await store.merge(peer, { protocols: [PROTOCOL] })
      expect(merges(), 'after stop').to.equal(6)
    })
  })
})
