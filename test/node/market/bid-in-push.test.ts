// The bid in the push's reply (issue 14: one exchange per pushed provider instead of two). On
// /hive/request/2.0.0 a provider that will bid answers with its signed bid; a requester takes it
// only as it takes a bid on /hive/bid (signed by the peer it pushed to, for that job); a
// provider that speaks only /hive/request/1.0.0 still gets its jobs, its bid on /hive/bid.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { WorkerPool } from '../../../node/exec/index.ts'
import { handleDirect, sendRequest } from '../../../node/market/direct.ts'
import { createHiveLibp2p } from '../../../node/p2p/create.ts'
import { cidForBytes } from '../../../protocol/cid.ts'
import { ReplyStatus } from '../../../protocol/gen/market.ts'
import { createJobRequest, signBid } from '../../../protocol/market/build.ts'
import { okReply } from '../../../protocol/market/direct.ts'
import { validateBid } from '../../../protocol/market/validate-bid.ts'
import { PROTOCOLS, jobsTopic } from '../../../protocol/topics.ts'
import { SeenCache } from '../../../protocol/market/seen-cache.ts'
import { validateJobRequest } from '../../../protocol/market/validate-job.ts'
import { jobSubscribers } from '../../support/topics.ts'
import { startMarketPeer, text, waitFor } from './helpers.ts'
import type { MarketPeer } from './helpers.ts'
import type { HiveLibp2p } from '../../../node/p2p/create.ts'
import type { JobSpecInput } from '../../../protocol/market/build.ts'
import type { JobRecord } from '../../../node/market/job-record.ts'
import type { PrivateKey } from '@libp2p/interface'

const HIVE = 10n ** 18n
const UNSHARDED = { jobShards: 1 }

/** A job any provider here would bid on, signed by the caller's key. */
async function jobSpec(): Promise<JobSpecInput> {
  const module = text('never fetched: nobody is awarded')
  return {
    executor: 'wasm',
    module: await cidForBytes(module),
    moduleSize: module.byteLength,
    limits: { memoryBytes: 16 * 1024 * 1024, wallTimeMs: 1000, outputBytes: 1024 },
    maxPrice: HIVE,
    payment: 'channel',
    redundancy: 1,
    bidWindowMs: 5_000,
    deadline: Date.now() + 60_000,
    createdAt: Date.now(),
    nonce: randomBytes(16),
  }
}

