// Items 2 and 10, channel side: a provider acks vouchers only in HIVE, only in channels whose
// challenge period is at least its configured minimum, and runs a channel-paid job only once
// the requester has a funded HIVE channel to it. Real nodes, a real Hardhat chain; the hostile
// requester opens its channels with the contract directly and signs its own vouchers.
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ContractFactory, parseEther } from 'ethers'
import { VoucherStatus, openVoucherAck } from '../../protocol/payments/ack.ts'
import { VoucherHasher, voucherToWire } from '../../protocol/payments/voucher.ts'
import { findEvent } from '../../node/payments/chain.ts'
import { sendVoucher } from '../../node/payments/voucher-stream.ts'
import { startDevChain } from '../support/chain.ts'
import { connect, startPayPeer, waitUntil } from '../node/payments/helpers.ts'
import { jobSubscribers } from '../support/topics.ts'
import { buildExamples } from '../../examples/build.ts'
import { openChain } from '../../node/chain/client.ts'
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import { marketService } from '../../node/market/service.ts'
import { paymentsService } from '../../node/payments/service.ts'
import type { ServiceFactory } from '../../node/create.ts'
import type { MarketService } from '../../node/market/service.ts'
import type { HiveNode } from '../../node/node.ts'
import type { PaymentsService } from '../../node/payments/service.ts'
import { TEST_HARDWARE } from '../node/market/helpers.ts'
import type { Wallet } from 'ethers'
import type { Contract } from 'ethers'
import type { DevChain } from '../support/chain.ts'
import type { PayPeer } from '../node/payments/helpers.ts'

