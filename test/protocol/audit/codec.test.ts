import { expect } from 'chai'
import fc from 'fast-check'
import {
  AUDIT_BOUNDS,
  AUDIT_EVENT_TYPES,
  AuditEntryError,
  ZERO_HASH,
  decodeEntry,
  encodeEntry,
  entryHash,
} from '../../../protocol/audit/index.ts'
import { isHiveError } from '../../../protocol/errors.ts'
import { leafHash } from '../../../protocol/merkle/index.ts'
import { JOB, OUTPUT, PROVIDER, REQUESTER, buildLog, cid, h, oneOfEach } from './story.ts'
import type { AuditEntry } from '../../../protocol/audit/index.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Top-level protobuf fields of an encoded message, as raw byte runs (varint and length-delimited only). */
function fields(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  let i = 0
  const varint = (): number => {
    let v = 0
    let s = 1
    let b: number
    do {
      b = bytes[i++]
      v += (b & 0x7f) * s
      s *= 128
    } while (b & 0x80)
    return v
  }
  while (i < bytes.length) {
    const at = i
    const tag = varint()
    if ((tag & 7) === 0) varint()
    else {
      const len = varint()
      i += len
    }
    out.push(bytes.slice(at, i))
  }
  return out
}
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]))

function expectInvalid(f: () => unknown, field?: string): void {
  try {
    f()
  } catch (err) {
    expect(err).to.be.instanceOf(AuditEntryError)
    expect(isHiveError(err, 'INVALID_AUDIT_ENTRY')).to.equal(true)
    if (field !== undefined) expect((err as AuditEntryError).details.field).to.equal(field)
    return
  }
  expect.fail('accepted an invalid entry')
}

const base = (over: Partial<AuditEntry> = {}): AuditEntry =>
  ({
    index: 3,
    prevHash: h('prev'),
    timestamp: 1_700_000_000_000,
    peer: REQUESTER,
    jobId: JOB,
    type: 'bid',
    direction: 'received',
    counterparty: PROVIDER,
    messageHash: h('m'),
    price: 12n,
    ...over,
  }) as AuditEntry

