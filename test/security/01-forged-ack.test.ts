// Item 1 (critical): a provider must not be able to make the requester sign more than the
// agreed price by claiming, in a signed VOUCHER_REPLAYED ack, a "best voucher" the requester
// never signed. A hostile provider (real libp2p node, our wire protocol) answers the first
// voucher with a huge bestCumulativeAmount and then accepts whatever comes; it redeems the
// biggest voucher it got on a real Hardhat chain.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { VoucherStatus } from '../../protocol/payments/ack.ts'
import { startDevChain } from '../support/chain.ts'
import { connect, expectJob, startPayPeer } from '../node/payments/helpers.ts'
import { startHostileProvider } from './support/hostile-provider.ts'
import type { DevChain } from '../support/chain.ts'
import type { PayPeer } from '../node/payments/helpers.ts'
import type { HostileProvider } from './support/hostile-provider.ts'

describe('security 01: forged VOUCHER_REPLAYED ack', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  let requester: PayPeer | undefined
  let thief: HostileProvider | undefined

  before(async function () {
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-sec01-'))
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
  })
  after(async () => {
    await requester?.stop().catch(() => {})
    await thief?.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it(
    'a provider claiming an unproven best voucher gets no voucher above the agreed price, ' + 'on the wire or on chain',
    async () => {
      const price = parseEther('1')
      thief = await startHostileProvider(chain, root, 'thief', chain.account(2), async (v, n, ack) => {
        // the lie: "I already hold nonce v+5 worth 10 HIVE", without the requester's signature
        if (n === 0) {
          return await ack({
            status: VoucherStatus.VOUCHER_REJECTED,
            code: 'VOUCHER_REPLAYED',
            bestNonce: v.nonce + 5n,
            bestCumulativeAmount: parseEther('10').toString(),
          })
        }
        return await ack({})
      })
      requester = await startPayPeer(chain, root, 'requester', chain.account(1), { channelDeposit: parseEther('100') })
      await requester.node.libp2p.peerStore.merge(thief.node.peerId, { multiaddrs: thief.node.libp2p.getMultiaddrs() })
      const jobId = 'a1'.repeat(32)
      const job = { jobId, payment: 'channel' as const, price, resultHash: '0x' }
      await requester.payments
        .payJob({ ...job, providerPeer: thief.node.peerId, providerAddress: thief.wallet.address })
        .catch(() => {})
      expect(thief.received.length).to.be.greaterThan(0)
      for (const v of thief.received) expect(v.cumulativeAmount, `voucher nonce ${v.nonce}`).to.be.at.most(price)
      expect(await thief.redeemBest()).to.be.at.most(price)
    },
  )
})

describe('security 01: a proven best voucher still resyncs', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  const peers: PayPeer[] = []

  before(async function () {
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-sec01b-'))
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it(
    'a requester restored from an old copy continues above the voucher the provider proves with its signature, ' +
      'paying only the price',
    async () => {
      const price = parseEther('1')
      const options = { channelDeposit: parseEther('100'), retryMs: 3_600_000 }
      const requester = await startPayPeer(chain, root, 'requester', chain.account(1), options)
      const provider = await startPayPeer(chain, root, 'provider', chain.account(2))
      peers.push(requester, provider)
      await connect(requester, provider)
      const job = (i: number): string => (0x1b00 + i).toString(16).padStart(64, '0')
      const pay = async (i: number): Promise<void> => {
        await expectJob(provider, requester, job(i), price)
        await requester.payments.payJob({
          jobId: job(i),
          payment: 'channel',
          price,
          resultHash: '0x',
          providerPeer: provider.node.peerId,
          providerAddress: provider.payments.address,
        })
      }
      await pay(1)
      const [channel] = await requester.payments.channels.list({ role: 'requester' })
      const old = await requester.payments.channels.sent(channel.channelId)
      await pay(2)
      await pay(3)
      // the requester's channel state goes back to an old copy (after job 1): its next voucher
      // (nonce 2) is below the provider's best (nonce 3), which the ack proves with our signature
      await requester.payments.channels.putSent(old!)
      await pay(4)
      const best = await provider.payments.channels.best(channel.channelId)
      expect(best?.cumulativeAmount).to.equal((4n * price).toString())
      expect(best?.nonce).to.equal('4')
    },
  )
})
