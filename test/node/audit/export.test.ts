import { expect } from 'chai'
import { join } from 'node:path'
import { readFileSync, writeFileSync } from 'node:fs'
import {
  decodeEntry,
  encodeEntry,
  verifyExport,
  type AuditExport,
  type ExportVerdict,
} from '../../../protocol/audit/index.ts'
import { isHiveError } from '../../../protocol/errors.ts'
import { readExportFile, writeExportFile } from '../../../node/audit/export.ts'
import { bidRecord, tempLog, type TempLog } from './helpers.ts'

const clone = (d: AuditExport): AuditExport => JSON.parse(JSON.stringify(d)) as AuditExport
const fails = (v: ExportVerdict): string => (v.ok ? 'ok' : v.code)

describe('node/audit export and import', function () {
  this.timeout(60_000)
  let t: TempLog
  let doc: AuditExport
  before(async () => {
    t = await tempLog()
    await Promise.all(Array.from({ length: 120 }, (_, i) => t.log.append(bidRecord(i))))
    doc = await t.log.export({ start: 10, end: 70 }, [37, 64, 100])
  })
  after(async () => {
    await t.cleanup()
  })

  it('round-trips through a file and verifies: entries, roots and every proof', async () => {
    const file = join(t.dir, 'export.json')
    await writeExportFile(file, doc)
    const v = await readExportFile(file)
    expect(fails(v)).to.equal('ok')
    if (!v.ok) return
    expect(v.entries.map((s) => s.entry.index)).to.deep.equal(Array.from({ length: 60 }, (_, i) => 10 + i))
    expect(v.roots.map((r) => r.size)).to.deep.equal([37, 64, 100])
    for (const r of v.roots) expect(r.root).to.deep.equal(await t.log.root(r.size))
    expect(v.peer).to.deep.equal(t.log.peer)
    // each entry is proven against the first size that contains it
    expect(doc.entries.map((e) => e.size)).to.deep.equal(
      doc.entries.map((e) => (e.index < 37 ? 37 : e.index < 64 ? 64 : 100)),
    )
    // the default: everything against the current size
    const all = await t.log.export({ start: 0, end: 120 })
    expect(all.roots).to.have.length(1)
    expect(fails(verifyExport(JSON.stringify(all)))).to.equal('ok')
    expect(fails(verifyExport(await t.log.export({ start: 5, end: 5 }, [])))).to.equal('ok')
  })

  it('detects tampering and names it', () => {
    const cases: Array<[string, (d: AuditExport) => void, string]> = [
      [
        'an entry changed, re-encoded and re-linked',
        (d) => {
          const e = decodeEntry(Buffer.from(d.entries[20].bytes, 'base64'))
          d.entries[20].bytes = Buffer.from(encodeEntry({ ...e, timestamp: e.timestamp + 1 })).toString('base64')
        },
        'CHAIN_BROKEN',
      ],
      [
        'the last entry changed (no later link to break)',
        (d) => {
          const e = decodeEntry(Buffer.from(d.entries[59].bytes, 'base64'))
          d.entries[59].bytes = Buffer.from(encodeEntry({ ...e, timestamp: e.timestamp + 1 })).toString('base64')
        },
        'INCLUSION_FAILED',
      ],
      [
        'an entry deleted',
        (d) => {
          d.entries.splice(30, 1)
          d.end--
        },
        'CHAIN_BROKEN',
      ],
      [
        'entries swapped',
        (d) => {
          ;[d.entries[3], d.entries[4]] = [d.entries[4], d.entries[3]]
          d.entries[3].index = 13
          d.entries[4].index = 14
        },
        'CHAIN_BROKEN',
      ],
      [
        'a root replaced',
        (d) => {
          d.roots[1].root = 'ab'.repeat(32)
        },
        'INCONSISTENT_ROOTS',
      ],
      [
        'a proof hash flipped',
        (d) => {
          const p = d.entries[5].proof
          p[0] = (p[0][0] === 'a' ? 'b' : 'a') + p[0].slice(1)
        },
        'INCLUSION_FAILED',
      ],
      [
        'a consistency proof truncated',
        (d) => {
          d.consistency[0].proof.pop()
        },
        'INCONSISTENT_ROOTS',
      ],
      [
        'roots out of order',
        (d) => {
          d.roots.reverse()
        },
        'ROOTS_OUT_OF_ORDER',
      ],
      [
        'another peer claimed',
        (d) => {
          d.peer = 'ff'.repeat(38)
        },
        'WRONG_PEER',
      ],
      [
        'an entry proven against a later size than its first',
        (d) => {
          d.entries[0].size = 64
        },
        'MALFORMED_EXPORT',
      ],
      [
        'not an export',
        (d) => {
          ;(d as { format: string }).format = 'something-else'
        },
        'MALFORMED_EXPORT',
      ],
      [
        'a garbage entry',
        (d) => {
          d.entries[2].bytes = 'AAAA'
        },
        'CHAIN_BROKEN',
      ],
    ]
    for (const [name, tamper, code] of cases) {
      const d = clone(doc)
      tamper(d)
      expect(fails(verifyExport(JSON.stringify(d))), name).to.equal(code)
    }
    expect(fails(verifyExport('{not json'))).to.equal('MALFORMED_EXPORT')
    expect(fails(verifyExport(doc))).to.equal('ok')
  })

  it('a rewritten history is caught by the consistency proofs between anchored sizes', async () => {
    // a log whose entry 20 differs: a forger presenting its tree as the continuation of the
    // honest root anchored at 37 cannot produce a consistency proof
    const other = await tempLog()
    try {
      await Promise.all(Array.from({ length: 100 }, (_, i) => other.log.append(bidRecord(i === 20 ? 999 : i))))
      const forged = await other.log.export({ start: 40, end: 60 }, [64, 100])
      const mixed = clone(forged)
      mixed.roots.unshift({ size: 37, root: doc.roots[0].root })
      mixed.consistency.unshift({
        from: 37,
        to: 64,
        proof: (await other.log.consistencyProof(37, 64)).map((b) => Buffer.from(b).toString('hex')),
      })
      const v = verifyExport(mixed)
      expect(fails(v)).to.equal('INCONSISTENT_ROOTS')
    } finally {
      await other.cleanup()
    }
  })

  it('refuses ranges and sizes the log cannot prove', async () => {
    for (const [range, sizes] of [
      [{ start: 0, end: 121 }, undefined],
      [{ start: 10, end: 70 }, [37, 64]],
      [{ start: 0, end: 10 }, [64, 37]],
      [{ start: 0, end: 10 }, [0]],
    ] as const) {
      try {
        await t.log.export(range, sizes === undefined ? undefined : [...sizes])
        expect.fail(`exported ${JSON.stringify({ range, sizes })}`)
      } catch (err) {
        expect(isHiveError(err)).to.equal(true)
      }
    }
    const file = join(t.dir, 'big.json')
    writeFileSync(file, JSON.stringify(doc))
    expect(fails(await readExportFile(file, { maxBytes: 100 }))).to.equal('MALFORMED_EXPORT')
    expect(readFileSync(file, 'utf8').length).to.be.greaterThan(100)
  })
})
