// A direct transcription of RFC 9162 section 2.1's recursive definitions (MTH, PATH, PROOF /
// SUBPROOF) over a list of entries, with its own SHA-256 calls, used only to cross-check the
// iterative, store-backed implementation in protocol/merkle. MTH(D[lo:hi]) is memoised per
// (lo, hi): the entries never change, so this keeps the reference definition while making
// "every size from 1 to 300" affordable.
import { createHash } from 'node:crypto'

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

export class ReferenceTree {
  private readonly entries: Uint8Array[]
  private readonly memo = new Map<number, Uint8Array>()

  constructor(entries: Uint8Array[]) {
    this.entries = entries
  }

  /** The largest power of two smaller than n. */
  static k(n: number): number {
    let k = 1
    while (k * 2 < n) k *= 2
    return k
  }

  /** MTH(D[lo:hi]) */
  mth(lo: number, hi: number): Uint8Array {
    const key = lo * 1_000_003 + hi
    const hit = this.memo.get(key)
    if (hit !== undefined) return hit
    let out: Uint8Array
    const n = hi - lo
    if (n === 0) out = sha256()
    else if (n === 1) out = sha256(Uint8Array.of(0), this.entries[lo])
    else {
      const k = ReferenceTree.k(n)
      out = sha256(Uint8Array.of(1), this.mth(lo, lo + k), this.mth(lo + k, hi))
    }
    this.memo.set(key, out)
    return out
  }

  /** PATH(m, D[lo:hi]) */
  path(m: number, lo: number, hi: number): Uint8Array[] {
    const n = hi - lo
    if (n === 1) return []
    const k = ReferenceTree.k(n)
    if (m < k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)]
    return [...this.path(m - k, lo + k, hi), this.mth(lo, lo + k)]
  }

  /** PROOF(m, D[0:n]) */
  proof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, 0, n, true)
  }

  /** SUBPROOF(m, D[lo:hi], b) */
  subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo
    if (m === n) return b ? [] : [this.mth(lo, hi)]
    const k = ReferenceTree.k(n)
    if (m <= k) return [...this.subproof(m, lo, lo + k, b), this.mth(lo + k, hi)]
    return [...this.subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)]
  }
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
