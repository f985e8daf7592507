// What a provider accepts as a channel payment, in the order it checks: cheap rules that name
// the mistake first (wrong chain, contract, channel; replayed or shrinking; above the deposit),
// the signature last. A voucher that passes is redeemable: closeWithVoucher would pay it.
// Pure: the channel's on-chain terms and the best stored voucher are passed in.
import { SigningKey, computeAddress } from 'ethers'
import { ValidationError } from '../errors.ts'
import { createKeyVerifier } from './secp256k1-fixed.ts'
import { VoucherHasher, splitSignature } from './voucher.ts'
import type { KeyVerifier, TableUpgrade } from './secp256k1-fixed.ts'
import type { SignedVoucher } from './voucher.ts'

/** A channel as the provider knows it (from the contract's record). */
export interface ChannelView {
  chainId: bigint
  contract: string
  channelId: string
  requester: string
  provider: string
  token: string
  deposit: bigint
  /** unix seconds, 0 = none */
  expiry: bigint
  challengePeriod: bigint
  feeBps: bigint
  status: 'open' | 'closing' | 'closed'
}

/** The best voucher held so far (what the next one must beat). */
export interface VoucherState {
  nonce: bigint
  cumulativeAmount: bigint
}

export type VoucherRejection =
  | 'VOUCHER_WRONG_CHAIN'
  | 'VOUCHER_WRONG_CONTRACT'
  | 'VOUCHER_UNKNOWN_CHANNEL'
  | 'VOUCHER_CHANNEL_CLOSED'
  | 'VOUCHER_REPLAYED'
  | 'VOUCHER_AMOUNT_DECREASED'
  | 'VOUCHER_ABOVE_DEPOSIT'
  | 'VOUCHER_BAD_SIGNATURE'

function reject(code: VoucherRejection, message: string, details: Record<string, string | bigint> = {}): never {
  throw new ValidationError(code, message, details)
}

/** The rules without the signature; throws ValidationError with a VoucherRejection code. */
export function checkVoucherRules(
  channel: ChannelView | undefined,
  best: VoucherState | undefined,
  v: SignedVoucher,
  expected: { chainId: bigint; contract: string },
): void {
  if (v.chainId !== expected.chainId)
    reject('VOUCHER_WRONG_CHAIN', `voucher for chain ${v.chainId}, this node settles on ${expected.chainId}`, {
      chainId: v.chainId,
    })
  // lower-case compare: checksumming (getAddress) hashes, and this runs per voucher
  if (v.contract.toLowerCase() !== expected.contract.toLowerCase())
    reject('VOUCHER_WRONG_CONTRACT', 'voucher for another PaymentChannel contract', { contract: v.contract })
  if (channel === undefined || channel.channelId.toLowerCase() !== v.channelId.toLowerCase())
    reject('VOUCHER_UNKNOWN_CHANNEL', `no channel ${v.channelId} to this provider`, { channelId: v.channelId })
  if (channel.status !== 'open')
    reject('VOUCHER_CHANNEL_CLOSED', `channel ${v.channelId} is ${channel.status}`, { channelId: v.channelId })
  if (best !== undefined && v.nonce <= best.nonce)
    reject('VOUCHER_REPLAYED', `nonce ${v.nonce} is not above the best held (${best.nonce})`, {
      nonce: v.nonce,
      best: best.nonce,
    })
  if (v.nonce === 0n) reject('VOUCHER_REPLAYED', 'voucher nonces start at 1', { nonce: v.nonce })
  if (best !== undefined && v.cumulativeAmount < best.cumulativeAmount)
    reject(
      'VOUCHER_AMOUNT_DECREASED',
      `cumulative ${v.cumulativeAmount} below the best held (${best.cumulativeAmount})`,
      { amount: v.cumulativeAmount },
    )
  if (v.cumulativeAmount > channel.deposit)
    reject('VOUCHER_ABOVE_DEPOSIT', `cumulative ${v.cumulativeAmount} exceeds the deposit ${channel.deposit}`, {
      amount: v.cumulativeAmount,
      deposit: channel.deposit,
    })
}

/**
 * A requester's 17th voucher starts its key's move to 13-bit tables, 512 point additions (~2 ms)
 * per voucher until done (G's table once per process, then the key's: ~80k additions each, ~8 MB
 * each): a node's first vouchers stay as cheap to start as with 8-bit tables, a busy channel
 * gets the speed. Measured interleaved in one process on a shared machine: 8-bit ~3,300/s,
 * 12-bit ~4,600/s, 13-bit ~4,850/s verifications per CPU-second.
 */
export const DEFAULT_TABLE_UPGRADE: TableUpgrade = { windowBits: 13, after: 16, pointsPerCall: 512 }

/**
 * Verifies vouchers of one contract. The requester's public key is recovered once per
 * requester (from its first voucher, checked against the channel's requester address); every
 * voucher after that is checked against the key with a fixed-base verifier, no recovery.
 */
export class VoucherVerifier {
  readonly hasher: VoucherHasher
  private readonly keys = new Map<string, KeyVerifier>()
  private readonly maxKeys: number
  private readonly windowBits: number | undefined
  private readonly upgrade: TableUpgrade | undefined

