import { expect } from 'chai'
import {
  MemoryTree,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../../protocol/merkle/index.ts'
import { ReferenceTree, hex } from './reference.ts'

// Entries of varied length (0..40 bytes) so that leaf hashing is exercised beyond one shape.
const MAX = 300
const entries = Array.from({ length: MAX }, (_, i) => new Uint8Array(i % 41).fill(i & 0xff))
const reference = new ReferenceTree(entries)
const tree = new MemoryTree()
for (const e of entries) tree.append(leafHash(e))
const leaves = entries.map(leafHash)

describe('protocol/merkle against the RFC 9162 reference algorithms, every size 1..300', function () {
  this.timeout(120_000)

  it('leaf hashes and the root of every size equal MTH', () => {
    for (let i = 0; i < MAX; i++) expect(hex(leaves[i])).to.equal(hex(reference.mth(i, i + 1)))
    for (let n = 1; n <= MAX; n++) {
      const want = hex(reference.mth(0, n))
      expect(hex(tree.root(n)), `root(${n})`).to.equal(want)
      if (n % 25 === 0 || n < 20) expect(hex(rootOf(leaves.slice(0, n))), `rootOf ${n}`).to.equal(want)
    }
  })

  // 45,150 pairs each: every pair is compared and verified, and the mismatches are collected and
  // asserted once (an assertion per pair cost most of the file's time)
  it('inclusion proofs for every index of every size equal PATH and verify', () => {
    let checked = 0
    const wrong: string[] = []
    for (let n = 1; n <= MAX; n++) {
      const root = tree.root(n)
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, tree.node)
        if (proof.map(hex).join() !== reference.path(m, 0, n).map(hex).join()) wrong.push(`PATH(${m}, ${n})`)
        if (!verifyInclusion(leaves[m], m, n, proof, root)) wrong.push(`verify ${m}/${n}`)
        checked++
      }
    }
    expect(wrong, 'inclusion proofs that differ from PATH or do not verify').to.deep.equal([])
    expect(checked).to.equal((MAX * (MAX + 1)) / 2)
  })

  it('consistency proofs for every pair m <= n equal PROOF and verify', () => {
    let checked = 0
    const wrong: string[] = []
    const roots = [new Uint8Array(0), ...Array.from({ length: MAX }, (_, i) => tree.root(i + 1))]
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, n, tree.node)
        if (proof.map(hex).join() !== reference.proof(m, n).map(hex).join()) wrong.push(`PROOF(${m}, ${n})`)
        if (!verifyConsistency(m, n, roots[m], roots[n], proof)) wrong.push(`verify ${m}->${n}`)
        checked++
      }
    }
    expect(wrong, 'consistency proofs that differ from PROOF or do not verify').to.deep.equal([])
    expect(checked).to.equal((MAX * (MAX + 1)) / 2)
  })
})
