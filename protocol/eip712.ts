// EIP-712 typed data of ComputeHive: the one place where the domains, the type definitions and
// the ids derived from them are written down for TypeScript. contracts/libraries/HiveTypedData.sol
// holds the same type strings for Solidity; test/contracts/eip712.test.ts checks that both hash
// alike. Pure: no provider, no clock (pass `now` where expiry matters).
import { AbiCoder, Signature, TypedDataEncoder, getAddress, hexlify, keccak256, recoverAddress } from 'ethers'
import type { TypedDataField } from 'ethers'
import { ValidationError } from './errors.ts'

/** EIP-712 domain names and the version shared by all of them. */
export const DOMAIN_NAMES = {
  paymentChannel: 'HivePaymentChannel',
  jobEscrow: 'HiveJobEscrow',
  providerRegistry: 'HiveProviderRegistry',
  binding: 'ComputeHive Binding',
} as const
export const DOMAIN_VERSION = '1'

export interface TypedDomain {
  name: string
  version: string
  chainId?: bigint
  verifyingContract?: string
}

export type Types = Record<string, TypedDataField[]>

export const VOUCHER_TYPES: Types = {
  Voucher: [
    { name: 'channelId', type: 'bytes32' },
    { name: 'cumulativeAmount', type: 'uint256' },
    { name: 'nonce', type: 'uint64' },
  ],
}

export const COOPERATIVE_CLOSE_TYPES: Types = {
  CooperativeClose: [
    { name: 'channelId', type: 'bytes32' },
    { name: 'cumulativeAmount', type: 'uint256' },
    { name: 'nonce', type: 'uint64' },
  ],
}

export const RELEASE_TYPES: Types = {
  Release: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'provider', type: 'address' },
    { name: 'resultHash', type: 'bytes32' },
  ],
}

export const RESULT_COMMITMENT_TYPES: Types = {
  ResultCommitment: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'provider', type: 'address' },
    { name: 'outputHash', type: 'bytes32' },
  ],
}

/** peerId <-> address binding carried in the HardwareProfile (no contract verifies it yet). */
export const BINDING_TYPES: Types = {
  Binding: [
    { name: 'peerId', type: 'bytes' },
    { name: 'account', type: 'address' },
    { name: 'chainId', type: 'uint256' },
    { name: 'expiry', type: 'uint64' },
  ],
}

/** A requester's promise to pay a channel's provider `cumulativeAmount` in total. */
export interface Voucher {
  channelId: string
  cumulativeAmount: bigint
  nonce: bigint
}
/** Signed by both channel parties to settle at once. */
export interface CooperativeClose {
  channelId: string
  cumulativeAmount: bigint
  nonce: bigint
}
/** A requester's acceptance of a job result (pays the escrow). `resultHash` = the output hash. */
export interface Release {
  jobId: string
  provider: string
  resultHash: string
}
/** A provider's statement that `jobId` produced `outputHash` (the sha2-256 digest of the output CID). */
export interface ResultCommitment {
  jobId: string
  provider: string
  outputHash: string
}
/**
 * `peerId` is the peer id's multihash bytes (as stored by ProviderRegistry), `expiry` unix
 * seconds; the chain id is a field because the binding names no contract.
 */
export interface Binding {
  peerId: Uint8Array
  account: string
  chainId: bigint
  expiry: bigint
}

function contractDomain(name: string, chainId: bigint | number, contract: string): TypedDomain {
  return { name, version: DOMAIN_VERSION, chainId: BigInt(chainId), verifyingContract: getAddress(contract) }
}

export function voucherDomain(chainId: bigint | number, contract: string): TypedDomain {
  return contractDomain(DOMAIN_NAMES.paymentChannel, chainId, contract)
}
export function escrowDomain(chainId: bigint | number, contract: string): TypedDomain {
  return contractDomain(DOMAIN_NAMES.jobEscrow, chainId, contract)
}
export function registryDomain(chainId: bigint | number, contract: string): TypedDomain {
  return contractDomain(DOMAIN_NAMES.providerRegistry, chainId, contract)
}
export function bindingDomain(): TypedDomain {
  return { name: DOMAIN_NAMES.binding, version: DOMAIN_VERSION }
}

/** Typed-data payloads ready for `signer.signTypedData(domain, types, value)`. */
export function voucherTypedData(domain: TypedDomain, v: Voucher) {
  return { domain, types: VOUCHER_TYPES, primaryType: 'Voucher', value: { ...v } } as const
}
export function cooperativeCloseTypedData(domain: TypedDomain, c: CooperativeClose) {
  return { domain, types: COOPERATIVE_CLOSE_TYPES, primaryType: 'CooperativeClose', value: { ...c } } as const
}
export function releaseTypedData(domain: TypedDomain, r: Release) {
  return { domain, types: RELEASE_TYPES, primaryType: 'Release', value: { ...r } } as const
}
export function resultCommitmentTypedData(domain: TypedDomain, c: ResultCommitment) {
  return { domain, types: RESULT_COMMITMENT_TYPES, primaryType: 'ResultCommitment', value: { ...c } } as const
}
export function bindingTypedData(b: Binding) {
  return {
    domain: bindingDomain(),
    types: BINDING_TYPES,
    primaryType: 'Binding',
    value: { ...b, peerId: hexlify(b.peerId) },
  } as const
}

