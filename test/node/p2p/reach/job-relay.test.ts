// A real job across a relay (issue 13): requester and provider are both private (no TCP
// listener at all, only /p2p-circuit), so every byte between them - request, bid, award, input
// and output blobs, result, voucher - crosses the relay. The relay runs the default market
// policy: it serves the provider because it holds the provider's signed profile, and the
// requester because it is on its allow list. On a real Hardhat chain, with a payment channel:
// the job completes with verified output and the provider holds the voucher that pays it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { buildExamples } from '../../../../examples/build.ts'
import { openChain } from '../../../../node/chain/client.ts'
import { initDataDir } from '../../../../node/config.ts'
import { marketService } from '../../../../node/market/service.ts'
import { paymentsService } from '../../../../node/payments/service.ts'
import type { MarketService } from '../../../../node/market/service.ts'
import type { PaymentsService } from '../../../../node/payments/service.ts'
import type { ChainClient } from '../../../../node/chain/client.ts'
import type { HiveNode } from '../../../../node/node.ts'
import { jobSubscribers } from '../../../support/topics.ts'
import { startDevChain } from '../../../support/chain.ts'
import type { DevChain } from '../../../support/chain.ts'
import { startTestNode } from '../../../support/node.ts'
import { waitFor } from '../../../support/wait.ts'
import type { Wallet } from 'ethers'

interface Paid {
  chain: DevChain
  clients: ChainClient[]
}

/**
 * Relay + private provider + private requester, one wordcount job; with `paid`, both have a
 * payments service on the chain and the job is paid by channel. Returns what the test checks.
 */
async function relayedJob(root: string, nodes: HiveNode[], paid?: Paid) {
  const wordcount = readFileSync((await buildExamples()).wordcount)
  const requesterId = (await initDataDir(join(root, 'requester'))).peerId
  // the relay is also a provider subscribed to the job topic (so gossip reaches the private
  // provider through it), priced far above the job's maximum so that it never bids
  const relay = await startTestNode('relay', {
    root,
    roles: 'provider',
    price: '1000000',
    settings: { relayServer: true, reachability: 'public', relayAllowPeers: [requesterId] },
    services: { market: marketService() },
  })
  nodes.push(relay)
  const privatePeer = async (name: string, roles: string, wallet: Wallet | undefined) => {
    let payments: ReturnType<typeof paymentsService> | undefined
    if (paid !== undefined && wallet !== undefined) {
      const client = await openChain({
        settings: paid.chain.settings,
        wallet,
        tx: { pollMs: 50 },
        pollingIntervalMs: 100,
      })
      paid.clients.push(client)
      payments = paymentsService({
        chain: client,
        options: { pollMs: 200, windowBits: 8, channelDeposit: parseEther('10') },
      })
    }
    const node = await startTestNode(name, {
      root,
      roles,
      bootstrap: relay,
      price: '0.01',
      libp2pDatastore: 'memory',
      settings: { listen: [], reachability: 'private', relayReservations: 1 },
      services: payments !== undefined ? { payments, market: marketService() } : { market: marketService() },
    })
    nodes.push(node)
    return node
  }
  const provider = await privatePeer('provider', 'provider', paid?.chain.account(2))
  const requester = await privatePeer('requester', 'requester', paid?.chain.account(1))
  expect(requester.peerId.toString()).to.equal(requesterId)
  for (const n of [provider, requester]) {
    await waitFor(() => n.info().addresses.find((a) => a.includes('/p2p-circuit')), { timeoutMs: 30_000 })
    expect(
      n.info().addresses.every((a) => a.includes('/p2p-circuit')),
      'only circuit addresses published',
    ).to.equal(true)
  }
  // the provider must be in the job topic's mesh through the relay before the job is gossiped
  await waitFor(() =>
    jobSubscribers(relay.libp2p.services.pubsub).some((p) => p.equals(provider.peerId)) ? true : undefined,
  )
  // job topics are sharded (the provider may not be on the job's shard): the job reaches it by
  // the requester's direct push, so the requester must know it (its discovery view, via the DHT)
  await waitFor(
    async () => {
      const found = await requester.findProviders({ executor: 'wasm' }, { signal: AbortSignal.timeout(5_000) })
      if (!found.some((p) => p.peerId === provider.peerId.toString())) return undefined
      // ... from the profile signed after the provider's reservation, the one that carries its
      // circuit address (an earlier profile has none, and a push would have nothing to dial)
      const known = await requester.libp2p.peerStore.get(provider.peerId).catch(() => undefined)
      return known?.addresses.some((a) => a.multiaddr.toString().includes('/p2p-circuit')) === true || undefined
    },
    { timeoutMs: 30_000 },
  )

  const market = (requester.services as { market?: MarketService }).market!.requester!
  const { jobId } = await market.post({
    module: wordcount,
    inputs: [{ name: 'a.txt', data: new TextEncoder().encode('one two three\n') }],
    args: ['1'],
    maxPrice: parseEther('1'),
    // the push and the bid each cross a relay circuit (a new one under load can take seconds); the
    // early award closes the window as soon as the one pushed candidate has bid
    bidWindowMs: 5000,
    payment: 'channel',
  })
  const record = await market.wait(jobId, { signal: AbortSignal.timeout(60_000) })
  expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
  const award = record.awards.find((a) => a.status === 'delivered')!
  expect(award.provider).to.equal(provider.peerId.toString())

  // every connection between them is relayed, and the relay carried the job
  const between = requester.libp2p.getConnections(provider.peerId)
  expect(between.length).to.be.greaterThan(0)
  expect(between.every((c) => c.limits !== undefined && c.remoteAddr.toString().includes('/p2p-circuit'))).to.equal(
    true,
  )
  const server = relay.info().reach!.relayServer!
  expect(server.policy).to.equal('market')
  expect(server.reservations).to.equal(2)
  expect(server.bytesRelayed).to.be.greaterThan(1000)
  return { provider, requester, relay, award, record }
}

describe('node/p2p/reach: a job between two private peers, through a relay', function () {
  this.timeout(90_000)
  let root: string
  const nodes: HiveNode[] = []
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-reach-job-'))
  })
  afterEach(async () => {
    for (const n of nodes.splice(0).reverse()) await n.stop().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  })

  it('completes with verified output, every message and blob over the relayed connection', async () => {
    const { record } = await relayedJob(root, nodes)
    expect(record.outputCid).to.be.a('string')
  })
})

describe('node/p2p/reach: a paid job between two private peers, through a relay (Hardhat chain)', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  const nodes: HiveNode[] = []
  const clients: ChainClient[] = []

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-reach-paid-'))
  })
  after(async () => {
    for (const n of nodes.splice(0).reverse()) await n.stop().catch(() => {})
    for (const c of clients) c.close()
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('completes with verified output and the provider holds the channel voucher that pays it', async () => {
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    await chain.giveHive(chain.account(2).address, parseEther('1000'))
    const { provider, award } = await relayedJob(root, nodes, { chain, clients })
    const payments = (provider.services as { payments?: PaymentsService }).payments!
    await waitFor(
      async () => {
        const [ch] = await payments.channels.list({ role: 'provider' })
        if (ch === undefined) return undefined
        const best = await payments.channels.best(ch.channelId)
        return best?.cumulativeAmount === award.price ? true : undefined
      },
      { timeoutMs: 30_000 },
    )
  })
})
