// The auditor's judgement of one peer's log from its anchors and what it served: every
// failure named for what it is, and only proofs counted as evidence.
import { expect } from 'chai'
import { anchorsToCheck, checkAnchorChain, checkServedEntries } from '../../../protocol/audit/log-check.ts'
import { MemoryTree, consistencyProof, inclusionProof } from '../../../protocol/merkle/index.ts'
import { entryHash } from '../../../protocol/audit/index.ts'
import { JOB, PROVIDER, REQUESTER, buildLog, h, msg } from './story.ts'
import type { AnchorRecord, ServedRoots } from '../../../protocol/audit/log-check.ts'
import type { EventFor } from './story.ts'

const bid = (i: number, jobId = JOB): EventFor => ({
  type: 'bid',
  direction: 'sent',
  counterparty: REQUESTER,
  messageHash: h(`bid ${i}`),
  price: BigInt(i + 1),
  jobId,
})

function logOf(n: number, variant = ''): { bytes: Uint8Array[]; tree: MemoryTree } {
  const { bytes } = buildLog(
    PROVIDER,
    Array.from({ length: n }, (_, i) => bid(i, variant === '' ? JOB : h(`job ${variant}`))),
  )
  const tree = new MemoryTree()
  for (const b of bytes) tree.append(entryHash(b))
  return { bytes, tree }
}

function anchorsOf(tree: MemoryTree, sizes: number[]): AnchorRecord[] {
  return sizes.map((s, index) => ({ index, treeSize: s, root: tree.root(s), timestamp: 1000 + index }))
}

function serve(tree: MemoryTree, sizes: number[]): ServedRoots {
  const served: ServedRoots = { roots: new Map(), consistency: new Map() }
  for (const s of sizes) served.roots.set(s, tree.root(s))
  for (let i = 0; i + 1 < sizes.length; i++)
    served.consistency.set(`${sizes[i]}-${sizes[i + 1]}`, consistencyProof(sizes[i], sizes[i + 1], tree.node))
  return served
}

const fails = (f: ReturnType<typeof checkAnchorChain>): string[] =>
  f.filter((x) => x.status !== 'PASS').map((x) => `${x.status} ${x.code ?? ''}`)

