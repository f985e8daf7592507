import { expect } from 'chai'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  EMPTY_ROOT,
  MemoryTree,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../../protocol/merkle/index.ts'
import { hex, unhex } from './reference.ts'

// Published Certificate Transparency known answers; see test/fixtures/ct/SOURCE.md.
const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'ct')

interface Vectors {
  leafInputs: string[]
  emptyRoot: string
  roots: string[]
  nodeHashes: string[][]
  inclusion: Array<{ index: number; size: number; proof: string[] }>
  consistency: Array<{ m: number; n: number; proof: string[] }>
}
const v = JSON.parse(readFileSync(join(dir, 'rfc6962-vectors.json'), 'utf8')) as Vectors
const leaves = v.leafInputs.map((x) => leafHash(unhex(x)))
const tree = new MemoryTree()
for (const l of leaves) tree.append(l)

interface InclusionCase {
  leafIdx: number
  treeSize: number
  root: string
  leafHash: string
  proof: string[] | null
  desc: string
  wantErr: boolean
}
interface ConsistencyCase {
  size1: number
  size2: number
  root1: string
  root2: string
  proof: string[] | null
  desc: string
  wantErr: boolean
}
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'))

function loadCases<T>(kind: string): Array<[string, T]> {
  const out: Array<[string, T]> = []
  const base = join(dir, 'testdata', kind)
  for (const n of readdirSync(base)) {
    for (const f of readdirSync(join(base, n)))
      out.push([`${kind}/${n}/${f}`, JSON.parse(readFileSync(join(base, n, f), 'utf8')) as T])
  }
  return out
}

describe('protocol/merkle against published Certificate Transparency vectors', () => {
  it('empty root, roots of sizes 1..8 and every complete subtree hash', () => {
    expect(hex(EMPTY_ROOT)).to.equal(v.emptyRoot)
    expect(hex(rootOf([]))).to.equal(v.emptyRoot)
    for (let n = 1; n <= 8; n++) {
      expect(hex(rootOf(leaves.slice(0, n))), `size ${n}`).to.equal(v.roots[n - 1])
      expect(hex(tree.root(n)), `tree.root(${n})`).to.equal(v.roots[n - 1])
    }
    v.nodeHashes.forEach((level, l) =>
      level.forEach((h, i) => expect(hex(tree.node({ level: l, index: i })), `node ${l}/${i}`).to.equal(h)),
    )
    expect(hex(nodeHash(unhex(v.nodeHashes[0][0]), unhex(v.nodeHashes[0][1])))).to.equal(v.nodeHashes[1][0])
  })

  it('generates and verifies the published inclusion proofs', () => {
    for (const c of v.inclusion) {
      expect(inclusionProof(c.index, c.size, tree.node).map(hex), `${c.index}/${c.size}`).to.deep.equal(c.proof)
      expect(
        verifyInclusion(leaves[c.index], c.index, c.size, c.proof.map(unhex), unhex(v.roots[c.size - 1])),
      ).to.equal(true)
    }
  })

  it('generates and verifies the published consistency proofs', () => {
    for (const c of v.consistency) {
      expect(consistencyProof(c.m, c.n, tree.node).map(hex), `${c.m}->${c.n}`).to.deep.equal(c.proof)
      expect(
        verifyConsistency(c.m, c.n, unhex(v.roots[c.m - 1]), unhex(v.roots[c.n - 1]), c.proof.map(unhex)),
      ).to.equal(true)
    }
  })

  it('accepts and rejects the transparency-dev testdata inclusion cases as published', () => {
    const cases = loadCases<InclusionCase>('inclusion')
    expect(cases.length).to.be.greaterThan(8)
    for (const [name, c] of cases) {
      const ok = verifyInclusion(b64(c.leafHash), c.leafIdx, c.treeSize, (c.proof ?? []).map(b64), b64(c.root))
      expect(ok, `${name}: ${c.desc}`).to.equal(!c.wantErr)
    }
  })

  it('accepts and rejects the transparency-dev testdata consistency cases as published', () => {
    const cases = loadCases<ConsistencyCase>('consistency')
    expect(cases.length).to.be.greaterThan(8)
    for (const [name, c] of cases) {
      const ok = verifyConsistency(c.size1, c.size2, b64(c.root1), b64(c.root2), (c.proof ?? []).map(b64))
      expect(ok, `${name}: ${c.desc}`).to.equal(!c.wantErr)
    }
  })
})
