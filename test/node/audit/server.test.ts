// /hive/audit/1.0.0 between two real nodes over TCP: paged job and range answers whose proofs
// verify, roots with consistency proofs, refusals (malformed, out of range), and the per-peer
// and total rate limits.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { AuditClient } from '../../../node/audit/client.ts'
import { AuditServer } from '../../../node/audit/server.ts'
import { checkServedEntries } from '../../../protocol/audit/log-check.ts'
import { AuditStatus, decodeAuditResponse } from '../../../protocol/audit/wire.ts'
import { verifyConsistency } from '../../../protocol/merkle/index.ts'
import { PROTOCOLS } from '../../../protocol/topics.ts'
import { h } from '../../protocol/audit/story.ts'
import { COUNTERPARTY } from './helpers.ts'
import { startAuditPeer } from './net.ts'
import type { AuditPeer } from './net.ts'
import type { AuditRecord } from '../../../node/audit/log.ts'

const JOB = h('paged job')
const record = (i: number, jobId = JOB): AuditRecord => ({
  type: 'bid',
  jobId,
  direction: 'received',
  counterparty: COUNTERPARTY,
  messageHash: h(`m ${i}`),
  price: BigInt(i + 1),
})

describe('node/audit /hive/audit/1.0.0 server and client', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-audit-server-'))
  let a: AuditPeer
  let b: AuditPeer
  let c: AuditPeer

  before(async () => {
    a = await startAuditPeer('a', { root })
    b = await startAuditPeer('b', { root, bootstrap: a })
    c = await startAuditPeer('c', { root, bootstrap: a })
    // 600 entries of one job, interleaved with 100 of another
    const records: AuditRecord[] = []
    for (let i = 0; i < 700; i++) records.push(i % 7 === 3 ? record(i, h('other job')) : record(i))
    await a.audit.log.appendAll(records)
    for (const p of [b, c]) await p.node.libp2p.dial(multiaddr(a.node.info().addresses[0]))
  })

  after(async () => {
    for (const p of [a, b, c]) await p?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('pages a job with more entries than one answer holds; every proof verifies against the asked size', async () => {
    const size = a.audit.log.size()
    const served = await b.audit.client.jobEntries(a.node.peerId, JOB, size)
    expect(served.length).to.equal(600)
    const checked = checkServedEntries(served, {
      peer: a.audit.log.peer,
      jobId: JOB,
      anchor: { index: 0, treeSize: size, root: await a.audit.log.root(), timestamp: 0 },
    })
    expect(checked.proven.size).to.equal(600)
    // a client that follows fewer pages says so instead of returning part of the list
    const short = new AuditClient({ libp2p: b.node.libp2p, maxPages: 2 })
    await short.jobEntries(a.node.peerId, JOB, 0).then(
      () => {
        throw new Error('expected a refusal')
      },
      (err: Error & { code?: string }) => {
        expect(err.code).to.equal('AUDIT_TOO_MANY_PAGES')
      },
    )
  })

  it('serves index ranges (clipped to the log) and entries beyond the proof size without proofs', async () => {
    const served = await b.audit.client.range(a.node.peerId, 10, 5000, 400)
    expect(served.length).to.equal(690)
    const checked = checkServedEntries(served, {
      peer: a.audit.log.peer,
      anchor: { index: 0, treeSize: 400, root: await a.audit.log.root(400), timestamp: 0 },
    })
    expect(checked.proven.size).to.equal(390)
    expect(checked.findings.filter((f) => f.code === 'NOT_ANCHORED')).to.have.length(300)
    expect(served[500].proof).to.deep.equal([])
  })

  it('serves roots at past sizes and consistency proofs between them, in chunks when many are asked', async () => {
    const sizes = Array.from({ length: 130 }, (_, i) => 5 * (i + 1))
    const served = await b.audit.client.roots(a.node.peerId, sizes)
    expect(served.roots.size).to.equal(130)
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [m, n] = [sizes[i], sizes[i + 1]]
      expect(Buffer.from(served.roots.get(m)!)).to.deep.equal(Buffer.from(await a.audit.log.root(m)))
      expect(
        verifyConsistency(m, n, served.roots.get(m)!, served.roots.get(n)!, served.consistency.get(`${m}-${n}`)!),
        `${m}-${n}`,
      ).to.equal(true)
    }
  })

  it('refuses sizes beyond the log and malformed requests, naming why', async () => {
    const size = a.audit.log.size()
    await b.audit.client.jobEntries(a.node.peerId, JOB, size + 1).then(
      () => {
        throw new Error('expected a refusal')
      },
      (err: Error & { code?: string }) => {
        expect(err.code).to.equal('AUDIT_OUT_OF_RANGE')
      },
    )
    const stream = await b.node.libp2p.dialProtocol(a.node.peerId, PROTOCOLS.audit)
    const lp = lpStream(stream)
    await lp.write(Uint8Array.of(0xde, 0xad, 0xbe, 0xef))
    const res = decodeAuditResponse((await lp.read()).subarray())
    expect([res.status, res.code]).to.deep.equal([AuditStatus.AUDIT_INVALID, 'INVALID_REQUEST'])
    await stream.close()
  })

  it('rate-limits each peer and everyone together', async () => {
    await a.audit.server.stop()
    const outcomes: string[] = []
    const limited = new AuditServer({
      libp2p: a.node.libp2p,
      log: a.audit.log,
      perPeer: 3,
      total: 5,
      onOutcome: (o) => outcomes.push(o),
    })
    await limited.start()
    try {
      const ask = async (p: AuditPeer): Promise<string> =>
        await p.audit.client.head(a.node.peerId).then(
          () => 'ok',
          (err: Error & { code?: string }) => err.code ?? 'error',
        )
      expect([await ask(b), await ask(b), await ask(b), await ask(b)]).to.deep.equal([
        'ok',
        'ok',
        'ok',
        'AUDIT_RATE_LIMITED',
      ])
      // c has its own budget, but everyone shares 5
      expect([await ask(c), await ask(c), await ask(c)]).to.deep.equal(['ok', 'ok', 'AUDIT_RATE_LIMITED'])
      expect(outcomes.filter((o) => o === 'rate-limited')).to.have.length(2)
    } finally {
      await limited.stop()
      await a.audit.server.start()
    }
  })
})
