// The dashboard's provider page lists the jobs a node bid on from its audit log, then live events
// (ui/pages/provider-runs.ts, pure: no browser needed): a newcomer who opened the page after the node
// had worked saw "Done 0".
import { expect } from 'chai'
import { isDone, lastAcceptedPrice, mergeRuns, runsFromAudit } from '../../ui/pages/provider-runs.ts'
import type { AuditEntryFields } from '../../ui/pages/provider-runs.ts'

const REQ = '12D3KooWRequester'
const entry = (type: string, jobId: string, timestamp: number, more: AuditEntryFields = {}): AuditEntryFields => ({
  index: timestamp,
  type,
  jobId,
  timestamp,
  counterparty: REQ,
  ...more,
})

describe('ui provider page: job history from the audit log', () => {
  const log = [
    entry('bid', 'a', 1, { direction: 'sent', price: '100' }),
    entry('bid', 'b', 2, { direction: 'sent', price: '200' }),
    entry('accepted', 'a', 3, { direction: 'sent', price: '100' }),
    entry('result', 'a', 4, { direction: 'sent' }),
    entry('paid', 'a', 5, { direction: 'received', amount: '100' }),
    entry('bid', 'c', 6, { direction: 'sent', price: '300' }),
    entry('accepted', 'c', 7, { direction: 'sent', price: '300' }),
    // this node's requester side: not its runs
    entry('posted', 'd', 8, { maxPrice: '1' }),
    entry('result', 'd', 9, { direction: 'received' }),
  ]

  it('reads bids, acceptances, results sent and payments received; skips the requester side', () => {
    const runs = runsFromAudit(log)
    const by = new Map(runs.map((r) => [r.jobId, r]))
    expect([...by.keys()].sort()).to.deep.equal(['a', 'b', 'c'])
    expect(by.get('a')).to.deep.include({ state: 'paid', price: '100', requester: REQ, at: 5 })
    expect(by.get('b')).to.deep.include({ state: 'bid', price: '200' })
    expect(by.get('c')).to.deep.include({ state: 'accepted', price: '300' })
    expect(runs.filter(isDone).map((r) => r.jobId)).to.deep.equal(['a'])
  })

  it('keeps the furthest step whatever the entry order (a voucher can ride with the award)', () => {
    const runs = runsFromAudit([
      entry('bid', 'e', 1, { direction: 'sent', price: '5' }),
      entry('paid', 'e', 2, { direction: 'received' }),
      entry('result', 'e', 3, { direction: 'sent' }),
    ])
    expect(runs[0].state).to.equal('paid')
  })

  it('merges live runs: a later live step shows, a failure shows, an earlier live step does not undo history', () => {
    const history = runsFromAudit(log)
    const merged = mergeRuns(history, [
      { jobId: 'c', requester: REQ, state: 'done', at: 10, wallMs: 42 },
      { jobId: 'b', requester: REQ, state: 'EXEC_TRAPPED', at: 11 },
      { jobId: 'a', requester: REQ, state: 'accepted', at: 12 },
      { jobId: 'f', requester: REQ, state: 'bid', price: '9', at: 13 },
    ])
    const by = new Map(merged.map((r) => [r.jobId, r]))
    expect(by.get('c')).to.deep.include({ state: 'done', price: '300', wallMs: 42 })
    expect(by.get('b')!.state).to.equal('EXEC_TRAPPED')
    expect(by.get('a')!.state, 'history said paid').to.equal('paid')
    expect(
      merged.map((r) => r.jobId),
      'newest first',
    ).to.deep.equal(['f', 'a', 'b', 'c'])
    expect(lastAcceptedPrice(merged), 'the newest run past its bid').to.equal('100')
    expect(lastAcceptedPrice(runsFromAudit(log.slice(0, 2)))).to.equal(undefined)
  })
})
