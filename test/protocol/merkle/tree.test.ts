import { expect } from 'chai'
import {
  MemoryTree,
  appendLeaf,
  consistencyProofRanges,
  inclusionProofRanges,
  leafHash,
  splitPoint,
  subtreesFor,
  subtreesOf,
} from '../../../protocol/merkle/index.ts'
import { isHiveError } from '../../../protocol/errors.ts'
import { ReferenceTree, hex } from './reference.ts'

describe('protocol/merkle tree shape', () => {
  it('splits at the largest power of two below n', () => {
    for (const [n, k] of [
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 4],
      [7, 4],
      [8, 4],
      [9, 8],
      [63, 32],
      [28937, 16384],
      [2 ** 40 + 1, 2 ** 40],
    ]) {
      expect(splitPoint(n), `n=${n}`).to.equal(k)
    }
  })

  it('tiles any range with maximal aligned complete subtrees', () => {
    for (let start = 0; start < 70; start++) {
      for (let end = start; end <= 70; end++) {
        const parts = subtreesOf({ start, end })
        let at = start
        for (const { level, index } of parts) {
          const width = 2 ** level
          expect(index * width, `[${start},${end})`).to.equal(at)
          at += width
        }
        expect(at).to.equal(end)
        // no two neighbours could merge into one aligned subtree
        for (let i = 1; i < parts.length; i++) {
          const a = parts[i - 1]
          const b = parts[i]
          expect(a.level === b.level && a.index % 2 === 0, `[${start},${end}) mergeable`).to.equal(false)
        }
      }
    }
    expect(subtreesOf({ start: 0, end: 1_000_000 }).length).to.equal(7) // popcount(1e6)
  })

  it('needs O(log n) subtree reads for any proof in a million-entry log', () => {
    let worst = 0
    for (const n of [1_000_000, 1_048_575, 1_048_577]) {
      for (const i of [0, 1, 524_287, 524_288, 999_999, n - 1])
        worst = Math.max(worst, subtreesFor(inclusionProofRanges(i % n, n)).length)
      for (const m of [1, 3, 524_287, 524_288, 999_999, n - 1])
        worst = Math.max(worst, subtreesFor(consistencyProofRanges(m, n)).length)
    }
    expect(worst).to.be.at.most(2 * 21)
  })

  it('appendLeaf reports the subtrees each leaf completes', () => {
    const leaves = Array.from({ length: 16 }, (_, i) => leafHash(Uint8Array.of(i)))
    const ref = new ReferenceTree(Array.from({ length: 16 }, (_, i) => Uint8Array.of(i)))
    let frontier: Uint8Array[] = []
    const seen: string[] = []
    for (let i = 0; i < 16; i++) {
      const r = appendLeaf(frontier, i, leaves[i])
      frontier = r.frontier
      expect(frontier.length).to.equal(
        (i + 1)
          .toString(2)
          .split('')
          .filter((c) => c === '1').length,
      )
      for (const { id, hash } of r.completed) {
        const w = 2 ** id.level
        expect(hex(hash)).to.equal(hex(ref.mth(id.index * w, (id.index + 1) * w)))
        seen.push(`${id.level}/${id.index}`)
      }
    }
    expect(seen.length).to.equal(31) // 16 + 8 + 4 + 2 + 1 nodes of a full 16-leaf tree
    expect(() => appendLeaf([], 1, leaves[1]))
      .to.throw()
      .that.satisfies((e: unknown) => isHiveError(e, 'INVALID_FRONTIER'))
    expect(() => appendLeaf([], 0, new Uint8Array(31)))
      .to.throw()
      .that.satisfies((e: unknown) => isHiveError(e, 'INVALID_LEAF_HASH'))
  })

  it('rejects impossible proof requests with typed errors', () => {
    const t = new MemoryTree()
    t.append(leafHash(Uint8Array.of(1)))
    for (const f of [
      () => inclusionProofRanges(1, 1),
      () => inclusionProofRanges(0, 0),
      () => consistencyProofRanges(2, 1),
      () => consistencyProofRanges(0, 1),
      () => t.root(2),
      () => t.node({ level: 1, index: 0 }),
    ]) {
      expect(f)
        .to.throw()
        .that.satisfies((e: unknown) => isHiveError(e))
    }
  })
})
