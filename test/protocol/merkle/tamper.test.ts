import { expect } from 'chai'
import {
  EMPTY_ROOT,
  MemoryTree,
  checkConsistency,
  checkInclusion,
  consistencyProof,
  inclusionProof,
  leafHash,
} from '../../../protocol/merkle/index.ts'
import { hex } from './reference.ts'

// Tampering probes modelled on transparency-dev/merkle proof/verify_test.go
// (corruptInclusionProof / corruptConsistencyProof), run on every tree size 1..300 with a
// sample of indices per size. Leaves are distinct so a probe can only pass by a real flaw.
const MAX = 300
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(Uint8Array.of(i >> 8, i & 0xff, 0x5a)))
const tree = new MemoryTree()
for (const l of leaves) tree.append(l)
const SOME_HASH = new Uint8Array(32).fill(0xab)

function flipBit(proof: Uint8Array[], i: number, mask: number): Uint8Array[] {
  const out = proof.slice()
  out[i] = out[i].slice()
  out[i][0] ^= mask
  return out
}

function sample(n: number, seed: number): number[] {
  const s = new Set([0, n - 1, Math.floor(n / 2), (seed * 7919) % n])
  for (let p = 1; p < n; p *= 2) if ((p + seed) % 3 === 0) s.add(p)
  return [...s]
}

interface Probe {
  desc: string
  index: number
  size: number
  leaf: Uint8Array
  proof: Uint8Array[]
  root: Uint8Array
}

function inclusionProbes(
  index: number,
  size: number,
  proof: Uint8Array[],
  root: Uint8Array,
  leaf: Uint8Array,
): Probe[] {
  const p = (desc: string, o: Partial<Probe>): Probe => ({ desc, index, size, leaf, proof, root, ...o })
  const probes = [
    p('index - 1', { index: index - 1 }),
    p('index + 1', { index: index + 1 }),
    p('index ^ 2', { index: index ^ 2 }),
    p('size * 2', { size: size * 2 }),
    p('size / 2', { size: Math.floor(size / 2) }),
    p('wrong leaf', { leaf: leafHash(Uint8Array.of(1, 2, 3, 4)) }),
    p('other leaf', { leaf: leaves[(index + 1) % MAX] }),
    p('empty root', { root: EMPTY_ROOT }),
    p('random root', { root: SOME_HASH }),
    p('trailing garbage', { proof: [...proof, new Uint8Array(0)] }),
    p('trailing root', { proof: [...proof, root] }),
    p('preceding garbage', { proof: [new Uint8Array(0), ...proof] }),
    p('preceding root', { proof: [root, ...proof] }),
  ]
  for (let i = 0; i < proof.length; i++) probes.push(p(`flipped bit in proof[${i}]`, { proof: flipBit(proof, i, 8) }))
  if (proof.length > 0) probes.push(p('removed component', { proof: proof.slice(0, -1) }))
  if (proof.length > 1) probes.push(p('inserted component', { proof: [proof[0], SOME_HASH, ...proof.slice(1)] }))
  return probes
}

