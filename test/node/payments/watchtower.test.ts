// The watchtower's own decisions on a real chain: a provider closes a channel before its expiry
// runs out, and a requester whose provider never answers a close gets its deposit back by
// finalizing once the challenge period is over.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'ethers'
import { devnetParams } from '../../../node/chain/deploy-params.ts'
import { startDevChain } from '../../support/chain.ts'
import { connect, expectJob, startPayPeer, waitUntil } from './helpers.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PayPeer } from './helpers.ts'

describe('node/payments watchtower', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  const peers: PayPeer[] = []
  const balance = async (address: string): Promise<bigint> => await chain.contracts.token.balanceOf.staticCall(address)

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-tower-'))
    await chain.giveHive(chain.account(1).address, parseEther('100'))
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('a provider closes with its best voucher before the channel expires', async () => {
    const requester = await startPayPeer(chain, root, 'r1', chain.account(1), {
      channelDeposit: parseEther('10'),
      channelExpirySeconds: 60,
    })
    const provider = await startPayPeer(chain, root, 'p1', chain.account(2))
    peers.push(requester, provider)
    await connect(requester, provider)
    const paid = await requester.payments.payer.pay({
      provider: provider.payments.address,
      peer: provider.node.peerId,
      amount: parseEther('3'),
      jobId: await expectJob(provider, requester, '3d'.repeat(32), parseEther('3')),
    })
    const before = await balance(provider.payments.address)
    // expiry 60 s + challenge period; the provider acts once within half a period of the end
    await chain.increaseTime(60 + Number(devnetParams.channelChallengePeriod) / 2 + 1)
    await waitUntil(
      'closed before expiry',
      async () => (await provider.payments.channels.get(paid.channelId))?.status === 'closed',
    )
    // the close credits; the provider's node withdraws its credit
    await waitUntil(
      'the provider withdrew',
      async () => (await balance(provider.payments.address)) - before === parseEther('3'),
    )
  })

  it('a requester finalizes and gets its deposit back when the provider never answers its close', async () => {
    const requester = await startPayPeer(chain, root, 'r2', chain.account(1), { channelDeposit: parseEther('5') })
    peers.push(requester)
    const opened = await requester.payments.payer.open(chain.account(4).address, undefined, parseEther('5'))
    const before = await balance(requester.payments.address)
    const closing = await requester.payments.closeChannel(opened.channelId)
    expect(closing.status).to.equal('closing')
    await chain.increaseTime(Number(devnetParams.channelChallengePeriod) + 1)
    await waitUntil(
      'finalized',
      async () => (await requester.payments.channels.get(opened.channelId))?.status === 'closed',
    )
    await waitUntil(
      'the requester withdrew',
      async () => (await balance(requester.payments.address)) - before === parseEther('5'),
    )
  })
})