describe('protocol/audit log-check: anchors', () => {
  const sizes = [3, 8, 13, 20]

  it('passes consecutive anchors of one growing log, one row per pair', () => {
    const { tree } = logOf(20)
    const out = checkAnchorChain(anchorsOf(tree, sizes), serve(tree, sizes))
    expect(out.map((f) => f.status)).to.deep.equal(['PASS', 'PASS', 'PASS'])
    expect(out[0].check).to.equal('anchors #0 (size 3)→#1 (size 8)')
  })

  it('names a history rebuilt before a later anchor (the served log matches the later anchor only)', () => {
    const honest = logOf(20).tree
    const rebuilt = logOf(20, 'other').tree
    // anchors #0 and #1 of the honest history, #2 and #3 of the rebuilt one
    const anchors = [
      ...anchorsOf(honest, [3, 8]),
      ...anchorsOf(rebuilt, [13, 20]).map((a, i) => ({ ...a, index: i + 2 })),
    ]
    const out = checkAnchorChain(anchors, serve(rebuilt, sizes))
    expect(fails(out)).to.deep.equal(['FAIL HISTORY_REWRITTEN'])
    expect(out.find((f) => f.code === 'HISTORY_REWRITTEN')?.check).to.equal('anchors #1 (size 8)→#2 (size 13)')
  })

  it('names a log changed after anchoring (it matches no anchor from one on), once', () => {
    const honest = logOf(20).tree
    const changed = logOf(20, 'changed').tree
    const served = serve(changed, sizes)
    served.roots.set(3, honest.root(3))
    served.roots.set(8, honest.root(8)) // honest up to 8: the change lies in [8, 13)
    served.consistency.set('3-8', consistencyProof(3, 8, honest.node))
    const out = checkAnchorChain(anchorsOf(honest, sizes), served)
    expect(fails(out)).to.deep.equal(['FAIL LOG_DIVERGES'])
    expect(out.find((f) => f.code === 'LOG_DIVERGES')?.message).to.match(/anchor #2 \(size 13\).*below 13 \(after 8\)/)
    expect(out.filter((f) => f.status === 'PASS').map((f) => f.check)).to.deep.equal([
      'anchors #0 (size 3)→#1 (size 8)',
    ])
  })

  it(
    'fails a bad consistency proof even when the served roots echo' + ' the chain (roots are claims, proofs evidence)',
    () => {
      const { tree } = logOf(20)
      const served = serve(tree, sizes)
      served.consistency.set('8-13', [h('junk')])
      expect(fails(checkAnchorChain(anchorsOf(tree, sizes), served))).to.deep.equal(['FAIL CONSISTENCY_FAILED'])
    },
  )

  it('is UNAVAILABLE, not FAILED, when the peer serves nothing or leaves out a proof', () => {
    const { tree } = logOf(20)
    const anchors = anchorsOf(tree, sizes)
    expect(fails(checkAnchorChain(anchors, undefined))).to.deep.equal(['UNAVAILABLE UNAVAILABLE'])
    const served = serve(tree, sizes)
    served.consistency.delete('3-8')
    expect(fails(checkAnchorChain(anchors, served))).to.deep.equal(['UNAVAILABLE UNAVAILABLE'])
    expect(checkAnchorChain(anchors.slice(0, 1), undefined)).to.deep.equal([])
  })

  it('checks from the anchor before the first that covers the entries to the latest, thinned to a limit', () => {
    const { tree } = logOf(20)
    const many = anchorsOf(
      tree,
      Array.from({ length: 20 }, (_, i) => i + 1),
    )
    expect(anchorsToCheck(many, 4).map((a) => a.treeSize)).to.deep.equal(many.slice(3).map((a) => a.treeSize))
    const thin = anchorsToCheck(many, 0, 6)
    expect(thin.map((a) => a.treeSize)).to.deep.equal([1, 2, 17, 18, 19, 20])
    // thinned pairs are still proven: consistency between non-adjacent anchors
    expect(
      fails(
        checkAnchorChain(
          thin,
          serve(
            tree,
            thin.map((a) => a.treeSize),
          ),
        ),
      ),
    ).to.deep.equal([])
    expect(anchorsToCheck(many, 25).map((a) => a.treeSize)).to.deep.equal([20])
    expect(anchorsToCheck([], 3)).to.deep.equal([])
  })
})

describe('protocol/audit log-check: served entries', () => {
  const { bytes, tree } = logOf(12)
  const anchor: AnchorRecord = { index: 4, treeSize: 10, root: tree.root(10), timestamp: 0 }
  const served = (i: number): { bytes: Uint8Array; proof: Uint8Array[] } => ({
    bytes: bytes[i],
    proof: i < 10 ? inclusionProof(i, 10, tree.node) : [],
  })

  it('proves entries below the anchor and leaves later ones PENDING', () => {
    const r = checkServedEntries([2, 5, 9, 11].map(served), { peer: PROVIDER, jobId: JOB, anchor })
    expect(r.findings.map((f) => `${f.status} ${f.code ?? ''}`)).to.deep.equal([
      'PASS ',
      'PASS ',
      'PASS ',
      'PENDING NOT_ANCHORED',
    ])
    expect([...r.proven]).to.deep.equal([2, 5, 9])
    expect(r.entries.map((s) => s.entry.index)).to.deep.equal([2, 5, 9, 11])
  })

  it('names an entry that is not the anchored one, and keeps it for the cross-check', () => {
    const other = buildLog(
      PROVIDER,
      Array.from({ length: 6 }, (_, i) => (i === 5 ? { ...bid(5), price: 999n } : bid(i))),
    ).bytes[5]
    const r = checkServedEntries([{ bytes: other, proof: inclusionProof(5, 10, tree.node) }], {
      peer: PROVIDER,
      jobId: JOB,
      anchor,
    })
    expect(r.findings[0]).to.include({ status: 'FAIL', code: 'INCLUSION_FAILED', index: 5, check: 'entry 5 (bid)' })
    expect(r.entries).to.have.length(1)
    expect(r.proven.size).to.equal(0)
  })

  it('names entries of another peer or job, garbage, and entries out of log order', () => {
    const foreign = buildLog(REQUESTER, [bid(0)]).bytes[0]
    const otherJob = buildLog(PROVIDER, [bid(0, h('job 9'))]).bytes[0]
    const r = checkServedEntries(
      [
        { bytes: foreign, proof: [] },
        { bytes: otherJob, proof: [] },
        { bytes: msg.bid, proof: [] },
        served(4),
        served(3),
      ],
      { peer: PROVIDER, jobId: JOB, anchor },
    )
    expect(r.findings.map((f) => f.code)).to.deep.equal([
      'WRONG_PEER',
      'WRONG_JOB',
      'MALFORMED_ENTRY',
      undefined,
      'MALFORMED_ENTRY',
    ])
    expect(r.findings[4].message).to.match(/not in log order/)
  })

  it('without an anchor nothing is proven', () => {
    const r = checkServedEntries([served(1)], { peer: PROVIDER })
    expect(r.findings[0]).to.include({ status: 'PENDING', code: 'NOT_ANCHORED' })
  })
})
