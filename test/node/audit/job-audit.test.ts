// A job run across three audited nodes (a requester, two providers with k = 2) on loopback,
// anchored on a real Hardhat JSON-RPC chain, and verified by a fourth node that took no part.
// Then the providers misbehave: logs edited after anchoring (an entry changed, deleted,
// reordered), a log no longer served, a history rebuilt and anchored again. Each is named.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { anchorWriter } from '../../../node/audit/anchor-chain.ts'
import { writeExportFile } from '../../../node/audit/export.ts'
import { verifyExportFiles } from '../../../node/audit/verify-file.ts'
import { bindingToJson } from '../../../protocol/audit/binding.ts'
import { jobIdToBytes } from '../../../protocol/market/job-id.ts'
import { startDevChain } from '../../support/chain.ts'
import { jobSubscribers, subscriptionsExchanged } from '../../support/topics.ts'
import { startAuditPeer, until } from './net.ts'
import { rebuildLog, serveInstead } from './tamper.ts'
import type { AuditPeer } from './net.ts'
import type { RebuiltLog } from './tamper.ts'
import type { DevChain } from '../../support/chain.ts'
import type { AuditVerdict, VerdictRow } from '../../../protocol/audit/verdict.ts'
import type { AuditEntry } from '../../../protocol/audit/index.ts'
import type { AuditLog } from '../../../node/audit/log.ts'

const HIVE = 10n ** 18n
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

function show(v: AuditVerdict): string {
  return (
    `${v.outcome}\n` +
    v.rows
      .map((r) => `${r.status.padEnd(11)} ${r.subject.slice(-8)} ${r.check} ${r.code ?? ''} ${r.message}`)
      .join('\n')
  )
}
const rowsOf = (v: AuditVerdict, subject: string): VerdictRow[] => v.rows.filter((r) => r.subject === subject)
const codes = (rows: VerdictRow[]): string[] => [
  ...new Set(rows.filter((r) => r.code !== undefined && r.status !== 'PASS').map((r) => r.code!)),
]

