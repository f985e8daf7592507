// /hive/audit/1.0.0 messages and the anchoring binding: round trips, and every bound enforced
// before anything in a message is used.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'chai'
import { AuditRequest, AuditResponse } from '../../../protocol/gen/audit.ts'
import {
  bindingFromJson,
  bindingToJson,
  signAnchorBinding,
  verifyAnchorBinding,
} from '../../../protocol/audit/binding.ts'
import {
  AUDIT_WIRE_LIMITS,
  AuditStatus,
  decodeAuditRequest,
  decodeAuditResponse,
  encodeAuditRequest,
  errorResponse,
  okResponse,
} from '../../../protocol/audit/wire.ts'
import { outcomeOf } from '../../../protocol/audit/verdict.ts'
import { peerIdToBytes } from '../../../protocol/signing.ts'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { h } from './story.ts'
import type { AuditQuery } from '../../../protocol/audit/wire.ts'

/** a hash the generated codecs accept (ArrayBuffer-backed) */
const hb = (label: string): Uint8Array<ArrayBuffer> => new Uint8Array(h(label))
const invalid = (f: () => unknown): void => {
  expect(f).to.throw().with.property('code', 'INVALID_AUDIT_MESSAGE')
}

describe('protocol/audit wire', () => {
  it('round-trips every query kind', () => {
    const queries: AuditQuery[] = [
      { kind: 'head' },
      { kind: 'job', jobId: h('job'), proofSize: 17, fromIndex: 3 },
      { kind: 'range', start: 5, end: 9, proofSize: 0 },
      { kind: 'roots', sizes: [1, 2, 40, 2 ** 40] },
    ]
    for (const q of queries) expect(decodeAuditRequest(encodeAuditRequest(q))).to.deep.equal(q)
  })

  it('refuses requests that break the rules', () => {
    invalid(() => decodeAuditRequest(new Uint8Array(AUDIT_WIRE_LIMITS.maxRequestBytes + 1)))
    invalid(() => decodeAuditRequest(Uint8Array.of(0xff, 0xff, 0xff)))
    invalid(() => decodeAuditRequest(AuditRequest.encode({})))
    invalid(() =>
      decodeAuditRequest(AuditRequest.encode({ job: { jobId: new Uint8Array(31), proofSize: 0, fromIndex: 0 } })),
    )
    invalid(() => decodeAuditRequest(AuditRequest.encode({ roots: { sizes: [3, 3] } })))
    invalid(() => decodeAuditRequest(AuditRequest.encode({ roots: { sizes: [0, 3] } })))
    invalid(() => decodeAuditRequest(AuditRequest.encode({ roots: { sizes: [] } })))
    invalid(() =>
      decodeAuditRequest(AuditRequest.encode({ roots: { sizes: Array.from({ length: 65 }, (_, i) => i + 1) } })),
    )
    invalid(() => decodeAuditRequest(AuditRequest.encode({ range: { start: 9, end: 3, proofSize: 0 } })))
  })

  it('round-trips answers and errors', () => {
    const answer = {
      treeSize: 9,
      root: h('root'),
      entries: [{ bytes: Uint8Array.of(1, 2, 3), proof: [h('a'), h('b')] }],
      more: true,
      nextIndex: 7,
      roots: [{ size: 4, root: h('r4') }],
      consistency: [{ from: 4, to: 9, proof: [h('c')] }],
    }
    const r = decodeAuditResponse(okResponse(answer))
    expect(r.status).to.equal(AuditStatus.AUDIT_OK)
    expect(r.entries[0].entry).to.deep.equal(Uint8Array.of(1, 2, 3))
    expect(r.entries[0].proof).to.deep.equal(answer.entries[0].proof)
    expect([r.more, r.nextIndex, r.treeSize, r.roots[0].size, r.consistency[0].to]).to.deep.equal([true, 7, 9, 4, 9])
    const e = decodeAuditResponse(errorResponse(AuditStatus.AUDIT_RATE_LIMITED, 'RATE_LIMITED', 'slow down'))
    expect([e.status, e.code, e.message]).to.deep.equal([AuditStatus.AUDIT_RATE_LIMITED, 'RATE_LIMITED', 'slow down'])
  })

  it('refuses answers with a bad shape before they are used', () => {
    const base = {
      status: AuditStatus.AUDIT_OK as AuditStatus,
      code: '',
      message: '',
      treeSize: 1,
      root: hb('r'),
      entries: [],
      more: false,
      nextIndex: 0,
      roots: [],
      consistency: [],
    }
    invalid(() => decodeAuditResponse(AuditResponse.encode({ ...base, status: AuditStatus.AUDIT_STATUS_UNSPECIFIED })))
    invalid(() => decodeAuditResponse(AuditResponse.encode({ ...base, root: new Uint8Array(31) })))
    invalid(() =>
      decodeAuditResponse(AuditResponse.encode({ ...base, entries: [{ entry: new Uint8Array(0), proof: [] }] })),
    )
    invalid(() =>
      decodeAuditResponse(
        AuditResponse.encode({ ...base, entries: [{ entry: Uint8Array.of(1), proof: [new Uint8Array(5)] }] }),
      ),
    )
    invalid(() =>
      decodeAuditResponse(
        AuditResponse.encode({
          ...base,
          entries: Array.from({ length: AUDIT_WIRE_LIMITS.maxEntriesPerResponse + 1 }, () => ({
            entry: Uint8Array.of(1),
            proof: [],
          })),
        }),
      ),
    )
    invalid(() =>
      decodeAuditResponse(
        AuditResponse.encode({
          ...base,
          consistency: [{ from: 1, to: 2, proof: Array.from({ length: 65 }, () => hb('x')) }],
        }),
      ),
    )
    invalid(() => decodeAuditResponse(new Uint8Array(AUDIT_WIRE_LIMITS.maxResponseBytes + 1)))
  })
})

