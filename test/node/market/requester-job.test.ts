// The requester's job state machine (node/market/requester-job.ts) on its own: a fake clock,
// hand-made bids and scripted provider answers; no libp2p, no chain. Each table row is one rule
// of the market as the requester applies it, so a change of rule shows up as a failing row here
// before it shows up as a flaky end-to-end test. Wire-level attacks are in test/security/.
import { expect } from 'chai'
import fc from 'fast-check'
import { METERING, bid, jobHarness } from '../../support/market-fixtures.ts'
import type { GroupOutputs } from '../../../node/market/tolerance-outputs.ts'
import type { JobHarness, RecordOptions, ScriptOptions } from '../../support/market-fixtures.ts'
import type { JobPolicy } from '../../../node/market/requester-job.ts'

type Options = RecordOptions & ScriptOptions & { policy?: JobPolicy }

/** gives the live award of each provider a result, in order ('X', 'Y' … are output CIDs) */
async function results(h: JobHarness, ...answers: Array<[string, string]>): Promise<void> {
  for (const [provider, out] of answers) {
    const ok = !out.startsWith('EXEC_')
    await h.job.onResult(provider, ok ? 'EXEC_OK' : out, ok ? out : undefined, METERING)
  }
}

/** closes the bid window */
async function closeWindow(h: JobHarness): Promise<void> {
  await h.clock.advanceTo(h.record.bidsCloseAt)
}

const awarded = (h: JobHarness): string[] => h.log.filter((l) => l.startsWith('award')).map((l) => l.split(' ')[1])

