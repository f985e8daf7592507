// Result commitments: a provider's EIP-712 statement "job J produced output O", signed in the
// ProviderRegistry's domain so that two different ones for one job are slashable on-chain
// (ProviderRegistry.slashEquivocation). On the wire (Result.commitment) it is the ABI encoding
// of (jobId, provider, outputHash): 96 bytes, one form, decodable by anyone.
import { AbiCoder, getAddress, hexlify, keccak256 } from 'ethers'
import { ValidationError } from '../errors.ts'
import { hashResultCommitment, recoverDigestSigner } from '../eip712.ts'
import type { ResultCommitment, TypedDomain } from '../eip712.ts'
import type { CID } from 'multiformats/cid'

const abi = AbiCoder.defaultAbiCoder()
const TYPES = ['bytes32', 'address', 'bytes32']

/** outputHash = the sha2-256 digest inside the output's CID (what the bytes hash to). */
export function outputHashOf(cid: CID): string {
  return hexlify(cid.multihash.digest)
}

export function commitmentFor(jobId: string, provider: string, outputCid: CID): ResultCommitment {
  return {
    jobId: jobId.startsWith('0x') ? jobId : `0x${jobId}`,
    provider: getAddress(provider),
    outputHash: outputHashOf(outputCid),
  }
}

export function encodeCommitment(c: ResultCommitment): Uint8Array {
  return Uint8Array.from(Buffer.from(abi.encode(TYPES, [c.jobId, c.provider, c.outputHash]).slice(2), 'hex'))
}

export function decodeCommitment(bytes: Uint8Array): ResultCommitment {
  if (bytes.length !== 96)
    throw new ValidationError('COMMITMENT_MALFORMED', 'a result commitment is 96 bytes', { length: bytes.length })
  try {
    const [jobId, provider, outputHash] = abi.decode(TYPES, bytes) as unknown as [string, string, string]
    return { jobId, provider: getAddress(provider), outputHash }
  } catch (err) {
    throw new ValidationError(
      'COMMITMENT_MALFORMED',
      'not an ABI-encoded (bytes32, address, bytes32)',
      {},
      { cause: err },
    )
  }
}

/** A commitment whose signature checked out against its named provider. */
export interface SignedCommitment {
  commitment: ResultCommitment
  signature: string
}

/**
 * Decodes and checks one commitment: its signer must be the provider it names, its job the one
 * expected (and its provider the expected address, when known). Throws ValidationError.
 */
export function verifyCommitment(
  domain: TypedDomain,
  bytes: Uint8Array,
  signature: Uint8Array,
  expected: { jobId: string; provider?: string },
): SignedCommitment {
  const commitment = decodeCommitment(bytes)
  const jobId = expected.jobId.startsWith('0x') ? expected.jobId : `0x${expected.jobId}`
  if (commitment.jobId.toLowerCase() !== jobId.toLowerCase())
    throw new ValidationError('COMMITMENT_WRONG_JOB', 'commitment names another job', { jobId: commitment.jobId })
  if (expected.provider !== undefined && commitment.provider !== getAddress(expected.provider)) {
    throw new ValidationError('COMMITMENT_WRONG_PROVIDER', 'commitment names another provider address than its bid', {
      provider: commitment.provider,
    })
  }
  const signer = recoverDigestSigner(hashResultCommitment(domain, commitment), signature)
  if (signer !== commitment.provider)
    throw new ValidationError('COMMITMENT_BAD_SIGNATURE', 'commitment not signed by the provider it names', { signer })
  return { commitment, signature: hexlify(signature) }
}

/** Two commitments by one provider for one job with different outputs: slashable. */
export function isEquivocation(a: ResultCommitment, b: ResultCommitment): boolean {
  return (
    a.jobId.toLowerCase() === b.jobId.toLowerCase() &&
    getAddress(a.provider) === getAddress(b.provider) &&
    a.outputHash.toLowerCase() !== b.outputHash.toLowerCase()
  )
}

/**
 * What a reporter commits to (ProviderRegistry.commitSlash) before revealing equivocation
 * evidence: it names the reporter, so the reward of a revealed pair goes only to whoever committed
 * it earlier, never to a copier of the reveal. Same encoding as ProviderRegistry.slashCommitment.
 */
export function slashCommitment(reporter: string, provider: string, jobId: string, salt: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ['address', 'address', 'bytes32', 'bytes32'],
      [getAddress(reporter), getAddress(provider), jobId, salt],
    ),
  )
}
