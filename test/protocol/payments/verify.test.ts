// The fixed-base verifier must agree with ethers' ecrecover on every signature: accept exactly
// what the contract would turn into the key's address, refuse the rest (wrong key, wrong v,
// high s, out-of-range r/s, tampered digest), and be fast enough for the voucher hot path.
import { expect } from 'chai'
import { Signature, SigningKey, Wallet, getBytes, keccak256, recoverAddress, toBeHex } from 'ethers'
import {
  CURVE_N,
  FIELD_P,
  createKeyVerifier,
  invert,
  parsePublicKey,
} from '../../../protocol/payments/secp256k1-fixed.ts'

describe('protocol/payments secp256k1 fixed-base verifier', function () {
  this.timeout(60_000)
  const wallet = new Wallet('0x' + '42'.repeat(32))
  const other = new Wallet('0x' + '43'.repeat(32))
  const key = createKeyVerifier(getBytes(wallet.signingKey.publicKey), { windowBits: 8 })

  function sign(w: Wallet, i: number): { h: string; sig: Signature } {
    const h = keccak256(toBeHex(i, 32))
    return { h, sig: Signature.from(w.signingKey.sign(h)) }
  }

  it('accepts exactly the signatures ecrecover maps to the key (200 random digests, both v)', () => {
    for (let i = 0; i < 200; i++) {
      const { h, sig } = sign(wallet, i)
      expect(key.verify(BigInt(h), BigInt(sig.r), BigInt(sig.s), sig.yParity)).to.equal(true)
      const flipped = recoverAddress(h, { r: sig.r, s: sig.s, v: sig.v === 27 ? 28 : 27 }) === wallet.address
      expect(key.verify(BigInt(h), BigInt(sig.r), BigInt(sig.s), 1 - sig.yParity))
        .to.equal(flipped)
        .and.equal(false)
    }
  })

  it('without a recovery id it checks (r, s) only: both v pass, nothing else changes', () => {
    for (let i = 0; i < 20; i++) {
      const { h, sig } = sign(wallet, 300 + i)
      expect(key.verify(BigInt(h), BigInt(sig.r), BigInt(sig.s))).to.equal(true)
      expect(key.verify(BigInt(h) + 1n, BigInt(sig.r), BigInt(sig.s))).to.equal(false)
      expect(key.verify(BigInt(h), BigInt(sig.r), CURVE_N - BigInt(sig.s))).to.equal(false)
    }
  })

  it('refuses another key, a tampered digest, high s, zero or out-of-range r and s', () => {
    const { h, sig } = sign(wallet, 7)
    const r = BigInt(sig.r)
    const s = BigInt(sig.s)
    const d = BigInt(h)
    const o = sign(other, 7).sig
    const cases: Array<[string, bigint, bigint, bigint, number]> = [
      ['other key', d, BigInt(o.r), BigInt(o.s), o.yParity],
      ['digest + 1', d + 1n, r, s, sig.yParity],
      ['high s (malleated)', d, r, CURVE_N - s, 1 - sig.yParity],
      ['r = 0', d, 0n, s, sig.yParity],
      ['s = 0', d, r, 0n, sig.yParity],
      ['r = n', d, CURVE_N, s, sig.yParity],
      ['r + n', d, r + CURVE_N, s, sig.yParity],
      ['recovery 2', d, r, s, 2],
    ]
    for (const [name, dd, rr, ss, v] of cases) expect(key.verify(dd, rr, ss, v), name).to.equal(false)
  })

  it('works with the default window and agrees across window sizes', () => {
    const big = createKeyVerifier(getBytes(wallet.signingKey.publicKey))
    for (let i = 0; i < 20; i++) {
      const { h, sig } = sign(wallet, 1000 + i)
      expect(big.verify(BigInt(h), BigInt(sig.r), BigInt(sig.s), sig.yParity)).to.equal(true)
      expect(big.verify(BigInt(h) ^ 1n, BigInt(sig.r), BigInt(sig.s), sig.yParity)).to.equal(false)
    }
  })

  it('moves to larger tables a slice per call and keeps agreeing with ecrecover across the switch', () => {
    // 4-bit tables, 6-bit after 3 calls, 40 additions per call: G's then Q's table finish mid-run
    const up = createKeyVerifier(getBytes(wallet.signingKey.publicKey), {
      windowBits: 4,
      upgrade: { windowBits: 6, after: 3, pointsPerCall: 40 },
    })
    for (let i = 0; i < 60; i++) {
      const { h, sig } = sign(wallet, 2000 + i)
      expect(up.verify(BigInt(h), BigInt(sig.r), BigInt(sig.s), sig.yParity), `good #${i}`).to.equal(true)
      expect(up.verify(BigInt(h), BigInt(sig.r), BigInt(sig.s), 1 - sig.yParity), `wrong v #${i}`).to.equal(false)
      const o = sign(other, 2000 + i).sig
      expect(up.verify(BigInt(h), BigInt(o.r), BigInt(o.s)), `other key #${i}`).to.equal(false)
    }
  })

  it('inverts modulo n and p exactly as plain Euclid does (Lehmer steps), and refuses zero', () => {
    const euclid = (a: bigint, m: bigint): bigint => {
      let [t, nt, r, nr] = [0n, 1n, m, ((a % m) + m) % m]
      while (nr !== 0n) {
        const q = r / nr
        ;[t, nt] = [nt, t - q * nt]
        ;[r, nr] = [nr, r - q * nr]
      }
      return ((t % m) + m) % m
    }
    const values = [1n, 2n, CURVE_N - 1n, 2n ** 128n, 977n, -5n]
    for (let i = 0; i < 300; i++) values.push(BigInt(keccak256(toBeHex(i, 32))) >> BigInt(i % 250))
    for (const m of [CURVE_N, FIELD_P]) {
      for (const a of values) {
        if (a % m === 0n) continue
        const inv = invert(a, m)
        expect(inv, `${a} mod ${m}`).to.equal(euclid(a, m))
        expect((((a * inv) % m) + m) % m).to.equal(1n)
      }
    }
    expect(() => invert(CURVE_N, CURVE_N)).to.throw(RangeError)
    expect(() => invert(6n, 9n)).to.throw(RangeError)
  })

  it('rejects keys that are not uncompressed curve points', () => {
    const pub = getBytes(wallet.signingKey.publicKey)
    const bad = Uint8Array.from(pub)
    bad[64] ^= 1
    expect(() => parsePublicKey(bad)).to.throw(RangeError)
    expect(() => parsePublicKey(getBytes(SigningKey.computePublicKey(pub, true)))).to.throw(RangeError)
  })

  it(
    'verifies at least 2,000 signatures per second of CPU time (goal' +
      ' 5,000; CPU time, so a shared machine does not fail it)',
    () => {
      const fast = createKeyVerifier(getBytes(wallet.signingKey.publicKey))
      const items = Array.from({ length: 600 }, (_, i) => sign(wallet, 5000 + i)).map(
        ({ h, sig }) => [BigInt(h), BigInt(sig.r), BigInt(sig.s)] as const,
      )
      const before = process.cpuUsage()
      for (const [h, r, s] of items) if (!fast.verify(h, r, s)) throw new Error('a good signature failed')
      const used = process.cpuUsage(before)
      const rate = items.length / ((used.user + used.system) / 1e6)
      expect(rate).to.be.greaterThan(2000)
    },
  )
})
