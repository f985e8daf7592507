// Item 3: one bad channel must not stop the watchtower, and a flood of tiny channels must not make
// it spend more gas than the vouchers it defends are worth. A hostile requester (a real libp2p
// node speaking /hive/voucher/1.0.0 with vouchers signed by its own wallet) opens channels on a
// real Hardhat chain: one in a token it then makes revert on every transfer, tiny ones in HIVE,
// and starts closing them unilaterally; an honest requester node's close comes after.
import { expect } from 'chai'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Contract, ContractFactory, parseEther } from 'ethers'
import type { InterfaceAbi, Wallet } from 'ethers'
import { openVoucherAck, VoucherStatus } from '../../protocol/payments/ack.ts'
import { VoucherHasher, voucherToWire } from '../../protocol/payments/voucher.ts'
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import type { HiveNode } from '../../node/node.ts'
import { findEvent } from '../../node/payments/chain.ts'
import { sendVoucher } from '../../node/payments/voucher-stream.ts'
import { startDevChain } from '../support/chain.ts'
import { TEST_HARDWARE } from '../node/market/helpers.ts'
import { connect, expectJob, startPayPeer, waitUntil } from '../node/payments/helpers.ts'
import type { NodeEvent } from '../../node/controller.ts'
import type { DevChain } from '../support/chain.ts'
import type { PayPeer } from '../node/payments/helpers.ts'

const ARTIFACT = resolve(
  import.meta.dirname,
  '..',
  '..',
  'artifacts',
  'contracts',
  'test',
  'MockRevertToken.sol',
  'MockRevertToken.json',
)

/** A requester that opens channels by hand and speaks only the voucher protocol. */
class HostileRequester {
  readonly node: HiveNode
  readonly wallet: Wallet
  readonly chain: DevChain
  private readonly hasher: VoucherHasher

  constructor(node: HiveNode, wallet: Wallet, chain: DevChain) {
    this.node = node
    this.wallet = wallet
    this.chain = chain
    this.hasher = new VoucherHasher(BigInt(chain.chainId), chain.deployment.contracts.PaymentChannel.address)
  }

  static async start(chain: DevChain, root: string, wallet: Wallet): Promise<HostileRequester> {
    const flags = { listen: ['/ip4/127.0.0.1/tcp/0'], roles: 'requester' }
    const config = loadConfig({ dataDir: join(root, 'hostile'), flags })
    const node = await createHiveNode(config, { hardware: TEST_HARDWARE, libp2pDatastore: 'memory' })
    await node.start()
    return new HostileRequester(node, wallet, chain)
  }

  async open(token: Contract, provider: string, deposit: bigint): Promise<string> {
    const sender = await this.chain.senderFor(this.wallet)
    const channel = this.chain.contracts.channel
    await sender.call(token, 'approve', [await channel.getAddress(), deposit])
    const sent = await sender.call(channel, 'open', [provider, await token.getAddress(), deposit, 0n])
    return String(findEvent(channel, sent.receipt, 'ChannelOpened').args.channelId)
  }

  /**
   * Sends a voucher validly signed by the channel's requester; returns whether the provider stored
   * it. (A provider that refuses it, e.g. for its token, never learns the channel: the watchtower
   * then has nothing to answer there, and the honest close must be answered all the same.)
   */
  async pay(to: PayPeer, channelId: string, cumulativeAmount: bigint, nonce: bigint): Promise<boolean> {
    const signature = this.wallet.signingKey.sign(this.hasher.digest(channelId, cumulativeAmount, nonce)).serialized
    const { chainId, contract } = this.hasher
    const wire = voucherToWire({ chainId, contract, channelId, cumulativeAmount, nonce, signature })
    await this.node.libp2p.peerStore.merge(to.node.peerId, { multiaddrs: to.node.libp2p.getMultiaddrs() })
    const ack = await openVoucherAck(await sendVoucher(this.node.libp2p, to.node.peerId, wire), to.node.peerId)
    return ack.status === VoucherStatus.VOUCHER_ACCEPTED
  }

  async startClose(channelId: string): Promise<void> {
    await (await this.chain.senderFor(this.wallet)).call(this.chain.contracts.channel, 'startClose', [channelId])
  }

  async stop(): Promise<void> {
    await this.node.stop()
  }
}

