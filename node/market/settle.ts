// The requester's side of settling a finished job through the payments port (ports.ts): who gets
// paid (the providers whose output was accepted), who gets rejected (every other provider that
// accepted an award), and evidence from results the market drops as duplicates (a second,
// different commitment is exactly what equivocation is).
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { MessageType, Result } from '../../protocol/gen/market.ts'
import { MAX_MESSAGE_BYTES } from '../../protocol/market/bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope } from '../../protocol/market/envelope.ts'
import { jobIdFromBytes } from '../../protocol/market/job-id.ts'
import type { JobRecord } from './job-record.ts'
import type { MarketPayments } from './ports.ts'

const log = logger('hive:payments:market')

/** Pays or rejects every accepted award of a finished job. `addressOf(provider)` is its bid's address. */
export async function settleJob (payments: MarketPayments, record: JobRecord, addressOf: (provider: string) => string | undefined): Promise<void> {
  for (const a of record.awards) {
    if (a.acceptedAt === undefined) continue
    const providerAddress = addressOf(a.provider)
    if (providerAddress === undefined || providerAddress === '') continue
    try {
      if (record.phase === 'completed' && a.status === 'delivered' && a.outputCid !== undefined && a.outputCid === record.outputCid) {
        await payments.onVerified({ jobId: record.jobId, payment: record.payment, providerPeer: peerIdFromString(a.provider), providerAddress, price: BigInt(a.price), outputCid: a.outputCid })
      } else {
        await payments.onRejected({ jobId: record.jobId, payment: record.payment, providerAddress })
      }
    } catch (err) {
      log.error('settling job %s with %s failed: %s', record.jobId, a.provider, (err as Error).message)
    }
  }
}

/** A Result refused (duplicate, or for a finished job) may still carry a second commitment: keep it as evidence. */
export async function observeDuplicateResult (payments: MarketPayments, bytes: Uint8Array): Promise<void> {
  try {
    const opened = openEnvelope(bytes, { type: MessageType.RESULT, decode: (b) => Result.decode(b), maxBytes: MAX_MESSAGE_BYTES.result })
    checkNamedSigner(opened, opened.message.provider, 'provider')
    if (opened.message.commitment.length === 0) return
    await checkEnvelopeSignature(opened)
    await payments.observeCommitment(jobIdFromBytes(opened.message.jobId), opened.message.commitment, opened.message.commitmentSignature, undefined, { onlyContradiction: true })
  } catch (err) {
    log('duplicate result not usable as evidence: %s', (err as Error).message)
  }
}