  /** `upgrade: null` keeps the first tables; by default keys move up per DEFAULT_TABLE_UPGRADE */
  constructor(init: {
    chainId: bigint
    contract: string
    maxKeys?: number
    windowBits?: number
    upgrade?: TableUpgrade | null
  }) {
    this.hasher = new VoucherHasher(init.chainId, init.contract)
    this.maxKeys = init.maxKeys ?? 64
    this.windowBits = init.windowBits
    this.upgrade = init.upgrade === null ? undefined : (init.upgrade ?? DEFAULT_TABLE_UPGRADE)
  }

  /** Checks the rules and the signature; throws ValidationError (VoucherRejection) otherwise. */
  verify(channel: ChannelView | undefined, best: VoucherState | undefined, v: SignedVoucher): void {
    checkVoucherRules(channel, best, v, { chainId: this.hasher.chainId, contract: this.hasher.contract })
    const sig = splitSignature(v.signature)
    const requester = channel!.requester.toLowerCase()
    const known = this.keys.get(requester)
    if (known !== undefined) {
      // v is not checked here (one inversion saved per voucher): closing normalizes it
      const digest = this.hasher.digestBigInt(v.channelId, v.cumulativeAmount, v.nonce)
      if (!known.verify(digest, sig.r, sig.s))
        reject('VOUCHER_BAD_SIGNATURE', `voucher not signed by the channel's requester ${requester}`, { requester })
      return
    }
    const digest = this.hasher.digest(v.channelId, v.cumulativeAmount, v.nonce)
    let publicKey: string
    try {
      publicKey = SigningKey.recoverPublicKey(digest, v.signature)
    } catch {
      return reject('VOUCHER_BAD_SIGNATURE', 'voucher signature does not recover', { requester })
    }
    if (computeAddress(publicKey).toLowerCase() !== requester)
      reject('VOUCHER_BAD_SIGNATURE', `voucher not signed by the channel's requester ${requester}`, { requester })
    const verifier = this.learnKey(requester, publicKey)
    // the same rules as the contract (low s) apply to the first voucher too
    if (!verifier.verify(BigInt(digest), sig.r, sig.s, sig.recovery))
      reject('VOUCHER_BAD_SIGNATURE', 'voucher signature is malleable (high s)', { requester })
  }

  /** Registers a requester's key learnt elsewhere (e.g. a signed binding); returns its verifier. */
  learnKey(requester: string, publicKey: string): KeyVerifier {
    const address = requester.toLowerCase()
    if (computeAddress(publicKey).toLowerCase() !== address)
      throw new ValidationError('VOUCHER_BAD_SIGNATURE', 'public key does not belong to the requester', { requester })
    let verifier = this.keys.get(address)
    if (verifier !== undefined) return verifier
    if (this.keys.size >= this.maxKeys) this.keys.delete(this.keys.keys().next().value as string)
    verifier = createKeyVerifier(hexToBytes(SigningKey.computePublicKey(publicKey, false)), {
      ...(this.windowBits !== undefined ? { windowBits: this.windowBits } : {}),
      ...(this.upgrade !== undefined ? { upgrade: this.upgrade } : {}),
    })
    this.keys.set(address, verifier)
    return verifier
  }

  knowsKey(requester: string): boolean {
    return this.keys.has(requester.toLowerCase())
  }
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
}

/** What a provider requires of a channel before it takes vouchers in it or works against it. */
export interface ChannelPolicy {
  /** the deployment's token (HIVE): vouchers in any other token are worth nothing to us */
  token: string
  /** seconds: the time we have to answer a requester's unilateral close (RPC outages included) */
  minChallengePeriod: bigint
  /** seconds: an expiring channel must stay open at least this long from now */
  minLifetime: bigint
}

export type ChannelTermsRejection = 'CHANNEL_WRONG_TOKEN' | 'CHANNEL_CHALLENGE_TOO_SHORT' | 'CHANNEL_EXPIRES_TOO_SOON'

/** The channel's fixed terms against the provider's policy; throws ValidationError otherwise. Pure. */
export function checkChannelTerms(
  channel: Pick<ChannelView, 'channelId' | 'token' | 'challengePeriod' | 'expiry'>,
  policy: ChannelPolicy,
  nowSeconds: bigint,
): void {
  const fail = (code: ChannelTermsRejection, message: string): never => {
    throw new ValidationError(code, message, { channelId: channel.channelId })
  }
  if (channel.token.toLowerCase() !== policy.token.toLowerCase()) {
    fail('CHANNEL_WRONG_TOKEN', `channel token ${channel.token} is not the deployment's token`)
  }
  if (channel.challengePeriod < policy.minChallengePeriod) {
    fail(
      'CHANNEL_CHALLENGE_TOO_SHORT',
      `challenge period ${channel.challengePeriod} s below the ${policy.minChallengePeriod} s this node requires`,
    )
  }
  if (channel.expiry !== 0n && channel.expiry < nowSeconds + policy.minLifetime) {
    fail(
      'CHANNEL_EXPIRES_TOO_SOON',
      `channel expires at ${channel.expiry}, sooner than ${policy.minLifetime} s from now`,
    )
  }
}