describe('security 03: the watchtower', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  let hostile: HostileRequester
  const peers: PayPeer[] = []

  /** What the chain paid the provider when `channelId` closed, once it has closed (either way). */
  const closedPayout = async (channelId: string): Promise<bigint> => {
    const channel = chain.contracts.channel
    let payout: bigint | undefined
    await waitUntil(
      `channel ${channelId} closed on chain`,
      async () => {
        // typed by the contract's binding: the event's args are named and typed
        payout = (await channel.queryFilter(channel.filters.ChannelClosed(channelId)))[0]?.args.payout
        return payout !== undefined
      },
      30_000,
    )
    return payout!
  }
  const chainStatus = async (channelId: string): Promise<bigint> =>
    BigInt(((await chain.contracts.channel.channel.staticCall(channelId)) as { status: bigint }).status)

  before(async function () {
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-sec03-'))
    await chain.giveHive(chain.account(1).address, parseEther('100'))
    await chain.giveHive(chain.account(5).address, parseEther('1'))
    hostile = await HostileRequester.start(chain, root, chain.account(5))
  })
  after(async () => {
    await hostile?.stop().catch(() => {})
    for (const p of peers) await p.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('a close that always reverts does not stop the watchtower answering an honest close after it', async () => {
    const provider = await startPayPeer(chain, root, 'p1', chain.account(2))
    const requester = await startPayPeer(chain, root, 'r1', chain.account(1), { channelDeposit: parseEther('10') })
    peers.push(provider, requester)
    const alerts: NodeEvent[] = []
    provider.node.events.on((e) => {
      if (e.type === 'log' && e.level === 'error') alerts.push(e)
    })

    // the hostile channel: a token that later reverts on every transfer, so closeWithVoucher can never succeed
    const artifact = JSON.parse(readFileSync(ARTIFACT, 'utf8')) as { abi: InterfaceAbi; bytecode: string }
    const deployed = await new ContractFactory(artifact.abi, artifact.bytecode, chain.account(5)).deploy()
    await deployed.waitForDeployment()
    const rev = new Contract(await deployed.getAddress(), artifact.abi, chain.provider)
    await (await chain.senderFor(chain.account(5))).call(rev, 'mint', [chain.account(5).address, parseEther('50')])
    const bad = await hostile.open(rev, provider.payments.address, parseEther('50'))
    const known = await hostile.pay(provider, bad, parseEther('20'), 1n)
    await (await chain.senderFor(chain.account(5))).call(rev, 'setBlocked', [true])
    await hostile.startClose(bad)

    // an honest requester pays 3 HIVE and closes after it
    await connect(requester, provider)
    const to = { provider: provider.payments.address, peer: provider.node.peerId }
    const paid = await requester.payments.payer.pay({
      ...to,
      amount: parseEther('3'),
      jobId: await expectJob(provider, requester, '3a'.repeat(32), parseEther('3')),
    })
    await requester.payments.closeChannel(paid.channelId)

    // answered by the provider's voucher within the challenge window, not finalized to the requester for nothing
    expect(await closedPayout(paid.channelId)).to.equal(parseEther('3'))
    // and the failing channel was reported, by id
    const named = async (): Promise<boolean> => alerts.some((e) => JSON.stringify(e).includes(bad.toLowerCase()))
    if (known) await waitUntil('an alert naming the bad channel', named)
  })

  it('tiny channels whose vouchers are worth less than the gas are not answered', async () => {
    const provider = await startPayPeer(chain, root, 'p2', chain.account(3))
    const requester = peers.find((p) => p.payments.address === chain.account(1).address)!
    peers.push(provider)
    const blockBefore = await chain.provider.getBlockNumber()
    // the provider's transactions to the PaymentChannel contract but for withdraw (its credit
    // sweep runs on its own poll, racing this check): the closes it answered
    const closesSent = async (): Promise<number> => {
      const channelAddress = (await chain.contracts.channel.getAddress()).toLowerCase()
      const withdraw = chain.contracts.channel.interface.getFunction('withdraw')!.selector
      let n = 0
      for (let b = blockBefore + 1; b <= (await chain.provider.getBlockNumber()); b++) {
        for (const tx of (await chain.provider.getBlock(b, true))!.prefetchedTransactions) {
          if (
            tx.from === provider.payments.address &&
            tx.to?.toLowerCase() === channelAddress &&
            !tx.data.startsWith(withdraw)
          )
            n++
        }
      }
      return n
    }

    // a fully spent tiny channel (the provider's low-funds rule would close it) and a partly
    // spent one closed unilaterally (its challenge would be answered)
    const spent = await hostile.open(chain.contracts.token, provider.payments.address, 1_000n)
    expect(await hostile.pay(provider, spent, 1_000n, 1n)).to.be.a('boolean')
    const closed = await hostile.open(chain.contracts.token, provider.payments.address, 1_000_000n)
    expect(await hostile.pay(provider, closed, 1_000n, 1n)).to.be.a('boolean')
    await hostile.startClose(closed)

    // an honest close started after them, worth its gas, is answered ...
    await connect(requester, provider)
    const to = { provider: provider.payments.address, peer: provider.node.peerId }
    const paid = await requester.payments.payer.pay({
      ...to,
      amount: parseEther('3'),
      jobId: await expectJob(provider, requester, '3b'.repeat(32), parseEther('3')),
    })
    await requester.payments.closeChannel(paid.channelId)
    expect(await closedPayout(paid.channelId)).to.equal(parseEther('3'))

    // ... and it is the only transaction the provider sent: the tiny ones cost it no gas
    expect(await closesSent()).to.equal(1)
    expect(await chainStatus(spent)).to.equal(1n, 'the spent tiny channel is still open')
    expect(await chainStatus(closed)).to.equal(2n, 'the tiny close is left to run out')
  })
})
