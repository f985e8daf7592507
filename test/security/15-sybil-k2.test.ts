// Issue 15, finding 1: redundancy can be bought. A k = 2 job is a check only if its two providers
// are independent, but a peer id is free and the registry lets an address move its stake to
// another peer id (setPeerId). One owner stakes once, bids under peer id A, rebinds the same stake
// to peer id B and bids again: at lookup time each bid is backed by the owner's stake, and both
// undercut the honest provider. Against the wire (two hostile libp2p peers speaking the market
// protocols by hand, a real requester and an honest provider) and a real Hardhat chain, the two
// Sybils must never hold both slots of the job.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Wallet, hexlify, parseEther } from 'ethers'
import { openChain } from '../../node/chain/client.ts'
import { chainService } from '../../node/chain/service.ts'
import type { ChainService } from '../../node/chain/service.ts'
import { peerIdBytes } from '../../node/chain/binding.ts'
import { depositStake } from '../../node/chain/staking.ts'
import { DEVNET_KDF, createWallet } from '../../node/chain/wallet.ts'
import { marketService } from '../../node/market/service.ts'
import type { MarketService } from '../../node/market/service.ts'
import type { HiveNode } from '../../node/node.ts'
import { jobSubscribers } from '../support/topics.ts'
import { startDevChain } from '../support/chain.ts'
import type { DevChain } from '../support/chain.ts'
import { startTestNode } from '../support/node.ts'
import { waitFor } from '../support/wait.ts'
import { HostilePeer, wordcountModule } from './exchange-peers.ts'

const PASS = 'test passphrase'
const HIVE = 10n ** 18n

interface Peer {
  node: HiveNode
  market: MarketService
  chain: ChainService
}

describe('security 15: two Sybils of one stake owner never fill both slots of a k = 2 job', function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec15-sybil-'))
  let chain: DevChain
  let requester: Peer
  let honest: Peer
  let sybilA: HostilePeer
  let sybilB: HostilePeer
  let owner: Wallet
  let module: Uint8Array

  async function startPeer(name: string, roles: string, price: string, bootstrap?: HiveNode): Promise<Peer> {
    mkdirSync(join(root, name), { recursive: true, mode: 0o700 })
    const { address } = await createWallet(join(root, name), PASS, { kdf: DEVNET_KDF })
    await chain.setEth(address, parseEther('10'))
    // the requester looks at every bid of the window (no early award), as a careful one would
    const node = await startTestNode(name, {
      root,
      roles,
      price,
      ...(bootstrap !== undefined ? { bootstrap } : {}),
      settings: { rpcUrl: chain.url, deployments: chain.deploymentsDir },
      services: { chain: chainService({ passphrase: PASS }), market: marketService({ policy: { reserve: 99 } }) },
    })
    return { node, market: node.services.market!, chain: node.services.chain! }
  }

  before(async function () {
    this.timeout(180_000)
    chain = await startDevChain()
    module = await wordcountModule()
    requester = await startPeer('requester', 'requester', '0.001')
    honest = await startPeer('honest', 'provider', '0.004', requester.node)
    await chain.giveHive(honest.chain.address, 1000n * HIVE)
    await depositStake(honest.chain.client, honest.node.peerId, 150n * HIVE)
    await waitFor(() => honest.chain.canBid(), { what: 'the honest provider to see its own stake', timeoutMs: 20_000 })

    sybilA = await HostilePeer.start(root, 'sybil-a')
    sybilB = await HostilePeer.start(root, 'sybil-b')
    for (const s of [sybilA, sybilB]) {
      s.subscribeJobs()
      await s.dial(requester.node)
    }
    // one owner, one stake, first bound to peer id A
    owner = new Wallet(Wallet.createRandom().privateKey, chain.provider)
    await chain.setEth(owner.address, parseEther('10'))
    await chain.giveHive(owner.address, 1000n * HIVE)
    const outside = await openChain({ settings: chain.settings, wallet: owner })
    try {
      await depositStake(outside, sybilA.peerId, 150n * HIVE)
    } finally {
      outside.close()
    }

    const pubsub = requester.node.libp2p.services.pubsub
    await waitFor(
      () =>
        [honest.node.peerId, sybilA.peerId, sybilB.peerId].every((p) =>
          jobSubscribers(pubsub).some((s) => s.equals(p)),
        ),
      { what: 'every provider subscribed to the jobs topic, as the requester sees it', timeoutMs: 30_000 },
    )
  })

  after(async () => {
    for (const s of [sybilA, sybilB]) await s?.stop()
    for (const p of [requester, honest]) await p?.node.stop().catch(() => {})
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it("the owner's second peer id (same stake, rebound) does not take the second slot", async () => {
    const r = requester.market.requester!
    const { jobId } = await r.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode('one two three\n') }],
      maxPrice: HIVE,
      redundancy: 2,
      bidWindowMs: 8_000,
      timeoutMs: 60_000,
    })
    const bidsOf = async (): Promise<string[]> => (await r.get(jobId))?.bids.map((b) => b.provider) ?? []
    // Sybil A bids far below the honest price, backed by the owner's stake
    const jobA = await waitFor(() => sybilA.jobs.find((j) => j.jobId === jobId), { what: 'sybil A to hear the job' })
    await sybilA.bid(jobA, HIVE / 10_000n, owner.address)
    await waitFor(async () => (await bidsOf()).includes(sybilA.peerId.toString()), {
      what: "the requester to keep A's bid",
    })
    // the owner moves the same stake to peer id B, which bids too
    const sender = await chain.senderFor(owner)
    await sender.call(chain.contracts.registry, 'setPeerId', [hexlify(peerIdBytes(sybilB.peerId))])
    const jobB = await waitFor(() => sybilB.jobs.find((j) => j.jobId === jobId), { what: 'sybil B to hear the job' })
    await sybilB.bid(jobB, HIVE / 10_000n + 1n, owner.address)
    await waitFor(async () => (await bidsOf()).includes(sybilB.peerId.toString()), {
      what: "the requester to keep B's bid",
    })
    expect(
      await requester.chain.stakeOf(sybilB.peerId, owner.address),
      "B is backed by the owner's stake",
    ).to.deep.include({ stake: 150n * HIVE })

    // both slots placed (the window closes, the awards go out and are accepted)
    const record = await waitFor(
      async () => {
        const rec = await r.get(jobId)
        return rec !== undefined && rec.awards.filter((a) => a.acceptedAt !== undefined).length >= 2 ? rec : undefined
      },
      { what: 'two accepted awards', timeoutMs: 40_000 },
    )
    const placed = record.awards.filter((a) => a.acceptedAt !== undefined).map((a) => a.provider)
    const sybils = [sybilA.peerId.toString(), sybilB.peerId.toString()]
    expect(
      placed.filter((p) => sybils.includes(p)),
      `awards ${JSON.stringify(placed)}: one owner holds at most one slot`,
    ).to.have.lengthOf(1)
    expect(placed, 'the other slot went to the independent provider').to.include(honest.node.peerId.toString())
  })
})
