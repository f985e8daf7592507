import { expect } from 'chai'
import {
  MemoryTree,
  inclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../../protocol/merkle/index.ts'
import { ZERO_HASH, decodeEntry, verifyChain } from '../../../protocol/audit/index.ts'
import { isHiveError } from '../../../protocol/errors.ts'
import { h } from '../../protocol/audit/story.ts'
import { NODE_PEER, bidRecord, tempLog, type TempLog } from './helpers.ts'
import type { StoreBatchOp } from '../../../node/store.ts'
import type { AuditRecord } from '../../../node/audit/log.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('node/audit log', function () {
  this.timeout(60_000)
  let t: TempLog
  beforeEach(async () => {
    t = await tempLog(undefined, () => 42)
  })
  afterEach(async () => {
    await t.cleanup()
  })

  it('appends, reads back, and links every entry to the previous one', async () => {
    for (let i = 0; i < 40; i++) {
      const s = await t.log.append(bidRecord(i))
      expect(s.entry.index).to.equal(i)
    }
    expect(t.log.size()).to.equal(40)
    const e0 = await t.log.get(0)
    expect(e0.entry.prevHash).to.deep.equal(ZERO_HASH)
    expect(e0.entry.peer).to.deep.equal(NODE_PEER)
    expect((await t.log.get(7)).entry).to.include({ type: 'bid', index: 7, timestamp: 1_700_000_000_007 })
    const range = await t.log.getRange(0, 40)
    expect(verifyChain(range.map((s) => s.bytes)).ok).to.equal(true)
    // the default clock fills in a missing timestamp
    const { timestamp: _ts, ...noTime } = bidRecord(40)
    expect((await t.log.append(noTime)).entry.timestamp).to.equal(42)
    for (const bad of [-1, 41, 1.5]) {
      try {
        await t.log.get(bad)
        expect.fail('read a missing entry')
      } catch (err) {
        expect(isHiveError(err, 'AUDIT_ENTRY_NOT_FOUND')).to.equal(true)
      }
    }
  })

  it('recovers its state after reopening: size, root, last hash, and keeps appending', async () => {
    await Promise.all(Array.from({ length: 37 }, (_, i) => t.log.append(bidRecord(i))))
    const root = hex(t.log.currentRoot())
    const last = await t.log.get(36)
    t = await t.reopen()
    expect(t.log.size()).to.equal(37)
    expect(hex(t.log.currentRoot())).to.equal(root)
    expect(hex(await t.log.root(37))).to.equal(root)
    const next = await t.log.append(bidRecord(37))
    expect(next.entry.index).to.equal(37)
    expect(next.entry.prevHash).to.deep.equal(last.hash)
    expect(verifyChain((await t.log.getRange(0, 38)).map((s) => s.bytes)).ok).to.equal(true)
  })

  it("commits the entry and the caller's state change in one batch: both land or neither does", async () => {
    const jobs = t.store.jobs
    const ok: StoreBatchOp = { type: 'put', sublevel: jobs, key: 'job-a', value: { state: 'awarded' } }
    await t.log.append(bidRecord(0), { extraOps: [ok] })
    expect(await jobs.get('job-a')).to.deep.equal({ state: 'awarded' })
    // an invalid operation makes the whole batch fail: no entry, no state change
    const badOp = { type: 'put', sublevel: jobs, key: null, value: { state: 'paid' } } as unknown as StoreBatchOp
    const alsoState: StoreBatchOp = { type: 'put', sublevel: jobs, key: 'job-b', value: { state: 'paid' } }
    try {
      await t.log.append(bidRecord(1), { extraOps: [alsoState, badOp] })
      expect.fail('append with a failing batch resolved')
    } catch (err) {
      expect(isHiveError(err)).to.equal(false) // the database's own error, passed through
    }
    expect(t.log.size()).to.equal(1)
    expect(await jobs.get('job-b')).to.equal(undefined)
    expect((await t.log.entriesForJob(h('job 1'))).length).to.equal(0)
    // a storage failure (simulated) likewise leaves nothing behind, and the log goes on
    const root = t.store.root
    const original = root.batch.bind(root)
    let calls = 0
    ;(root as unknown as { batch: (...a: unknown[]) => Promise<void> }).batch = async () => {
      calls++
      throw new Error('disk full (simulated)')
    }
    try {
      await t.log.append(bidRecord(2), { extraOps: [alsoState] })
      expect.fail('append survived a failing disk')
    } catch (err) {
      expect((err as Error).message).to.match(/disk full/)
    } finally {
      ;(root as unknown as { batch: typeof original }).batch = original
    }
    expect(calls).to.equal(1)
    expect(t.log.size()).to.equal(1)
    expect(await jobs.get('job-b')).to.equal(undefined)
    const again = await t.log.append(bidRecord(3), { extraOps: [alsoState] })
    expect(again.entry.index).to.equal(1)
    expect(await jobs.get('job-b')).to.deep.equal({ state: 'paid' })
    t = await t.reopen()
    expect(t.log.size()).to.equal(2)
  })

  it('in a group commit, a failing batch fails only the append that caused it', async () => {
    const badOp = { type: 'put', sublevel: t.store.jobs, key: undefined, value: 1 } as unknown as StoreBatchOp
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => t.log.append(bidRecord(i), i === 7 ? { extraOps: [badOp] } : {})),
    )
    expect(results.map((r) => r.status)).to.deep.equal(
      Array.from({ length: 20 }, (_, i) => (i === 7 ? 'rejected' : 'fulfilled')),
    )
    const indices = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.entry.index] : []))
    expect(indices).to.deep.equal([...Array(19).keys()])
    expect(verifyChain((await t.log.getRange(0, 19)).map((s) => s.bytes)).ok).to.equal(true)
  })

  it(
    'pipelined batches: a failure fails only its culprit, and the' + ' batches prepared behind it are redone in order',
    async () => {
      const small = await tempLog(undefined, undefined, 4)
      try {
        const jobs = small.store.jobs
        const root = small.store.root
        const original = root.batch.bind(root)
        let calls = 0
        // the third batch hits a (simulated) transient disk error; retries succeed
        ;(root as unknown as { batch: (...a: unknown[]) => unknown }).batch = (...a: unknown[]) => {
          calls++
          if (calls === 3) return Promise.reject(new Error('EIO (simulated)'))
          return (original as (...x: unknown[]) => unknown)(...a)
        }
        const badOp = { type: 'put', sublevel: jobs, key: null, value: 1 } as unknown as StoreBatchOp
        const N = 40
        // a sliding window of 8 callers, each appending again when its append resolves
        const settled: Array<PromiseSettledResult<number>> = []
        let issued = 0
        const caller = async (): Promise<void> => {
          while (issued < N) {
            const i = issued++
            const op: StoreBatchOp = { type: 'put', sublevel: jobs, key: `state-${i}`, value: i }
            try {
              const s = await small.log.append(bidRecord(i), { extraOps: i === 17 ? [op, badOp] : [op] })
              settled[i] = { status: 'fulfilled', value: s.entry.index }
            } catch (err) {
              settled[i] = { status: 'rejected', reason: err }
            }
          }
        }
        await Promise.all(Array.from({ length: 8 }, caller))
        ;(root as unknown as { batch: typeof original }).batch = original
        expect(calls).to.be.greaterThan(N / 4)
        expect(settled.map((r) => r.status)).to.deep.equal(
          Array.from({ length: N }, (_, i) => (i === 17 ? 'rejected' : 'fulfilled')),
        )
        const indices = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
        expect([...indices].sort((a, b) => a - b)).to.deep.equal([...Array(N - 1).keys()])
        const entries = await small.log.getRange(0, N - 1)
        expect(verifyChain(entries.map((s) => s.bytes)).ok).to.equal(true)
        // every entry's state change landed, and the culprit's did not
        for (const s of entries)
          expect(await jobs.get(`state-${Number(s.entry.type === 'bid' ? s.entry.price : -1n)}`)).to.not.equal(
            undefined,
          )
        expect(await jobs.get('state-17')).to.equal(undefined)
        expect(hex(await small.log.root())).to.equal(hex(rootOf(entries.map((s) => s.hash))))
      } finally {
        await small.cleanup()
      }
    },
  )

  it('rejects a malformed record alone, before writing anything', async () => {
    const results = await Promise.allSettled([
      t.log.append(bidRecord(0)),
      t.log.append({ ...bidRecord(1), messageHash: new Uint8Array(3) } as AuditRecord),
      t.log.append(bidRecord(2)),
    ])
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled'])
    expect(isHiveError((results[1] as PromiseRejectedResult).reason, 'INVALID_AUDIT_ENTRY')).to.equal(true)
    expect(t.log.size()).to.equal(2)
  })

  it('groups concurrent appends into few durable batches, keeping call order and dense indices', async () => {
    const root = t.store.root
    const original = root.batch.bind(root)
    let batches = 0
    ;(root as unknown as { batch: (...a: unknown[]) => unknown }).batch = (...a: unknown[]) => {
      batches++
      return (original as (...x: unknown[]) => unknown)(...a)
    }
    const N = 3000
    const all = await Promise.all(Array.from({ length: N }, (_, i) => t.log.append(bidRecord(i))))
    ;(root as unknown as { batch: typeof original }).batch = original
    expect(all.map((s) => s.entry.index)).to.deep.equal([...Array(N).keys()])
    expect(all.map((s) => (s.entry.type === 'bid' ? s.entry.price : -1n))).to.deep.equal(
      Array.from({ length: N }, (_, i) => BigInt(i)),
    )
    expect(batches).to.be.lessThan(10)
    expect(batches).to.be.at.least(2) // maxGroup 2048 splits 3000
    expect(verifyChain((await t.log.getRange(0, N)).map((s) => s.bytes)).ok).to.equal(true)
  })

  it('serves roots, inclusion and consistency proofs for any past size that verify', async () => {
    const N = 1000
    await Promise.all(Array.from({ length: N }, (_, i) => t.log.append(bidRecord(i))))
    const leaves = (await t.log.getRange(0, N)).map((s) => s.hash)
    const mem = new MemoryTree()
    for (const l of leaves) mem.append(l)
    const sizes = [1, 2, 3, 7, 8, 9, 100, 511, 512, 513, 999, 1000]
    for (const n of sizes) {
      const root = await t.log.root(n)
      expect(hex(root), `root(${n})`).to.equal(hex(rootOf(leaves.slice(0, n))))
      for (const i of [0, n >> 1, n - 1]) {
        const proof = await t.log.inclusionProof(i, n)
        expect(verifyInclusion(leaves[i], i, n, proof, root), `${i} in ${n}`).to.equal(true)
        expect(proof.map(hex)).to.deep.equal(inclusionProof(i, n, mem.node).map(hex))
      }
      for (const m of sizes.filter((x) => x <= n)) {
        expect(
          verifyConsistency(m, n, await t.log.root(m), root, await t.log.consistencyProof(m, n)),
          `${m} -> ${n}`,
        ).to.equal(true)
      }
    }
    try {
      await t.log.root(N + 1)
      expect.fail('root beyond size')
    } catch (err) {
      expect(isHiveError(err, 'AUDIT_TREE_TOO_SMALL')).to.equal(true)
    }
  })

  it('finds every entry of a job through the job index, in log order', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => t.log.append(bidRecord(i))))
    await t.log.append({ type: 'anchored', treeSize: 50, root: await t.log.root(50), chainId: 31337, txHash: h('tx') })
    const job3 = await t.log.entriesForJob(h('job 3'))
    expect(job3.map((s) => s.entry.index)).to.deep.equal([3, 8, 13, 18, 23, 28, 33, 38, 43, 48])
    expect(job3.every((s) => hex(s.entry.jobId) === hex(h('job 3')))).to.equal(true)
    expect(await t.log.entriesForJob(h('job 9'))).to.deep.equal([])
    expect(decodeEntry((await t.log.get(50)).bytes).type).to.equal('anchored')
  })

  it('refuses appends after close, having finished the queued ones', async () => {
    const pending = Array.from({ length: 10 }, (_, i) => t.log.append(bidRecord(i)))
    await t.log.close()
    expect((await Promise.all(pending)).length).to.equal(10)
    try {
      await t.log.append(bidRecord(10))
      expect.fail('appended after close')
    } catch (err) {
      expect(isHiveError(err, 'AUDIT_LOG_CLOSED')).to.equal(true)
    }
  })
})