describe('node/market: the bid in the push reply', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-bid-in-push-'))
  const pool = new WorkerPool({ size: 1 })
  const peers: MarketPeer[] = []
  const bare: HiveLibp2p[] = []

  after(async () => {
    for (const b of bare) await Promise.resolve(b.stop()).catch(() => {})
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  async function bareNode(key: PrivateKey): Promise<HiveLibp2p> {
    const node = await createHiveLibp2p({ privateKey: key, listen: ['/ip4/127.0.0.1/tcp/0'] })
    bare.push(node)
    await node.start()
    return node
  }

  it('a provider answers a version-2 push with its signed bid, a version-1 push with the bid apart', async () => {
    const provider = await startMarketPeer('provider', { roles: 'provider', root, pool, settings: UNSHARDED })
    peers.push(provider)
    // the asking side: a bare node that signs job requests and counts bids on /hive/bid
    const key = await generateKeyPair('Ed25519')
    const asker = await bareNode(key)
    const apart: Uint8Array[] = []
    await handleDirect({
      libp2p: asker,
      protocol: 'bid',
      handle: async (bytes) => {
        apart.push(bytes)
        return okReply()
      },
    })
    await asker.dial(multiaddr(provider.node.info().addresses[0]))
    const addrs = asker.getMultiaddrs().map((a) => a.toString())

    const v2 = await createJobRequest(await jobSpec(), key, addrs)
    const reply = await sendRequest(asker, provider.node.peerId, 'requestBid', v2.bytes)
    expect([reply.status, reply.code]).to.deep.equal([ReplyStatus.REPLY_OK, ''])
    const bid = await validateBid(reply.envelope, {
      now: Date.now(),
      expectedProvider: provider.node.peerId,
      lookupJob: (jobId) => (jobId === v2.jobId ? { maxPrice: HIVE } : undefined),
      seen: fresh(),
    })
    expect(bid.jobId).to.equal(v2.jobId)
    expect(bid.bid.lotteryEstimate, 'a pushed bid claims no lottery win').to.equal(0)

    const v1 = await createJobRequest(await jobSpec(), key, addrs)
    const old = await sendRequest(asker, provider.node.peerId, 'request', v1.bytes)
    expect([old.status, old.code, old.envelope.byteLength]).to.deep.equal([ReplyStatus.REPLY_OK, '', 0])
    await waitFor('the version-1 bid on /hive/bid', () => apart.length === 1)
    expect(apart, 'only the version-1 push brought a bid on /hive/bid').to.have.length(1)
  })

  it('a requester takes a bid from a push reply only when the pushed peer signed it for that job', async () => {
    const requester = await startMarketPeer('requester', { roles: 'requester', root, settings: UNSHARDED })
    peers.push(requester)
    // would-be providers: on the jobs topic (so the requester pushes to them), each answering a
    // version-2 push with the bid its `answer` makes
    const stranger = await generateKeyPair('Ed25519')
    const bidBy = async (signer: PrivateKey, jobId: string): Promise<Uint8Array> =>
      okReply(
        await signBid({ jobId, price: HIVE / 10n, estimatedDurationMs: 1, expiresAt: Date.now() + 60_000 }, signer),
      )
    const pushes: string[] = []
    const fake = async (answer: (key: PrivateKey, jobId: string) => Promise<Uint8Array>): Promise<HiveLibp2p> => {
      const key = await generateKeyPair('Ed25519')
      const node = await bareNode(key)
      await handleDirect({
        libp2p: node,
        protocol: 'requestBid',
        handle: async (bytes) => {
          const { jobId } = await validateJobRequest(bytes, { now: Date.now(), seen: fresh() })
          pushes.push(jobId)
          return await answer(key, jobId)
        },
      })
      await node.dial(multiaddr(requester.node.info().addresses[0]))
      node.services.pubsub.subscribe(jobsTopic('wasm'))
      return node
    }
    // someone else's bid: signed by a key that is not the peer the push went to
    const impostor = await fake(async (_key, jobId) => await bidBy(stranger, jobId))
    // its own bid, but for another job
    const elsewhere = await fake(async (key) => await bidBy(key, 'ab'.repeat(32)))
    // its own bid for this job: taken, though it never spoke /hive/bid
    const honest = await fake(async (key, jobId) => await bidBy(key, jobId))
    const fakes = [impostor, elsewhere, honest]
    await waitFor('the three on the jobs topic', () => {
      const subscribers = requester.node.libp2p.services.pubsub.getSubscribers(jobsTopic('wasm'))
      return fakes.every((f) => subscribers.some((p) => p.equals(f.peerId)))
    })

    const { jobId } = await requester.market.requester!.post({
      module: text('\0asm\x01\0\0\0'),
      maxPrice: HIVE,
      bidWindowMs: 1_000,
    })
    let record: JobRecord | undefined
    await waitFor('the job awarded (its bidding over)', () => {
      void requester.market.requester!.get(jobId).then((r) => {
        record = r
      })
      return (record?.awards.length ?? 0) > 0
    })
    expect(
      pushes.filter((j) => j === jobId),
      'each of the three was pushed the job',
    ).to.have.length(3)
    expect(record!.bids.map((b) => b.provider)).to.deep.equal([honest.peerId.toString()])
    expect(record!.awards.map((a) => a.provider)).to.deep.equal([honest.peerId.toString()])
  })

  it('a provider that speaks only /hive/request/1.0.0 still gets its job, its bid on /hive/bid', async () => {
    const requester = await startMarketPeer('requester-2', { roles: 'requester', root })
    peers.push(requester)
    const provider = await startMarketPeer('provider-v1', { roles: 'provider', root, pool, bootstrap: requester })
    peers.push(provider)
    await provider.node.libp2p.unhandle(PROTOCOLS.requestBid)
    const wordcount = readFileSync((await buildExamples()).wordcount)
    await waitFor(
      'the provider on the jobs topic',
      () => jobSubscribers(requester.node.libp2p.services.pubsub).length === 1,
    )
    const before = requester.node.counters.get('bid', 'OK')
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'in.txt', data: text('one two\n') }],
      maxPrice: HIVE,
      bidWindowMs: 1_000,
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(20_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    expect(record.bids.map((b) => b.provider)).to.deep.equal([provider.node.peerId.toString()])
    expect(requester.node.counters.get('bid', 'OK') - before, 'its bid came on /hive/bid').to.equal(1)
  })
})

/** a replay cache of its own for a check made here */
const fresh = (): SeenCache => new SeenCache({ capacity: 16, ttlMs: 60_000 })
