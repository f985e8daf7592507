// The provider's signed answer to a voucher. Signed with its peer key (Ed25519, the fast key:
// only peers check it) under its own domain, so it can never pass for a market message.
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { SignedVoucherAck, VoucherAck, VoucherStatus } from '../gen/payments.ts'
import { ValidationError } from '../errors.ts'
import { peerIdToBytes, signWithDomain, verifyBySigner } from '../signing.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'

export { VoucherStatus }
export type { VoucherAck }
export const ACK_DOMAIN = 'hive/payments/voucher-ack/1'
export const MAX_ACK_BYTES = 1024

export async function signVoucherAck(ack: VoucherAck, key: PrivateKey): Promise<Uint8Array> {
  const payload = VoucherAck.encode(ack)
  const signature = await signWithDomain(key, ACK_DOMAIN, payload)
  return SignedVoucherAck.encode({
    payload: Uint8Array.from(payload),
    signer: Uint8Array.from(peerIdToBytes(peerIdFromPrivateKey(key))),
    signature: Uint8Array.from(signature),
  })
}

/** Decodes an ack and checks that `provider` signed it; throws ValidationError('ACK_INVALID'). */
export async function openVoucherAck(bytes: Uint8Array, provider: PeerId): Promise<VoucherAck> {
  if (bytes.length > MAX_ACK_BYTES)
    throw new ValidationError('ACK_INVALID', 'voucher ack too large', { size: bytes.length })
  let signed: SignedVoucherAck
  let ack: VoucherAck
  try {
    signed = SignedVoucherAck.decode(bytes)
    ack = VoucherAck.decode(signed.payload)
  } catch (err) {
    throw new ValidationError('ACK_INVALID', 'not a signed voucher ack', {}, { cause: err })
  }
  const expected = peerIdToBytes(provider)
  if (signed.signer.length !== expected.length || !signed.signer.every((b, i) => b === expected[i])) {
    throw new ValidationError('ACK_INVALID', 'voucher ack signed by another peer', { provider: provider.toString() })
  }
  if (!(await verifyBySigner(signed.signer, ACK_DOMAIN, signed.payload, signed.signature))) {
    throw new ValidationError('ACK_INVALID', 'bad voucher ack signature', { provider: provider.toString() })
  }
  return ack
}
