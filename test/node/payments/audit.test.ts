// Payments write their events to both nodes' audit logs, each in the batch of the state change
// it records: a voucher for a job is `paid (voucher)` on both sides with the same channel,
// nonce, amount and signature; an escrow release is `paid (escrow)` with its transaction; a
// refund after non-delivery is `refunded`.
import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256, parseEther, toUtf8Bytes } from 'ethers'
import { startDevChain } from '../../support/chain.ts'
import { connect, expectJob, startPayPeer, waitUntil } from './helpers.ts'
import type { AuditEntry } from '../../../protocol/audit/index.ts'
import type { AuditLog } from '../../../node/audit/log.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PayPeer } from './helpers.ts'

async function entries(log: AuditLog): Promise<AuditEntry[]> {
  return (await log.getRange(0, log.size())).map((s) => s.entry)
}

describe('node/payments audit entries', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  let requester: PayPeer
  let provider: PayPeer

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-payaudit-'))
    await chain.giveHive(chain.account(1).address, parseEther('100'))
    requester = await startPayPeer(
      chain,
      root,
      'r',
      chain.account(1),
      { channelDeposit: parseEther('10') },
      { audit: true },
    )
    provider = await startPayPeer(chain, root, 'p', chain.account(2), {}, { audit: true })
    await connect(requester, provider)
  })
  after(async () => {
    await requester?.stop().catch(() => {})
    await provider?.stop().catch(() => {})
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it('logs each voucher payment on both sides with identical terms', async () => {
    const jobs = ['a', 'b', 'c'].map((s) => keccak256(toUtf8Bytes(s)).slice(2))
    for (const jobId of jobs) {
      await expectJob(provider, requester, jobId, parseEther('1'))
      await requester.payments.payJob({
        jobId,
        payment: 'channel',
        providerPeer: provider.node.peerId,
        providerAddress: provider.payments.address,
        price: parseEther('1'),
        resultHash: '0x',
      })
    }
    const sent = (await entries(requester.audit!)).filter((e) => e.type === 'paid')
    const received = (await entries(provider.audit!)).filter((e) => e.type === 'paid')
    expect(sent.map((e) => Buffer.from(e.jobId).toString('hex'))).to.deep.equal(jobs)
    expect(received.map((e) => Buffer.from(e.jobId).toString('hex'))).to.deep.equal(jobs)
    for (let i = 0; i < 3; i++) {
      const s = sent[i]
      const r = received[i]
      if (s.type !== 'paid' || r.type !== 'paid' || s.method.kind !== 'voucher' || r.method.kind !== 'voucher')
        throw new Error('not voucher payments')
      expect(s.direction).to.equal('sent')
      expect(r.direction).to.equal('received')
      expect(r.amount).to.equal(parseEther('1'))
      expect(s.amount).to.equal(parseEther('1'))
      expect(r.method.nonce).to.equal(BigInt(i + 1))
      expect(Buffer.from(r.method.signature).equals(Buffer.from(s.method.signature))).to.equal(true)
      expect(Buffer.from(r.counterparty).equals(Buffer.from(requester.node.peerId.toMultihash().bytes))).to.equal(true)
    }
  })

  it('logs an escrow release and a refund on the requester side', async () => {
    const paidJob = keccak256(toUtf8Bytes('escrow-paid'))
    const deadline = BigInt(await chain.now()) + 30n
    await requester.payments.securePayment({
      jobId: paidJob,
      payment: 'escrow',
      provider: provider.node.peerId.toString(),
      providerAddress: provider.payments.address,
      price: parseEther('1'),
      deadline: Date.now() + 10_000,
    })
    await provider.payments.escrow.waitFunded(paidJob, requester.payments.address, parseEther('1'))
    await provider.payments.escrow.commit(paidJob, requester.payments.address, keccak256(toUtf8Bytes('out')))
    await requester.payments.payJob({
      jobId: paidJob.slice(2),
      payment: 'escrow',
      providerPeer: provider.node.peerId,
      providerAddress: provider.payments.address,
      price: parseEther('1'),
      resultHash: keccak256(toUtf8Bytes('out')),
    })
    const refundJob = keccak256(toUtf8Bytes('escrow-refund'))
    await requester.payments.escrow.create(
      refundJob,
      provider.payments.address,
      parseEther('1'),
      deadline,
      provider.node.peerId.toString(),
    )
    await chain.increaseTime(31)
    await waitUntil('refund logged', async () => (await entries(requester.audit!)).some((e) => e.type === 'refunded'))
    const all = await entries(requester.audit!)
    const release = all.find((e) => e.type === 'paid' && e.method.kind === 'escrow')
    expect(release !== undefined && Buffer.from(release.jobId).toString('hex')).to.equal(paidJob.slice(2))
    const refund = all.find((e) => e.type === 'refunded')
    expect(refund !== undefined && refund.type === 'refunded' && refund.amount).to.equal(parseEther('1'))
    expect(refund !== undefined && Buffer.from(refund.jobId).toString('hex')).to.equal(refundJob.slice(2))
  })
})
