// ECDSA verification on secp256k1 against ONE known public key, fast enough for the voucher
// hot path. A provider hears vouchers from a handful of requesters whose keys it learns once,
// so both bases of u1·G + u2·Q are fixed: each gets a table of signed multiples per window,
// and a verification is ~2·⌈257/W⌉ mixed additions with no doubling, over BigInt field
// arithmetic with the special reduction p = 2^256 − 2^32 − 977 allows. Measured here it does
// several times what a generic verify (noble) or ecrecover (ethers) does; see scripts/bench.
// Pure: no I/O, no clock. Not constant-time: it only handles public data.

export const FIELD_P = 2n ** 256n - 0x1000003d1n
export const CURVE_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const HALF_N = CURVE_N >> 1n
const GX = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n
const GY = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n
const MASK = 2n ** 256n - 1n
const FOLD = 0x1000003d1n

function fmul (a: bigint, b: bigint): bigint {
  let v = a * b
  v = (v & MASK) + (v >> 256n) * FOLD
  v = (v & MASK) + (v >> 256n) * FOLD
  return v >= FIELD_P ? v - FIELD_P : v
}
function fadd (a: bigint, b: bigint): bigint { const v = a + b; return v >= FIELD_P ? v - FIELD_P : v }
function fsub (a: bigint, b: bigint): bigint { const v = a - b; return v < 0n ? v + FIELD_P : v }

/** a^-1 mod m (extended Euclid); a must be non-zero mod m */
export function invert (a: bigint, m: bigint): bigint {
  let [x, y, u, v] = [0n, 1n, 1n, 0n]
  let aa = ((a % m) + m) % m
  let b = m
  while (aa !== 0n) {
    const q = b / aa
    ;[b, aa] = [aa, b - q * aa]
    ;[x, u] = [u, x - q * u]
    ;[y, v] = [v, y - q * v]
  }
  if (b !== 1n) throw new RangeError('not invertible')
  return ((x % m) + m) % m
}

/** Jacobian point; Z = 0 is the point at infinity */
interface Jac { x: bigint, y: bigint, z: bigint }
const INF: Jac = { x: 1n, y: 1n, z: 0n }

function jdouble (p: Jac): Jac {
  if (p.z === 0n || p.y === 0n) return INF
  // dbl-2009-l (a = 0)
  const a = fmul(p.x, p.x)
  const b = fmul(p.y, p.y)
  const c = fmul(b, b)
  const t = fadd(p.x, b)
  let d = fsub(fsub(fmul(t, t), a), c)
  d = fadd(d, d)
  const e = fadd(fadd(a, a), a)
  const f = fmul(e, e)
  const x3 = fsub(f, fadd(d, d))
  let c8 = fadd(c, c); c8 = fadd(c8, c8); c8 = fadd(c8, c8)
  const y3 = fsub(fmul(e, fsub(d, x3)), c8)
  const yz = fmul(p.y, p.z)
  return { x: x3, y: y3, z: fadd(yz, yz) }
}

/** p + (x2, y2) with (x2, y2) affine: madd-2007-bl, with the exceptional cases handled */
function madd (p: Jac, x2: bigint, y2: bigint): Jac {
  if (p.z === 0n) return { x: x2, y: y2, z: 1n }
  const z1z1 = fmul(p.z, p.z)
  const u2 = fmul(x2, z1z1)
  const s2 = fmul(y2, fmul(p.z, z1z1))
  const h = fsub(u2, p.x)
  let r = fsub(s2, p.y)
  if (h === 0n) return r === 0n ? jdouble(p) : INF
  r = fadd(r, r)
  const hh = fmul(h, h)
  let i = fadd(hh, hh); i = fadd(i, i)
  const j = fmul(h, i)
  const v = fmul(p.x, i)
  const x3 = fsub(fsub(fmul(r, r), j), fadd(v, v))
  const yj = fmul(p.y, j)
  const y3 = fsub(fmul(r, fsub(v, x3)), fadd(yj, yj))
  const zh = fadd(p.z, h)
  const z3 = fsub(fsub(fmul(zh, zh), z1z1), hh)
  return { x: x3, y: y3, z: z3 }
}

