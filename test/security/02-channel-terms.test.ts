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
import { connect, startPayPeer } from '../node/payments/helpers.ts'
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
    const sent = await sender.call(chain.contracts.channel, 'open', [provider, await token.getAddress(), parseEther('10'), 0n])
    return (findEvent(chain.contracts.channel, sent.receipt, 'ChannelOpened').args as unknown as { channelId: string }).channelId
  }
  const pay = async (from: PayPeer, to: PayPeer, channelId: string, jobId: string): Promise<{ status: VoucherStatus, code: string }> => {
    const hasher = new VoucherHasher(31337n, chain.deployment.contracts.PaymentChannel.address)
    const signature = chain.account(1).signingKey.sign(hasher.digest(channelId, price, 1n)).serialized
    const wire = voucherToWire({ chainId: 31337n, contract: hasher.contract, channelId, cumulativeAmount: price, nonce: 1n, signature, jobId })
    return await openVoucherAck(await sendVoucher(from.node.libp2p, to.node.peerId, wire), to.node.peerId)
  }
  const expectJob = (p: PayPeer, jobId: string): void => {
    (p.payments.receiver as unknown as { expect?: (j: object) => void }).expect?.({ jobId, requesterAddress: chain.account(1).address, price })
  }

  it('refuses a voucher in a channel whose token is not HIVE', async () => {
    const requester = await startPayPeer(chain, root, 'r-token', chain.account(1))
    const provider = await startPayPeer(chain, root, 'p-token', chain.account(2))
    peers.push(requester, provider)
    await connect(requester, provider)
    const artifact = JSON.parse(readFileSync(join(import.meta.dirname, '../../artifacts/contracts/test/MockFeeToken.sol/MockFeeToken.json'), 'utf8')) as { abi: [], bytecode: string }
    const fake = await (await new ContractFactory(artifact.abi, artifact.bytecode, chain.account(1).connect(chain.provider)).deploy()).waitForDeployment() as unknown as Contract
    const sender = await chain.senderFor(chain.account(1))
    await sender.call(fake, 'setFeeOn', [false])
    await sender.call(fake, 'mint', [chain.account(1).address, parseEther('10')])
    const channelId = await openIn(fake, provider.payments.address)
    const jobId = '0x' + '21'.repeat(32)
    expectJob(provider, jobId)
    const ack = await pay(requester, provider, channelId, jobId)
    expect(ack.status, `ack code ${ack.code}`).to.equal(VoucherStatus.VOUCHER_REJECTED)
    expect(ack.code).to.equal('CHANNEL_WRONG_TOKEN')
  })

  it('refuses a voucher in a channel whose challenge period is below the node minimum', async () => {
    // the devnet's challenge period is below one hour: a provider requiring an hour refuses
    const requester = await startPayPeer(chain, root, 'r-period', chain.account(1))
    const provider = await startPayPeer(chain, root, 'p-period', chain.account(3), { minChallengePeriodSeconds: 3600 } as object)
    peers.push(requester, provider)
    await connect(requester, provider)
    const channelId = await openIn(chain.contracts.token, provider.payments.address)
    const jobId = '0x' + '22'.repeat(32)
    expectJob(provider, jobId)
    const ack = await pay(requester, provider, channelId, jobId)
    expect(ack.status, `ack code ${ack.code}`).to.equal(VoucherStatus.VOUCHER_REJECTED)
    expect(ack.code).to.equal('CHANNEL_CHALLENGE_TOO_SHORT')
  })

  it('does not start a channel-paid job for a requester without a funded channel, and does once it has one', async () => {
    const requester = await startPayPeer(chain, root, 'r-fund', chain.account(1))
    const provider = await startPayPeer(chain, root, 'p-fund', chain.account(4), { fundingWaitMs: 2_000 } as object)
    peers.push(requester, provider)
    const hooks = provider.payments.hooks()
    const job = { jobId: '23'.repeat(32), payment: 'channel' as const, requesterAddress: chain.account(1).address, price, deadline: Date.now() + 600_000 }
    const refused = await hooks.beforeExecute(job, AbortSignal.timeout(30_000)).then(() => undefined, (err: Error & { code?: string }) => err.code ?? err.message)
    expect(refused, 'beforeExecute with no channel').to.equal('CHANNEL_NOT_FUNDED')
    await openIn(chain.contracts.token, provider.payments.address)
    await hooks.beforeExecute({ ...job, jobId: '24'.repeat(32) }, AbortSignal.timeout(30_000))
  })
})
