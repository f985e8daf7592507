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

function fmul(a: bigint, b: bigint): bigint {
  let v = a * b
  v = (v & MASK) + (v >> 256n) * FOLD
  v = (v & MASK) + (v >> 256n) * FOLD
  return v >= FIELD_P ? v - FIELD_P : v
}
function fadd(a: bigint, b: bigint): bigint {
  const v = a + b
  return v >= FIELD_P ? v - FIELD_P : v
}
function fsub(a: bigint, b: bigint): bigint {
  const v = a - b
  return v < 0n ? v + FIELD_P : v
}

/**
 * a^-1 mod m; a must be non-zero mod m. Lehmer's extended Euclid: the quotients come from
 * the leading 26 bits in doubles (products stay exact below 2^53), and the 256-bit values
 * are updated once per ~a dozen quotients. Plain Euclid on BigInts ran at ~45 µs per
 * voucher, a fifth of a verification.
 */
export function invert(a: bigint, m: bigint): bigint {
  // invariants: u ≡ x0·a and v ≡ x1·a (mod m), u > v ≥ 0
  let u = m
  let v = a % m
  if (v < 0n) v += m
  let x0 = 0n
  let x1 = 1n
  while (v !== 0n) {
    const shift = Math.max(0, u.toString(16).length * 4 - 26)
    const bs = BigInt(shift)
    let uh = Number(u >> bs)
    let vh = Number(v >> bs)
    let A = 1
    let B = 0
    let C = 0
    let D = 1
    // Knuth's Algorithm L: a quotient counts only when both bounds on it agree
    while (vh + C !== 0 && vh + D !== 0) {
      const q = Math.floor((uh + A) / (vh + C))
      if (q !== Math.floor((uh + B) / (vh + D))) break
      let t = A - q * C
      A = C
      C = t
      t = B - q * D
      B = D
      D = t
      t = uh - q * vh
      uh = vh
      vh = t
    }
    if (B === 0) {
      // no quotient agreed: one full-precision step
      const q = u / v
      const r = u - q * v
      u = v
      v = r
      const t = x0 - q * x1
      x0 = x1
      x1 = t
    } else {
      const bA = BigInt(A)
      const bB = BigInt(B)
      const bC = BigInt(C)
      const bD = BigInt(D)
      const nu = bA * u + bB * v
      v = bC * u + bD * v
      u = nu
      const nx = bA * x0 + bB * x1
      x1 = bC * x0 + bD * x1
      x0 = nx
    }
  }
  if (u !== 1n) throw new RangeError('not invertible')
  x0 %= m
  return x0 < 0n ? x0 + m : x0
}

/** Jacobian point; Z = 0 is the point at infinity */
interface Jac {
  x: bigint
  y: bigint
  z: bigint
}
const INF: Jac = { x: 1n, y: 1n, z: 0n }

function jdouble(p: Jac): Jac {
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
  let c8 = fadd(c, c)
  c8 = fadd(c8, c8)
  c8 = fadd(c8, c8)
  const y3 = fsub(fmul(e, fsub(d, x3)), c8)
  const yz = fmul(p.y, p.z)
  return { x: x3, y: y3, z: fadd(yz, yz) }
}