describe('protocol/merkle rejects tampered proofs', function () {
  this.timeout(60_000)

  // every probe is checked; the ones a check wrongly accepts are collected and asserted once per
  // test (a chai assertion per probe cost most of the file's time)
  it('inclusion: wrong index, wrong size, wrong leaf or root, flipped bits, truncated and extended proofs', () => {
    let probes = 0
    const accepted: string[] = []
    for (let n = 1; n <= MAX; n++) {
      const root = tree.root(n)
      for (const m of sample(n, n)) {
        const proof = inclusionProof(m, n, tree.node)
        expect(checkInclusion(leaves[m], m, n, proof, root)).to.deep.equal({ ok: true })
        for (const pr of inclusionProbes(m, n, proof, root, leaves[m])) {
          const r = checkInclusion(pr.leaf, pr.index, pr.size, pr.proof, pr.root)
          if (r.ok) accepted.push(`${pr.desc} for leaf ${m} of ${n}`)
          probes++
        }
      }
    }
    expect(accepted, 'tampered inclusion proofs that were accepted').to.deep.equal([])
    expect(probes).to.be.greaterThan(10_000)
  })

  it('consistency: wrong sizes, wrong or swapped roots, empty, flipped, truncated and extended proofs', () => {
    let probes = 0
    const accepted: string[] = []
    for (let n = 2; n <= MAX; n++) {
      const rootN = tree.root(n)
      for (const m of sample(n, n).filter((x) => x >= 1 && x < n)) {
        const rootM = tree.root(m)
        const proof = consistencyProof(m, n, tree.node)
        expect(checkConsistency(m, n, rootM, rootN, proof)).to.deep.equal({ ok: true })
        const cases: Array<[string, number, number, Uint8Array, Uint8Array, Uint8Array[]]> = [
          ['m - 1', m - 1, n, rootM, rootN, proof],
          ['m + 1', m + 1, n, rootM, rootN, proof],
          ['m ^ 2', m ^ 2, n, rootM, rootN, proof],
          ['n * 2', m, n * 2, rootM, rootN, proof],
          ['n / 2', m, Math.floor(n / 2), rootM, rootN, proof],
          ['wrong rootM', m, n, SOME_HASH, rootN, proof],
          ['wrong rootN', m, n, rootM, SOME_HASH, proof],
          ['swapped roots', m, n, rootN, rootM, proof],
          ['empty proof', m, n, rootM, rootN, []],
          ['trailing garbage', m, n, rootM, rootN, [...proof, new Uint8Array(0)]],
          ['trailing rootM', m, n, rootM, rootN, [...proof, rootM]],
          ['trailing rootN', m, n, rootM, rootN, [...proof, rootN]],
          ['preceding garbage', m, n, rootM, rootN, [new Uint8Array(0), ...proof]],
          ['preceding rootM', m, n, rootM, rootN, [rootM, ...proof]],
          ['preceding rootN', m, n, rootM, rootN, [rootN, ...proof]],
          ['preceding proof[0]', m, n, rootM, rootN, [proof[0], ...proof]],
          ['truncated proof', m, n, rootM, rootN, proof.slice(0, -1)],
        ]
        for (let i = 0; i < proof.length; i++)
          cases.push([`flipped bit in proof[${i}]`, m, n, rootM, rootN, flipBit(proof, i, 16)])
        for (const [desc, a, b, ra, rb, pr] of cases) {
          if (checkConsistency(a, b, ra, rb, pr).ok) accepted.push(`${desc} for ${m} -> ${n}`)
          probes++
        }
      }
    }
    expect(accepted, 'tampered consistency proofs that were accepted').to.deep.equal([])
    expect(probes).to.be.greaterThan(10_000)
  })

  it('names the reason a proof fails', () => {
    const root = tree.root(8)
    const proof = inclusionProof(5, 8, tree.node)
    expect(checkInclusion(leaves[5], 8, 8, proof, root)).to.deep.equal({ ok: false, reason: 'INDEX_OUT_OF_RANGE' })
    expect(checkInclusion(leaves[5], 5, 8, proof.slice(0, 2), root)).to.deep.equal({
      ok: false,
      reason: 'WRONG_PROOF_LENGTH',
    })
    expect(checkInclusion(leaves[4], 5, 8, proof, root)).to.deep.equal({ ok: false, reason: 'ROOT_MISMATCH' })
    expect(checkInclusion(leaves[5], -1, 8, proof, root)).to.deep.equal({ ok: false, reason: 'INVALID_ARGUMENT' })
    expect(checkInclusion(leaves[5], 5, 2 ** 53, proof, root)).to.deep.equal({ ok: false, reason: 'INVALID_ARGUMENT' })
    const c = consistencyProof(3, 8, tree.node)
    expect(checkConsistency(8, 3, tree.root(3), root, c)).to.deep.equal({ ok: false, reason: 'SIZES_OUT_OF_ORDER' })
    expect(checkConsistency(3, 8, tree.root(4), root, c)).to.deep.equal({ ok: false, reason: 'FIRST_ROOT_MISMATCH' })
    expect(checkConsistency(3, 8, tree.root(3), tree.root(7), c)).to.deep.equal({ ok: false, reason: 'ROOT_MISMATCH' })
    // the edges: equal sizes need equal roots and no proof; size 0 is the empty tree
    expect(checkConsistency(8, 8, root, root, []).ok).to.equal(true)
    expect(checkConsistency(8, 8, root, root, [root]).ok).to.equal(false)
    expect(checkConsistency(8, 8, tree.root(7), root, []).ok).to.equal(false)
    expect(checkConsistency(0, 8, EMPTY_ROOT, root, []).ok).to.equal(true)
    expect(checkConsistency(0, 8, root, root, []).ok).to.equal(false)
  })

  it('consistency holds exactly when the older tree is a prefix of the newer one', () => {
    for (const n of [2, 3, 7, 64, 100, 255, 300]) {
      const changed = n >> 1
      const other = new MemoryTree()
      for (let i = 0; i < n; i++) other.append(i === changed ? leafHash(Uint8Array.of(0xee)) : leaves[i])
      expect(hex(other.root())).to.not.equal(hex(tree.root(n)))
      for (const m of [1, changed, changed + 1, n - 1].filter((x) => x >= 1 && x < n)) {
        // the honest proof cannot link the honest old root to the rewritten tree
        expect(
          checkConsistency(m, n, tree.root(m), other.root(), consistencyProof(m, n, tree.node)).ok,
          `${m} -> ${n}`,
        ).to.equal(false)
        // the rewritten tree's own proof links them only if the change lies beyond m
        const extendsOld = m <= changed
        expect(
          checkConsistency(m, n, tree.root(m), other.root(), consistencyProof(m, n, other.node)).ok,
          `${m} -> ${n} rewritten`,
        ).to.equal(extendsOld)
      }
    }
  })
})