describe('node/audit: a job verified by a node that took no part, and tampering named', function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-audit-job-'))
  const peers: AuditPeer[] = []
  const forged: RebuiltLog[] = []
  let chain: DevChain
  let requester: AuditPeer
  let provA: AuditPeer
  let provB: AuditPeer
  let auditor: AuditPeer
  let jobId: string
  const id = (p: AuditPeer): string => p.node.peerId.toString()

  before(async function () {
    this.timeout(180_000)
    const [devChain, modules] = await Promise.all([startDevChain(), buildExamples()])
    chain = devChain
    requester = await startAuditPeer('requester', { root, roles: 'requester', devChain: chain, account: 1 })
    provA = await startAuditPeer('provider-a', {
      root,
      roles: 'provider',
      bootstrap: requester,
      devChain: chain,
      account: 2,
      price: '0.001',
    })
    provB = await startAuditPeer('provider-b', {
      root,
      roles: 'provider',
      bootstrap: requester,
      devChain: chain,
      account: 3,
      price: '0.002',
    })
    auditor = await startAuditPeer('auditor', { root, bootstrap: requester, devChain: chain, account: 4 })
    peers.push(requester, provA, provB, auditor)
    for (const p of [provA, provB]) await auditor.node.libp2p.dial(multiaddr(p.node.info().addresses[0]))
    // the job reaches providers by gossip (there is no DHT lookup to speak of among four peers)
    const pubsub = requester.node.libp2p.services.pubsub
    await until('both providers subscribed to the jobs topic', () =>
      [provA, provB].every((p) => jobSubscribers(pubsub).some((s) => s.equals(p.node.peerId))),
    )
    // and each side has heard the other's topics (the awards' clearing goes to the providers'
    // clearing topics; providers answer on topics of their own)
    await until('subscriptions exchanged with both providers', () =>
      subscriptionsExchanged(
        requester.node.libp2p,
        [provA, provB].map((p) => p.node.libp2p),
      ),
    )

    const posted = await requester.market!.requester!.post({
      module: readFileSync(modules.wordcount),
      inputs: [{ name: 'poem.txt', data: text('an audited job\nruns twice\n') }],
      redundancy: 2,
      maxPrice: HIVE,
      bidWindowMs: 1500,
    })
    jobId = posted.jobId
    const record = await requester.market!.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    for (const p of [requester, provA, provB]) {
      const r = await p.audit.anchorer!.anchorNow()
      expect(r.anchored, `${p.name} anchored`).to.equal(true)
    }
  })

  after(async function () {
    this.timeout(60_000)
    for (const f of forged) await f.close().catch(() => {})
    for (const p of peers) await p.stop()
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('each side logged its steps of the job, with matching message hashes', async () => {
    const types = async (p: AuditPeer): Promise<string[]> =>
      (await p.audit.log.entriesForJob(jobIdToBytes(jobId))).map(
        (s) => `${s.entry.type}${'direction' in s.entry ? ':' + s.entry.direction : ''}`,
      )
    expect(await types(requester)).to.have.members([
      'posted',
      'bid:received',
      'bid:received',
      'awarded:sent',
      'awarded:sent',
      'accepted:received',
      'accepted:received',
      'result:received',
      'result:received',
      'verified',
      'verified',
    ])
    for (const p of [provA, provB])
      expect(await types(p)).to.deep.equal(['bid:sent', 'awarded:received', 'accepted:sent', 'result:sent'])
    expect(await auditor.audit.log.entriesForJob(jobIdToBytes(jobId))).to.deep.equal([])
  })

  it(
    'a fourth node finds the participants, proves every entry' + ' against the chain and cross-checks both sides',
    async () => {
      const v = await auditor.audit.auditor().verifyJob(jobId)
      expect(v.outcome, show(v)).to.equal('VERIFIED')
      expect(v.peers.map((p) => [p.peerId, p.role]).sort()).to.deep.equal(
        [
          [id(requester), 'requester'],
          [id(provA), 'provider'],
          [id(provB), 'provider'],
        ].sort(),
      )
      const proven = v.rows.filter((r) => r.status === 'PASS' && /^entry \d+/.test(r.check))
      expect(proven.length, show(v)).to.equal(11 + 4 + 4)
      expect(
        v.rows
          .filter((r) => r.check === 'history with requester' && r.status === 'PASS')
          .map((r) => r.subject)
          .sort(),
      ).to.deep.equal([id(provA), id(provB)].sort())
      expect(v.peers.find((p) => p.peerId === id(requester))?.address).to.equal(await chain.account(1).getAddress())
      // the counterparties' signed acceptances and results (requester) and awards (providers) kept in the logs
      expect(
        v.rows
          .filter((r) => r.check === 'signed messages kept in the log')
          .map((r) => r.message.split(' ')[0])
          .sort(),
      ).to.deep.equal(['1', '1', '4'])
    },
  )

  it("verifies all of a peer's anchors and that its served log extends the latest", async () => {
    await requester.audit.anchorer!.anchorNow() // a second anchor: it covers the first one's `anchored` entry
    const v = await auditor.audit.auditor().verifyPeer(id(requester))
    expect(v.outcome, show(v)).to.equal('VERIFIED')
    expect(
      v.rows.some((r) => r.check.startsWith('anchors #0') && r.status === 'PASS'),
      show(v),
    ).to.equal(true)
    expect(
      v.rows.some((r) => r.check.startsWith('served log') && r.status === 'PASS'),
      show(v),
    ).to.equal(true)
    const byAddress = await auditor.audit.auditor().verifyPeer(await chain.account(1).getAddress())
    expect(byAddress.outcome, show(byAddress)).to.equal('VERIFIED')
  })

  async function withForgedLog(peer: AuditPeer, edit: (entries: AuditEntry[]) => AuditEntry[]): Promise<AuditVerdict> {
    const f = await rebuildLog(peer.audit.log, edit)
    forged.push(f)
    const restore = await serveInstead(peer, f.log)
    try {
      return await auditor.audit.auditor().verifyJob(jobId)
    } finally {
      await restore()
    }
  }
  const isJob = (e: AuditEntry): boolean => e.type !== 'anchored' && Buffer.from(e.jobId).toString('hex') === jobId

  it('names an entry changed after anchoring (the provider lowers the price it accepted)', async () => {
    const v = await withForgedLog(provA, (entries) =>
      entries.map((e) => (isJob(e) && e.type === 'accepted' ? { ...e, price: e.price - 1n } : e)),
    )
    expect(v.outcome, show(v)).to.equal('FAILED')
    const rows = rowsOf(v, id(provA))
    expect(
      rows.some((r) => r.status === 'FAIL' && r.code === 'INCLUSION_FAILED' && r.check.endsWith('(accepted)')),
      show(v),
    ).to.equal(true)
    expect(codes(rows), show(v)).to.include.members(['INCLUSION_FAILED', 'LOG_DIVERGES', 'PRICE_MISMATCH'])
    // the other two logs are untouched and still pass
    expect(
      rowsOf(v, id(requester)).every((r) => r.status === 'PASS'),
      show(v),
    ).to.equal(true)
    expect(
      rowsOf(v, id(provB)).every((r) => r.status === 'PASS'),
      show(v),
    ).to.equal(true)
  })

  it('names an entry deleted after anchoring', async () => {
    const v = await withForgedLog(provA, (entries) => entries.filter((e) => !(isJob(e) && e.type === 'accepted')))
    expect(v.outcome, show(v)).to.equal('FAILED')
    const rows = rowsOf(v, id(provA))
    expect(codes(rows), show(v)).to.include.members([
      'INCLUSION_FAILED',
      'LOG_DIVERGES',
      'MISSING_STEP',
      'UNMATCHED_RECEIVED',
    ])
    expect(
      rows.some((r) => r.code === 'MISSING_STEP' && r.check.endsWith('accepted')),
      show(v),
    ).to.equal(true)
  })

  it('names entries reordered after anchoring', async () => {
    const v = await withForgedLog(provA, (entries) => {
      const a = entries.findIndex((e) => isJob(e) && e.type === 'accepted')
      const r = entries.findIndex((e) => isJob(e) && e.type === 'result')
      const out = entries.slice()
      ;[out[a], out[r]] = [out[r], out[a]]
      return out
    })
    expect(v.outcome, show(v)).to.equal('FAILED')
    expect(codes(rowsOf(v, id(provA))), show(v)).to.include.members([
      'INCLUSION_FAILED',
      'LOG_DIVERGES',
      'OUT_OF_ORDER',
    ])
  })

  it(
    'says which proofs could not be obtained from a node that' + ' stops serving its log (UNAVAILABLE, not FAILED)',
    async () => {
      await provB.audit.server.stop()
      try {
        const v = await auditor.audit.auditor().verifyJob(jobId)
        expect(v.outcome, show(v)).to.equal('INCOMPLETE')
        expect(
          v.rows.filter((r) => r.status === 'FAIL'),
          show(v),
        ).to.deep.equal([])
        const missing = rowsOf(v, id(provB))
        expect(missing.length, show(v)).to.be.greaterThan(0)
        expect(
          missing.every((r) => r.status === 'UNAVAILABLE'),
          show(v),
        ).to.equal(true)
        expect(
          missing.some((r) => r.check === 'job entries' && /hive\/audit/.test(r.message)),
          show(v),
        ).to.equal(true)
        expect(
          missing.some((r) => r.check === 'history with requester'),
          show(v),
        ).to.equal(true)
        // what could be obtained was still proven
        expect(
          rowsOf(v, id(provA)).every((r) => r.status === 'PASS'),
          show(v),
        ).to.equal(true)
      } finally {
        await provB.audit.server.start()
      }
    },
  )

  it('checks export files offline against the chain: genuine ones pass, a forged one is named', async () => {
    const files: string[] = []
    const exportJob = async (p: AuditPeer, log: AuditLog, name: string): Promise<string> => {
      const entries = await log.entriesForJob(jobIdToBytes(jobId))
      const anchors = await p.audit.chain!.anchors(p.audit.anchorer!.status().address)
      const end = entries[entries.length - 1].entry.index + 1
      const sizes = anchors
        .map((a) => a.treeSize)
        .filter((s) => s >= end && s <= log.size())
        .slice(0, 1)
      const doc = await log.export({ start: entries[0].entry.index, end }, sizes)
      const path = join(root, name)
      await writeExportFile(path, doc)
      writeFileSync(
        path,
        JSON.stringify({
          ...(JSON.parse(readFileSync(path, 'utf8')) as object),
          binding: bindingToJson(p.audit.binding!),
        }),
      )
      files.push(path)
      return path
    }
    const reqFile = await exportJob(requester, requester.audit.log, 'requester.json')
    const provFile = await exportJob(provA, provA.audit.log, 'provider.json')
    const reader = auditor.audit.chain!
    const ok = await verifyExportFiles([reqFile, provFile], { chain: reader, jobId })
    expect(ok.outcome, show(ok)).to.equal('VERIFIED')
    expect(ok.rows.some((r) => r.check === 'history with requester' && r.status === 'PASS')).to.equal(true)

    // internally perfect, but not what the provider anchored
    const f = await rebuildLog(provA.audit.log, (entries) =>
      entries.map((e) => (isJob(e) && e.type === 'result' ? { ...e, timestamp: e.timestamp + 1 } : e)),
    )
    forged.push(f)
    const forgedFile = await exportJob(provA, f.log, 'forged.json')
    const bad = await verifyExportFiles([reqFile, forgedFile], { chain: reader, jobId })
    expect(bad.outcome, show(bad)).to.equal('FAILED')
    expect(codes(bad.rows), show(bad)).to.include('LOG_DIVERGES')
  })

  it(
    'names a log rebuilt with a different history and anchored again' +
      ' (HISTORY_REWRITTEN), though its entries match the new anchor',
    async () => {
      await provB.audit.anchorer!.stop()
      const f = await rebuildLog(provB.audit.log, (entries) =>
        entries.map((e) => (isJob(e) && e.type === 'accepted' ? { ...e, price: e.price + 5n } : e)),
      )
      forged.push(f)
      // grow past the honest anchor and anchor the forgery with the provider's own account
      const first = (await provB.audit.log.entriesForJob(jobIdToBytes(jobId)))[0].entry
      await f.log.appendAll([
        {
          type: 'bid',
          jobId: first.jobId,
          direction: 'sent',
          counterparty: requester.node.peerId.toMultihash().bytes,
          messageHash: new Uint8Array(32).fill(7),
          price: 1n,
        },
      ])
      await anchorWriter(provB.chain!).anchor(await f.log.root(), f.log.size())
      const restore = await serveInstead(provB, f.log)
      try {
        const v = await auditor.audit.auditor().verifyJob(jobId)
        expect(v.outcome, show(v)).to.equal('FAILED')
        const rows = rowsOf(v, id(provB))
        expect(
          rows.some((r) => r.code === 'HISTORY_REWRITTEN' && r.status === 'FAIL'),
          show(v),
        ).to.equal(true)
        // every entry is in the NEW anchor: only the consistency proof catches the rewrite
        expect(
          rows.filter((r) => /^entry \d+/.test(r.check)).every((r) => r.status === 'PASS'),
          show(v),
        ).to.equal(true)
        const p = await auditor.audit.auditor().verifyPeer(id(provB))
        expect(p.outcome, show(p)).to.equal('FAILED')
        expect(codes(p.rows), show(p)).to.include('HISTORY_REWRITTEN')
      } finally {
        await restore()
      }
    },
  )
})
