// Vouchers: the EIP-712 digest computed without ethers' generic typed-data encoder (the hot
// path hashes two short buffers), the 65-byte signature split into (r, s, v), and the wire
// form. Pure. `hashVoucher` in protocol/eip712.ts is the reference the tests compare with.
import { TypedDataEncoder, getAddress, getBytes, hexlify, keccak256, recoverAddress, toUtf8Bytes } from 'ethers'
import { Voucher as VoucherWire } from '../gen/payments.ts'
import { ValidationError } from '../errors.ts'
import { voucherDomain } from '../eip712.ts'
import { keccak256Short } from './keccak.ts'

export const VOUCHER_TYPEHASH = keccak256(
  toUtf8Bytes('Voucher(bytes32 channelId,uint256 cumulativeAmount,uint64 nonce)'),
)
const MAX_UINT256 = 2n ** 256n - 1n
const MAX_UINT64 = 2n ** 64n - 1n
/** the largest encoded Voucher we read (its fields are fixed-size but for the amount) */
export const MAX_VOUCHER_BYTES = 512

/** A voucher with everything the signature is bound to. Addresses and ids 0x-hex (any case). */
export interface SignedVoucher {
  chainId: bigint
  contract: string
  channelId: string
  cumulativeAmount: bigint
  nonce: bigint
  /** 65 bytes r || s || v, 0x-hex */
  signature: string
  /** 0x-prefixed job id this voucher pays for, or undefined */
  jobId?: string
}

export interface SplitSignature {
  r: bigint
  s: bigint
  recovery: number
}

/** Splits a 65-byte signature; v must be 27 or 28 (the contract's rule). */
export function splitSignature(signature: string | Uint8Array): SplitSignature {
  const hex = typeof signature === 'string' ? signature : hexlify(signature)
  if (!/^0x[0-9a-fA-F]{130}$/.test(hex))
    throw new ValidationError('VOUCHER_BAD_SIGNATURE', 'signature must be 65 bytes (r, s, v)', {
      length: (hex.length - 2) / 2,
    })
  const v = parseInt(hex.slice(130, 132), 16)
  if (v !== 27 && v !== 28) throw new ValidationError('VOUCHER_BAD_SIGNATURE', 'signature v must be 27 or 28', { v })
  return { r: BigInt('0x' + hex.slice(2, 66)), s: BigInt('0x' + hex.slice(66, 130)), recovery: v - 27 }
}

/**
 * The signature with the v that makes ecrecover return `signer` (the hot-path check verifies
 * (r, s) against the key and leaves v alone; the contract needs the right one). Returns the
 * signature unchanged when neither v recovers `signer`.
 */
export function normalizeRecovery(digest: string, signature: string, signer: string): string {
  const want = signer.toLowerCase()
  try {
    if (recoverAddress(digest, signature).toLowerCase() === want) return signature
  } catch {
    /* try the other v */
  }
  const v = parseInt(signature.slice(130, 132), 16)
  const flipped = signature.slice(0, 130) + (v === 27 ? '1c' : '1b')
  try {
    if (recoverAddress(digest, flipped).toLowerCase() === want) return flipped
  } catch {
    /* neither */
  }
  return signature
}

/** Digests of one contract's vouchers: the domain separator is hashed once. */
export class VoucherHasher {
  readonly chainId: bigint
  readonly contract: string
  private readonly prefix: Uint8Array
  private readonly struct = new Uint8Array(128)
  private readonly out = new Uint8Array(32)
  /** the channel id whose bytes are in `struct` (a channel's vouchers come one after another) */
  private structChannel = ''

  constructor(chainId: bigint, contract: string) {
    this.chainId = chainId
    this.contract = getAddress(contract)
    const separator = getBytes(TypedDataEncoder.hashDomain(voucherDomain(chainId, this.contract)))
    this.prefix = new Uint8Array(66)
    this.prefix.set([0x19, 0x01])
    this.prefix.set(separator, 2)
    this.struct.set(getBytes(VOUCHER_TYPEHASH), 0)
  }

  /** keccak256(0x1901 || domainSeparator || hashStruct(voucher)), as 0x-hex */
  digest(channelId: string, cumulativeAmount: bigint, nonce: bigint): string {
    const d = keccak256Short(this.digestInput(channelId, cumulativeAmount, nonce), this.out)
    return '0x' + Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex')
  }

  /** The digest as a number (what the verifier takes): one hex encoding less than BigInt(digest(…)). */
  digestBigInt(channelId: string, cumulativeAmount: bigint, nonce: bigint): bigint {
    return bytesToBigInt(keccak256Short(this.digestInput(channelId, cumulativeAmount, nonce), this.out))
  }