/** p + (x2, y2) with (x2, y2) affine: madd-2007-bl, with the exceptional cases handled */
function madd(p: Jac, x2: bigint, y2: bigint): Jac {
  if (p.z === 0n) return { x: x2, y: y2, z: 1n }
  const z1z1 = fmul(p.z, p.z)
  const u2 = fmul(x2, z1z1)
  const s2 = fmul(y2, fmul(p.z, z1z1))
  const h = fsub(u2, p.x)
  let r = fsub(s2, p.y)
  if (h === 0n) return r === 0n ? jdouble(p) : INF
  r = fadd(r, r)
  const hh = fmul(h, h)
  let i = fadd(hh, hh)
  i = fadd(i, i)
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
function jadd(p: Jac, q: Jac): Jac {
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
  let i = fadd(h, h)
  i = fmul(i, i)
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
export function isOnCurve(x: bigint, y: bigint): boolean {
  if (x < 0n || x >= FIELD_P || y < 0n || y >= FIELD_P) return false
  return fmul(y, y) === fadd(fmul(fmul(x, x), x), 7n)
}

/**
 * Signed multiples j·2^(W·i)·B (j = 1..2^(W-1)) of one base for every window i, affine,
 * flattened: entry (i, j) at i·2^(W-1) + j − 1.
 */
export interface FixedBaseTable {
  windowBits: number
  windows: number
  xs: bigint[]
  ys: bigint[]
}

export function buildTable(bx: bigint, by: bigint, windowBits: number): FixedBaseTable {
  const builder = new TableBuilder(bx, by, windowBits)
  builder.step(Infinity)
  return builder.table!
}

/**
 * Builds a FixedBaseTable in bounded steps, so a large table can be built alongside live
 * verifications (a slice per call) instead of stalling the first one: a 12-bit table is ~45k
 * point additions, hundreds of ms on one core. Each window's points are normalised to affine
 * with one inversion (Montgomery's trick) as soon as the window is complete.
 */
export class TableBuilder {
  readonly windowBits: number
  readonly windows: number
  /** the finished table, once step() has done all the work */
  table: FixedBaseTable | undefined
  private readonly half: number
  private readonly xs: bigint[] = []
  private readonly ys: bigint[] = []
  private window = 0
  private base: Jac
  private acc: Jac
  private pending: Jac[] = []

  constructor(bx: bigint, by: bigint, windowBits: number) {
    if (!Number.isInteger(windowBits) || windowBits < 2 || windowBits > 16)
      throw new RangeError('windowBits must be 2..16')
    if (!isOnCurve(bx, by)) throw new RangeError('base point is not on secp256k1')
    this.windowBits = windowBits
    this.half = 1 << (windowBits - 1)
    this.windows = Math.ceil(257 / windowBits)
    this.base = { x: bx, y: by, z: 1n }
    this.acc = this.base
  }

  /** Adds up to `points` entries (a window's normalisation counts as a quarter of its points); true when done. */
  step(points: number): boolean {
    let budget = points
    while (this.table === undefined && budget > 0) {
      if (this.pending.length < this.half) {
        this.pending.push(this.acc)
        this.acc = jadd(this.acc, this.base)
        budget--
        continue
      }
      this.normalise(this.pending)
      budget -= this.half / 4
      this.pending = []
      for (let k = 0; k < this.windowBits; k++) this.base = jdouble(this.base)
      this.acc = this.base
      if (++this.window === this.windows) {
        this.table = { windowBits: this.windowBits, windows: this.windows, xs: this.xs, ys: this.ys }
      }
    }
    return this.table !== undefined
  }

  /** appends the points in affine form: one inversion for all (no multiple of a prime-order point is infinity) */
  private normalise(points: Jac[]): void {
    const prefix: bigint[] = new Array<bigint>(points.length)
    let accZ = 1n
    for (let i = 0; i < points.length; i++) {
      prefix[i] = accZ
      accZ = fmul(accZ, points[i].z)
    }
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
    // appended in order: writing the shared arrays back to front past their end would turn
    // them into sparse (dictionary-mode) arrays, and every lookup in addMultiple with them
    for (let i = 0; i < points.length; i++) {
      this.xs.push(xs[i])
      this.ys.push(ys[i])
    }
  }
}

/** acc + k·B from B's table (k < 2^256), signed fixed windows */
function addMultiple(acc: Jac, table: FixedBaseTable, k: bigint): Jac {
  const w = table.windowBits
  const half = 1 << (w - 1)
  const full = 1 << w
  const mask = BigInt(full - 1)
  const wb = BigInt(w)
  let carry = 0
  for (let i = 0; i < table.windows; i++) {
    let d = Number(k & mask) + carry
    k >>= wb
    if (d > half) {
      d -= full
      carry = 1
    } else carry = 0
    if (d === 0) continue
    const at = i * half + Math.abs(d) - 1
    acc = madd(acc, table.xs[at], d > 0 ? table.ys[at] : FIELD_P - table.ys[at])
  }
  return acc
}

const gTables = new Map<number, FixedBaseTable>()
/** G's table is the same for every key: built once per window size, on first use */
function generatorTable(windowBits: number): FixedBaseTable {
  let t = gTables.get(windowBits)
  if (t === undefined) {
    t = buildTable(GX, GY, windowBits)
    gTables.set(windowBits, t)
  }
  return t
}
/** G's larger tables, built in slices by whichever key verifiers are upgrading; shared by all */
const gBuilders = new Map<number, TableBuilder>()
function generatorBuilder(windowBits: number): TableBuilder {
  let b = gBuilders.get(windowBits)
  if (b === undefined) {
    b = new TableBuilder(GX, GY, windowBits)
    gBuilders.set(windowBits, b)
  }
  return b
}

/**
 * A key that keeps being used earns larger tables: after `after` verifications the verifier
 * builds `windowBits`-bit tables (G's shared by every key in the process) in slices of
 * `pointsPerCall` additions per verification, and switches to them as they complete. Start-up
 * (the first voucher of a requester) pays only the small table; a busy channel gets the speed.
 */
export interface TableUpgrade {
  windowBits: number
  after: number
  pointsPerCall: number
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
  verify(digest: bigint, r: bigint, s: bigint, recovery?: number): boolean
}

/** Parses an uncompressed public key (65 bytes, 0x04 prefix). */
export function parsePublicKey(key: Uint8Array): { x: bigint; y: bigint } {
  if (key.length !== 65 || key[0] !== 4) throw new RangeError('public key must be 65 bytes starting with 0x04')
  const hex = Buffer.from(key).toString('hex')
  const x = BigInt('0x' + hex.slice(2, 66))
  const y = BigInt('0x' + hex.slice(66, 130))
  if (!isOnCurve(x, y)) throw new RangeError('public key is not on secp256k1')
  return { x, y }
}

/**
 * A verifier for one public key. Building its table costs ~2^(W−1)·⌈257/W⌉ point additions
 * (W = 8: ~4k, tens of ms; W = 12: ~45k, a few hundred ms and a few MB): do it once per
 * counterparty and keep it. With `upgrade`, a key verified often moves to larger tables
 * built a slice per call (see TableUpgrade).
 */
export function createKeyVerifier(
  publicKey: Uint8Array,
  options: { windowBits?: number; upgrade?: TableUpgrade } = {},
): KeyVerifier {
  const windowBits = options.windowBits ?? 12
  const { x, y } = parsePublicKey(publicKey)
  let gTable = generatorTable(windowBits)
  let qTable = buildTable(x, y, windowBits)
  const key = new Uint8Array(publicKey)
  const upgrade = options.upgrade !== undefined && options.upgrade.windowBits > windowBits ? options.upgrade : undefined
  let calls = 0
  let qBuilder: TableBuilder | undefined
  let gBuilder: TableBuilder | undefined
  /** one slice of the upgrade, if one is due; the builders are dropped once their tables are in use */
  const advance = (): void => {
    if (upgrade === undefined || ++calls <= upgrade.after) return
    if (gTable.windowBits < upgrade.windowBits) {
      gBuilder ??= generatorBuilder(upgrade.windowBits)
      if (gBuilder.step(upgrade.pointsPerCall)) {
        gTable = gBuilder.table!
        gBuilder = undefined
      }
      return
    }
    if (qTable.windowBits < upgrade.windowBits) {
      qBuilder ??= new TableBuilder(x, y, upgrade.windowBits)
      if (qBuilder.step(upgrade.pointsPerCall)) {
        qTable = qBuilder.table!
        qBuilder = undefined
      }
    }
  }
  return {
    publicKey: key,
    verify(digest: bigint, r: bigint, s: bigint, recovery: number): boolean {
      advance()
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
