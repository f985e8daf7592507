// Keccak-256 (Ethereum's hash, not SHA3-256) for inputs of one block (< 136 bytes), which is
// every hash on the voucher hot path (the 128-byte struct and the 66-byte EIP-712 envelope).
// ethers' keccak256 allocates a new hasher per call and ran at ~8.7 µs per 128-byte hash here,
// two of them per voucher; this one reuses one state and keeps the lanes in locals (the
// permutation written out per lane, as js-sha3 does). Pure. ethers' keccak256 is the reference
// (test/protocol/payments/keccak.test.ts compares them on every length).
// A 64-bit lane is two 32-bit halves (l = bytes 0-3, h = bytes 4-7, little-endian as in the state).

/** the block size of Keccak-256 (1600 − 2·256 bits) */
export const KECCAK256_RATE = 136

/** round constants (ι), from the LFSR that defines them, as 32-bit halves */
const RC_LO = new Int32Array(24)
const RC_HI = new Int32Array(24)
{
  let r = 1
  for (let round = 0; round < 24; round++) {
    for (let j = 0; j < 7; j++) {
      r = ((r << 1) ^ ((r >> 7) * 0x71)) & 0xff
      if ((r & 2) !== 0) {
        const bit = (1 << j) - 1
        if (bit < 32) RC_LO[round] |= 1 << bit
        else RC_HI[round] |= 1 << (bit - 32)
      }
    }
  }
}

/** the state: lane i at [2i] (low half) and [2i + 1] (high half) */
const state = new Int32Array(50)

/** keccak256(data) into `out` (32 bytes, default a new array); data must be shorter than 136 bytes. */
export function keccak256Short(data: Uint8Array, out: Uint8Array = new Uint8Array(32)): Uint8Array {
  const len = data.length
  if (len >= KECCAK256_RATE) throw new RangeError(`keccak256Short takes under ${KECCAK256_RATE} bytes, got ${len}`)
  const s = state
  s.fill(0)
  for (let i = 0; i < len; i++) s[i >> 2] ^= data[i] << ((i & 3) * 8)
  // pad10*1 with Keccak's domain bit (0x01; SHA3 would use 0x06)
  s[len >> 2] ^= 0x01 << ((len & 3) * 8)
  s[(KECCAK256_RATE - 1) >> 2] ^= 0x80 << 24
  permute(s)
  for (let i = 0; i < 32; i++) out[i] = s[i >> 2] >>> ((i & 3) * 8)
  return out
}

