// Issue 15: spot checks of k = 1 jobs in the requester's job state machine (fake clock, scripted
// providers) and what a finished job adds to reputation. The wire-level attack is
// test/security/15-spot-check.test.ts.
import { expect } from 'chai'
import { checkPostJobBody } from '../../../node/api/contract/jobs.ts'
import { postJobInput } from '../../../node/market/api-routes.ts'
import { drawSpotCheck } from '../../../node/market/requester.ts'
import { ReputationStore, jobHistory } from '../../../node/market/reputation-store.ts'
import { METERING, jobHarness, settle } from '../../support/market-fixtures.ts'
import type { JobHarness } from '../../support/market-fixtures.ts'
import type { JobPolicy } from '../../../node/market/requester-job.ts'

const awards = (h: JobHarness): string[] => h.log.filter((l) => l.startsWith('award'))

function spotChecked(policy: JobPolicy = { reserve: 99 }): JobHarness {
  const h = jobHarness({ k: 1, policy })
  h.record.spotCheck = true
  return h
}

async function answer(h: JobHarness, provider: string, out: string): Promise<void> {
  await h.job.onResult(provider, 'EXEC_OK', out, METERING)
  await settle()
}

describe('node/market spot checks of k = 1 jobs (issue 15)', () => {
  it(
    'a second provider runs the job too, under an ordinary k =' + ' 1 award; the clearing names only the first',
    async () => {
      const h = spotChecked()
      await h.bid(['p1', 10n], ['p2', 20n], ['p3', 30n])
      await h.clock.advanceTo(h.record.bidsCloseAt)
      await settle()
      expect(awards(h)).to.deep.equal(['award p1 10 0', 'award p2 20 0'])
      expect(h.clearings).to.deep.equal([['p1']])
      await answer(h, 'p1', 'X')
      expect(h.record.phase, 'waits for the check').to.not.equal('completed')
      await answer(h, 'p2', 'X')
      expect(h.record.phase).to.equal('completed')
      expect(h.record.outputCid).to.equal('X')
      expect(h.record.dissenters).to.deep.equal([])
    },
  )

  it('a mismatch buys a third provider; the lone output is the dissent, with its reason', async () => {
    const h = spotChecked()
    await h.bid(['cheat', 10n], ['p2', 20n], ['p3', 30n])
    await h.clock.advanceTo(h.record.bidsCloseAt)
    await settle()
    await answer(h, 'cheat', 'FORGED')
    await answer(h, 'p2', 'TRUE')
    expect(awards(h)).to.deep.equal(['award cheat 10 0', 'award p2 20 0', 'award p3 30 0'])
    await answer(h, 'p3', 'TRUE')
    expect(h.record.phase).to.equal('completed')
    expect(h.record.outputCid).to.equal('TRUE')
    expect(h.record.dissenters).to.deep.equal(['cheat'])
    expect(h.record.awards.find((a) => a.provider === 'cheat')?.failure).to.match(/^SPOT_CHECK_MISMATCH/)
    // reputation: the cheater failed a spot check, the others passed one and were paid
    expect(Object.fromEntries(jobHistory(h.record))).to.deep.equal({
      cheat: { paid: 0, spotPassed: 0, spotFailed: 1, dissents: 0, failures: 0, slashed: false },
      p2: { paid: 1, spotPassed: 1, spotFailed: 0, dissents: 0, failures: 0, slashed: false },
      p3: { paid: 1, spotPassed: 1, spotFailed: 0, dissents: 0, failures: 0, slashed: false },
    })
  })

  it("with no second provider to ask at the window's close, the one answer stands (unchecked)", async () => {
    const h = spotChecked()
    await h.bid(['only', 10n])
    await h.clock.advanceTo(h.record.bidsCloseAt)
    await settle()
    expect(awards(h)).to.deep.equal(['award only 10 0'])
    await answer(h, 'only', 'X')
    expect(h.record.phase).to.equal('completed')
    expect(h.record.spotCheck).to.equal(false)
    expect(Object.fromEntries(jobHistory(h.record))).to.deep.equal({
      only: { paid: 1, spotPassed: 0, spotFailed: 0, dissents: 0, failures: 0, slashed: false },
    })
  })

  it('POST /v1/jobs takes a spot-check rate from 0 to 1 and hands it to the requester', () => {
    const body = { module: 'AAAA', maxPrice: '1000' }
    expect(postJobInput(checkPostJobBody({ ...body, spotCheckRate: 0.25 })).spotCheckRate).to.equal(0.25)
    expect(postJobInput(checkPostJobBody(body))).to.not.have.property('spotCheckRate')
    for (const bad of [-0.1, 1.5, '0.5', Number.NaN])
      expect(() => checkPostJobBody({ ...body, spotCheckRate: bad }), String(bad)).to.throw()
  })

  it('drawSpotCheck: only k = 1, never at rate 0, always at rate 1', () => {
    expect(drawSpotCheck(1, undefined)).to.equal(false)
    expect(drawSpotCheck(1, 0)).to.equal(false)
    expect(drawSpotCheck(1, 1)).to.equal(true)
    expect(drawSpotCheck(2, 1)).to.equal(false)
    const n = 2000
    let hits = 0
    for (let i = 0; i < n; i++) if (drawSpotCheck(1, 0.25)) hits++
    // binomial(2000, 0.25): mean 500, sd ≈ 19; ± 6 sd
    expect(hits).to.be.within(385, 615)
  })
})

describe('node/market ReputationStore', () => {
  it('keeps history per stake owner (all its peer ids share it), else per peer id, and persists it', async () => {
    const saved = new Map<string, unknown>()
    const db = {
      get: async (k: string) => saved.get(k),
      put: async (k: string, v: unknown) => {
        saved.set(k, v)
      },
    }
    const store = new ReputationStore({ db })
    await store.add('peer-a', '0xABC', { paid: 10 })
    expect(await store.score('peer-b', '0xabc'), 'another peer id of the same owner').to.equal(0.5)
    expect(await store.score('peer-a'), "without the owner, the peer id's own (empty) history").to.equal(0)
    await store.add('peer-b', '0xabc', { spotFailed: 1 })
    const again = new ReputationStore({ db })
    expect(await again.history('peer-a', '0xAbC')).to.include({ paid: 10, spotFailed: 1 })
  })
})
