// The requester's side of settling a finished job (the market's 'job:settled' event): who gets
// paid (the providers whose output was accepted) and who gets rejected (every other provider that
// accepted an award).
import { logger } from '../log/logger.ts'
import type { JobRecord } from '../market/job-record.ts'

const log = logger('hive:payments:settle')

export interface SettleActions {
  /** the address the provider's bid named, if the job kept its bid */
  addressOf: (provider: string) => string | undefined
  pay: (award: { provider: string; providerAddress: string; price: bigint; outputCid: string }) => Promise<void>
  reject: (award: { providerAddress: string }) => Promise<void>
}

/** Pays or rejects every accepted award of a finished job; a failure is logged (pending payments are retried). */
export async function settleJob(record: JobRecord, actions: SettleActions): Promise<void> {
  for (const a of record.awards) {
    if (a.acceptedAt === undefined) continue
    const providerAddress = actions.addressOf(a.provider)
    if (providerAddress === undefined || providerAddress === '') continue
    try {
      if (
        record.phase === 'completed' &&
        a.status === 'delivered' &&
        a.outputCid !== undefined &&
        (record.winners?.includes(a.provider) ?? a.outputCid === record.outputCid)
      ) {
        await actions.pay({ provider: a.provider, providerAddress, price: BigInt(a.price), outputCid: a.outputCid })
      } else {
        await actions.reject({ providerAddress })
      }
    } catch (err) {
      log.error('settling job %s with %s failed: %s', record.jobId, a.provider, (err as Error).message)
    }
  }
}
