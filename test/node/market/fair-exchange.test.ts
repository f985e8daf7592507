// The requester's job state machine with payments on (fair exchange, issue 11 item 2), driven
// through fake actions: commitments vote first, the winners are paid before their output is
// fetched, a paid provider whose output fails is a dissenter and is never paid again, and a
// result without a commitment is never paid. The wire-level attacks are in test/security/02-*.
import { expect } from 'chai'
import { RequesterJob } from '../../../node/market/requester-job.ts'
import type { JobActions } from '../../../node/market/requester-job.ts'
import type { JobRecord } from '../../../node/market/job-record.ts'

interface Harness {
  job: RequesterJob
  calls: string[]
  settled: Promise<JobRecord>
}

function harness(k: number, providers: string[], opts: { badOutputFrom?: string[] } = {}): Harness {
  const now = Date.now()
  const record: JobRecord = {
    jobId: 'ab'.repeat(32),
    phase: 'bidding',
    executor: 'wasm',
    redundancy: k,
    maxPrice: '100',
    payment: 'channel',
    moduleCid: 'm',
    inputs: [],
    args: [],
    limits: { memoryBytes: 1, wallTimeMs: 1_000, outputBytes: 1 },
    postedAt: now,
    bidsCloseAt: now + 20,
    deadline: now + 10_000,
    bids: [],
    awards: [],
    dissenters: [],
    requestHex: '',
  }
  const calls: string[] = []
  const actions: JobActions = {
    award: async () => true,
    fetchOutput: async (provider, cid) => {
      calls.push(`fetch ${provider} ${cid}`)
      return opts.badOutputFrom?.includes(provider) !== true
    },
    pay: async (provider, price, cid) => {
      calls.push(`pay ${provider} ${price} ${cid}`)
    },
    publishClearing: async () => {},
    save: async () => {},
  }
  const job = new RequesterJob(record, { actions, policy: {}, emit: () => {}, now: Date.now, wallTimeMs: 1_000 })
  for (const p of providers)
    job.addBid({
      benchmarkScore: 1,
      candidate: { provider: p, price: 10n, expiresAt: now + 60_000, stake: 1n, benchmarkScore: 1 },
    })
  job.start()
  return { job, calls, settled: job.settled() }
}

async function running(job: RequesterJob, providers: string[]): Promise<void> {
  const until = Date.now() + 5_000
  while (!providers.every((p) => job.liveAward(p) !== undefined)) {
    if (Date.now() > until) throw new Error('awards not placed')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const METERING = { wallMs: 1, cpuMs: 1, peakMemoryBytes: 1 }

describe('node/market requester: fair exchange (payments on)', () => {
  it('k = 1: pays the committed output, then fetches it', async () => {
    const h = harness(1, ['p1'])
    await running(h.job, ['p1'])
    await h.job.onResult('p1', 'EXEC_OK', 'cidA', METERING)
    const record = await h.settled
    expect(record.phase).to.equal('completed')
    expect(h.calls).to.deep.equal(['pay p1 10 cidA', 'fetch p1 cidA'])
    expect(record.awards[0].paidAt).to.be.a('number')
  })

  it('k = 1: a paid provider whose output fails is a dissenter, and is not paid again', async () => {
    const h = harness(1, ['p1'], { badOutputFrom: ['p1'] })
    await running(h.job, ['p1'])
    await h.job.onResult('p1', 'EXEC_OK', 'cidA', METERING)
    const record = await h.settled
    expect(record.phase).to.equal('failed')
    expect(record.dissenters).to.deep.equal(['p1'])
    expect(h.calls.filter((c) => c.startsWith('pay'))).to.deep.equal(['pay p1 10 cidA'])
    expect(record.awards[0].status).to.equal('failed')
  })

  it('k = 3: only the majority of commitments is paid; the output is fetched once', async () => {
    const h = harness(3, ['p1', 'p2', 'p3'])
    await running(h.job, ['p1', 'p2', 'p3'])
    await h.job.onResult('p1', 'EXEC_OK', 'cidA', METERING)
    await h.job.onResult('p2', 'EXEC_OK', 'cidB', METERING)
    expect(h.calls, 'paid before a majority').to.deep.equal([])
    await h.job.onResult('p3', 'EXEC_OK', 'cidA', METERING)
    const record = await h.settled
    expect(record.phase).to.equal('completed')
    expect(record.outputCid).to.equal('cidA')
    expect(h.calls).to.deep.equal(['pay p1 10 cidA', 'pay p3 10 cidA', 'fetch p1 cidA'])
    expect(record.dissenters).to.deep.equal(['p2'])
  })

  it('a result without a valid commitment is neither paid nor fetched', async () => {
    const h = harness(1, ['p1'])
    await running(h.job, ['p1'])
    await h.job.onResult('p1', 'EXEC_OK', 'cidA', METERING, false)
    const record = await h.settled
    expect(record.phase).to.equal('failed')
    expect(h.calls).to.deep.equal([])
    expect(record.awards[0].failure).to.match(/commitment/)
  })
})
