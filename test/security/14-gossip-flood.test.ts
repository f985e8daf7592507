// Issue 14, goal 2: a flood of duplicate gossip must die before anything decodes it, and the
// peer that floods must pay for it in gossip score. Against a real provider over TCP:
// - a peer that publishes one invalid job request again and again, each copy under a fresh
//   gossipsub sequence number (what any StrictSign peer can do for free), must not make the
//   provider decode one copy per sequence number; it must lose score;
// - the same bytes relayed by two different peers are decoded once (message id = content hash).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { gossipsub, StrictSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { createLibp2p } from 'libp2p'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import { cidForBytes } from '../../protocol/cid.ts'
import { createJobRequest } from '../../protocol/market/build.ts'
import { jobsTopic } from '../../protocol/topics.ts'
import { UNSATISFIABLE, startMarketPeer, text, waitFor } from '../node/market/helpers.ts'
import type { MarketPeer } from '../node/market/helpers.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'
import type { JobSpecInput } from '../../protocol/market/build.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PrivateKey } from '@libp2p/interface'

const TOPIC = jobsTopic('wasm')
const COPIES = 40

const scoreOf = (pubsub: GossipSub, peer: string): number =>
  (pubsub as unknown as { getScore: (p: string) => number }).getScore(peer)

async function jobSpec(): Promise<JobSpecInput> {
  const now = Date.now()
  const module = text('never run')
  return {
    executor: 'wasm',
    module: await cidForBytes(module),
    moduleSize: module.byteLength,
    limits: { memoryBytes: 64 * 1024 * 1024, wallTimeMs: 1000, outputBytes: 1024 },
    requirements: UNSATISFIABLE,
    maxPrice: 10n ** 18n,
    payment: 'channel',
    redundancy: 1,
    bidWindowMs: 5000,
    deadline: now + 60_000,
    createdAt: now,
    nonce: randomBytes(16),
  }
}

describe('security 14: gossip floods', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec14-'))
  let provider: MarketPeer
  const others: Libp2p[] = []

  /** the provider's verdicts on the jobs topic: one per message its validator decoded */
  const decoded = (): string[] =>
    provider.verdicts.filter((v) => v.topic === TOPIC).map((v) => `${v.outcome} ${v.code ?? ''}`)

  before(async () => {
    // one unsharded jobs topic, the one the flooders publish on
    provider = await startMarketPeer('provider', { roles: 'provider', root, settings: { jobShards: 1 } })
  })

  after(async () => {
    for (const o of others) await Promise.resolve(o.stop()).catch(() => {})
    await provider?.node.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  async function joinProvider(peer: Libp2p<{ pubsub: GossipSub }>): Promise<void> {
    await peer.dial(multiaddr(provider.node.info().addresses[0]))
    await waitFor("the provider's subscription to reach the peer", () =>
      peer.services.pubsub.getSubscribers(TOPIC).some((p) => p.equals(provider.node.peerId)),
    )
  }

  it(
    'one invalid message re-sent under fresh sequence numbers is never' +
      ' decoded once per copy, and costs its sender score',
    async () => {
      // a peer running gossipsub's default policy: it signs every publish with a new sequence number
      const flooder = await createLibp2p({
        privateKey: await generateKeyPair('Ed25519'),
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: {
          identify: identify(),
          pubsub: gossipsub({ globalSignaturePolicy: StrictSign, allowPublishToZeroTopicPeers: true }),
        },
      })
      others.push(flooder)
      await flooder.start()
      await joinProvider(flooder)
      const before = decoded().length
      const garbage = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])
      for (let i = 0; i < COPIES; i++) await flooder.services.pubsub.publish(TOPIC, garbage)

      const pubsub = provider.node.libp2p.services.pubsub
      await waitFor("the flooder's score below 0", () => scoreOf(pubsub, flooder.peerId.toString()) < 0, 15_000)
      const got = decoded().slice(before)
      console.log(
        `      ${COPIES} copies sent; the provider's validator decoded ${got.length}: ${[...new Set(got)].join(', ')}`,
      )
      expect(got.length, 'copies the provider decoded').to.be.at.most(1)
    },
  )

  it('the same bytes relayed by two peers reach the validator once', async () => {
    const [a, b] = await Promise.all(
      [0, 1].map(async () => {
        const p: HiveLibp2p = await createHiveLibp2p({
          privateKey: await generateKeyPair('Ed25519'),
          listen: ['/ip4/127.0.0.1/tcp/0'],
        })
        others.push(p)
        await p.start()
        return p
      }),
    )
    // neither relay subscribes, so neither hears the other's copy and both really send theirs
    await joinProvider(a)
    await joinProvider(b)
    const key: PrivateKey = await generateKeyPair('Ed25519')
    const job = await createJobRequest(await jobSpec(), key)
    const sentinel = await createJobRequest(await jobSpec(), key)
    const before = decoded().length

    const first = await a.services.pubsub.publish(TOPIC, job.bytes)
    expect(first.recipients.map(String)).to.include(provider.node.peerId.toString())
    await waitFor('the provider to accept the job', () => decoded().slice(before).includes('accept '))
    const second = await b.services.pubsub.publish(TOPIC, job.bytes)
    expect(second.recipients.map(String), 'relay b sent its copy').to.include(provider.node.peerId.toString())
    // the sentinel goes the same way after the copy: once it is decoded, the copy has been handled
    await b.services.pubsub.publish(TOPIC, sentinel.bytes)
    await waitFor(
      "the sentinel's verdict",
      () =>
        decoded()
          .slice(before)
          .filter((v) => v === 'accept ').length >= 2,
    )
    expect(decoded().slice(before), 'verdicts: the job, the sentinel, nothing for the copy').to.deep.equal([
      'accept ',
      'accept ',
    ])
  })
})
