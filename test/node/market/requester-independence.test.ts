// Issue 15: the requester's job state machine keeps a job's providers independent. Peer ids are
// free and one owner's stake can back several of them (it can be rebound), so slots are counted
// per stake owner; and the stake a bid needs grows with what the job is worth. Fake clock, no
// network: the wire-level attack is test/security/15-sybil-k2.test.ts.
import { expect } from 'chai'
import { METERING, bid, jobHarness, settle } from '../../support/market-fixtures.ts'
import type { JobHarness } from '../../support/market-fixtures.ts'

const awarded = (h: JobHarness): string[] => h.log.filter((l) => l.startsWith('award')).map((l) => l.split(' ')[1])

describe('node/market RequesterJob: independent providers (issue 15)', () => {
  it('k = 2: two peer ids of one owner never hold both slots', async () => {
    const h = jobHarness({ k: 2, policy: { reserve: 99 } })
    const now = h.clock.now()
    h.job.addBid(bid('sybil-a', 10n, now, { owner: '0xAAAA' }))
    h.job.addBid(bid('sybil-b', 11n, now, { owner: '0xaaaa' }))
    h.job.addBid(bid('honest', 40n, now, { owner: '0xBBBB' }))
    await h.clock.advanceTo(h.record.bidsCloseAt)
    await settle()
    expect(awarded(h)).to.deep.equal(['sybil-a', 'honest'])
  })

  it('an owner whose peer id failed the job gets no slot under another peer id', async () => {
    const h = jobHarness({ k: 1, policy: { reserve: 99 } })
    const now = h.clock.now()
    h.job.addBid(bid('sybil-a', 10n, now, { owner: '0xAAAA' }))
    h.job.addBid(bid('honest', 40n, now, { owner: '0xBBBB' }))
    await h.clock.advanceTo(h.record.bidsCloseAt)
    await settle()
    // the sibling bids once its owner already holds the job: not awarded then …
    h.job.addBid(bid('sybil-b', 5n, now, { owner: '0xAAAA' }))
    await settle()
    expect(awarded(h)).to.deep.equal(['sybil-a'])
    // … nor when the first peer id fails: the slot goes to the independent provider
    await h.job.onResult('sybil-a', 'EXEC_INTERNAL_ERROR', undefined, METERING)
    await settle()
    expect(awarded(h)).to.deep.equal(['sybil-a', 'honest'])
  })

  it("with stake checked, a bid needs the job's stake floor (ten times its max price by default)", async () => {
    // maxPrice 100: floor 1000
    const h = jobHarness({ k: 1, policy: { reserve: 99, stakeChecked: true } })
    const now = h.clock.now()
    h.job.addBid(bid('thin', 10n, now, { stake: 999n, owner: '0x01' }))
    h.job.addBid(bid('enough', 40n, now, { stake: 1000n, owner: '0x02' }))
    await h.clock.advanceTo(h.record.bidsCloseAt)
    await settle()
    expect(awarded(h)).to.deep.equal(['enough'])
  })

  it('without a registry (stake not checked) the floor does not apply', async () => {
    const h = jobHarness({ k: 1, policy: { reserve: 99 } })
    h.job.addBid(bid('any', 10n, h.clock.now(), { stake: 1n }))
    await h.clock.advanceTo(h.record.bidsCloseAt)
    await settle()
    expect(awarded(h)).to.deep.equal(['any'])
  })
})