describe('protocol/audit anchoring binding', () => {
  const fields = {
    chainId: 31337,
    contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    issuedAt: 1_700_000_000_000,
  }

  it('is signed by the peer key and holds the peer to the address it names', async () => {
    const key = await generateKeyPair('Ed25519')
    const peer = peerIdToBytes(peerIdFromPrivateKey(key))
    const b = await signAnchorBinding(fields, key)
    const ok = await verifyAnchorBinding(b, peer)
    expect(ok.ok).to.equal(true)
    if (ok.ok)
      expect(ok.binding).to.include({
        chainId: 31337,
        address: fields.address.toLowerCase(),
        contract: fields.contract.toLowerCase(),
        peerId: peerIdFromPrivateKey(key).toString(),
      })
    // the JSON form (export files) carries it intact
    const again = bindingFromJson(JSON.parse(JSON.stringify(bindingToJson(b))))
    expect(again).to.not.equal(undefined)
    expect((await verifyAnchorBinding(again!, peer)).ok).to.equal(true)
  })

  it("fails when any field changed, when it is another peer's, or when malformed", async () => {
    const key = await generateKeyPair('Ed25519')
    const other = peerIdToBytes(peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    const b = await signAnchorBinding(fields, key)
    const swapped = new Uint8Array(b.address)
    swapped[0] ^= 1
    expect(await verifyAnchorBinding({ ...b, address: swapped })).to.deep.equal({ ok: false, reason: 'bad signature' })
    expect(await verifyAnchorBinding({ ...b, chainId: 1 })).to.deep.equal({ ok: false, reason: 'bad signature' })
    expect(await verifyAnchorBinding(b, other)).to.deep.equal({ ok: false, reason: "the binding is another peer's" })
    expect((await verifyAnchorBinding({ ...b, address: new Uint8Array(19) })).ok).to.equal(false)
    expect(bindingFromJson({ peer: 'zz' })).to.equal(undefined)
  })
})

describe('protocol/audit verdict outcome', () => {
  const row = (
    status: 'PASS' | 'FAIL' | 'UNAVAILABLE' | 'PENDING' | 'WARN',
  ): { subject: string; role: 'job'; check: string; status: typeof status; message: string } => ({
    subject: 's',
    role: 'job',
    check: 'c',
    status,
    message: '',
  })
  it('is FAILED on any failure, INCOMPLETE on anything unproven, VERIFIED only when all passed', () => {
    expect(outcomeOf([row('PASS'), row('WARN')])).to.equal('VERIFIED')
    expect(outcomeOf([row('PASS'), row('UNAVAILABLE')])).to.equal('INCOMPLETE')
    expect(outcomeOf([row('PENDING')])).to.equal('INCOMPLETE')
    expect(outcomeOf([row('UNAVAILABLE'), row('FAIL')])).to.equal('FAILED')
    expect(outcomeOf([])).to.equal('INCOMPLETE')
  })
})