  /**
   * The 66 bytes the digest hashes, written straight into reused buffers: the hot path ran at
   * ~25 µs per voucher through getBytes/hexlify round trips, the hashing itself is a few µs
   * (keccak.ts: ethers' keccak256 took ~9 µs per hash, allocating a hasher each time).
   */
  private digestInput(channelId: string, cumulativeAmount: bigint, nonce: bigint): Uint8Array {
    if (cumulativeAmount < 0n || cumulativeAmount > MAX_UINT256)
      throw new ValidationError('VOUCHER_INVALID', 'cumulative amount out of uint256 range', {})
    if (nonce < 0n || nonce > MAX_UINT64) throw new ValidationError('VOUCHER_INVALID', 'nonce out of uint64 range', {})
    if (!CHANNEL_ID.test(channelId)) {
      const length = /^0x[0-9a-fA-F]*$/.test(channelId) ? (channelId.length - 2) / 2 : -1
      throw new ValidationError('VOUCHER_INVALID', 'channel id must be 32 bytes', { length })
    }
    if (channelId !== this.structChannel) {
      this.struct.set(Buffer.from(channelId.slice(2), 'hex'), 32)
      this.structChannel = channelId
    }
    writeWord(this.struct, 64, cumulativeAmount)
    writeWord(this.struct, 96, nonce)
    this.prefix.set(keccak256Short(this.struct, this.out), 34)
    return this.prefix
  }
}

const CHANNEL_ID = /^0x[0-9a-fA-F]{64}$/

const MAX_UINT64_WORD = 2n ** 64n
/**
 * n (0 ≤ n < 2^256) as a 32-byte big-endian word at `at`. Nonces and most amounts fit 64 bits:
 * one setBigUint64 then, where a byte-by-byte loop cost 64 BigInt operations per word.
 */
function writeWord(buf: Uint8Array, at: number, n: bigint): void {
  if (n < MAX_UINT64_WORD) {
    buf.fill(0, at, at + 24)
    new DataView(buf.buffer, buf.byteOffset + at + 24, 8).setBigUint64(0, n)
  } else buf.set(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'), at)
}

function bytesToBigInt(b: Uint8Array): bigint {
  return BigInt('0x' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'))
}

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/

/** Wire -> SignedVoucher, with shape checks only (no rules, no signature). */
export function voucherFromWire(bytes: Uint8Array): SignedVoucher {
  if (bytes.length > MAX_VOUCHER_BYTES)
    throw new ValidationError('VOUCHER_MALFORMED', `voucher of ${bytes.length} bytes exceeds ${MAX_VOUCHER_BYTES}`, {
      size: bytes.length,
    })
  let w: VoucherWire
  try {
    w = VoucherWire.decode(bytes)
  } catch (err) {
    throw new ValidationError('VOUCHER_MALFORMED', 'not a Voucher message', {}, { cause: err })
  }
  if (w.contract.length !== 20)
    throw new ValidationError('VOUCHER_MALFORMED', 'contract must be 20 bytes', { length: w.contract.length })
  if (w.channelId.length !== 32)
    throw new ValidationError('VOUCHER_MALFORMED', 'channel id must be 32 bytes', { length: w.channelId.length })
  if (w.signature.length !== 65)
    throw new ValidationError('VOUCHER_MALFORMED', 'signature must be 65 bytes', { length: w.signature.length })
  if (w.jobId.length !== 0 && w.jobId.length !== 32)
    throw new ValidationError('VOUCHER_MALFORMED', 'job id must be 32 bytes', { length: w.jobId.length })
  if (!DECIMAL.test(w.cumulativeAmount))
    throw new ValidationError('VOUCHER_MALFORMED', 'cumulative amount must be a decimal integer', {})
  return {
    chainId: BigInt(w.chainId),
    // lower-case: checksumming costs a hash, and rules compare case-insensitively
    contract: hexlify(w.contract),
    channelId: hexlify(w.channelId),
    cumulativeAmount: BigInt(w.cumulativeAmount),
    nonce: w.nonce,
    signature: hexlify(w.signature),
    ...(w.jobId.length === 32 ? { jobId: hexlify(w.jobId) } : {}),
  }
}

export function voucherToWire(v: SignedVoucher): Uint8Array {
  return VoucherWire.encode({
    chainId: Number(v.chainId),
    contract: own(getBytes(v.contract)),
    channelId: own(getBytes(v.channelId)),
    cumulativeAmount: v.cumulativeAmount.toString(),
    nonce: v.nonce,
    signature: own(getBytes(v.signature)),
    jobId: v.jobId === undefined ? new Uint8Array(0) : own(getBytes(v.jobId)),
  })
}

function own(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(b)
}
