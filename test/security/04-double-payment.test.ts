// Item 4: a retry must never pay a job twice. Job A's voucher reaches the provider but its ack
// is lost; job B is paid after it; the requester's retry of A must not sign a new voucher (B's
// cumulative voucher already covers A). The provider is a real libp2p node speaking the voucher
// protocol that keeps every voucher and redeems the best one on a real Hardhat chain.
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
import type { SignedVoucher } from '../../protocol/payments/voucher.ts'

/** A requester with room for many jobs, whose owed payments are retried only when the test says so. */
const REQUESTER = { channelDeposit: parseEther('100'), retryMs: 3_600_000 }

describe('security 04: double payment on retry', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  let requester: PayPeer | undefined
  let provider: HostileProvider | undefined

  before(async function () {
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-sec04-'))
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
  })
  after(async () => {
    await requester?.stop().catch(() => {})
    await provider?.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('two 1-HIVE jobs, the ack of A lost, A retried after B was paid: the provider holds at most 2 HIVE', async () => {
    const price = parseEther('1')
    let best: SignedVoucher | undefined
    provider = await startHostileProvider(chain, root, 'provider', chain.account(2), async (v, n, ack) => {
      if (best !== undefined && v.nonce <= best.nonce) {
        return await ack({
          status: VoucherStatus.VOUCHER_REJECTED,
          code: 'VOUCHER_REPLAYED',
          bestNonce: best.nonce,
          bestCumulativeAmount: best.cumulativeAmount.toString(),
          bestSignature: Uint8Array.from(Buffer.from(best.signature.slice(2), 'hex')),
        })
      }
      best = v
      // the first ack never arrives (connection cut after the voucher was stored)
      return n === 0 ? 'drop' : await ack({})
    })
    requester = await startPayPeer(chain, root, 'requester', chain.account(1), REQUESTER)
    const multiaddrs = provider.node.libp2p.getMultiaddrs()
    await requester.node.libp2p.peerStore.merge(provider.node.peerId, { multiaddrs })
    const pay = async (jobId: string): Promise<void> => {
      await requester!.payments.payJob({
        jobId,
        payment: 'channel',
        price,
        resultHash: '0x',
        providerPeer: provider!.node.peerId,
        providerAddress: provider!.wallet.address,
      })
    }
    const failedA = await pay('a4'.repeat(32)).then(
      () => false,
      () => true,
    )
    expect(failedA, 'job A fails without its ack').to.equal(true)
    await pay('b4'.repeat(32))
    // the owed payment of A is retried (what the retry timer does)
    await requester.payments.retryPending()
    expect(provider.best()?.cumulativeAmount).to.be.at.most(2n * price)
    expect(await provider.redeemBest()).to.be.at.most(2n * price)
  })
})

describe('security 04: a lost voucher is covered by the next one', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  const peers: PayPeer[] = []

  before(async function () {
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-sec04b-'))
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it(
    "job A's voucher never arrives, B's cumulative voucher pays both: both sides count A paid, " +
      'A is not signed again',
    async () => {
      const price = parseEther('1')
      const requester = await startPayPeer(chain, root, 'requester', chain.account(1), REQUESTER)
      let provider = await startPayPeer(chain, root, 'provider', chain.account(2))
      peers.push(requester)
      await connect(requester, provider)
      const job = (c: string): string => c.repeat(64)
      const pay = async (jobId: string): Promise<void> => {
        await requester.payments.payJob({
          jobId,
          payment: 'channel',
          price,
          resultHash: '0x',
          providerPeer: provider.node.peerId,
          providerAddress: provider.payments.address,
        })
      }
      await expectJob(provider, requester, job('0'), price)
      await pay(job('0'))
      await expectJob(provider, requester, job('a'), price)
      // A's voucher is signed while the provider is away: it never arrives
      await provider.stop()
      expect(
        await pay(job('a')).then(
          () => false,
          () => true,
        ),
      ).to.equal(true)
      provider = await startPayPeer(chain, root, 'provider', chain.account(2))
      peers.push(provider)
      await connect(requester, provider)
      await expectJob(provider, requester, job('b'), price)
      await pay(job('b'))
      expect(await provider.payments.channelOutputReleasable(job('a')), 'provider counts A paid').to.equal(true)
      expect(await provider.payments.channelOutputReleasable(job('b')), 'provider counts B paid').to.equal(true)
      await requester.payments.retryPending()
      const [ch] = await provider.payments.channels.list({ role: 'provider' })
      expect((await provider.payments.channels.best(ch.channelId))?.cumulativeAmount).to.equal((3n * price).toString())
    },
  )
})
