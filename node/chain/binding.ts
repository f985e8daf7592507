// The peerId <-> address binding carried in the HardwareProfile: `ethAddress` plus `ethBinding`,
// where ethBinding = expiry (uint64 big-endian, unix seconds) || EIP-712 signature (65 bytes)
// over protocol/eip712.ts's Binding { peerId, account, chainId, expiry }. The chain id is not
// carried: a verifier checks the binding against its own chain. Pure apart from signing.
import { getBytes, hexlify } from 'ethers'
import type { Signer } from 'ethers'
import { bindingTypedData, verifyBinding } from '../../protocol/eip712.ts'
import type { Binding } from '../../protocol/eip712.ts'
import { ValidationError } from '../../protocol/errors.ts'
import type { PeerId } from '@libp2p/interface'

export const ETH_BINDING_BYTES = 8 + 65
/** bindings are signed for 30 days and re-signed at every unlock (node start) */
export const BINDING_TTL_SECONDS = 30 * 24 * 3600

export interface EthIdentity {
  /** lower-case 0x address, as the profile wants it */
  ethAddress: string
  ethBinding: Uint8Array
}

export function peerIdBytes(peerId: PeerId): Uint8Array {
  return peerId.toMultihash().bytes
}

/** Signs the binding of `peerId` to the signer's address on `chainId`, valid until now + ttl. */
export async function signEthIdentity(
  signer: Signer,
  peerId: PeerId,
  chainId: bigint,
  nowSeconds: bigint,
  ttlSeconds = BigInt(BINDING_TTL_SECONDS),
): Promise<EthIdentity> {
  const account = await signer.getAddress()
  const binding: Binding = { peerId: peerIdBytes(peerId), account, chainId, expiry: nowSeconds + ttlSeconds }
  const td = bindingTypedData(binding)
  const signature = getBytes(await signer.signTypedData(td.domain, td.types, td.value))
  const out = new Uint8Array(ETH_BINDING_BYTES)
  new DataView(out.buffer).setBigUint64(0, binding.expiry)
  out.set(signature, 8)
  return { ethAddress: account.toLowerCase(), ethBinding: out }
}

/**
 * Checks a profile's ethAddress/ethBinding for `peerId` on `chainId` at `nowSeconds`; returns the
 * checksummed address or throws ValidationError (BINDING_MALFORMED, BINDING_EXPIRED,
 * BINDING_SIGNER_MISMATCH, SIGNATURE_INVALID).
 */
export function verifyEthIdentity(peerId: PeerId, identity: EthIdentity, chainId: bigint, nowSeconds: bigint): string {
  if (identity.ethBinding.length !== ETH_BINDING_BYTES) {
    throw new ValidationError(
      'BINDING_MALFORMED',
      `ethBinding must be ${ETH_BINDING_BYTES} bytes (expiry + signature)`,
      { length: identity.ethBinding.length },
    )
  }
  const expiry = new DataView(identity.ethBinding.buffer, identity.ethBinding.byteOffset, 8).getBigUint64(0)
  const signature = hexlify(identity.ethBinding.subarray(8))
  return verifyBinding({ peerId: peerIdBytes(peerId), account: identity.ethAddress, chainId, expiry }, signature, {
    chainId,
    now: nowSeconds,
  })
}