/** p + q, both Jacobian (add-2007-bl), for building tables only */
function jadd (p: Jac, q: Jac): Jac {
  if (p.z === 0n) return q
  if (q.z === 0n) return p
  const z1z1 = fmul(p.z, p.z)
  const z2z2 = fmul(q.z, q.z)
  const u1 = fmul(p.x, z2z2)
  const u2 = fmul(q.x, z1z1)
  const s1 = fmul(p.y, fmul(q.z, z2z2))
  const s2 = fmul(q.y, fmul(p.z, z1z1))
  const h = fsub(u2, u1)
  let r = fsub(s2, s1)
  if (h === 0n) return r === 0n ? jdouble(p) : INF
  let i = fadd(h, h); i = fmul(i, i)
  const j = fmul(h, i)
  r = fadd(r, r)
  const v = fmul(u1, i)
  const x3 = fsub(fsub(fmul(r, r), j), fadd(v, v))
  const s1j = fmul(s1, j)
  const y3 = fsub(fmul(r, fsub(v, x3)), fadd(s1j, s1j))
  const zz = fadd(p.z, q.z)
  const z3 = fmul(fsub(fsub(fmul(zz, zz), z1z1), z2z2), h)
  return { x: x3, y: y3, z: z3 }
}

/** true when (x, y) satisfies y² = x³ + 7 with both coordinates in [0, p) */
export function isOnCurve (x: bigint, y: bigint): boolean {
  if (x < 0n || x >= FIELD_P || y < 0n || y >= FIELD_P) return false
  return fmul(y, y) === fadd(fmul(fmul(x, x), x), 7n)
}

/**
 * Signed multiples j·2^(W·i)·B (j = 1..2^(W-1)) of one base for every window i, affine,
 * flattened: entry (i, j) at i·2^(W-1) + j − 1.
 */
export interface FixedBaseTable { windowBits: number, windows: number, xs: bigint[], ys: bigint[] }

export function buildTable (bx: bigint, by: bigint, windowBits: number): FixedBaseTable {
  if (!Number.isInteger(windowBits) || windowBits < 2 || windowBits > 16) throw new RangeError('windowBits must be 2..16')
  if (!isOnCurve(bx, by)) throw new RangeError('base point is not on secp256k1')
  const half = 1 << (windowBits - 1)
  const windows = Math.ceil(257 / windowBits)
  const points: Jac[] = []
  let base: Jac = { x: bx, y: by, z: 1n }
  for (let w = 0; w < windows; w++) {
    let acc = base
    for (let j = 1; j <= half; j++) {
      points.push(acc)
      acc = jadd(acc, base)
    }
    for (let k = 0; k < windowBits; k++) base = jdouble(base)
  }
  // one inversion for all (Montgomery's trick); no multiple of a prime-order point is infinity
  const prefix: bigint[] = new Array<bigint>(points.length)
  let accZ = 1n
  for (let i = 0; i < points.length; i++) { prefix[i] = accZ; accZ = fmul(accZ, points[i].z) }
  let inv = invert(accZ, FIELD_P)
  const xs = new Array<bigint>(points.length)
  const ys = new Array<bigint>(points.length)
  for (let i = points.length - 1; i >= 0; i--) {
    const zi = fmul(inv, prefix[i])
    inv = fmul(inv, points[i].z)
    const zi2 = fmul(zi, zi)
    xs[i] = fmul(points[i].x, zi2)
    ys[i] = fmul(points[i].y, fmul(zi2, zi))
  }
  return { windowBits, windows, xs, ys }
}

