// Issue 14, pay-on-award: for a job whose signed spec states it (channel payment, k = 1), the
// requester's voucher rides with the award and a small output with the result, so the requester
// pays before it has seen the output. On the wire and a real chain with payment channels:
// - a provider that takes the award's voucher and returns a wrong output (caught by a spot check)
//   is the recorded dissenter, loses its reputation, and never gets a voucher with an award again;
// - the mode itself: once a channel is open, a job costs no voucher exchange and no output fetch;
// - a voucher replayed from another job's award is refused by the provider, which then holds the
//   output (no inline release) until the job is paid the old way.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { getAddress, parseEther } from 'ethers'
import { VoucherStatus, openVoucherAck } from '../../protocol/payments/ack.ts'
import { startDevChain } from '../support/chain.ts'
import { jobSubscribers } from '../support/topics.ts'
import { startHonest, waitFor, wordcountModule } from './exchange-peers.ts'
import type { AwardVoucher } from '../../node/payments/payer.ts'
import type { DevChain } from '../support/chain.ts'
import type { HonestPeer } from './exchange-peers.ts'

/** OK answers a node gave on protocols whose name contains `part` */
function served(peer: HonestPeer, part: string): number {
  return Object.entries(peer.node.counters.snapshot())
    .filter(([p]) => p.includes(part))
    .reduce((n, [, byCode]) => n + (byCode.OK ?? 0), 0)
}

