// protocol/payments: the pure rules of ComputeHive's payments (vouchers, channel state,
// result commitments, acknowledgements). No I/O.
export { FIELD_P, CURVE_N, createKeyVerifier, parsePublicKey } from './secp256k1-fixed.ts'
export type { KeyVerifier } from './secp256k1-fixed.ts'
export {
  VOUCHER_TYPEHASH,
  VoucherHasher,
  splitSignature,
  voucherFromWire,
  voucherToWire,
  MAX_VOUCHER_BYTES,
} from './voucher.ts'
export type { SignedVoucher, SplitSignature } from './voucher.ts'
export { VoucherVerifier, checkVoucherRules } from './channel-rules.ts'
export type { ChannelView, VoucherState, VoucherRejection } from './channel-rules.ts'
export {
  commitmentFor,
  decodeCommitment,
  encodeCommitment,
  isEquivocation,
  outputHashOf,
  verifyCommitment,
} from './commitment.ts'
export type { SignedCommitment } from './commitment.ts'
export { ACK_DOMAIN, MAX_ACK_BYTES, VoucherStatus, openVoucherAck, signVoucherAck } from './ack.ts'
export type { VoucherAck } from './ack.ts'