/** Keccak-f[1600]: θ, ρ, π, χ, ι for 24 rounds, every lane in a local */
function permute(s: Int32Array): void {
  // the state in locals: lane i is (l<i>, h<i>)
  let l0 = s[0]
  let h0 = s[1]
  let l1 = s[2]
  let h1 = s[3]
  let l2 = s[4]
  let h2 = s[5]
  let l3 = s[6]
  let h3 = s[7]
  let l4 = s[8]
  let h4 = s[9]
  let l5 = s[10]
  let h5 = s[11]
  let l6 = s[12]
  let h6 = s[13]
  let l7 = s[14]
  let h7 = s[15]
  let l8 = s[16]
  let h8 = s[17]
  let l9 = s[18]
  let h9 = s[19]
  let l10 = s[20]
  let h10 = s[21]
  let l11 = s[22]
  let h11 = s[23]
  let l12 = s[24]
  let h12 = s[25]
  let l13 = s[26]
  let h13 = s[27]
  let l14 = s[28]
  let h14 = s[29]
  let l15 = s[30]
  let h15 = s[31]
  let l16 = s[32]
  let h16 = s[33]
  let l17 = s[34]
  let h17 = s[35]
  let l18 = s[36]
  let h18 = s[37]
  let l19 = s[38]
  let h19 = s[39]
  let l20 = s[40]
  let h20 = s[41]
  let l21 = s[42]
  let h21 = s[43]
  let l22 = s[44]
  let h22 = s[45]
  let l23 = s[46]
  let h23 = s[47]
  let l24 = s[48]
  let h24 = s[49]
  for (let round = 0; round < 24; round++) {
    // θ
    const cl0 = l0 ^ l5 ^ l10 ^ l15 ^ l20
    const ch0 = h0 ^ h5 ^ h10 ^ h15 ^ h20
    const cl1 = l1 ^ l6 ^ l11 ^ l16 ^ l21
    const ch1 = h1 ^ h6 ^ h11 ^ h16 ^ h21
    const cl2 = l2 ^ l7 ^ l12 ^ l17 ^ l22
    const ch2 = h2 ^ h7 ^ h12 ^ h17 ^ h22
    const cl3 = l3 ^ l8 ^ l13 ^ l18 ^ l23
    const ch3 = h3 ^ h8 ^ h13 ^ h18 ^ h23
    const cl4 = l4 ^ l9 ^ l14 ^ l19 ^ l24
    const ch4 = h4 ^ h9 ^ h14 ^ h19 ^ h24
    const dl0 = cl4 ^ ((cl1 << 1) | (ch1 >>> 31))
    const dh0 = ch4 ^ ((ch1 << 1) | (cl1 >>> 31))
    const dl1 = cl0 ^ ((cl2 << 1) | (ch2 >>> 31))
    const dh1 = ch0 ^ ((ch2 << 1) | (cl2 >>> 31))
    const dl2 = cl1 ^ ((cl3 << 1) | (ch3 >>> 31))
    const dh2 = ch1 ^ ((ch3 << 1) | (cl3 >>> 31))
    const dl3 = cl2 ^ ((cl4 << 1) | (ch4 >>> 31))
    const dh3 = ch2 ^ ((ch4 << 1) | (cl4 >>> 31))
    const dl4 = cl3 ^ ((cl0 << 1) | (ch0 >>> 31))
    const dh4 = ch3 ^ ((ch0 << 1) | (cl0 >>> 31))
    l0 ^= dl0
    h0 ^= dh0
    l1 ^= dl1
    h1 ^= dh1
    l2 ^= dl2
    h2 ^= dh2
    l3 ^= dl3
    h3 ^= dh3
    l4 ^= dl4
    h4 ^= dh4
    l5 ^= dl0
    h5 ^= dh0
    l6 ^= dl1
    h6 ^= dh1
    l7 ^= dl2
    h7 ^= dh2
    l8 ^= dl3
    h8 ^= dh3
    l9 ^= dl4
    h9 ^= dh4
    l10 ^= dl0
    h10 ^= dh0
    l11 ^= dl1
    h11 ^= dh1
    l12 ^= dl2
    h12 ^= dh2
    l13 ^= dl3
    h13 ^= dh3
    l14 ^= dl4
    h14 ^= dh4
    l15 ^= dl0
    h15 ^= dh0
    l16 ^= dl1
    h16 ^= dh1
    l17 ^= dl2
    h17 ^= dh2
    l18 ^= dl3
    h18 ^= dh3
    l19 ^= dl4
    h19 ^= dh4
    l20 ^= dl0
    h20 ^= dh0
    l21 ^= dl1
    h21 ^= dh1
    l22 ^= dl2
    h22 ^= dh2
    l23 ^= dl3
    h23 ^= dh3
    l24 ^= dl4
    h24 ^= dh4
    // ρ and π
    const bl0 = l0
    const bh0 = h0
    const bl10 = (l1 << 1) | (h1 >>> 31)
    const bh10 = (h1 << 1) | (l1 >>> 31)
    const bl20 = (h2 << 30) | (l2 >>> 2)
    const bh20 = (l2 << 30) | (h2 >>> 2)
    const bl5 = (l3 << 28) | (h3 >>> 4)
    const bh5 = (h3 << 28) | (l3 >>> 4)
    const bl15 = (l4 << 27) | (h4 >>> 5)
    const bh15 = (h4 << 27) | (l4 >>> 5)
    const bl16 = (h5 << 4) | (l5 >>> 28)
    const bh16 = (l5 << 4) | (h5 >>> 28)
    const bl1 = (h6 << 12) | (l6 >>> 20)
    const bh1 = (l6 << 12) | (h6 >>> 20)
    const bl11 = (l7 << 6) | (h7 >>> 26)
    const bh11 = (h7 << 6) | (l7 >>> 26)
    const bl21 = (h8 << 23) | (l8 >>> 9)
    const bh21 = (l8 << 23) | (h8 >>> 9)
    const bl6 = (l9 << 20) | (h9 >>> 12)
    const bh6 = (h9 << 20) | (l9 >>> 12)
    const bl7 = (l10 << 3) | (h10 >>> 29)
    const bh7 = (h10 << 3) | (l10 >>> 29)
    const bl17 = (l11 << 10) | (h11 >>> 22)
    const bh17 = (h11 << 10) | (l11 >>> 22)
    const bl2 = (h12 << 11) | (l12 >>> 21)
    const bh2 = (l12 << 11) | (h12 >>> 21)
    const bl12 = (l13 << 25) | (h13 >>> 7)
    const bh12 = (h13 << 25) | (l13 >>> 7)
    const bl22 = (h14 << 7) | (l14 >>> 25)
    const bh22 = (l14 << 7) | (h14 >>> 25)
    const bl23 = (h15 << 9) | (l15 >>> 23)
    const bh23 = (l15 << 9) | (h15 >>> 23)
    const bl8 = (h16 << 13) | (l16 >>> 19)
    const bh8 = (l16 << 13) | (h16 >>> 19)
    const bl18 = (l17 << 15) | (h17 >>> 17)
    const bh18 = (h17 << 15) | (l17 >>> 17)
    const bl3 = (l18 << 21) | (h18 >>> 11)
    const bh3 = (h18 << 21) | (l18 >>> 11)
    const bl13 = (l19 << 8) | (h19 >>> 24)
    const bh13 = (h19 << 8) | (l19 >>> 24)
    const bl14 = (l20 << 18) | (h20 >>> 14)
    const bh14 = (h20 << 18) | (l20 >>> 14)
    const bl24 = (l21 << 2) | (h21 >>> 30)
    const bh24 = (h21 << 2) | (l21 >>> 30)
    const bl9 = (h22 << 29) | (l22 >>> 3)
    const bh9 = (l22 << 29) | (h22 >>> 3)
    const bl19 = (h23 << 24) | (l23 >>> 8)
    const bh19 = (l23 << 24) | (h23 >>> 8)
    const bl4 = (l24 << 14) | (h24 >>> 18)
    const bh4 = (h24 << 14) | (l24 >>> 18)
    // χ
    l0 = bl0 ^ (~bl1 & bl2)
    h0 = bh0 ^ (~bh1 & bh2)
    l1 = bl1 ^ (~bl2 & bl3)
    h1 = bh1 ^ (~bh2 & bh3)
    l2 = bl2 ^ (~bl3 & bl4)
    h2 = bh2 ^ (~bh3 & bh4)
    l3 = bl3 ^ (~bl4 & bl0)
    h3 = bh3 ^ (~bh4 & bh0)
    l4 = bl4 ^ (~bl0 & bl1)
    h4 = bh4 ^ (~bh0 & bh1)
    l5 = bl5 ^ (~bl6 & bl7)
    h5 = bh5 ^ (~bh6 & bh7)
    l6 = bl6 ^ (~bl7 & bl8)
    h6 = bh6 ^ (~bh7 & bh8)
    l7 = bl7 ^ (~bl8 & bl9)
    h7 = bh7 ^ (~bh8 & bh9)
    l8 = bl8 ^ (~bl9 & bl5)
    h8 = bh8 ^ (~bh9 & bh5)
    l9 = bl9 ^ (~bl5 & bl6)
    h9 = bh9 ^ (~bh5 & bh6)
    l10 = bl10 ^ (~bl11 & bl12)
    h10 = bh10 ^ (~bh11 & bh12)
    l11 = bl11 ^ (~bl12 & bl13)
    h11 = bh11 ^ (~bh12 & bh13)
    l12 = bl12 ^ (~bl13 & bl14)
    h12 = bh12 ^ (~bh13 & bh14)
    l13 = bl13 ^ (~bl14 & bl10)
    h13 = bh13 ^ (~bh14 & bh10)
    l14 = bl14 ^ (~bl10 & bl11)
    h14 = bh14 ^ (~bh10 & bh11)
    l15 = bl15 ^ (~bl16 & bl17)
    h15 = bh15 ^ (~bh16 & bh17)
    l16 = bl16 ^ (~bl17 & bl18)
    h16 = bh16 ^ (~bh17 & bh18)
    l17 = bl17 ^ (~bl18 & bl19)
    h17 = bh17 ^ (~bh18 & bh19)
    l18 = bl18 ^ (~bl19 & bl15)
    h18 = bh18 ^ (~bh19 & bh15)
    l19 = bl19 ^ (~bl15 & bl16)
    h19 = bh19 ^ (~bh15 & bh16)
    l20 = bl20 ^ (~bl21 & bl22)
    h20 = bh20 ^ (~bh21 & bh22)
    l21 = bl21 ^ (~bl22 & bl23)
    h21 = bh21 ^ (~bh22 & bh23)
    l22 = bl22 ^ (~bl23 & bl24)
    h22 = bh22 ^ (~bh23 & bh24)
    l23 = bl23 ^ (~bl24 & bl20)
    h23 = bh23 ^ (~bh24 & bh20)
    l24 = bl24 ^ (~bl20 & bl21)
    h24 = bh24 ^ (~bh20 & bh21)
    // ι
    l0 ^= RC_LO[round]
    h0 ^= RC_HI[round]
  }
  s[0] = l0
  s[1] = h0
  s[2] = l1
  s[3] = h1
  s[4] = l2
  s[5] = h2
  s[6] = l3
  s[7] = h3
  s[8] = l4
  s[9] = h4
  s[10] = l5
  s[11] = h5
  s[12] = l6
  s[13] = h6
  s[14] = l7
  s[15] = h7
  s[16] = l8
  s[17] = h8
  s[18] = l9
  s[19] = h9
  s[20] = l10
  s[21] = h10
  s[22] = l11
  s[23] = h11
  s[24] = l12
  s[25] = h12
  s[26] = l13
  s[27] = h13
  s[28] = l14
  s[29] = h14
  s[30] = l15
  s[31] = h15
  s[32] = l16
  s[33] = h16
  s[34] = l17
  s[35] = h17
  s[36] = l18
  s[37] = h18
  s[38] = l19
  s[39] = h19
  s[40] = l20
  s[41] = h20
  s[42] = l21
  s[43] = h21
  s[44] = l22
  s[45] = h22
  s[46] = l23
  s[47] = h23
  s[48] = l24
  s[49] = h24
}