/** The EIP-712 digest (what is signed) of each type. */
export function hashVoucher(domain: TypedDomain, v: Voucher): string {
  return TypedDataEncoder.hash(domain, VOUCHER_TYPES, v)
}
export function hashCooperativeClose(domain: TypedDomain, c: CooperativeClose): string {
  return TypedDataEncoder.hash(domain, COOPERATIVE_CLOSE_TYPES, c)
}
export function hashRelease(domain: TypedDomain, r: Release): string {
  return TypedDataEncoder.hash(domain, RELEASE_TYPES, r)
}
export function hashResultCommitment(domain: TypedDomain, c: ResultCommitment): string {
  return TypedDataEncoder.hash(domain, RESULT_COMMITMENT_TYPES, c)
}
export function hashBinding(b: Binding): string {
  return TypedDataEncoder.hash(bindingDomain(), BINDING_TYPES, { ...b, peerId: hexlify(b.peerId) })
}

// secp256k1n / 2: contracts (OpenZeppelin ECDSA) reject larger s values, so must we, or a node
// would accept a signature the chain refuses.
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n

/**
 * The address that produced `signature` over `digest`, under the contracts' rules: 65 bytes,
 * v 27/28, low s. Throws ValidationError('SIGNATURE_INVALID') otherwise.
 */
export function recoverDigestSigner(digest: string, signature: string | Uint8Array): string {
  const hex = typeof signature === 'string' ? signature : hexlify(signature)
  if (!/^0x[0-9a-fA-F]{130}$/.test(hex)) {
    throw new ValidationError('SIGNATURE_INVALID', 'signature must be 65 bytes (r, s, v)', {
      length: (hex.length - 2) / 2,
    })
  }
  const s = BigInt('0x' + hex.slice(66, 130))
  const v = parseInt(hex.slice(130, 132), 16)
  if (s > HALF_N) throw new ValidationError('SIGNATURE_INVALID', 'signature has a high s value (malleable)', {})
  if (v !== 27 && v !== 28) throw new ValidationError('SIGNATURE_INVALID', 'signature v must be 27 or 28', { v })
  try {
    return recoverAddress(digest, Signature.from(hex))
  } catch (err) {
    throw new ValidationError('SIGNATURE_INVALID', 'signature does not recover', {}, { cause: err })
  }
}

export function recoverVoucherSigner(domain: TypedDomain, v: Voucher, signature: string | Uint8Array): string {
  return recoverDigestSigner(hashVoucher(domain, v), signature)
}
export function recoverCooperativeCloseSigner(
  domain: TypedDomain,
  c: CooperativeClose,
  signature: string | Uint8Array,
): string {
  return recoverDigestSigner(hashCooperativeClose(domain, c), signature)
}
export function recoverReleaseSigner(domain: TypedDomain, r: Release, signature: string | Uint8Array): string {
  return recoverDigestSigner(hashRelease(domain, r), signature)
}
export function recoverResultCommitmentSigner(
  domain: TypedDomain,
  c: ResultCommitment,
  signature: string | Uint8Array,
): string {
  return recoverDigestSigner(hashResultCommitment(domain, c), signature)
}

/**
 * Checks a binding signature and its expiry (`now` in unix seconds). Returns the bound address
 * (checksummed) or throws ValidationError ('BINDING_EXPIRED', 'BINDING_WRONG_CHAIN',
 * 'BINDING_SIGNER_MISMATCH', 'SIGNATURE_INVALID').
 */
export function verifyBinding(
  b: Binding,
  signature: string | Uint8Array,
  options: { chainId: bigint; now: bigint },
): string {
  if (b.expiry <= options.now)
    throw new ValidationError('BINDING_EXPIRED', 'peer id binding has expired', { expiry: b.expiry, now: options.now })
  if (b.chainId !== options.chainId)
    throw new ValidationError('BINDING_WRONG_CHAIN', 'peer id binding is for another chain', {
      chainId: b.chainId,
      expected: options.chainId,
    })
  const signer = recoverDigestSigner(hashBinding(b), signature)
  if (signer !== getAddress(b.account))
    throw new ValidationError('BINDING_SIGNER_MISMATCH', 'binding not signed by its account', {
      signer,
      account: b.account,
    })
  return signer
}

/** What never changes in a channel; its hash is the channel id (see IPaymentChannel). */
export interface ChannelTerms {
  chainId: bigint
  contract: string
  requester: string
  provider: string
  token: string
  /** unix seconds, 0 = none */
  expiry: bigint
  challengePeriod: bigint
  feeBps: bigint
  /** the requester's channel counter at opening (PaymentChannel.nonces(requester)) */
  nonce: bigint
}

const abi = AbiCoder.defaultAbiCoder()

export function channelId(t: ChannelTerms): string {
  return keccak256(
    abi.encode(
      ['uint256', 'address', 'address', 'address', 'address', 'uint64', 'uint32', 'uint16', 'uint256'],
      [t.chainId, t.contract, t.requester, t.provider, t.token, t.expiry, t.challengePeriod, t.feeBps, t.nonce],
    ),
  )
}

/** JobEscrow's id for one (job, requester, provider): `keccak256(abi.encode(jobId, requester, provider))`. */
export function escrowId(jobId: string, requester: string, provider: string): string {
  return keccak256(abi.encode(['bytes32', 'address', 'address'], [jobId, requester, provider]))
}
