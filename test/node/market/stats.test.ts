// `hive stats` counts (node/market/stats.ts): the requester's from its job records, the
// provider's from its job events; timeouts are told apart from other failures by reason.
import { expect } from 'chai'
import { ProviderTally, requesterStats } from '../../../node/market/stats.ts'
import type { JobRecord } from '../../../node/market/job-record.ts'

const rec = (phase: JobRecord['phase'], postedAt: number, reason?: string): JobRecord =>
  ({ phase, postedAt, ...(reason !== undefined ? { failure: { reason, message: '' } } : {}) }) as JobRecord

describe('node/market stats', () => {
  it('counts the requester’s jobs by outcome and reason, running ones apart, since a time', () => {
    const records = [
      rec('completed', 1),
      rec('completed', 5),
      rec('failed', 5, 'NO_BIDS'),
      rec('failed', 6, 'JOB_EXEC_TIMEOUT'),
      rec('failed', 7, 'JOB_EXEC_TRAPPED'),
      rec('running', 8),
    ]
    expect(requesterStats(records)).to.deep.equal({
      total: 5,
      succeeded: 2,
      failed: 1,
      timedOut: 2,
      running: 1,
      byReason: { NO_BIDS: 1, JOB_EXEC_TIMEOUT: 1, JOB_EXEC_TRAPPED: 1 },
    })
    expect(requesterStats(records, 6)).to.include({ total: 2, succeeded: 0, failed: 1, timedOut: 1, running: 1 })
  })

  it('counts the provider’s runs, bids, declines and revocations from its events', () => {
    const t = new ProviderTally(1000)
    const at = 2000
    const jobId = 'ab'.repeat(32)
    t.observe({ type: 'provider:bid', at, jobId, requester: 'r', price: '1' })
    t.observe({ type: 'provider:bid', at, jobId, requester: 'r', price: '1' })
    t.observe({ type: 'provider:declined', at, jobId, reason: 'BUSY' })
    t.observe({ type: 'provider:completed', at, jobId, status: 'EXEC_OK', wallMs: 5 })
    t.observe({ type: 'provider:completed', at, jobId, status: 'EXEC_TIMEOUT', wallMs: 5 })
    t.observe({ type: 'provider:completed', at, jobId, status: 'EXEC_TRAPPED', wallMs: 5 })
    t.observe({ type: 'provider:revoked', at, jobId, reason: 'silent' })
    expect(t.view()).to.deep.equal({
      since: 1000,
      bids: 2,
      declined: 1,
      total: 4,
      succeeded: 1,
      failed: 2,
      timedOut: 1,
      byReason: { EXEC_TIMEOUT: 1, EXEC_TRAPPED: 1, REVOKED: 1 },
    })
  })
})
