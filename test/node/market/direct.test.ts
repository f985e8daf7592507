// The market's one-request-one-reply helper between two bare libp2p nodes over TCP on
// 127.0.0.1: a request reaches a peer it is not connected to through the addresses it is
// given, and over an open connection those addresses are not written to the peer store.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { OlderVersionPeers, handleDirect, sendRequest } from '../../../node/market/direct.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import { ReplyStatus } from '../../../protocol/gen/market.ts'
import { okReply } from '../../../protocol/market/direct.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'

describe('node/market/direct: sendRequest and handleDirect', function () {
  this.timeout(20_000)
  let asker: HiveLibp2p
  let answerer: HiveLibp2p
  const received: Uint8Array[] = []

  before(async () => {
    asker = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    answerer = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519') })
    await Promise.all([asker.start(), answerer.start()])
    await handleDirect({
      libp2p: answerer,
      protocol: 'bid',
      handle: async (bytes) => {
        received.push(bytes)
        return okReply()
      },
    })
  })

  after(async () => {
    await Promise.all([asker?.stop(), answerer?.stop()])
  })

  it(
    'dials an unconnected peer through the given addresses, and' +
      ' leaves the peer store alone over an open connection',
    async () => {
      expect(asker.getConnections(answerer.peerId)).to.have.length(0)
      const reply = await sendRequest(asker, answerer.peerId, 'bid', Uint8Array.from([1, 2, 3]), {
        addrs: answerer.getMultiaddrs(),
      })
      expect(reply.status).to.equal(ReplyStatus.REPLY_OK)
      expect(received.map((b) => [...b])).to.deep.equal([[1, 2, 3]])
      expect(asker.getConnections(answerer.peerId)).to.have.length.greaterThan(0)

      const stale = multiaddr('/ip4/127.0.0.1/tcp/9/p2p/' + answerer.peerId.toString())
      const again = await sendRequest(asker, answerer.peerId, 'bid', Uint8Array.from([4]), { addrs: [stale] })
      expect(again.status).to.equal(ReplyStatus.REPLY_OK)
      const known = (await asker.peerStore.get(answerer.peerId)).addresses.map((a) => a.multiaddr.toString())
      expect(known.some((a) => a.includes('/tcp/9/'))).to.equal(false)
    },
  )

  // the requester's pushes and awards and the provider's results try version 2 first (issue 14)
  it('OlderVersionPeers: a peer without the newer version is asked on the older one, and remembered', async () => {
    const versions = new OlderVersionPeers()
    const tried: string[] = []
    const send = async (): Promise<string> =>
      await versions.send(
        answerer.peerId,
        async () => {
          tried.push('newer')
          // the answerer serves /hive/bid/1.0.0 only: this is refused by multistream-select
          await sendRequest(asker, answerer.peerId, 'resultData', new Uint8Array([1]), {
            addrs: answerer.getMultiaddrs(),
          })
          return 'newer'
        },
        async () => {
          tried.push('older')
          const reply = await sendRequest(asker, answerer.peerId, 'bid', new Uint8Array([2]), {
            addrs: answerer.getMultiaddrs(),
          })
          return reply.status === ReplyStatus.REPLY_OK ? 'older' : 'refused'
        },
      )
    expect(await send()).to.equal('older')
    expect(await send()).to.equal('older')
    expect(tried, 'the newer version is tried once per peer').to.deep.equal(['newer', 'older', 'older'])
    // any other failure of the newer version is the caller's: no fallback, nothing remembered
    const fresh = new OlderVersionPeers()
    const err = await fresh
      .send(
        answerer.peerId,
        async () => {
          throw new Error('timed out')
        },
        async () => 'older',
      )
      .then(
        () => undefined,
        (e: Error) => e.message,
      )
    expect(err).to.equal('timed out')
    expect(
      await fresh.send(
        answerer.peerId,
        async () => 'newer',
        async () => 'older',
      ),
    ).to.equal('newer')
  })

  // issue 16: a requester whose node is starting (a restart) serves no market protocol for a
  // moment; remembering it as an older peer then sent it the older version for good
  it('OlderVersionPeers: a peer that serves neither version is not remembered as older', async () => {
    const versions = new OlderVersionPeers()
    const tried: string[] = []
    const send = async (older: 'result' | 'bid'): Promise<string> =>
      await versions.send(
        answerer.peerId,
        async () => {
          tried.push('newer')
          await sendRequest(asker, answerer.peerId, 'resultData', new Uint8Array([1]), {
            addrs: answerer.getMultiaddrs(),
          })
          return 'newer'
        },
        async () => {
          tried.push(older)
          // 'result' is not served either: the answerer is not older, it serves neither yet
          await sendRequest(asker, answerer.peerId, older, new Uint8Array([2]), { addrs: answerer.getMultiaddrs() })
          return older
        },
      )
    const first = await send('result').then(
      () => 'sent',
      (e: Error) => e.message,
    )
    expect(first).to.not.equal('sent')
    expect(await send('bid')).to.equal('bid')
    expect(tried, 'the newer version tried again after the peer served neither').to.deep.equal([
      'newer',
      'result',
      'newer',
      'bid',
    ])
  })
})
