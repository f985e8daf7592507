// The market/payments hook: entries land with the state change they record, in one batch; and
// when the audit log fails, the state change is still saved and the failure is reported loudly.
import { expect } from 'chai'
import { AuditHook } from '../../../node/audit/market-hook.ts'
import { jobIdToBytes } from '../../../protocol/market/job-id.ts'
import { sha256 } from '../../../protocol/merkle/index.ts'
import { COUNTERPARTY, tempLog } from './helpers.ts'
import type { AuditLog } from '../../../node/audit/log.ts'
import type { JobRecord } from '../../../node/market/job-record.ts'
import type { TempLog } from './helpers.ts'

const JOB_ID = 'ab'.repeat(32)
const CID_TEXT = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

function jobRecord(over: Partial<JobRecord> = {}): JobRecord {
  return {
    jobId: JOB_ID,
    phase: 'bidding',
    executor: 'wasm',
    redundancy: 1,
    maxPrice: '1000',
    payment: 'channel',
    moduleCid: CID_TEXT,
    inputs: [],
    args: [],
    limits: { memoryBytes: 1, wallTimeMs: 1, outputBytes: 1 },
    postedAt: 1,
    bidsCloseAt: 2,
    deadline: 3,
    bids: [],
    awards: [],
    dissenters: [],
    requestHex: '00',
    ...over,
  }
}

describe('node/audit market hook', () => {
  let t: TempLog
  let failures: string[]
  let current: AuditLog | undefined
  let hook: AuditHook

  beforeEach(async () => {
    t = await tempLog()
    failures = []
    current = t.log
    hook = new AuditHook({
      log: () => current,
      jobs: t.store.jobs,
      writeState: async (ops) => {
        await t.store.batchDurable(ops)
      },
      onFailure: (m) => failures.push(m),
    })
  })
  afterEach(async () => {
    await t.cleanup()
  })

  it('writes the posted entry and the job record in one batch, hashing the envelope as sent', async () => {
    const envelope = Uint8Array.of(1, 2, 3, 4)
    await hook.posted(jobRecord(), envelope)
    const [s] = await t.log.entriesForJob(jobIdToBytes(JOB_ID))
    expect(s.entry.type).to.equal('posted')
    if (s.entry.type === 'posted') {
      expect(Buffer.from(s.entry.messageHash)).to.deep.equal(Buffer.from(sha256(envelope)))
      expect([s.entry.maxPrice, s.entry.paymentMode, s.entry.redundancy]).to.deep.equal([1000n, 'channel', 1])
    }
    expect(((await t.store.jobs.get(JOB_ID)) as JobRecord).phase).to.equal('bidding')
  })

  it('logs an award received and the acceptance sent as one unit, in that order', async () => {
    await hook.awardReceived(JOB_ID, COUNTERPARTY, Uint8Array.of(9), 5n, 1, Uint8Array.of(8))
    const entries = (await t.log.entriesForJob(jobIdToBytes(JOB_ID))).map((s) => s.entry)
    expect(entries.map((e) => `${e.type}:${'direction' in e ? e.direction : ''}`)).to.deep.equal([
      'awarded:received',
      'accepted:sent',
    ])
    expect(
      entries[0].type === 'awarded' && entries[0].envelope !== undefined,
      "the counterparty's signed award is kept",
    ).to.equal(true)
  })

  it('verifies against the result it logged on receipt, with the final record in the same batch', async () => {
    const provider = '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'
    const { peerIdFromString } = await import('@libp2p/peer-id')
    const resultEnvelope = Uint8Array.of(7, 7, 7)
    await hook.resultReceived(JOB_ID, peerIdFromString(provider), resultEnvelope, CID_TEXT)
    const record = jobRecord({
      phase: 'completed',
      outputCid: CID_TEXT,
      awards: [{ provider, price: '5', slot: 0, status: 'delivered', awardedAt: 1, outputCid: CID_TEXT }],
    })
    await hook.finished(record)
    const entries = (await t.log.entriesForJob(jobIdToBytes(JOB_ID))).map((s) => s.entry)
    const v = entries[1]
    expect(v.type).to.equal('verified')
    if (v.type === 'verified') {
      expect(Buffer.from(v.resultHash)).to.deep.equal(Buffer.from(sha256(resultEnvelope)))
      expect([v.accepted, v.reason]).to.deep.equal([true, 'majority 1/1'])
    }
    expect(((await t.store.jobs.get(JOB_ID)) as JobRecord).phase).to.equal('completed')
  })

  it('logs a re-opened bidding with its signed BidReopen kept (why a job may hold more awards than k)', async () => {
    const envelope = Uint8Array.of(3, 1, 4)
    await hook.record({ type: 'bid-reopened', jobId: JOB_ID, envelope, sequence: 2, bidsCloseAt: 5_000, asked: 4 })
    const [e] = (await t.log.entriesForJob(jobIdToBytes(JOB_ID))).map((s) => s.entry)
    expect(e.type).to.equal('reopened')
    if (e.type === 'reopened') {
      expect([e.direction, e.sequence, e.bidsCloseAt, e.asked]).to.deep.equal(['sent', 2, 5_000, 4])
      expect(Buffer.from(e.messageHash)).to.deep.equal(Buffer.from(sha256(envelope)))
      expect(e.envelope, 'the signed reopen is kept').to.deep.equal(envelope)
    }
  })

  it('keeps the state and reports loudly when the log is closed or the record is refused', async () => {
    current = undefined
    await hook.posted(jobRecord({ phase: 'awarding' }), Uint8Array.of(1))
    expect(((await t.store.jobs.get(JOB_ID)) as JobRecord).phase, 'the job is not lost').to.equal('awarding')
    expect(failures[0]).to.match(/AUDIT ENTRY LOST: could not log posted/)
    current = t.log
    // a payment the log refuses (a negative amount): the payment state still lands
    const ok = await hook.record(
      {
        type: 'paid',
        jobId: JOB_ID,
        direction: 'sent',
        counterparty: COUNTERPARTY,
        amount: -1n,
        method: { kind: 'escrow', txHash: new Uint8Array(32) },
      },
      { extraOps: [{ type: 'put', sublevel: t.store.vouchers, key: 'v1', value: { n: 1 } }] },
    )
    expect(ok).to.equal(false)
    expect(await t.store.vouchers.get('v1')).to.deep.equal({ n: 1 })
    expect(failures[1]).to.match(/could not log paid/)
    expect(t.log.size()).to.equal(0)
    // and a good one is written with its state, atomically
    expect(
      await hook.record(
        {
          type: 'paid',
          jobId: JOB_ID,
          direction: 'sent',
          counterparty: COUNTERPARTY,
          amount: 5n,
          method: { kind: 'escrow', txHash: new Uint8Array(32) },
        },
        { extraOps: [{ type: 'put', sublevel: t.store.vouchers, key: 'v2', value: { n: 2 } }] },
      ),
    ).to.equal(true)
    expect(t.log.size()).to.equal(1)
    expect(await t.store.vouchers.get('v2')).to.deep.equal({ n: 2 })
  })
})
