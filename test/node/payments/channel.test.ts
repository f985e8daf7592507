// Channel payments between two real nodes on a real Hardhat chain: 1,000 jobs through one
// channel cost exactly two settlement transactions (open, close) plus the provider's withdrawal
// of its credit, and pay exactly the total; bad vouchers are refused before anything is stored;
// a requester's unilateral close is answered by the provider's node after a restart, with the
// newest voucher.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet, parseEther } from 'ethers'
import { openVoucherAck, VoucherStatus } from '../../../protocol/payments/ack.ts'
import { VoucherHasher, voucherToWire } from '../../../protocol/payments/voucher.ts'
import { sendVoucher } from '../../../node/payments/voucher-stream.ts'
import { startDevChain } from '../../support/chain.ts'
import { connect, expectJob, startPayPeer, waitUntil } from './helpers.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PayPeer } from './helpers.ts'

describe('node/payments channels', function () {
  this.timeout(180_000)
  let chain: DevChain
  let root: string
  const peers: PayPeer[] = []

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-pay-'))
    await chain.giveHive(chain.account(1).address, parseEther('100000'))
    await chain.giveHive(chain.account(3).address, parseEther('100000'))
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  const txCount = async (address: string): Promise<number> =>
    await chain.provider.getTransactionCount(address, 'latest')
  const balance = async (address: string): Promise<bigint> => await chain.contracts.token.balanceOf.staticCall(address)

  it(
    'pays 1,000 jobs through one channel with exactly two' + ' transactions, one withdrawal and the exact total',
    async () => {
      const price = parseEther('0.001')
      const requester = await startPayPeer(chain, root, 'r1', chain.account(1), { channelDeposit: price * 1000n })
      const provider = await startPayPeer(chain, root, 'p1', chain.account(2))
      peers.push(requester, provider)
      await connect(requester, provider)
      const before = {
        r: await txCount(requester.payments.address),
        p: await txCount(provider.payments.address),
        bal: await balance(provider.payments.address),
      }
      for (let i = 0; i < 1000; i++) {
        await expectJob(provider, requester, i.toString(16).padStart(64, '0'), price)
        await requester.payments.payJob({
          jobId: i.toString(16).padStart(64, '0'),
          payment: 'channel',
          providerPeer: provider.node.peerId,
          providerAddress: provider.payments.address,
          price,
          resultHash: '0x',
        })
      }
      // the last voucher spends the deposit: the provider's node closes by itself
      await waitUntil(
        'the provider closed the channel',
        async () => (await provider.payments.channels.list({ status: ['closed'] })).length === 1,
      )
      // the close credits the provider (pull payments); its node withdraws the credit
      await waitUntil(
        'the provider withdrew',
        async () => (await balance(provider.payments.address)) - before.bal === price * 1000n,
      )
      expect((await txCount(requester.payments.address)) - before.r).to.equal(1) // open (with permit)
      expect((await txCount(provider.payments.address)) - before.p).to.equal(2) // close with the best voucher, withdraw
      const [closed] = await provider.payments.channels.list({ status: ['closed'] })
      expect(closed.payout).to.equal((price * 1000n).toString())
      // paying a job twice is a no-op
      await requester.payments.payJob({
        jobId: '0'.repeat(64),
        payment: 'channel',
        providerPeer: provider.node.peerId,
        providerAddress: provider.payments.address,
        price,
        resultHash: '0x',
      })
      expect((await txCount(requester.payments.address)) - before.r).to.equal(1)
    },
  )

  it(
    'refuses replayed, foreign-channel, foreign-chain, over-deposit' +
      ' and wrongly signed vouchers before storing them',
    async () => {
      const requester = await startPayPeer(chain, root, 'r2', chain.account(3), { channelDeposit: parseEther('1') })
      const provider = await startPayPeer(chain, root, 'p2', chain.account(4))
      peers.push(requester, provider)
      await connect(requester, provider)
      const paid = await requester.payments.payer.pay({
        provider: provider.payments.address,
        peer: provider.node.peerId,
        amount: parseEther('0.1'),
        jobId: await expectJob(provider, requester, '1c'.repeat(32), parseEther('0.1')),
      })
      // the next job: every bad voucher below claims to pay it
      const next = await expectJob(provider, requester, '2c'.repeat(32), parseEther('0.1'))
      const best = await provider.payments.channels.best(paid.channelId)
      expect(best?.nonce).to.equal('1')
      const contract = chain.deployment.contracts.PaymentChannel.address
      const signer = chain.account(3)
      const make = (o: {
        amount?: bigint
        nonce?: bigint
        channelId?: string
        chainId?: bigint
        key?: Wallet
      }): Uint8Array => {
        const chainId = o.chainId ?? 31337n
        const channelId = o.channelId ?? paid.channelId
        const amount = o.amount ?? parseEther('0.2')
        const nonce = o.nonce ?? 2n
        const signature = (o.key ?? signer).signingKey.sign(
          new VoucherHasher(chainId, contract).digest(channelId, amount, nonce),
        ).serialized
        return voucherToWire({ chainId, contract, channelId, cumulativeAmount: amount, nonce, signature, jobId: next })
      }
      const cases: Array<[string, Uint8Array, string]> = [
        ['replayed', make({ amount: parseEther('0.1'), nonce: 1n }), 'VOUCHER_REPLAYED'],
        ['for another channel', make({ channelId: '0x' + '77'.repeat(32) }), 'VOUCHER_UNKNOWN_CHANNEL'],
        ['for another chain id', make({ chainId: 1n }), 'VOUCHER_WRONG_CHAIN'],
        ['above the deposit', make({ amount: parseEther('2') }), 'VOUCHER_ABOVE_DEPOSIT'],
        ['signed by the wrong key', make({ key: chain.account(5) }), 'VOUCHER_BAD_SIGNATURE'],
      ]
      for (const [name, wire, code] of cases) {
        const ack = await openVoucherAck(
          await sendVoucher(requester.node.libp2p, provider.node.peerId, wire),
          provider.node.peerId,
        )
        expect(ack.status, name).to.equal(VoucherStatus.VOUCHER_REJECTED)
        expect(ack.code, name).to.equal(code)
        expect((await provider.payments.channels.best(paid.channelId))?.nonce, name).to.equal('1')
      }
      // the next honest voucher still goes through
      await requester.payments.payer.pay({
        provider: provider.payments.address,
        peer: provider.node.peerId,
        amount: parseEther('0.1'),
        jobId: next,
      })
      expect((await provider.payments.channels.best(paid.channelId))?.cumulativeAmount).to.equal(
        parseEther('0.2').toString(),
      )
    },
  )

  it('keeps a payment to an unreachable provider pending (across restarts), pays it later, once', async () => {
    const terms = { channelDeposit: parseEther('10'), retryMs: 3_600_000 }
    let requester = await startPayPeer(chain, root, 'r4', chain.account(3), terms)
    let provider = await startPayPeer(chain, root, 'p4', chain.account(7))
    peers.push(requester)
    await connect(requester, provider)
    const job = (i: number): string => (0xa000 + i).toString(16).padStart(64, '0')
    const pay = async (i: number): Promise<void> => {
      await expectJob(provider, requester, job(i), parseEther('1')).catch(() => {})
      await requester.payments.payJob({
        jobId: job(i),
        payment: 'channel',
        providerPeer: provider.node.peerId,
        providerAddress: provider.payments.address,
        price: parseEther('1'),
        resultHash: '0x',
      })
    }
    await pay(1)
    const [ch] = await requester.payments.channels.list({ role: 'requester', status: ['open'] })
    // the ack of job 1 "got lost": a retry resends the same voucher instead of paying again
    const sent = await requester.payments.channels.sent(ch.channelId)
    await requester.payments.channels.putSent({ ...sent!, acked: false })
    const again = await requester.payments.payer.pay({
      provider: provider.payments.address,
      peer: provider.node.peerId,
      amount: parseEther('1'),
      jobId: `0x${job(1)}`,
    })
    expect(again.nonce).to.equal(1n)
    expect((await provider.payments.channels.best(ch.channelId))?.cumulativeAmount).to.equal(parseEther('1').toString())
    // the provider goes away: job 2's payment fails and stays owed
    await provider.stop()
    let failed = false
    try {
      await pay(2)
    } catch {
      failed = true
    }
    expect(failed).to.equal(true)
    // the requester restarts: the retry finds the pending payment in its records (the job paid
    // before is not pending, so it is not paid again)
    await requester.stop()
    peers.splice(peers.indexOf(requester), 1)
    requester = await startPayPeer(chain, root, 'r4', chain.account(3), terms)
    peers.push(requester)
    provider = await startPayPeer(chain, root, 'p4', chain.account(7))
    peers.push(provider)
    await connect(requester, provider)
    await expectJob(provider, requester, job(2), parseEther('1'))
    expect(await requester.payments.retryPending()).to.equal(1)
    expect(await requester.payments.retryPending()).to.equal(0)
    const best = await provider.payments.channels.best(ch.channelId)
    expect(best?.cumulativeAmount).to.equal(parseEther('2').toString())
  })

  it('answers a unilateral close with the newest voucher after the provider restarts', async () => {
    const requester = await startPayPeer(chain, root, 'r3', chain.account(1), { channelDeposit: parseEther('10') })
    let provider = await startPayPeer(chain, root, 'p3', chain.account(6))
    peers.push(requester)
    await connect(requester, provider)
    let last
    for (let i = 0; i < 5; i++)
      last = await requester.payments.payer.pay({
        provider: provider.payments.address,
        peer: provider.node.peerId,
        amount: parseEther('1'),
        jobId: await expectJob(provider, requester, (0x3c0 + i).toString(16).padStart(64, '0'), parseEther('1')),
      })
    await provider.stop()
    const before = await balance(provider.payments.address)
    // the requester hopes the provider stays away: it starts closing while holding 5 HIVE of vouchers
    const closing = await requester.payments.tower.startClose(last!.channelId)
    expect(closing.status).to.equal('closing')
    provider = await startPayPeer(chain, root, 'p3', chain.account(6))
    peers.push(provider)
    await waitUntil(
      'the restarted provider answered',
      async () => (await provider.payments.channels.get(last!.channelId))?.status === 'closed',
    )
    await waitUntil(
      'the provider withdrew',
      async () => (await balance(provider.payments.address)) - before === parseEther('5'),
    )
    const onChain = (await chain.contracts.channel.channel.staticCall(last!.channelId)) as {
      nonce: bigint
      closesAt: bigint
    }
    expect(onChain.nonce).to.equal(5n)
    expect(BigInt(await chain.now())).to.be.lessThan(onChain.closesAt)
  })
})
