// Issue 15: with k = 1 nobody checks the one provider's output, so a provider can return garbage
// and be paid. The defence is the spot check: the requester re-runs a fraction of its k = 1 jobs
// (a rate it sets) on a second provider before anyone is paid, a mismatch buys a third opinion,
// and only matching outputs are paid. Here, on the wire and a real chain with payment channels,
// a cheating provider (the cheapest, so it wins the job) returns a wrong output; the requester's
// rate is 1, so this job is checked. The cheater must not be paid, must be recorded as the
// dissenter, and must lose reputation; the requester must end up with the true output.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { jobIdToBytes } from '../../protocol/market/job-id.ts'
import { peerIdToBytes } from '../../protocol/signing.ts'
import { startDevChain } from '../support/chain.ts'
import { startHonest, waitFor, wordcountModule } from './exchange-peers.ts'
import type { DevChain } from '../support/chain.ts'
import type { HonestPeer } from './exchange-peers.ts'
import { jobSubscribers } from '../support/topics.ts'

describe(
  'security 15: a provider that returns wrong output on a' + ' spot-checked job loses payment and reputation',
  function () {
    this.timeout(150_000)
    let chain: DevChain
    let dir: string
    let requester: HonestPeer
    let cheater: HonestPeer
    let honest: HonestPeer[]
    let module: Uint8Array

    before(async () => {
      chain = await startDevChain()
      dir = mkdtempSync(join(tmpdir(), 'hive-sec15-spot-'))
      module = await wordcountModule()
      await chain.giveHive(chain.account(1).address, parseEther('1000'))
      requester = await startHonest(chain, dir, 'requester', 'requester', chain.account(1), { audit: true })
      cheater = await startHonest(chain, dir, 'cheater', 'provider', chain.account(2), {
        faults: { corruptOutput: true },
        price: '0.005',
        audit: true,
      })
      honest = [
        await startHonest(chain, dir, 'honest-1', 'provider', chain.account(3)),
        await startHonest(chain, dir, 'honest-2', 'provider', chain.account(4)),
      ]
      for (const p of [cheater, ...honest]) {
        await requester.node.libp2p.peerStore.merge(p.node.peerId, { multiaddrs: p.node.libp2p.getMultiaddrs() })
        await requester.node.libp2p.dial(p.node.peerId)
      }
      await waitFor(
        'the requester to see every provider on the jobs topic',
        () =>
          [cheater, ...honest].every((p) =>
            jobSubscribers(requester.node.libp2p.services.pubsub).some((s) => s.equals(p.node.peerId)),
          ) || undefined,
      )
    })
    after(async () => {
      for (const p of [requester, cheater, ...(honest ?? [])]) await p?.stop()
      await chain?.stop()
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    })

    it('the checked job pays only the matching outputs, and the cheater is the recorded dissenter', async () => {
      const r = requester.market.requester!
      const { jobId } = await r.post({
        module,
        inputs: [{ name: 'a.txt', data: new TextEncoder().encode('spot checks catch liars\n') }],
        args: ['1'],
        maxPrice: parseEther('1'),
        bidWindowMs: 3_000,
        payment: 'channel',
        timeoutMs: 60_000,
        spotCheckRate: 1,
        policy: { reserve: 99 },
      })
      const record = await r.wait(jobId, { signal: AbortSignal.timeout(90_000) })
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      const cheaterId = cheater.node.peerId.toString()
      // the cheapest bid won the job as posted (k = 1) …
      expect(record.awards[0]?.provider, 'the cheater held the job').to.equal(cheaterId)
      // … but the output the requester got is the true one
      const out = await r.output(jobId)
      expect(new TextDecoder().decode(out!.stdout)).to.not.include('forged output')
      expect(record.dissenters, 'the cheater is the recorded dissenter').to.deep.equal([cheaterId])
      const paid = record.awards
        .filter((a) => a.paidAt !== undefined)
        .map((a) => a.provider)
        .sort()
      expect(paid, 'only the matching outputs were paid').to.deep.equal(
        honest.map((h) => h.node.peerId.toString()).sort(),
      )
      const mine = record.awards.find((a) => a.provider === cheaterId)!
      expect(mine.failure ?? '', 'why the cheater was not paid').to.match(/^SPOT_CHECK_MISMATCH/)
      // no voucher ever reached the cheater
      const channels = await cheater.payments.channels.list({ role: 'provider' })
      for (const ch of channels) expect(await cheater.payments.channels.best(ch.channelId)).to.equal(undefined)
      // and its reputation with this requester is gone
      const reputation = requester.market.reputation!
      // the store records a finished job's providers one after another: wait for all three
      const history = await waitFor("every provider's history recorded", async () => {
        const h = await reputation.history(cheaterId)
        if (h.spotFailed === 0) return undefined
        for (const p of honest) if ((await reputation.history(p.node.peerId.toString())).paid === 0) return undefined
        return h
      })
      expect(history).to.include({ spotFailed: 1, paid: 0 })
      expect(await reputation.score(cheaterId)).to.equal(0)
      for (const h of honest)
        expect(await reputation.history(h.node.peerId.toString())).to.include({ paid: 1, spotPassed: 1 })
      // the evidence, in both audit logs: the cheater logged the result it sent (with its signed
      // commitment), the requester logged that result as checked and rejected by the spot check
      const id = jobIdToBytes(jobId)
      const sent = (await cheater.audit!.entriesForJob(id)).map((e) => e.entry).filter((e) => e.type === 'result')
      expect(sent.map((e) => e.type === 'result' && e.direction)).to.deep.equal(['sent'])
      const cheaterBytes = peerIdToBytes(cheater.node.peerId)
      const verdicts = await waitFor("the requester's verdicts logged", async () => {
        const v = (await requester.audit!.entriesForJob(id)).map((e) => e.entry).filter((e) => e.type === 'verified')
        return v.length >= 3 ? v : undefined
      })
      const onCheater = verdicts.find(
        (e) => e.type === 'verified' && Buffer.from(e.counterparty).equals(Buffer.from(cheaterBytes)),
      )
      expect(onCheater).to.deep.include({ type: 'verified', accepted: false })
      expect(onCheater?.type === 'verified' ? onCheater.reason : '').to.match(/^SPOT_CHECK_MISMATCH/)
    })
  },
)
