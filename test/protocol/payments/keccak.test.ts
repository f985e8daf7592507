// The one-block Keccak-256 of the voucher hot path equals ethers' keccak256 on every input
// length it takes (the padding byte lands in each position of a lane), on the Keccak test
// vector of the empty input, and refuses inputs it cannot hash in one block.
import { expect } from 'chai'
import { hexlify, keccak256 } from 'ethers'
import { KECCAK256_RATE, keccak256Short } from '../../../protocol/payments/keccak.ts'

/** deterministic bytes: every length gets different content */
function bytes(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len)
  let x = seed * 2654435761 + len
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

describe('keccak256Short', function () {
  it('hashes the empty input to the published Keccak-256 value', function () {
    expect(hexlify(keccak256Short(new Uint8Array(0)))).to.equal(
      '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    )
  })

  it('equals ethers keccak256 for every length from 0 to 135 bytes', function () {
    for (let len = 0; len < KECCAK256_RATE; len++) {
      for (const seed of [1, 2, 3]) {
        const data = bytes(len, seed)
        expect(hexlify(keccak256Short(data)), `length ${len}`).to.equal(keccak256(data))
      }
    }
    expect(hexlify(keccak256Short(new Uint8Array(135).fill(0xff)))).to.equal(keccak256(new Uint8Array(135).fill(0xff)))
  })

  it('writes into the buffer it is given and leaves no state behind between calls', function () {
    const out = new Uint8Array(32)
    const a = bytes(128, 9)
    keccak256Short(bytes(100, 4), out)
    expect(hexlify(keccak256Short(a, out))).to.equal(keccak256(a))
    expect(hexlify(out)).to.equal(keccak256(a))
  })

  it('refuses an input of a block or more', function () {
    expect(() => keccak256Short(new Uint8Array(KECCAK256_RATE))).to.throw(RangeError)
  })
})
