import { expect } from 'chai'
import { ZERO_HASH, decodeEntry, encodeEntry, entryHash, verifyChain } from '../../../protocol/audit/index.ts'
import { PROVIDER, REQUESTER, buildLog, oneOfEach, requesterEvents } from './story.ts'
import type { AuditEntry } from '../../../protocol/audit/index.ts'

const log = buildLog(REQUESTER, [...oneOfEach(), ...requesterEvents(), ...oneOfEach()])
const N = log.bytes.length

function reencode(bytes: Uint8Array, change: (e: AuditEntry) => AuditEntry): Uint8Array {
  return encodeEntry(change(decodeEntry(bytes)))
}

describe('protocol/audit hash chain', () => {
  it('accepts a well-formed log and returns the last hash', () => {
    const v = verifyChain(log.bytes)
    expect(v.ok).to.equal(true)
    if (!v.ok) return
    expect(v.entries.map((s) => s.entry.index)).to.deep.equal([...Array(N).keys()])
    expect(v.lastHash).to.deep.equal(entryHash(log.bytes[N - 1]))
    expect(verifyChain([]).ok).to.equal(true)
  })

  it('checks a range from the middle given its start index and the previous hash', () => {
    expect(verifyChain(log.bytes.slice(5), { startIndex: 5, prevHash: entryHash(log.bytes[4]) }).ok).to.equal(true)
    expect(verifyChain(log.bytes.slice(5), { startIndex: 5 }).ok).to.equal(true)
    expect(verifyChain(log.bytes.slice(5), { startIndex: 5, prevHash: entryHash(log.bytes[3]) })).to.include({
      ok: false,
      code: 'BROKEN_LINK',
      index: 5,
      position: 0,
    })
    expect(verifyChain(log.bytes.slice(5))).to.include({ ok: false, code: 'INDEX_GAP', index: 0 })
  })

  for (const k of [0, 1, 7, N - 2]) {
    it(`names the first broken entry when entry ${k} is changed after the fact`, () => {
      const bytes = log.bytes.slice()
      bytes[k] = reencode(bytes[k], (e) => ({ ...e, timestamp: e.timestamp + 1 }))
      // the changed entry is still well-formed; the one after it no longer links
      expect(verifyChain(bytes)).to.include({ ok: false, code: 'BROKEN_LINK', index: k + 1, position: k + 1 })
    })
  }

  it('names a deleted entry, reordered entries and an inserted entry', () => {
    const deleted = [...log.bytes.slice(0, 4), ...log.bytes.slice(5)]
    expect(verifyChain(deleted)).to.include({ ok: false, code: 'INDEX_GAP', index: 4, position: 4 })
    const swapped = log.bytes.slice()
    ;[swapped[6], swapped[7]] = [swapped[7], swapped[6]]
    expect(verifyChain(swapped)).to.include({ ok: false, code: 'INDEX_GAP', index: 6 })
    // reordering with indices rewritten to look dense still breaks the links
    const renumbered = swapped.slice()
    renumbered[6] = reencode(swapped[6], (e) => ({ ...e, index: 6 }))
    renumbered[7] = reencode(swapped[7], (e) => ({ ...e, index: 7 }))
    expect(verifyChain(renumbered)).to.include({ ok: false, code: 'BROKEN_LINK', index: 6 })
    const inserted = [...log.bytes.slice(0, 3), log.bytes[2], ...log.bytes.slice(3)]
    expect(verifyChain(inserted)).to.include({ ok: false, code: 'INDEX_GAP', index: 3 })
  })

  it('names a malformed entry and an entry from another peer', () => {
    const bytes = log.bytes.slice()
    bytes[3] = bytes[3].slice(0, -2)
    expect(verifyChain(bytes)).to.include({ ok: false, code: 'MALFORMED_ENTRY', index: 3 })
    const other = buildLog(PROVIDER, oneOfEach()).bytes
    const mixed = [...log.bytes.slice(0, 2), reencode(other[2], (e) => ({ ...e, prevHash: entryHash(log.bytes[1]) }))]
    expect(verifyChain(mixed)).to.include({ ok: false, code: 'PEER_CHANGED', index: 2 })
    expect(verifyChain(log.bytes, { peer: PROVIDER })).to.include({ ok: false, code: 'PEER_CHANGED', index: 0 })
  })

  it('cannot see a consistent rewrite of the tail (that is what anchored Merkle roots are for)', () => {
    const rewritten = buildLog(REQUESTER, [...oneOfEach().slice(0, 5), ...requesterEvents()]).bytes
    expect(verifyChain(rewritten).ok).to.equal(true)
    expect(decodeEntry(rewritten[0]).prevHash).to.deep.equal(ZERO_HASH)
  })
})