/** acc + k·B from B's table (k < 2^256), signed fixed windows */
function addMultiple (acc: Jac, table: FixedBaseTable, k: bigint): Jac {
  const w = table.windowBits
  const half = 1 << (w - 1)
  const full = 1 << w
  const mask = BigInt(full - 1)
  const wb = BigInt(w)
  let carry = 0
  for (let i = 0; i < table.windows; i++) {
    let d = Number(k & mask) + carry
    k >>= wb
    if (d > half) { d -= full; carry = 1 } else carry = 0
    if (d === 0) continue
    const at = i * half + Math.abs(d) - 1
    acc = madd(acc, table.xs[at], d > 0 ? table.ys[at] : FIELD_P - table.ys[at])
  }
  return acc
}

const gTables = new Map<number, FixedBaseTable>()
/** G's table is the same for every key: built once per window size, on first use */
function generatorTable (windowBits: number): FixedBaseTable {
  let t = gTables.get(windowBits)
  if (t === undefined) { t = buildTable(GX, GY, windowBits); gTables.set(windowBits, t) }
  return t
}

export interface KeyVerifier {
  /** the key as 65 bytes 0x04 || x || y */
  readonly publicKey: Uint8Array
  /**
   * True when (r, s, recovery) is a signature over `digest` that the EVM's ecrecover turns
   * into this key: 0 < r, s < n, s ≤ n/2 (OpenZeppelin's rule), R.x = r exactly, and R.y's
   * parity = recovery (0 or 1, i.e. v − 27). Without `recovery` the parity is not checked
   * (one field inversion less): exactly one v then recovers the key, and whoever submits the
   * signature must pick it (see normalizeRecovery in voucher.ts).
   */
  verify (digest: bigint, r: bigint, s: bigint, recovery?: number): boolean
}

/** Parses an uncompressed public key (65 bytes, 0x04 prefix). */
export function parsePublicKey (key: Uint8Array): { x: bigint, y: bigint } {
  if (key.length !== 65 || key[0] !== 4) throw new RangeError('public key must be 65 bytes starting with 0x04')
  const hex = Buffer.from(key).toString('hex')
  const x = BigInt('0x' + hex.slice(2, 66))
  const y = BigInt('0x' + hex.slice(66, 130))
  if (!isOnCurve(x, y)) throw new RangeError('public key is not on secp256k1')
  return { x, y }
}

/**
 * A verifier for one public key. Building its table costs ~2^(W−1)·⌈257/W⌉ point additions
 * (W = 12: ~45k, a few hundred ms and a few MB): do it once per counterparty and keep it.
 */
export function createKeyVerifier (publicKey: Uint8Array, options: { windowBits?: number } = {}): KeyVerifier {
  const windowBits = options.windowBits ?? 12
  const { x, y } = parsePublicKey(publicKey)
  const gTable = generatorTable(windowBits)
  const qTable = buildTable(x, y, windowBits)
  const key = new Uint8Array(publicKey)
  return {
    publicKey: key,
    verify (digest: bigint, r: bigint, s: bigint, recovery: number): boolean {
      if (r <= 0n || r >= CURVE_N || s <= 0n || s > HALF_N) return false
      if (recovery !== undefined && recovery !== 0 && recovery !== 1) return false
      const z = digest % CURVE_N
      const w = invert(s, CURVE_N)
      const u1 = (z * w) % CURVE_N
      const u2 = (r * w) % CURVE_N
      const acc = addMultiple(addMultiple(INF, gTable, u1), qTable, u2)
      if (acc.z === 0n) return false
      // R.x must be r itself (ecrecover with v 27/28 only lifts x = r), checked without inverting
      const zz = fmul(acc.z, acc.z)
      if (acc.x !== fmul(r, zz)) return false
      if (recovery === undefined) return true
      const ay = fmul(acc.y, invert(fmul(zz, acc.z), FIELD_P))
      return Number(ay & 1n) === recovery
    },
  }
}