describe('node/market RequesterJob (pure, fake clock)', () => {
  describe('bid collection and the early-award rule', () => {
    // maxPrice 100: a bid at or below 50 is "good" (score ≥ 0.5), above 50 it is not
    type Case = { name: string; opts: Options; bids: Array<[string, bigint]>; before: string[]; after: string[] }
    const cases: Case[] = [
      {
        name: 'k = 1: awards the best once k + 1 good bids are in',
        opts: {},
        bids: [
          ['p1', 40n],
          ['p2', 30n],
        ],
        before: ['p2'],
        after: ['p2'],
      },
      {
        name: 'k = 1: a bid that is not good does not count towards the early award',
        opts: {},
        bids: [
          ['p1', 90n],
          ['p2', 40n],
        ],
        before: [],
        after: ['p2'],
      },
      {
        name: 'k = 1, reserve 0: the first good bid is awarded at once',
        opts: { policy: { reserve: 0 } },
        bids: [['p1', 45n]],
        before: ['p1'],
        after: ['p1'],
      },
      {
        name: 'k = 2: the two best of three good bids, in rank order',
        opts: { k: 2 },
        bids: [
          ['p1', 40n],
          ['p2', 20n],
          ['p3', 30n],
        ],
        before: ['p2', 'p3'],
        after: ['p2', 'p3'],
      },
      {
        name: 'k = 1, reserve 2: waits for three good bids',
        opts: { policy: { reserve: 2 } },
        bids: [
          ['p1', 40n],
          ['p2', 30n],
        ],
        before: [],
        after: ['p2'],
      },
      {
        name: 'a bid over the max price is never awarded, even at the window close',
        opts: {},
        bids: [
          ['p1', 150n],
          ['p2', 95n],
        ],
        before: [],
        after: ['p2'],
      },
    ]
    for (const c of cases) {
      it(c.name, async () => {
        const h = jobHarness(c.opts)
        await h.bid(...c.bids)
        expect(awarded(h), 'awards before the window closes').to.deep.equal(c.before)
        await closeWindow(h)
        expect(awarded(h), 'awards once the window closed').to.deep.equal(c.after)
        expect(h.record.phase).to.equal('running')
      })
    }

    it('the selection rule decides among the bids held at award time, not the cheapest overall', async () => {
      const h = jobHarness()
      await h.bid(['p1', 40n], ['p2', 30n])
      await h.bid(['p3', 1n])
      expect(awarded(h)).to.deep.equal(['p2'])
      expect(h.record.bids.map((b) => b.provider)).to.deep.equal(['p1', 'p2', 'p3'])
    })

    it('a higher benchmark can outrank a lower price', async () => {
      const h = jobHarness()
      h.job.addBid(bid('slow', 30n, h.clock.now(), { benchmarkScore: 0 }))
      h.job.addBid(bid('fast', 35n, h.clock.now(), { benchmarkScore: 100_000 }))
      await closeWindow(h)
      expect(awarded(h)).to.deep.equal(['fast'])
    })

    it('a second bid from the same provider is ignored', async () => {
      const h = jobHarness({ policy: { reserve: 5 } })
      await h.bid(['p1', 40n], ['p1', 10n])
      expect(h.record.bids).to.have.length(1)
      expect(h.record.bids[0].price).to.equal('40')
      expect(h.record.bidsReceived).to.equal(1)
    })

    it('publishes the clearing once all k slots are running', async () => {
      const h = jobHarness({ k: 2 })
      await h.bid(['p1', 40n], ['p2', 20n], ['p3', 30n])
      expect(h.clearings).to.deep.equal([['p2', 'p3']])
      expect(h.seen('job:accepted')).to.deep.equal(['job:accepted p2', 'job:accepted p3'])
      expect(h.record.placedAt).to.equal(h.clock.now())
    })

    it('a late bid fills a slot left open when the window closed', async () => {
      const h = jobHarness({ k: 2 })
      await h.bid(['p1', 40n])
      await closeWindow(h)
      expect(awarded(h)).to.deep.equal(['p1'])
      expect(h.clearings).to.deep.equal([])
      await h.bid(['p2', 45n])
      expect(awarded(h)).to.deep.equal(['p1', 'p2'])
      expect(h.clearings).to.deep.equal([['p1', 'p2']])
    })
  })

  describe('early award once every candidate has answered (issue 14)', () => {
    it('k = 2 with two bids (reserve 1 wants three): awards both as soon as every candidate answered', async () => {
      const h = jobHarness({ k: 2 })
      await h.bid(['p1', 40n], ['p2', 30n])
      expect(awarded(h), 'the early-award rule alone waits for a third bid').to.deep.equal([])
      h.job.candidatesAnswered()
      await h.bid()
      expect(awarded(h)).to.deep.equal(['p2', 'p1'])
      expect(h.clock.now()).to.be.below(h.record.bidsCloseAt)
      expect(h.record.phase).to.equal('running')
    })

    it('k = 2 with one bid: awards the one slot it can, and a late bid fills the other', async () => {
      const h = jobHarness({ k: 2 })
      await h.bid(['p1', 40n])
      h.job.candidatesAnswered()
      await h.bid()
      expect(awarded(h)).to.deep.equal(['p1'])
      await h.bid(['p2', 45n])
      expect(awarded(h)).to.deep.equal(['p1', 'p2'])
    })

    it('no bids: nothing to award; the window still closes the job with NO_BIDS', async () => {
      const h = jobHarness()
      h.job.candidatesAnswered()
      await h.bid()
      expect(awarded(h)).to.deep.equal([])
      expect(h.record.phase).to.equal('bidding')
      await closeWindow(h)
      expect(h.record.phase).to.equal('failed')
      expect(h.record.failure?.reason).to.equal('NO_BIDS')
    })

    it(
      'only ineligible bids (over the max price): nothing is' + ' awarded early; the window decides as before',
      async () => {
        const h = jobHarness()
        await h.bid(['p1', 150n])
        h.job.candidatesAnswered()
        await h.bid()
        expect(awarded(h)).to.deep.equal([])
        expect(h.record.phase).to.equal('bidding')
        await closeWindow(h)
        expect(h.record.phase).to.equal('failed')
      },
    )

    it('after the award started it changes nothing (no second award pass)', async () => {
      const h = jobHarness()
      await h.bid(['p1', 40n], ['p2', 30n])
      expect(awarded(h)).to.deep.equal(['p2'])
      h.job.candidatesAnswered()
      await h.bid()
      expect(awarded(h)).to.deep.equal(['p2'])
    })
  })

  describe('maxBids bounds the record', () => {
    it('keeps the best maxBids, counts the rest, and reports who was dropped', async () => {
      const h = jobHarness({ policy: { maxBids: 2, reserve: 10 } })
      const now = h.clock.now()
      const dropped = [
        h.job.addBid(bid('p1', 40n, now)),
        h.job.addBid(bid('p2', 30n, now)),
        h.job.addBid(bid('p3', 50n, now)), // worse than both kept: not kept
        h.job.addBid(bid('p4', 20n, now)), // better: displaces the worst kept (p1)
      ]
      expect(dropped).to.deep.equal([[], [], ['p3'], ['p1']])
      expect(h.record.bids.map((b) => b.provider)).to.deep.equal(['p2', 'p4'])
      expect(h.record.bidsReceived).to.equal(4)
      expect(h.seen('job:bid')).to.deep.equal(['job:bid p1', 'job:bid p2', 'job:bid p4'])
      await closeWindow(h)
      expect(awarded(h)).to.deep.equal(['p4'])
    })

    it('an ineligible bid is dropped before any eligible one', async () => {
      const h = jobHarness({ policy: { maxBids: 2, reserve: 10 } })
      const now = h.clock.now()
      h.job.addBid(bid('over', 500n, now))
      h.job.addBid(bid('p1', 45n, now))
      expect(h.job.addBid(bid('p2', 49n, now))).to.deep.equal(['over'])
    })

    it('never drops a bid that was awarded', async () => {
      const h = jobHarness({ policy: { maxBids: 2, reserve: 0 } })
      await h.bid(['p1', 50n]) // awarded at once (reserve 0)
      const now = h.clock.now()
      expect(h.job.addBid(bid('p2', 20n, now))).to.deep.equal([])
      // full: p1 ranks last but holds the award, so the worst unawarded bid goes
      expect(h.job.addBid(bid('p3', 10n, now))).to.deep.equal(['p2'])
      expect(h.record.bids.map((b) => b.provider)).to.deep.equal(['p1', 'p3'])
    })

    it('never keeps fewer than k + 1 bids', async () => {
      const h = jobHarness({ k: 3, policy: { maxBids: 1, reserve: 10 } })
      const now = h.clock.now()
      for (const p of ['p1', 'p2', 'p3', 'p4']) expect(h.job.addBid(bid(p, 40n, now))).to.deep.equal([])
      expect(h.record.bids).to.have.length(4)
    })

    it('a finished job takes no bid', async () => {
      const h = jobHarness()
      await closeWindow(h) // NO_BIDS
      expect(h.job.acceptsBids()).to.equal(false)
      expect(h.job.addBid(bid('p1', 10n, h.clock.now()))).to.deep.equal(['p1'])
      expect(h.record.bids).to.deep.equal([])
    })
  })

  describe('award, accept, decline, re-award', () => {
    type Case = { name: string; opts: Options; bids: Array<[string, bigint]>; awards: string[]; failure?: string }
    const cases: Case[] = [
      {
        name: 'a decline goes to the next bidder',
        opts: { answers: { p1: 'decline' } },
        bids: [
          ['p1', 10n],
          ['p2', 20n],
        ],
        awards: ['p1', 'p2'],
        failure: 'declined',
      },
      {
        name: 'an unreachable provider (award throws) goes to the next bidder',
        opts: { answers: { p1: 'throw' } },
        bids: [
          ['p1', 10n],
          ['p2', 20n],
        ],
        awards: ['p1', 'p2'],
        failure: 'award failed: unreachable',
      },
      {
        name: 'k = 2: a decline in one slot is refilled from the reserve',
        opts: { k: 2, answers: { p2: 'decline' } },
        bids: [
          ['p1', 10n],
          ['p2', 20n],
          ['p3', 30n],
        ],
        awards: ['p1', 'p2', 'p3'],
        failure: 'declined',
      },
    ]
    for (const c of cases) {
      it(c.name, async () => {
        const h = jobHarness(c.opts)
        await h.bid(...c.bids)
        expect(awarded(h)).to.deep.equal(c.awards)
        const failed = h.record.awards.filter((a) => a.status === 'failed')
        expect(failed).to.have.length(1)
        expect(failed[0].failure).to.equal(c.failure)
        expect(h.seen('job:declined')).to.deep.equal([`job:declined ${failed[0].provider}`])
        expect(h.record.awards.filter((a) => a.status === 'running')).to.have.length(c.opts.k ?? 1)
        expect(h.record.dissenters, 'declining is not dissent').to.deep.equal([])
      })
    }

    it('re-awards to the best untried bidder, including bids that came in meanwhile', async () => {
      const h = jobHarness({ answers: { p2: 'hold' } })
      await h.bid(['p1', 40n], ['p2', 30n])
      expect(awarded(h)).to.deep.equal(['p2'])
      await h.bid(['p3', 10n])
      expect(awarded(h), 'one award pass at a time').to.deep.equal(['p2'])
      h.release('p2', false)
      await closeWindow(h)
      expect(awarded(h)).to.deep.equal(['p2', 'p3'])
      expect(h.job.liveAward('p3')?.slot).to.equal(0)
    })

    it('a declined provider is never awarded again, even when it bids again', async () => {
      const h = jobHarness({ answers: { p1: 'decline', p2: 'decline' } })
      await h.bid(['p1', 10n], ['p2', 20n])
      await h.bid(['p1', 5n])
      await h.bid(['p3', 40n])
      expect(awarded(h)).to.deep.equal(['p1', 'p2', 'p3'])
    })

    it('when every bidder declined before the window closed, a late bid can still take the job', async () => {
      const h = jobHarness({ answers: { p1: 'decline', p2: 'decline' } })
      await h.bid(['p1', 10n], ['p2', 20n])
      await closeWindow(h)
      expect(h.record.phase, 'still open to late bids').to.equal('awarding')
      await h.bid(['p3', 60n])
      expect(h.record.phase).to.equal('running')
      expect(awarded(h)).to.deep.equal(['p1', 'p2', 'p3'])
    })
  })

  // The chaos chain-faults run lost a job: of its three providers one was full at its award
  // (NO_CAPACITY: slots fill between a bid and the award), one was revoked, one failed, and a
  // reopen found nobody untried. A capacity decline passes: the provider is asked again.
  describe('a provider busy at its award (NO_CAPACITY) is asked again', () => {
    it('with no other bid: awarded again 1 s later, and takes the job', async () => {
      const h = jobHarness({ answers: { p1: ['busy', 'accept'] } })
      await h.bid(['p1', 10n])
      await closeWindow(h)
      expect(awarded(h)).to.deep.equal(['p1'])
      expect(h.record.phase).to.not.equal('failed')
      expect(h.record.awards[0]).to.include({ status: 'failed', busy: true, failure: 'declined: busy (NO_CAPACITY)' })
      await h.clock.advance(999)
      expect(awarded(h), 'not before its retry').to.deep.equal(['p1'])
      await h.clock.advance(1)
      expect(awarded(h)).to.deep.equal(['p1', 'p1'])
      expect(h.job.liveAward('p1')?.slot).to.equal(0)
      expect(h.record.phase).to.equal('running')
      expect(h.record.dissenters, 'being busy is not dissent').to.deep.equal([])
    })

    it('with another bid: the slot goes to it at once, and the busy one is not awarded over it', async () => {
      const h = jobHarness({ answers: { p1: 'busy' } })
      await h.bid(['p1', 10n], ['p2', 20n])
      expect(awarded(h)).to.deep.equal(['p1', 'p2'])
      // its retry comes and goes (before p2's result is due): the slot is held
      await h.clock.advance(3_000)
      expect(awarded(h)).to.deep.equal(['p1', 'p2'])
      expect(h.job.liveAward('p2')).to.not.equal(undefined)
    })

    it('the next bidder is revoked while the busy one waits: the busy one gets the slot, the job goes on', async () => {
      const h = jobHarness({ answers: { p1: ['busy', 'accept'] } })
      await h.bid(['p1', 10n], ['p2', 20n])
      await closeWindow(h)
      await h.job.revoke('p2', 'HEARTBEAT_SILENT', 4_000)
      expect(h.record.phase, 'its bid is still good: nothing to fail or re-open').to.not.equal('failed')
      await h.clock.advance(1_000)
      expect(awarded(h)).to.deep.equal(['p1', 'p2', 'p1'])
      expect(h.record.phase).to.equal('running')
    })

    it('one of our awards with it ends: asked at once, and its timer then asks nobody again', async () => {
      const h = jobHarness({ answers: { p1: ['busy', 'accept'] } })
      await h.bid(['p1', 10n])
      await closeWindow(h)
      expect(h.job.slotFreed('p2'), 'not waiting for p2').to.equal(false)
      await h.clock.advance(200)
      expect(h.job.slotFreed('p1'), 'waiting for p1').to.equal(true)
      await h.clock.advance(0)
      expect(awarded(h)).to.deep.equal(['p1', 'p1'])
      expect(h.job.slotFreed('p1'), 'no longer waiting').to.equal(false)
      await h.clock.advance(5_000)
      expect(awarded(h), 'nothing more is awarded').to.deep.equal(['p1', 'p1'])
      expect(h.record.phase).to.equal('running')
    })

    // a 5-minute soak at 10 jobs/s: 2,488 NO_CAPACITY declines for 2,999 jobs, each a wasted exchange
    it('a bidder that just declined another of our jobs for capacity goes after the other bidders', async () => {
      const full = new Set(['p1'])
      const h = jobHarness({ likelyFull: (p) => full.has(p) })
      await h.bid(['p1', 10n], ['p2', 20n])
      expect(awarded(h), 'the cheaper p1 is held full: p2 first').to.deep.equal(['p2'])
      // only a full bidder left: it is asked all the same (its slot may have freed)
      const alone = jobHarness({ likelyFull: (p) => full.has(p), policy: { reserve: 0 } })
      await alone.bid(['p1', 10n])
      expect(awarded(alone)).to.deep.equal(['p1'])
      // once it is no longer held full it ranks as before
      full.clear()
      const again = jobHarness({ likelyFull: (p) => full.has(p) })
      await again.bid(['p1', 10n], ['p2', 20n])
      expect(awarded(again)).to.deep.equal(['p1'])
    })

    it('busy every time: asked again after 1, 2 and 4 s, then given up like any decline', async () => {
      const h = jobHarness({ answers: { p1: 'busy' } })
      const settled = h.job.settled()
      await h.bid(['p1', 10n])
      await closeWindow(h)
      const times = [h.clock.now()]
      for (const wait of [1_000, 2_000, 4_000]) {
        await h.clock.advance(wait)
        times.push(h.clock.now())
      }
      expect(awarded(h)).to.deep.equal(['p1', 'p1', 'p1', 'p1'])
      expect(h.record.awards.map((a) => a.awardedAt)).to.deep.equal(times)
      const record = await settled
      expect(record.failure?.reason).to.equal('NO_PROVIDER_ACCEPTED')
      await h.clock.advance(60_000)
      expect(awarded(h)).to.have.length(4)
    })
  })

  describe('results and deadlines', () => {
    it('k = 1: a delivered output is the verified result', async () => {
      const h = jobHarness()
      await h.bid(['p1', 10n], ['p2', 20n])
      const settled = h.job.settled()
      await results(h, ['p1', 'X'])
      const record = await settled
      expect(record.phase).to.equal('completed')
      expect(record.outputCid).to.equal('X')
      expect(record.completedAt).to.equal(h.clock.now())
      expect(h.log).to.deep.equal(['award p1 10 0', 'fetch p1 X'])
      expect(h.events.at(-1)).to.deep.include({
        type: 'job:verified',
        outputCid: 'X',
        providers: ['p1'],
        dissenters: [],
      })
      expect(h.saves.at(-1)).to.deep.equal({ final: true, phase: 'completed' })
      expect(h.clock.pending, 'every timer disarmed').to.equal(0)
    })

    it('a result from a provider without a live award is ignored', async () => {
      const h = jobHarness()
      await h.bid(['p1', 10n], ['p2', 20n])
      await results(h, ['p2', 'X'])
      expect(h.record.phase).to.equal('running')
      expect(h.log).to.deep.equal(['award p1 10 0'])
    })

    it('an output that does not match its CID makes a dissenter and re-awards', async () => {
      const h = jobHarness({ badOutput: ['p1'] })
      await h.bid(['p1', 10n], ['p2', 20n])
      await results(h, ['p1', 'X'])
      expect(h.seen('job:reawarded')).to.deep.equal(['job:reawarded p1'])
      expect(awarded(h)).to.deep.equal(['p1', 'p2'])
      await results(h, ['p2', 'Y'])
      expect(h.record.phase).to.equal('completed')
      expect(h.record.outputCid).to.equal('Y')
      expect(h.record.dissenters).to.deep.equal(['p1'])
    })

    it('a provider that misses its deadline loses the slot (not a dissenter)', async () => {
      const h = jobHarness({ wallTimeMs: 1_000 })
      await h.bid(['p1', 10n], ['p2', 20n])
      const due = h.record.awards[0].deadline!
      expect(due).to.equal(h.clock.now() + 1_000 + 5_000) // wall time + the default grace
      await h.clock.advanceTo(due - 1)
      expect(awarded(h)).to.deep.equal(['p1'])
      await h.clock.advanceTo(due)
      expect(h.events.find((e) => e.type === 'job:reawarded')).to.deep.include({
        provider: 'p1',
        reason: 'DEADLINE_MISSED',
      })
      expect(awarded(h)).to.deep.equal(['p1', 'p2'])
      await results(h, ['p1', 'X']) // too late: ignored
      await results(h, ['p2', 'Y'])
      expect(h.record.outputCid).to.equal('Y')
      expect(h.record.dissenters).to.deep.equal([])
    })

    it('the award deadline never exceeds the job deadline', async () => {
      const h = jobHarness({ wallTimeMs: 100_000, deadlineMs: 30_000 })
      await h.bid(['p1', 10n], ['p2', 20n])
      expect(h.record.awards[0].deadline).to.equal(h.record.deadline)
    })

    // The provider's own trouble (it could not fetch the inputs, its node failed) says nothing
    // about the job: the slot goes to the next bidder, and the provider is not a dissenter.
    for (const status of ['EXEC_FETCH_FAILED', 'EXEC_INTERNAL_ERROR', 'EXEC_STATUS_UNSPECIFIED']) {
      it(`k = 1: ${status} is not deterministic: re-awarded, not a dissenter`, async () => {
        const h = jobHarness()
        await h.bid(['p1', 10n], ['p2', 20n])
        await results(h, ['p1', status])
        expect(h.record.awards[0]).to.deep.include({ status: 'failed', execStatus: status })
        expect(awarded(h)).to.deep.equal(['p1', 'p2'])
        expect(h.record.dissenters).to.deep.equal([])
        expect(h.events.some((e) => e.type === 'job:reawarded' && e.reason === status)).to.equal(true)
      })
    }

    // The module itself failed under the job's own limits: another provider would fail it the
    // same way (a spinning module used to be run twice), so the job ends with that reason.
    for (const status of ['EXEC_TRAPPED', 'EXEC_TIMEOUT', 'EXEC_MEMORY_LIMIT', 'EXEC_OUTPUT_LIMIT']) {
      it(`k = 1: ${status} is deterministic: the job ends with JOB_${status}, never re-run`, async () => {
        const h = jobHarness()
        const settled = h.job.settled()
        await h.bid(['p1', 10n], ['p2', 20n])
        await results(h, ['p1', status])
        const record = await settled
        expect(record.phase).to.equal('failed')
        expect(record.failure?.reason).to.equal(`JOB_${status}`)
        expect(awarded(h)).to.deep.equal(['p1'])
        expect(record.dissenters).to.deep.equal([])
        expect(h.events.filter((e) => e.type === 'job:reawarded')).to.deep.equal([])
        expect(h.clock.pending, 'every timer disarmed').to.equal(0)
      })
    }
  })

  describe('failure reasons', () => {
    const cases: Array<{ reason: string; note?: string; opts: Options; run: (h: JobHarness) => Promise<void> }> = [
      {
        reason: 'NO_BIDS',
        opts: {},
        run: async (h) => {
          await closeWindow(h)
        },
      },
      {
        // bids under the good threshold wait for the window; then both decline
        reason: 'NO_PROVIDER_ACCEPTED',
        note: 'every bidder declined or was unreachable after the window closed',
        opts: { answers: { p1: 'decline', p2: 'throw' } },
        run: async (h) => {
          await h.bid(['p1', 80n], ['p2', 90n])
          await closeWindow(h)
        },
      },
      {
        reason: 'NO_PROVIDER_ACCEPTED',
        note: 'the only accepted award timed out and no other bid is left',
        opts: {},
        run: async (h) => {
          await h.bid(['p1', 80n])
          await closeWindow(h)
          await h.clock.advance(60_000)
        },
      },
      {
        reason: 'DEADLINE_PASSED',
        opts: { deadlineMs: 10_000, wallTimeMs: 100_000 },
        run: async (h) => {
          await h.bid(['p1', 10n], ['p2', 20n])
          await h.clock.advanceTo(h.record.deadline)
        },
      },
      {
        // a non-deterministic failure twice over is the job's own (its inputs cannot be fetched)
        reason: 'JOB_EXEC_FETCH_FAILED',
        opts: {},
        run: async (h) => {
          await h.bid(['p1', 10n], ['p2', 20n], ['p3', 30n])
          await results(h, ['p1', 'EXEC_FETCH_FAILED'], ['p2', 'EXEC_FETCH_FAILED'])
        },
      },
      {
        // one non-deterministic failure and nobody left to ask
        reason: 'JOB_EXEC_INTERNAL_ERROR',
        opts: {},
        run: async (h) => {
          await h.bid(['p1', 10n])
          await closeWindow(h)
          await results(h, ['p1', 'EXEC_INTERNAL_ERROR'])
        },
      },
      {
        reason: 'JOB_EXEC_TRAPPED',
        note: 'k = 1: the first deterministic failure ends the job',
        opts: {},
        run: async (h) => {
          await h.bid(['p1', 10n], ['p2', 20n])
          await results(h, ['p1', 'EXEC_TRAPPED'])
        },
      },
      {
        reason: 'JOB_EXEC_TIMEOUT',
        note: 'k = 3: a majority reporting the same deterministic failure ends the job',
        opts: { k: 3, policy: { reserve: 10 } },
        run: async (h) => {
          await h.bid(['p1', 10n], ['p2', 11n], ['p3', 12n], ['p4', 13n])
          await closeWindow(h)
          await results(h, ['p1', 'EXEC_TIMEOUT'], ['p2', 'EXEC_TIMEOUT'])
        },
      },
      {
        reason: 'NO_MAJORITY',
        note: 'k = 2: an output against a trap, and no bid left to break the tie',
        opts: { k: 2 },
        run: async (h) => {
          await h.bid(['p1', 10n], ['p2', 20n])
          await closeWindow(h)
          await results(h, ['p1', 'X'], ['p2', 'EXEC_TRAPPED'])
        },
      },
      {
        reason: 'NO_MAJORITY',
        opts: { k: 2 },
        run: async (h) => {
          await h.bid(['p1', 10n], ['p2', 20n])
          await closeWindow(h)
          await results(h, ['p1', 'X'], ['p2', 'Y'])
        },
      },
      {
        // k = 2: one delivered, the other timed out, and no bid left for its slot
        reason: 'NO_PROVIDER_LEFT',
        opts: { k: 2 },
        run: async (h) => {
          await h.bid(['p1', 10n], ['p2', 20n])
          await closeWindow(h)
          await results(h, ['p1', 'X'])
          await h.clock.advance(10_000)
        },
      },
    ]
    for (const c of cases) {
      it(`${c.reason}${c.note !== undefined ? `: ${c.note}` : ''}`, async () => {
        const h = jobHarness(c.opts)
        const settled = h.job.settled()
        await c.run(h)
        const record = await settled
        expect(record.phase).to.equal('failed')
        expect(record.failure?.reason).to.equal(c.reason)
        expect(record.failure?.message).to.be.a('string').and.not.equal('')
        expect(h.events.filter((e) => e.type === 'job:failed')).to.have.length(1)
        expect(h.saves.at(-1)).to.deep.equal({ final: true, phase: 'failed' })
        expect(h.clock.pending, 'every timer disarmed').to.equal(0)
      })
    }

    it('a failed job stays failed: a late result changes nothing', async () => {
      const h = jobHarness({ deadlineMs: 10_000, wallTimeMs: 100_000 })
      await h.bid(['p1', 10n], ['p2', 20n])
      await h.clock.advanceTo(h.record.deadline)
      await results(h, ['p1', 'X'])
      expect(h.record.phase).to.equal('failed')
      expect(h.record.outputCid).to.equal(undefined)
      expect(h.log).to.deep.equal(['award p1 10 0'])
    })
  })

  describe('k > 1 majorities', () => {
    const cases: Array<{
      name: string
      k: number
      bids: number
      results: Array<[string, string]>
      output: string
      verified: string[]
      dissenters: string[]
      awards: string[]
    }> = [
      {
        name: 'k = 3: two agreeing outputs settle it; the dissenter who answered is recorded',
        k: 3,
        bids: 4,
        results: [
          ['p1', 'X'],
          ['p3', 'Y'],
          ['p2', 'X'],
        ],
        output: 'X',
        verified: ['p1', 'p2'],
        dissenters: ['p3'],
        awards: ['p1', 'p2', 'p3'],
      },
      {
        name: 'k = 3: a majority settles it without waiting for the third',
        k: 3,
        bids: 4,
        results: [
          ['p1', 'X'],
          ['p2', 'X'],
        ],
        output: 'X',
        verified: ['p1', 'p2'],
        dissenters: [],
        awards: ['p1', 'p2', 'p3'],
      },
      {
        name: 'k = 2: a tie buys one more provider, whose output breaks it',
        k: 2,
        bids: 3,
        results: [
          ['p1', 'X'],
          ['p2', 'Y'],
          ['p3', 'Y'],
        ],
        output: 'Y',
        verified: ['p2', 'p3'],
        dissenters: ['p1'],
        awards: ['p1', 'p2', 'p3'],
      },
      {
        name: 'k = 2: a three-way split buys another provider',
        k: 2,
        bids: 4,
        results: [
          ['p1', 'X'],
          ['p2', 'Y'],
          ['p3', 'Z'],
          ['p4', 'X'],
        ],
        output: 'X',
        verified: ['p1', 'p4'],
        dissenters: ['p2', 'p3'],
        awards: ['p1', 'p2', 'p3', 'p4'],
      },
      {
        name: 'k = 3: a non-deterministic failure does not vote; its slot is re-awarded',
        k: 3,
        bids: 5,
        results: [
          ['p1', 'X'],
          ['p2', 'EXEC_INTERNAL_ERROR'],
          ['p4', 'X'],
        ],
        output: 'X',
        verified: ['p1', 'p4'],
        dissenters: [],
        awards: ['p1', 'p2', 'p3', 'p4'],
      },
      {
        name: 'k = 3: one provider claiming a trap while a majority ran it is a dissenter; no re-award',
        k: 3,
        bids: 5,
        results: [
          ['p1', 'X'],
          ['p2', 'EXEC_TRAPPED'],
          ['p3', 'X'],
        ],
        output: 'X',
        verified: ['p1', 'p3'],
        dissenters: ['p2'],
        awards: ['p1', 'p2', 'p3'],
      },
      {
        name: "k = 3: a limit claim is that provider's answer: the majority is still counted among k",
        k: 3,
        bids: 5,
        results: [
          ['p1', 'EXEC_MEMORY_LIMIT'],
          ['p2', 'X'],
          ['p3', 'X'],
        ],
        output: 'X',
        verified: ['p2', 'p3'],
        dissenters: ['p1'],
        awards: ['p1', 'p2', 'p3'],
      },
      {
        name: 'k = 2: an output against an output-limit claim is a tie; a third opinion breaks it',
        k: 2,
        bids: 3,
        results: [
          ['p1', 'EXEC_OUTPUT_LIMIT'],
          ['p2', 'X'],
          ['p3', 'X'],
        ],
        output: 'X',
        verified: ['p2', 'p3'],
        dissenters: ['p1'],
        awards: ['p1', 'p2', 'p3'],
      },
    ]
    for (const c of cases) {
      it(c.name, async () => {
        // reserve high: awards come at the window close, in price order p1, p2, …
        const h = jobHarness({ k: c.k, policy: { reserve: 10 } })
        await h.bid(...Array.from({ length: c.bids }, (_, i): [string, bigint] => [`p${i + 1}`, BigInt(10 + i)]))
        await closeWindow(h)
        const settled = h.job.settled()
        await results(h, ...c.results)
        const record = await settled
        expect(record.phase).to.equal('completed')
        expect(record.outputCid).to.equal(c.output)
        expect(record.dissenters).to.deep.equal(c.dissenters)
        expect(awarded(h)).to.deep.equal(c.awards)
        const verified = h.events.find((e) => e.type === 'job:verified')
        expect(verified).to.deep.include({ providers: c.verified, dissenters: c.dissenters })
        expect(c.verified.length).to.be.at.most(c.k)
      })
    }

    it('the tie-break slot reuses slot numbers modulo k', async () => {
      const h = jobHarness({ k: 2, policy: { reserve: 10 } })
      await h.bid(['p1', 10n], ['p2', 11n], ['p3', 12n])
      await closeWindow(h)
      await results(h, ['p1', 'X'], ['p2', 'Y'])
      expect(h.record.awards.map((a) => a.slot)).to.deep.equal([0, 1, 0])
    })
  })

  describe('fair exchange (payments on): commitments vote, then payment, then output fetch', () => {
    it('k = 1: pays the committed output before fetching it', async () => {
      const h = jobHarness({ payments: true })
      await h.bid(['p1', 10n], ['p2', 20n])
      await results(h, ['p1', 'X'])
      expect(h.log).to.deep.equal(['award p1 10 0', 'pay p1 10 X', 'fetch p1 X'])
      expect(h.record.phase).to.equal('completed')
      expect(h.record.awards[0].paidAt).to.equal(h.clock.now())
    })

    it('k = 2: nothing is paid or fetched before a majority of commitments agree', async () => {
      const h = jobHarness({ k: 2, payments: true, policy: { reserve: 10 } })
      await h.bid(['p1', 10n], ['p2', 20n], ['p3', 30n])
      await closeWindow(h)
      await results(h, ['p1', 'X'])
      expect(h.log.filter((l) => !l.startsWith('award'))).to.deep.equal([])
      expect(h.record.awards[0].status).to.equal('committed')
      expect(h.record.phase).to.equal('verifying')
      await results(h, ['p2', 'X'])
      expect(h.log.filter((l) => !l.startsWith('award'))).to.deep.equal(['pay p1 10 X', 'pay p2 20 X', 'fetch p1 X'])
      expect(h.record.phase).to.equal('completed')
      expect(h.record.awards.map((a) => a.status)).to.deep.equal(['delivered', 'delivered'])
    })

    it('k = 2: a tie of commitments buys a third opinion; only the winners are paid', async () => {
      const h = jobHarness({ k: 2, payments: true, policy: { reserve: 10 } })
      await h.bid(['p1', 10n], ['p2', 20n], ['p3', 30n])
      await closeWindow(h)
      await results(h, ['p1', 'X'], ['p2', 'Y'])
      expect(h.log.filter((l) => l.startsWith('pay'))).to.deep.equal([])
      await results(h, ['p3', 'Y'])
      expect(h.log.filter((l) => !l.startsWith('award'))).to.deep.equal(['pay p2 20 Y', 'pay p3 30 Y', 'fetch p2 Y'])
      expect(h.record.dissenters).to.deep.equal(['p1'])
    })

    it('a paid provider whose output mismatches becomes a dissenter; another winner delivers', async () => {
      const h = jobHarness({ k: 2, payments: true, badOutput: ['p1'], policy: { reserve: 10 } })
      await h.bid(['p1', 10n], ['p2', 20n], ['p3', 30n])
      await closeWindow(h)
      await results(h, ['p1', 'X'], ['p2', 'X'])
      expect(h.log.filter((l) => !l.startsWith('award'))).to.deep.equal([
        'pay p1 10 X',
        'pay p2 20 X',
        'fetch p1 X',
        'fetch p2 X',
      ])
      expect(h.record.phase).to.equal('completed')
      expect(h.record.dissenters).to.deep.equal(['p1'])
      expect(h.record.awards[0]).to.deep.include({ status: 'failed' })
      expect(h.record.awards[0].paidAt, 'it was paid: its commitment is the evidence').to.be.a('number')
    })

    it('a result without a valid commitment is never paid; the slot is re-awarded', async () => {
      const h = jobHarness({ payments: true })
      await h.bid(['p1', 10n], ['p2', 20n])
      await h.job.onResult('p1', 'EXEC_OK', 'X', METERING, false)
      expect(h.events.find((e) => e.type === 'job:reawarded')).to.deep.include({
        provider: 'p1',
        reason: 'NO_COMMITMENT',
      })
      expect(h.record.dissenters).to.deep.equal(['p1'])
      await results(h, ['p2', 'X'])
      expect(h.log).to.deep.equal(['award p1 10 0', 'award p2 20 0', 'pay p2 20 X', 'fetch p2 X'])
    })

    describe('a tolerance vote with payments on: every answer read is bought first', () => {
      // outputs agree when their first letters match ("X1" ~ "X2", "Z" apart); the representative
      // is the first of the largest group, the way the real grouper names its group
      const byLetter: GroupOutputs = async (answers) => {
        const groups = new Map<string, string[]>()
        for (const letter of [...new Set(answers.map((a) => a.outputCid[0]))]) {
          const members = answers.filter((a) => a.outputCid[0] === letter)
          groups.set(
            members[0]!.outputCid,
            members.map((a) => a.provider),
          )
        }
        return { groups: new Map([...groups].sort((a, b) => b[1].length - a[1].length)) }
      }

      it('k = 3: each committed answer is paid and fetched before the vote: one outside dissents', async () => {
        const h = jobHarness({ k: 3, payments: true, groupOutputs: byLetter, policy: { reserve: 10 } })
        await h.bid(['p1', 10n], ['p2', 20n], ['p3', 30n])
        await closeWindow(h)
        await results(h, ['p3', 'Z'])
        // no CID can say how close Z is to what comes: it is bought and read at once
        expect(h.log.filter((l) => !l.startsWith('award'))).to.deep.equal(['pay p3 30 Z', 'fetch p3 Z'])
        expect(h.record.phase).to.not.equal('completed')
        await results(h, ['p1', 'X1'], ['p2', 'X2'])
        expect(h.log.filter((l) => !l.startsWith('award'))).to.deep.equal([
          'pay p3 30 Z',
          'fetch p3 Z',
          'pay p1 10 X1',
          'fetch p1 X1',
          'pay p2 20 X2',
          'fetch p2 X2',
        ])
        expect(h.record.phase).to.equal('completed')
        expect(h.record.winners).to.have.members(['p1', 'p2'])
        expect(h.record.dissenters).to.deep.equal(['p3'])
        expect(h.record.outputCid).to.equal('X1')
        expect(h.record.awards.map((a) => [a.provider, a.status, a.paidAt !== undefined])).to.deep.equal([
          ['p1', 'delivered', true],
          ['p2', 'delivered', true],
          ['p3', 'delivered', true],
        ])
      })

      it('a paid answer whose bytes never come is a dissent, and its slot goes to the next bidder', async () => {
        const h = jobHarness({
          k: 2,
          payments: true,
          groupOutputs: byLetter,
          badOutput: ['p1'],
          policy: { reserve: 10 },
        })
        await h.bid(['p1', 10n], ['p2', 20n], ['p3', 30n])
        await closeWindow(h)
        await results(h, ['p1', 'X1'])
        expect(h.record.dissenters).to.deep.equal(['p1'])
        expect(awarded(h)).to.deep.equal(['p1', 'p2', 'p3'])
        await results(h, ['p2', 'X2'], ['p3', 'X3'])
        expect(h.record.phase).to.equal('completed')
        expect(h.record.winners).to.have.members(['p2', 'p3'])
      })
    })

    it("a payment that fails on our side is not the provider's fault: no dissent, next bidder", async () => {
      const h = jobHarness({ payments: true, payFails: ['p1'] })
      await h.bid(['p1', 10n], ['p2', 20n])
      await results(h, ['p1', 'X'])
      expect(h.record.awards[0].failure).to.match(/^payment failed/)
      expect(h.record.dissenters).to.deep.equal([])
      expect(awarded(h)).to.deep.equal(['p1', 'p2'])
      await results(h, ['p2', 'X'])
      expect(h.record.phase).to.equal('completed')
      expect(h.log.filter((l) => l.startsWith('fetch'))).to.deep.equal(['fetch p2 X'])
    })
  })

  // issue 16: a restarted requester takes up the jobs its records show under way (Requester.recoverInterrupted)
  describe('after a restart (resume)', () => {
    it('k = 1: a running award goes on, and its result completes the job', async () => {
      const h = jobHarness({ restartedWith: [{ provider: 'p1', status: 'running' }] })
      expect(h.job.resume(), 'the awards to watch').to.deep.equal(['p1'])
      await h.job.resumeAnswers()
      expect(h.record.phase).to.equal('running')
      await results(h, ['p1', 'X'])
      expect(h.log).to.deep.equal(['fetch p1 X'])
      expect(h.record.phase).to.equal('completed')
    })

    it('k = 2: an award whose answer never came is given up; the running one goes on', async () => {
      const h = jobHarness({
        k: 2,
        restartedWith: [
          { provider: 'p1', status: 'running' },
          { provider: 'p2', status: 'awarding' },
        ],
      })
      expect(h.job.resume()).to.deep.equal(['p1'])
      expect(h.record.awards[1]).to.deep.include({ status: 'failed' })
      await h.job.resumeAnswers()
      expect(h.record.phase).to.equal('running')
      expect(h.job.liveAward('p1')).to.not.equal(undefined)
      expect(h.job.liveAward('p2')).to.equal(undefined)
    })

    it('k = 1: the result came in before the stop: paid and fetched after it', async () => {
      const h = jobHarness({ payments: true, restartedWith: [{ provider: 'p1', status: 'committed', outputCid: 'X' }] })
      expect(h.job.resume()).to.deep.equal([])
      await h.job.resumeAnswers()
      expect(h.log).to.deep.equal(['pay p1 10 X', 'fetch p1 X'])
      expect(h.record.phase).to.equal('completed')
    })

    it('an award past its deadline after the restart is given up like any other', async () => {
      const h = jobHarness({ restartedWith: [{ provider: 'p1', status: 'running' }] })
      h.record.awards[0].deadline = h.clock.now() + 5_000
      expect(h.job.resume()).to.deep.equal(['p1'])
      await h.job.resumeAnswers()
      await h.clock.advanceTo(h.clock.now() + 5_000)
      expect(h.seen('job:reawarded')).to.deep.equal(['job:reawarded p1'])
      expect(h.record.phase, 'no bid left: bidding re-opened or the job failed').to.not.equal('running')
    })

    it('nothing under way (the only award never answered): REQUESTER_RESTARTED', async () => {
      const h = jobHarness({ restartedWith: [{ provider: 'p1', status: 'awarding' }] })
      expect(h.job.resume()).to.deep.equal([])
      await h.job.resumeAnswers()
      expect(h.record.phase).to.equal('failed')
      expect(h.record.failure?.reason).to.equal('REQUESTER_RESTARTED')
    })
  })

  describe('properties', () => {
    type Answer = 'accept' | 'decline' | 'throw'
    type Outcome = 'X' | 'Y' | 'EXEC_TRAPPED' | 'EXEC_INTERNAL_ERROR' | 'silent'
    const provider = fc.record({
      price: fc.bigInt({ min: 1n, max: 120n }),
      answer: fc.constantFrom<Answer>('accept', 'accept', 'decline', 'throw'),
      outcome: fc.constantFrom<Outcome>('X', 'X', 'Y', 'EXEC_TRAPPED', 'EXEC_INTERNAL_ERROR', 'silent'),
    })

    it('never more than k verified providers, never an award to a provider tried before, always ends', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 3 }),
          fc.array(provider, { minLength: 0, maxLength: 7 }),
          fc.boolean(),
          fc.boolean(),
          async (k, providers, payments, sameOutput) => {
            const answers = Object.fromEntries(providers.map((p, i) => [`p${i}`, p.answer]))
            const h = jobHarness({ k, payments, answers, deadlineMs: 120_000 })
            const settled = h.job.settled()
            const check = (): void => {
              const names = h.record.awards.map((a) => a.provider)
              expect(new Set(names).size, `one award per provider: ${names.join(',')}`).to.equal(names.length)
              if (sameOutput) {
                const busy = h.record.awards.filter((a) => a.status !== 'failed').length
                expect(busy, 'never more than k slots in use when outputs agree').to.be.at.most(k)
              }
            }
            await h.bid(...providers.map((p, i): [string, bigint] => [`p${i}`, p.price]))
            check()
            await closeWindow(h)
            // answer every live award, let the silent ones time out, until the deadline
            while (h.record.phase !== 'completed' && h.record.phase !== 'failed' && h.clock.now() < h.record.deadline) {
              for (const [i, p] of providers.entries()) {
                const name = `p${i}`
                if (h.job.liveAward(name) === undefined || p.outcome === 'silent') continue
                const out = sameOutput && p.outcome === 'Y' ? 'X' : p.outcome
                await results(h, [name, out])
                check()
              }
              await h.clock.advance(7_000)
              check()
            }
            await h.clock.advanceTo(h.record.deadline)
            const record = await settled
            expect(['completed', 'failed']).to.include(record.phase)
            const verified = h.events.find((e) => e.type === 'job:verified')
            if (record.phase === 'completed') {
              const providersOk = verified?.type === 'job:verified' ? verified.providers : []
              expect(providersOk.length).to.be.within(Math.floor(k / 2) + 1, k)
              expect(providersOk.filter((p) => record.dissenters.includes(p))).to.deep.equal([])
              if (payments) {
                // every verified provider was paid, and nobody was paid for another output
                for (const p of providersOk) {
                  const price = record.awards.find((a) => a.provider === p)!.price
                  expect(h.log).to.include(`pay ${p} ${price} ${record.outputCid}`)
                }
                expect(h.log.filter((l) => l.startsWith('pay') && !l.endsWith(` ${record.outputCid}`))).to.deep.equal(
                  [],
                )
              }
            } else {
              expect(verified).to.equal(undefined)
            }
            for (const a of record.awards) {
              const declinedEarlier = h.events.some(
                (e) => e.type === 'job:declined' && e.provider === a.provider && e.at < a.awardedAt,
              )
              expect(declinedEarlier).to.equal(false)
            }
          },
        ),
        { numRuns: 150 },
      )
    })
  })
})
