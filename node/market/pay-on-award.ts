// Pay-on-award (issue 14): for a job whose signed spec states it (channel payment, k = 1), the
// requester's voucher for the price rides with the award, the provider acknowledges it inside its
// signed acceptance, and, paid before it runs, releases a small output inline with its result:
// post → verified output in four exchanges (push, bid, award, result), with no voucher and no
// fetch exchange. The requester pays before it has seen the output; what it risks is bounded:
// one job's price per provider, since a provider that dissents (a wrong or withheld output, a lost
// spot check) never gets a voucher with an award again (payments' awardBarred), and one that
// keeps a voucher for an award it declined is found out by the next voucher and barred too.
import { PaymentMode } from '../../protocol/gen/market.ts'
import { logger } from '../log/logger.ts'
import type { MarketPayments } from './ports.ts'
import type { ValidJobRequest } from '../../protocol/market/validate-job.ts'
import type { PeerId } from '@libp2p/interface'

const log = logger('hive:market:pay-on-award')

/**
 * Provider: takes the voucher that came with an award it accepts, when the job states
 * pay-on-award; returns the signed voucher ack for its acceptance (undefined: not taken, the job
 * goes the old way, output held until paid).
 */
export async function takeAwardVoucher(
  payments: MarketPayments | undefined,
  job: ValidJobRequest,
  price: bigint,
  voucher: Uint8Array,
  from: PeerId,
): Promise<Uint8Array | undefined> {
  const spec = job.spec
  if (payments?.takeAwardVoucher === undefined || !spec.payOnAward || spec.payment !== PaymentMode.PAYMENT_CHANNEL)
    return undefined
  try {
    return await payments.takeAwardVoucher(
      { jobId: job.jobId, requesterAddress: spec.requesterEthAddress, price },
      voucher,
      from,
    )
  } catch (err) {
    log('the voucher with the award of %s was not taken: %s', job.jobId, (err as Error).message)
    return undefined
  }
}

/**
 * Requester: the voucher to send with an award of `record` to `provider`, when the job states
 * pay-on-award (undefined otherwise, or when payments have none to give: no channel with room
 * yet, a barred provider, a failure; the award then goes in the old order).
 */
export async function awardVoucherFor(
  record: { jobId: string; payOnAward?: boolean; payment: string; redundancy: number },
  payments: MarketPayments | undefined,
  provider: string,
  price: bigint,
): Promise<{ voucher: Uint8Array; settle: (ack: Uint8Array | undefined | 'unknown') => Promise<boolean> } | undefined> {
  if (record.payOnAward !== true || record.payment !== 'channel' || record.redundancy !== 1) return undefined
  try {
    return await payments?.awardVoucher?.({ jobId: record.jobId, provider, price })
  } catch (err) {
    log('no voucher with the award of %s to %s: %s', record.jobId, provider, (err as Error).message)
    return undefined
  }
}
