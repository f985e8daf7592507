// The payments error: a payment refused or impossible, with a stable code (VOUCHER_*, CHANNEL_*,
// ESCROW_* …). Its own module so that the payer and the receiver share it without a cycle.
import { HiveError } from '../../protocol/errors.ts'

export class PaymentError extends HiveError {
  static override name = 'PaymentError'
}