describe('protocol/audit entry encoding', () => {
  it('round-trips one entry of every type, and re-encodes to the same bytes', () => {
    const { bytes, entries } = buildLog(REQUESTER, oneOfEach())
    expect(new Set(entries.map((e) => e.type))).to.deep.equal(new Set(AUDIT_EVENT_TYPES))
    for (let i = 0; i < bytes.length; i++) {
      expect(hex(encodeEntry(entries[i])), `entry ${i} (${entries[i].type})`).to.equal(hex(bytes[i]))
      expect(decodeEntry(bytes[i])).to.deep.equal(entries[i])
    }
  })

  it('is deterministic: the same event gives the same bytes whatever the key order of the object', () => {
    const a = base()
    const b = Object.fromEntries(Object.entries(a).reverse()) as AuditEntry
    expect(hex(encodeEntry(a))).to.equal(hex(encodeEntry(b)))
    expect(hex(encodeEntry(base({ price: 13n } as Partial<AuditEntry>)))).to.not.equal(hex(encodeEntry(a)))
  })

  it('keeps a pinned encoding (a change here changes every log hash: version the format instead)', () => {
    const e: AuditEntry = {
      index: 1,
      prevHash: new Uint8Array(32).fill(0x11),
      timestamp: 1_700_000_000_000,
      peer: Uint8Array.of(0, 2, 0xaa, 0xbb),
      jobId: new Uint8Array(32).fill(0x22),
      type: 'paid',
      direction: 'sent',
      counterparty: Uint8Array.of(0, 1, 0xcc),
      amount: 1500n,
      method: { kind: 'escrow', txHash: new Uint8Array(32).fill(0x33) },
    }
    const bytes = encodeEntry(e)
    expect(hex(bytes)).to.equal(
      '0801' +
        '1220' +
        '11'.repeat(32) +
        '1880d095ffbc31' +
        '220400' +
        '02aabb' +
        '2a20' +
        '22'.repeat(32) +
        'b20131' +
        '0801' +
        '1203' +
        '0001cc' +
        '1a0431353030' +
        '2a22' +
        '0a20' +
        '33'.repeat(32),
    )
    expect(hex(entryHash(bytes))).to.equal(hex(leafHash(bytes)))
  })

  it('rejects bytes that are not the canonical encoding', () => {
    const bytes = encodeEntry(base())
    const f = fields(bytes)
    expect(concat(f)).to.deep.equal(bytes)
    const cases: Array<[string, Uint8Array]> = [
      ['unknown field appended', concat([...f, Uint8Array.of(0xf8, 0x01, 0x01)])],
      ['field repeated', concat([...f, f[0]])],
      ['fields reordered', concat([f[1], f[0], ...f.slice(2)])],
      ['non-minimal varint', concat([Uint8Array.of(0x08, 0x83, 0x00), ...f.slice(1)])],
      [
        'two events',
        concat([
          ...f,
          fields(
            encodeEntry({
              ...base(),
              type: 'anchored',
              jobId: new Uint8Array(0),
              treeSize: 1,
              root: h('r'),
              chainId: 1,
              txHash: h('t'),
            } as AuditEntry),
          ).at(-1)!,
        ]),
      ],
      ['no event', concat(f.slice(0, -1))],
      ['truncated', bytes.slice(0, -1)],
      ['empty', new Uint8Array(0)],
      ['oversized', new Uint8Array(AUDIT_BOUNDS.maxEntryBytes + 1)],
    ]
    for (const [name, b] of cases) {
      try {
        decodeEntry(b)
        expect.fail(`accepted: ${name}`)
      } catch (err) {
        expect(err, name).to.be.instanceOf(AuditEntryError)
      }
    }
  })

  it('checks every field and names the bad one', () => {
    const bad: Array<[string, Partial<AuditEntry> | AuditEntry]> = [
      ['index', { index: -1 }],
      ['index', { index: 2 ** 53 }],
      ['timestamp', { timestamp: 1.5 }],
      ['prevHash', { prevHash: new Uint8Array(31) }],
      ['prevHash', { index: 0 }],
      ['peer', { peer: new Uint8Array(0) }],
      ['peer', { peer: new Uint8Array(65) }],
      ['jobId', { jobId: new Uint8Array(0) }],
      ['bid.counterparty', { counterparty: new Uint8Array(0) } as Partial<AuditEntry>],
      ['bid.messageHash', { messageHash: new Uint8Array(33) } as Partial<AuditEntry>],
      ['bid.price', { price: -1n } as Partial<AuditEntry>],
      ['bid.price', { price: 1n << 256n } as Partial<AuditEntry>],
      ['bid.direction', { direction: 'sideways' } as unknown as Partial<AuditEntry>],
      ['bid.envelope', { envelope: Uint8Array.of(1) } as Partial<AuditEntry>],
      ['bid.envelope', { envelope: new Uint8Array(AUDIT_BOUNDS.maxEnvelopeBytes + 1) } as Partial<AuditEntry>],
      ['bid.awardIndex', { awardIndex: 1 } as Partial<AuditEntry>],
      ['awarded.awardIndex', { type: 'awarded', awardIndex: 16 } as Partial<AuditEntry>],
      ['result.outputCid', { type: 'result', outputCid: Uint8Array.of(1, 2, 3) } as Partial<AuditEntry>],
      [
        'verified.reason',
        {
          type: 'verified',
          resultHash: h('r'),
          outputCid: OUTPUT,
          accepted: true,
          reason: 'x'.repeat(257),
        } as Partial<AuditEntry>,
      ],
      [
        'posted.redundancy',
        {
          type: 'posted',
          messageHash: h('m'),
          maxPrice: 1n,
          paymentMode: 'escrow',
          redundancy: 0,
        } as Partial<AuditEntry>,
      ],
      [
        'posted.paymentMode',
        {
          type: 'posted',
          messageHash: h('m'),
          maxPrice: 1n,
          paymentMode: 'cash',
          redundancy: 1,
        } as unknown as Partial<AuditEntry>,
      ],
      ['paid.method', { type: 'paid', amount: 1n, method: undefined } as unknown as Partial<AuditEntry>],
      [
        'paid.voucher.signature',
        {
          type: 'paid',
          amount: 1n,
          method: { kind: 'voucher', channelId: h('c'), cumulativeAmount: 1n, nonce: 1n, signature: new Uint8Array(0) },
        } as Partial<AuditEntry>,
      ],
      ['refunded.txHash', { type: 'refunded', amount: 1n, txHash: new Uint8Array(0) } as Partial<AuditEntry>],
      ['jobId', { type: 'anchored', treeSize: 1, root: h('r'), chainId: 1, txHash: h('t') } as Partial<AuditEntry>],
      [
        'anchored.treeSize',
        {
          type: 'anchored',
          jobId: new Uint8Array(0),
          treeSize: 0,
          root: h('r'),
          chainId: 1,
          txHash: h('t'),
        } as Partial<AuditEntry>,
      ],
      ['type', { type: 'gossiped' } as unknown as Partial<AuditEntry>],
    ]
    for (const [field, over] of bad) expectInvalid(() => encodeEntry(base(over as Partial<AuditEntry>)), field)
    // what the checks allow: an envelope that hashes to messageHash, a zero prevHash at index 0
    const env = new TextEncoder().encode('signed envelope bytes')
    expect(
      decodeEntry(encodeEntry(base({ messageHash: h('signed envelope bytes'), envelope: env } as Partial<AuditEntry>))),
    ).to.have.property('envelope')
    expect(decodeEntry(encodeEntry(base({ index: 0, prevHash: ZERO_HASH }))).index).to.equal(0)
    expect(
      decodeEntry(encodeEntry(base({ type: 'result', outputCid: cid('y') } as Partial<AuditEntry>))).type,
    ).to.equal('result')
  })

  it('decoding arbitrary bytes either yields a valid entry or throws AuditEntryError, never anything else', () => {
    const valid = buildLog(REQUESTER, oneOfEach()).bytes
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (which, edits) => {
          const b = valid[which].slice()
          for (const [pos, v] of edits) b[pos % b.length] = v
          try {
            const e = decodeEntry(b)
            expect(hex(encodeEntry(e))).to.equal(hex(b))
          } catch (err) {
            expect(err).to.be.instanceOf(AuditEntryError)
          }
        },
      ),
      { numRuns: 3000 },
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        try {
          decodeEntry(b)
        } catch (err) {
          expect(err).to.be.instanceOf(AuditEntryError)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
