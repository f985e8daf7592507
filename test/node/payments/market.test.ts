// Real jobs through the market with payments hooked in, on a real Hardhat chain: a channel job
// is paid with a voucher the provider holds, an escrow job is created at award, committed by the
// provider and released by the requester, results carry EIP-712 commitments, and a provider
// that signs a second, different commitment for a job is slashed with the stored evidence.
import { expect } from 'chai'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { CID } from 'multiformats/cid'
import { buildExamples } from '../../../examples/build.ts'
import { openChain } from '../../../node/chain/client.ts'
import { loadConfig } from '../../../node/config.ts'
import { sendRequest } from '../../../node/market/direct.ts'
import { marketService } from '../../../node/market/service.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'
import { createHiveNode } from '../../../node/create.ts'
import { paymentsService } from '../../../node/payments/service.ts'
import { escrowId, hashResultCommitment, registryDomain } from '../../../protocol/eip712.ts'
import { ExecStatus } from '../../../protocol/gen/market.ts'
import { signResult } from '../../../protocol/market/build.ts'
import { commitmentFor, encodeCommitment } from '../../../protocol/payments/commitment.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import { startDevChain } from '../../support/chain.ts'
import { TEST_HARDWARE } from '../market/helpers.ts'
import { waitUntil } from './helpers.ts'
import type { ChainClient } from '../../../node/chain/client.ts'
import type { PaymentsService } from '../../../node/payments/service.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Wallet } from 'ethers'
import { jobSubscribers } from '../../support/topics.ts'

interface Peer {
  node: HiveNode
  market: MarketService
  payments: PaymentsService
  client: ChainClient
  key: PrivateKey
  wallet: Wallet
}

