// Issue 15, finding 5: the protocol fee (ProtocolParams.protocolFeeBps) is taken from what the
// provider is paid, at settlement, by JobEscrow and PaymentChannel. A provider that bids its list
// price therefore nets less than it asked for. Here a real provider with a list price P (its own
// price sheet, idle, no market data) is paid through escrow and through a channel on a real chain
// with a 5% fee; what it receives on-chain after the fee must be at least P.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { priceSheetFromConfig } from '../../node/market/service.ts'
import { escrowId } from '../../protocol/eip712.ts'
import { ClearingBook } from '../../protocol/market/clearing-book.ts'
import { priceJob } from '../../protocol/market/pricing.ts'
import { startDevChain } from '../support/chain.ts'
import { startHonest, waitFor, wordcountModule } from './exchange-peers.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { DevChain } from '../support/chain.ts'
import type { HonestPeer } from './exchange-peers.ts'
import { jobSubscribers } from '../support/topics.ts'

const FEE_BPS = 500n

describe('security 15: a provider nets its list price after the protocol fee', function () {
  this.timeout(120_000)
  let chain: DevChain
  let dir: string
  let provider: HonestPeer
  let requester: HonestPeer
  let module: Uint8Array

  before(async () => {
    chain = await startDevChain({ params: { protocolFeeBps: FEE_BPS } })
    dir = mkdtempSync(join(tmpdir(), 'hive-sec15-fee-'))
    module = await wordcountModule()
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    provider = await startHonest(chain, dir, 'provider', 'provider', chain.account(2))
    requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1))
    await requester.node.libp2p.peerStore.merge(provider.node.peerId, {
      multiaddrs: provider.node.libp2p.getMultiaddrs(),
    })
    await requester.node.libp2p.dial(provider.node.peerId)
    await waitFor(
      'the requester to see the provider on the jobs topic',
      () =>
        jobSubscribers(requester.node.libp2p.services.pubsub).some((p) => p.equals(provider.node.peerId)) || undefined,
    )
  })
  after(async () => {
    for (const p of [provider, requester]) await p?.stop()
    await chain?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  /** The provider's list price for the job of `record`: its own sheet, no load, no market. */
  function listPrice(record: JobRecord): bigint {
    const quote = priceJob({
      sheet: priceSheetFromConfig({ wasm: '0.01' }, ['wasm']),
      load: 0,
      recentClearings: new ClearingBook(),
      job: { executor: 'wasm', token: '', ...record.limits, maxPrice: BigInt(record.maxPrice) },
      now: Date.now(),
    })
    return BigInt(quote.list)
  }

  async function run(payment: 'escrow' | 'channel', input: string): Promise<{ record: JobRecord; price: bigint }> {
    const { jobId } = await requester.market.requester!.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode(input) }],
      args: ['1'],
      maxPrice: parseEther('1'),
      bidWindowMs: 800,
      payment,
      timeoutMs: 30_000,
    })
    const record = await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(60_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    return { record, price: BigInt(record.awards.find((a) => a.status === 'delivered')!.price) }
  }

  it("escrow: the provider's balance grows by at least its list price", async () => {
    const balance = async (): Promise<bigint> =>
      await chain.contracts.token.balanceOf.staticCall(provider.payments.address)
    const before = await balance()
    const { record, price } = await run('escrow', 'escrow pays the list price\n')
    const id = escrowId(`0x${record.jobId}`, requester.payments.address, provider.payments.address)
    await waitFor('released', async () => (await requester.payments.escrow.get(id))?.state === 'released' || undefined)
    // the release credits the provider; its node withdraws the credit
    const net = await waitFor('the provider withdrew', async () => {
      const d = (await balance()) - before
      return d > 0n ? d : undefined
    })
    expect(net, 'the escrow paid price minus the fee').to.equal(price - (price * FEE_BPS) / 10_000n)
    expect(
      net >= listPrice(record),
      `nets ${net} after the fee on a bid of ${price}, list ${listPrice(record)}`,
    ).to.equal(true)
  })

  it('channel: closing with the voucher pays the provider at least its list price', async () => {
    const { record, price } = await run('channel', 'a channel pays the list price\n')
    const best = await waitFor('the provider holds the voucher', async () => {
      const [ch] = await provider.payments.channels.list({ role: 'provider' })
      const v = ch === undefined ? undefined : await provider.payments.channels.best(ch.channelId)
      return v?.cumulativeAmount === price.toString() ? v : undefined
    })
    const sender = await chain.senderFor(provider.wallet)
    const sent = await sender.call(chain.contracts.channel, 'closeWithVoucher', [
      best.channelId,
      price,
      BigInt(best.nonce),
      best.signature,
    ])
    const closed = sent.receipt.logs
      .map((l) => chain.contracts.channel.interface.parseLog(l))
      .find((e) => e?.name === 'ChannelClosed')
    const payout = closed!.args.getValue('payout') as bigint
    expect(payout, 'the channel paid price minus the fee').to.equal(price - (price * FEE_BPS) / 10_000n)
    expect(
      payout >= listPrice(record),
      `nets ${payout} after the fee on a bid of ${price}, list ${listPrice(record)}`,
    ).to.equal(true)
  })
})
