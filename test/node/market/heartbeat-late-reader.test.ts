// Issue 16: a provider's heartbeat reaches a requester that reads it late. A soak near the
// machine's capacity revoked 3,000 awards for silence at ~4.2 s while the requester's event loop
// lagged (p99 1.1 s): the provider gave each heartbeat exchange one interval (1 s), reset the
// stream, and the heartbeat waiting in the requester's receive queue went with it. Two real
// libp2p nodes on 127.0.0.1; the requester's side reads each heartbeat 1.5 s after it arrives.
import { setTimeout as delay } from 'node:timers/promises'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { expect } from 'chai'
import { ProviderLiveness } from '../../../node/market/liveness-provider.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import { okReply } from '../../../protocol/market/direct.ts'
import { PROTOCOLS } from '../../../protocol/topics.ts'
import { waitFor } from './helpers.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'

describe('node/market/liveness-provider: a heartbeat read late still counts', function () {
  this.timeout(30_000)
  const nodes: HiveLibp2p[] = []

  after(async () => {
    for (const n of nodes) await Promise.resolve(n.stop()).catch(() => {})
  })

  it('a requester that reads 1.5 s late (heartbeats every 1 s) gets them', async () => {
    const providerKey = await generateKeyPair('Ed25519')
    const provider = await createHiveLibp2p({ privateKey: providerKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const requester = await createHiveLibp2p({
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
    })
    nodes.push(provider, requester)
    await Promise.all([provider.start(), requester.start()])
    const read: number[] = []
    const failed: string[] = []
    await requester.handle(PROTOCOLS.heartbeat, async (stream) => {
      // a busy requester: the heartbeat waits in its receive queue before anyone reads it
      await delay(1_500)
      try {
        const lp = lpStream(stream)
        read.push((await lp.read()).byteLength)
        await lp.write(okReply())
        await stream.close()
      } catch (err) {
        failed.push((err as Error).name)
      }
    })
    await provider.peerStore.merge(requester.peerId, { multiaddrs: requester.getMultiaddrs() })
    await provider.dial(requester.peerId)

    const liveness = new ProviderLiveness({ libp2p: provider, privateKey: providerKey, now: Date.now })
    liveness.started({ jobId: 'ab'.repeat(32), requester: requester.peerId, awardIndex: 0 }, new AbortController())
    try {
      await waitFor('a heartbeat read, or three lost', () => read.length >= 2 || failed.length >= 3, 15_000)
    } finally {
      liveness.ended('ab'.repeat(32))
    }
    expect(failed, 'heartbeats reset before the requester read them').to.deep.equal([])
    expect(read.length).to.be.at.least(2)
  })
})