describe('security 02/10: channel terms and funding', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  const peers: PayPeer[] = []
  const price = parseEther('1')

  before(async function () {
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-sec02-'))
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  /** The hostile requester opens a channel in `token` with the contract's plain `open`. */
  const openIn = async (token: Contract, provider: string): Promise<string> => {
    const sender = await chain.senderFor(chain.account(1))
    await sender.call(token, 'approve', [await chain.contracts.channel.getAddress(), parseEther('10')])
    const args = [provider, await token.getAddress(), parseEther('10'), 0n]
    const sent = await sender.call(chain.contracts.channel, 'open', args)
    const opened = findEvent(chain.contracts.channel, sent.receipt, 'ChannelOpened')
    return (opened.args as unknown as { channelId: string }).channelId
  }
  type Ack = { status: VoucherStatus; code: string }
  const pay = async (from: PayPeer, to: PayPeer, channelId: string, jobId: string): Promise<Ack> => {
    const hasher = new VoucherHasher(31337n, chain.deployment.contracts.PaymentChannel.address)
    const signature = chain.account(1).signingKey.sign(hasher.digest(channelId, price, 1n)).serialized
    const wire = voucherToWire({
      chainId: 31337n,
      contract: hasher.contract,
      channelId,
      cumulativeAmount: price,
      nonce: 1n,
      signature,
      jobId,
    })
    return await openVoucherAck(await sendVoucher(from.node.libp2p, to.node.peerId, wire), to.node.peerId)
  }
  const expectJob = async (p: PayPeer, jobId: string): Promise<void> => {
    await p.payments.receiver.expect({ jobId, requesterAddress: chain.account(1).address, price })
  }

  it('refuses a voucher in a channel whose token is not HIVE', async () => {
    const requester = await startPayPeer(chain, root, 'r-token', chain.account(1))
    const provider = await startPayPeer(chain, root, 'p-token', chain.account(2))
    peers.push(requester, provider)
    await connect(requester, provider)
    const file = join(import.meta.dirname, '../../artifacts/contracts/test/MockFeeToken.sol/MockFeeToken.json')
    const artifact = JSON.parse(readFileSync(file, 'utf8')) as { abi: []; bytecode: string }
    const factory = new ContractFactory(artifact.abi, artifact.bytecode, chain.account(1).connect(chain.provider))
    const fake = (await (await factory.deploy()).waitForDeployment()) as unknown as Contract
    const sender = await chain.senderFor(chain.account(1))
    await sender.call(fake, 'setFeeOn', [false])
    await sender.call(fake, 'mint', [chain.account(1).address, parseEther('10')])
    const channelId = await openIn(fake, provider.payments.address)
    const jobId = '0x' + '21'.repeat(32)
    await expectJob(provider, jobId)
    const ack = await pay(requester, provider, channelId, jobId)
    expect(ack.status, `ack code ${ack.code}`).to.equal(VoucherStatus.VOUCHER_REJECTED)
    expect(ack.code).to.equal('CHANNEL_WRONG_TOKEN')
  })

  it('refuses a voucher in a channel whose challenge period is below the node minimum', async () => {
    // the devnet's challenge period is below one hour: a provider requiring an hour refuses
    const requester = await startPayPeer(chain, root, 'r-period', chain.account(1))
    const provider = await startPayPeer(chain, root, 'p-period', chain.account(3), { minChallengePeriodSeconds: 3600 })
    peers.push(requester, provider)
    await connect(requester, provider)
    const channelId = await openIn(chain.contracts.token, provider.payments.address)
    const jobId = '0x' + '22'.repeat(32)
    await expectJob(provider, jobId)
    const ack = await pay(requester, provider, channelId, jobId)
    expect(ack.status, `ack code ${ack.code}`).to.equal(VoucherStatus.VOUCHER_REJECTED)
    expect(ack.code).to.equal('CHANNEL_CHALLENGE_TOO_SHORT')
  })

  it(
    'does not start a channel-paid job for a requester without a funded channel, ' + 'and does once it has one',
    async () => {
      const requester = await startPayPeer(chain, root, 'r-fund', chain.account(1))
      const provider = await startPayPeer(chain, root, 'p-fund', chain.account(4), { fundingWaitMs: 2_000 })
      peers.push(requester, provider)
      const hooks = provider.payments.hooks()
      const job = {
        jobId: '23'.repeat(32),
        payment: 'channel' as const,
        requesterAddress: chain.account(1).address,
        price,
        deadline: Date.now() + 600_000,
      }
      const refused = await hooks.beforeExecute(job, AbortSignal.timeout(30_000)).then(
        () => undefined,
        (err: Error & { code?: string }) => err.code ?? err.message,
      )
      expect(refused, 'beforeExecute with no channel').to.equal('CHANNEL_NOT_FUNDED')
      await openIn(chain.contracts.token, provider.payments.address)
      await hooks.beforeExecute({ ...job, jobId: '24'.repeat(32) }, AbortSignal.timeout(30_000))
    },
  )

  it(
    'a requester with no funded channel gets no compute: the provider drops the job before running it ' +
      '(market, real nodes)',
    async () => {
      const started: Array<{ stop: () => Promise<void> }> = []
      type Peer = { node: HiveNode; market: MarketService }
      const startPeer = async (
        name: string,
        roles: string,
        wallet: Wallet,
        hostile: boolean,
        bootstrap?: HiveNode,
      ): Promise<Peer> => {
        const dataDir = join(root, name)
        const bootstrapAddrs = bootstrap?.info().addresses ?? []
        const flags = { listen: ['/ip4/127.0.0.1/tcp/0'], roles, bootstrap: bootstrapAddrs, prices: { wasm: '0.01' } }
        const config = loadConfig({ dataDir, flags })
        const client = await openChain({ settings: chain.settings, wallet, tx: { pollMs: 50 }, pollingIntervalMs: 100 })
        const options = { pollMs: 200, windowBits: 8, fundingWaitMs: 2_000 }
        const honest = paymentsService({ chain: client, options })
        // the hostile requester secures nothing: no channel is ever opened (whatever hook the market calls)
        const payments: ServiceFactory<PaymentsService> = !hostile
          ? honest
          : {
              ...honest,
              create: async (components, services) => {
                const service = await honest.create(components, services)
                if (service !== undefined) {
                  service.securePayment = async (): Promise<void> => {}
                }
                return service
              },
            }
        const node = await createHiveNode(config, {
          hardware: TEST_HARDWARE,
          libp2pDatastore: 'memory',
          services: { payments, market: marketService() },
        })
        await node.start()
        const market = node.services.market!
        started.push({
          stop: async () => {
            await node.stop()
            client.close()
          },
        })
        return { node, market }
      }
      try {
        const wordcount = readFileSync((await buildExamples()).wordcount)
        const requester = await startPeer('m-requester', 'requester', chain.account(1), true)
        const provider = await startPeer('m-provider', 'provider', chain.account(5), false, requester.node)
        const seen: Array<{ type: string; status?: string; outputCid?: string }> = []
        provider.node.events.on((e) => {
          if (e.type === 'provider:accepted' || e.type === 'provider:completed') seen.push(e as { type: string })
        })
        const pubsub = requester.node.libp2p.services.pubsub
        await waitUntil('the provider subscribed to the jobs topic', async () =>
          jobSubscribers(pubsub).some((p) => p.equals(provider.node.peerId)),
        )
        const { jobId } = await requester.market.requester!.post({
          module: wordcount,
          args: ['1'],
          inputs: [{ name: 'a.txt', data: new TextEncoder().encode('free compute please\n') }],
          maxPrice: parseEther('1'),
          // long enough for a loaded machine to bid: the award, not the window, is what this test is about
          bidWindowMs: 2_000,
          payment: 'channel',
        })
        const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
        expect(record.phase, JSON.stringify(record.failure)).to.not.equal('completed')
        expect(record.outputCid).to.equal(undefined)
        expect(
          record.awards.some((a) => a.acceptedAt !== undefined),
          'the provider accepted the award',
        ).to.equal(true)
        expect(
          record.awards.every((a) => a.outputCid === undefined),
          'no output from any provider',
        ).to.equal(true)
        // the provider accepted, then stopped before fetching or running anything: no output
        await waitUntil('the provider gave the job up', async () => seen.some((e) => e.type === 'provider:completed'))
        const done = seen.find((e) => e.type === 'provider:completed')!
        expect(done.status).to.not.equal('EXEC_OK')
        expect(done.outputCid).to.equal(undefined)
      } finally {
        for (const p of started.reverse()) await p.stop().catch(() => {})
      }
    },
  )
})