describe('security 14: pay-on-award', function () {
  this.timeout(180_000)
  let chain: DevChain
  let dir: string
  let requester: HonestPeer
  let cheater: HonestPeer
  let honest: HonestPeer[]
  let module: Uint8Array
  /** every voucher the requester signed for an award, by the provider's address */
  const signedFor: AwardVoucher[] = []

  before(async () => {
    chain = await startDevChain()
    dir = mkdtempSync(join(tmpdir(), 'hive-sec14-poa-'))
    module = await wordcountModule()
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
    requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1))
    honest = [
      await startHonest(chain, dir, 'honest-1', 'provider', chain.account(3), { price: '0.01' }),
      await startHonest(chain, dir, 'honest-2', 'provider', chain.account(4), { price: '0.02' }),
    ]
    cheater = await startHonest(chain, dir, 'cheater', 'provider', chain.account(2), {
      faults: { corruptOutput: true },
      price: '0.005',
    })
    for (const p of [...honest, cheater]) {
      await requester.node.libp2p.peerStore.merge(p.node.peerId, { multiaddrs: p.node.libp2p.getMultiaddrs() })
      await requester.node.libp2p.dial(p.node.peerId)
    }
    await waitFor(
      'the requester to see every provider on the jobs topic',
      () =>
        [...honest, cheater].every((p) =>
          jobSubscribers(requester.node.libp2p.services.pubsub).some((s) => s.equals(p.node.peerId)),
        ) || undefined,
    )
    const payer = requester.payments.payer
    const sign = payer.signForAward.bind(payer)
    payer.signForAward = async (input) => {
      const v = await sign(input)
      if (v !== undefined) signedFor.push(v)
      return v
    }
  })
  after(async () => {
    for (const p of [requester, cheater, ...(honest ?? [])]) await p?.stop()
    await chain?.stop()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  async function run(
    text: string,
    opts: { spotCheckRate?: number; exclude?: HonestPeer[] } = {},
  ): Promise<Awaited<ReturnType<NonNullable<HonestPeer['market']['requester']>['wait']>>> {
    const r = requester.market.requester!
    const { jobId } = await r.post({
      module,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode(text) }],
      maxPrice: parseEther('1'),
      bidWindowMs: 3_000,
      payment: 'channel',
      timeoutMs: 60_000,
      payOnAward: true,
      spotCheckRate: opts.spotCheckRate ?? 0,
      policy: { reserve: 99 },
    })
    return await r.wait(jobId, { signal: AbortSignal.timeout(90_000) })
  }

  it('a provider that took the voucher and returned a wrong output gets no voucher again', async () => {
    const cheaterId = cheater.node.peerId.toString()
    const cheaterAddress = getAddress(chain.account(2).address)
    const toCheater = (): number => signedFor.filter((v) => getAddress(v.provider) === cheaterAddress).length
    // its first job opens its channel (no channel yet: the old order), unchecked
    const opened = await run('opens the cheater channel\n')
    expect(opened.awards[0].provider).to.equal(cheaterId)
    // the next one pays it on award, and is spot-checked: it dissents
    const before = toCheater()
    const caught = await run('spot checks catch liars\n', { spotCheckRate: 1 })
    expect(caught.phase, JSON.stringify(caught.failure)).to.equal('completed')
    expect(toCheater() - before, 'it took a voucher with the award').to.equal(1)
    expect(caught.dissenters).to.deep.equal([cheaterId])
    expect(requester.payments.awardBarred.has(cheaterId), 'barred from award vouchers').to.equal(true)
    const reputation = requester.market.reputation!
    const history = await waitFor('the spot check in its history', async () => {
      const h = await reputation.history(cheaterId)
      return h.spotFailed > 0 ? h : undefined
    })
    expect(history.spotFailed).to.equal(1)
    // with nobody else to bid, the next job goes to it: its award carries no voucher
    for (const h of honest) await h.market.provider!.stop()
    try {
      const after = toCheater()
      const next = await run('and never pay ahead again\n')
      expect(
        next.awards.some((a) => a.provider === cheaterId),
        'the cheater was awarded',
      ).to.equal(true)
      expect(toCheater() - after, 'no voucher with an award to the cheater').to.equal(0)
    } finally {
      for (const h of honest) await h.market.provider!.start()
    }
    await waitFor(
      'the honest providers back on the jobs topic',
      () =>
        honest.every((h) =>
          jobSubscribers(requester.node.libp2p.services.pubsub).some((s) => s.equals(h.node.peerId)),
        ) || undefined,
    )
  })

  it('with a channel open, a pay-on-award job needs no voucher exchange and no output fetch', async () => {
    // the cheater stays out of this one: it is the cheapest
    await cheater.market.provider!.stop()
    const first = await run('opens the channel\n')
    expect(first.phase, JSON.stringify(first.failure)).to.equal('completed')
    const winner = honest.find((h) => h.node.peerId.toString() === first.awards[0].provider)!
    const vouchers = served(winner, 'voucher')
    const blobs = served(winner, 'blob')
    const signed = signedFor.length
    const second = await run('one two three\n')
    expect(second.phase, JSON.stringify(second.failure)).to.equal('completed')
    expect(second.awards[0].provider).to.equal(winner.node.peerId.toString())
    expect(signedFor.length - signed, 'a voucher rode with the award').to.equal(1)
    expect(served(winner, 'voucher') - vouchers, 'no voucher exchange').to.equal(0)
    expect(served(winner, 'blob') - blobs, 'no output fetch').to.equal(0)
    expect(served(requester, 'resultData'), 'outputs came inline').to.be.greaterThan(0)
    const out = await requester.market.requester!.output(second.jobId)
    expect(new TextDecoder().decode(out!.stdout)).to.contain('3 words')
    expect(await winner.payments.receiver.paidFor(second.jobId), 'the provider was paid').to.equal(true)
  })

  it('a voucher replayed from another job is refused, and the output stays held until paid', async () => {
    const payer = requester.payments.payer
    const spy = payer.signForAward
    const settle = payer.settleAward.bind(payer)
    const acks: Array<Uint8Array | undefined | 'unknown'> = []
    let replayed: AwardVoucher | undefined
    // the hostile requester: every award voucher is the one it sent with an earlier job's award
    payer.signForAward = async (input) => {
      const earlier = signedFor.find((v) => getAddress(v.provider) === getAddress(input.provider))
      if (earlier === undefined) return await spy(input)
      replayed = { ...earlier, jobId: input.jobId }
      return replayed
    }
    payer.settleAward = async (v, ack) => {
      if (v !== replayed) return await settle(v, ack)
      acks.push(ack)
      return false
    }
    try {
      const winner = honest[0]
      const inlineBefore = winner.market.provider!.results.counts.inline
      const vouchersBefore = served(winner, 'voucher')
      const job = await run('replayed vouchers pay nothing\n')
      expect(job.phase, JSON.stringify(job.failure)).to.equal('completed')
      expect(replayed, 'a replayed voucher went out').to.not.equal(undefined)
      expect(acks.length).to.equal(1)
      expect(acks[0]).to.be.instanceOf(Uint8Array)
      const ack = await openVoucherAck(acks[0] as Uint8Array, winner.node.peerId)
      expect(ack.status, 'the provider refused it').to.equal(VoucherStatus.VOUCHER_REJECTED)
      expect(ack.code).to.match(/VOUCHER_(UNDERPAID|JOB_PAID|REPLAYED)/)
      expect(winner.market.provider!.results.counts.inline - inlineBefore, 'no output left before payment').to.equal(0)
      expect(served(winner, 'voucher') - vouchersBefore, 'paid the old way, by a voucher exchange').to.equal(1)
    } finally {
      payer.signForAward = spy
      payer.settleAward = settle
    }
  })
})