describe('node/payments with the market', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  let requester: Peer
  let provider: Peer
  let wordcount: Uint8Array
  const text = (s: string): Uint8Array => new TextEncoder().encode(s)

  async function startPeer(name: string, roles: string, wallet: Wallet, bootstrap?: Peer): Promise<Peer> {
    const dataDir = join(root, name)
    const config = loadConfig({
      dataDir,
      flags: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        roles,
        bootstrap: bootstrap?.node.info().addresses ?? [],
        prices: { wasm: '0.01' },
        allowPrivateAddrs: true,
      },
    })
    const client = await openChain({ settings: chain.settings, wallet, tx: { pollMs: 50 }, pollingIntervalMs: 100 })
    const node = await createHiveNode(config, {
      hardware: TEST_HARDWARE,
      libp2pDatastore: 'memory',
      services: {
        payments: paymentsService({
          chain: client,
          options: { pollMs: 200, windowBits: 8, channelDeposit: parseEther('10') },
        }),
        market: marketService(),
      },
    })
    await node.start()
    const key = node.privateKey
    const payments = node.services.payments!
    const market = node.services.market!
    return { node, market, payments, client, key, wallet }
  }

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-paymarket-'))
    wordcount = readFileSync((await buildExamples()).wordcount)
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    await chain.giveHive(chain.account(2).address, parseEther('1000'))
    requester = await startPeer('requester', 'requester', chain.account(1))
    provider = await startPeer('provider', 'provider', chain.account(2), requester)
    // a job is flood-published to every peer the requester knows subscribes to the jobs topic:
    // wait for exactly that instead of a fixed pause
    const pubsub = requester.node.libp2p.services.pubsub
    await waitUntil('the requester sees the provider subscribed to the jobs topic', async () =>
      jobSubscribers(pubsub).some((s) => s.equals(provider.node.peerId)),
    )
  })
  after(async () => {
    for (const p of [provider, requester])
      if (p !== undefined) {
        await p.node.stop().catch(() => {})
        p.client.close()
      }
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  async function runJob(payment: 'channel' | 'escrow', input: string): Promise<{ jobId: string; price: bigint }> {
    const { jobId } = await requester.market.requester!.post({
      module: wordcount,
      inputs: [{ name: 'a.txt', data: text(input) }],
      args: ['1'],
      maxPrice: parseEther('1'),
      bidWindowMs: 400,
      payment,
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    return { jobId, price: BigInt(record.awards.find((a) => a.status === 'delivered')!.price) }
  }

  it('pays a channel job with a voucher the provider holds, and keeps its result commitment', async () => {
    const { jobId, price } = await runJob('channel', 'one two three\n')
    const record = await requester.market.requester!.get(jobId)
    await waitUntil('the provider holds the voucher', async () => {
      const [ch] = await provider.payments.channels.list({ role: 'provider' })
      return (
        ch !== undefined && (await provider.payments.channels.best(ch.channelId))?.cumulativeAmount === price.toString()
      )
    })
    const [ch] = await requester.payments.channels.list({ role: 'requester' })
    expect(ch.provider).to.equal(provider.payments.address)
    // the requester kept the provider's signed commitment
    const kept = await requester.payments.evidence.commitment(jobId, provider.payments.address)
    expect(kept?.commitment.outputHash).to.equal(
      `0x${Buffer.from(CID.parse(record!.outputCid!).multihash.digest).toString('hex')}`,
    )
  })

  it('escrow mode: created at award, committed by the provider, released on the verified result', async () => {
    const before = await chain.contracts.token.balanceOf.staticCall(provider.payments.address)
    const { jobId, price } = await runJob('escrow', 'escrow words here\n')
    const id = escrowId(`0x${jobId}`, requester.payments.address, provider.payments.address)
    await waitUntil('released', async () => (await requester.payments.escrow.get(id))?.state === 'released')
    const onChain = (await chain.contracts.escrow.escrow.staticCall(id)) as {
      status: bigint
      resultHash: string
    }
    expect(onChain.status).to.equal(3n) // Released
    expect((await provider.payments.escrow.get(id))?.resultHash).to.equal(onChain.resultHash)
    // the release credits the provider; its node withdraws the credit
    await waitUntil(
      'the provider withdrew',
      async () => (await chain.contracts.token.balanceOf.staticCall(provider.payments.address)) - before === price,
    )
  })

  it('a second, different commitment for one job becomes evidence and `slash` takes the stake', async () => {
    // the provider stakes (it signs results, so it can lose that stake)
    const minStake = await chain.contracts.params.minProviderStake.staticCall()
    const sender = await chain.senderFor(provider.wallet)
    await sender.call(chain.contracts.token, 'approve', [await chain.contracts.registry.getAddress(), minStake])
    await sender.call(chain.contracts.registry, 'stake', [minStake, peerIdToBytes(provider.node.peerId)])
    const { jobId } = await runJob('channel', 'evidence please\n')
    // the provider's key now signs another output for the same job and sends it as a Result
    const other = CID.parse('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
    const c = commitmentFor(jobId, provider.payments.address, other)
    const sig = provider.wallet.signingKey.sign(
      hashResultCommitment(registryDomain(chain.chainId, await chain.contracts.registry.getAddress()), c),
    ).serialized
    const forged = await signResult(
      {
        jobId,
        status: ExecStatus.EXEC_OK,
        outputCid: other,
        outputSize: 1,
        metering: { wallMs: 1, cpuMs: 1, peakMemoryBytes: 1 },
        completedAt: Date.now(),
        commitment: encodeCommitment(c),
        commitmentSignature: Buffer.from(sig.slice(2), 'hex'),
      },
      provider.key,
    )
    await sendRequest(provider.node.libp2p, requester.node.peerId, 'result', forged).catch(() => {})
    await waitUntil('evidence stored', async () => (await requester.payments.evidence.list()).length === 1)
    const slashed = await requester.payments.evidence.slash(jobId)
    expect(slashed.slashTx).to.match(/^0x[0-9a-f]{64}$/)
    expect(
      await chain.contracts.registry.isEquivocationPunished.staticCall(provider.payments.address, `0x${jobId}`),
    ).to.equal(true)
  })
})
