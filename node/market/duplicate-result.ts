// A Result the requester refuses (duplicate, or for a finished job) may still carry a second
// commitment, which is exactly what equivocation is: it goes out as evidence (a
// 'result:commitment' event that may only complete a contradiction).
import { logger } from '../log/logger.ts'
import { MessageType, Result } from '../../protocol/gen/market.ts'
import { MAX_MESSAGE_BYTES } from '../../protocol/market/bounds.ts'
import { checkEnvelopeSignature, checkNamedSigner, openEnvelope } from '../../protocol/market/envelope.ts'
import { jobIdFromBytes } from '../../protocol/market/job-id.ts'
import type { MarketEvents } from './events.ts'

const log = logger('hive:market:requester')

export async function observeDuplicateResult(events: MarketEvents, bytes: Uint8Array): Promise<void> {
  try {
    const opened = openEnvelope(bytes, {
      type: MessageType.RESULT,
      decode: (b) => Result.decode(b),
      maxBytes: MAX_MESSAGE_BYTES.result,
    })
    checkNamedSigner(opened, opened.message.provider, 'provider')
    if (opened.message.commitment.length === 0) return
    await checkEnvelopeSignature(opened)
    const { commitment, commitmentSignature: signature } = opened.message
    await events.emit('result:commitment', {
      jobId: jobIdFromBytes(opened.message.jobId),
      commitment,
      signature,
      onlyContradiction: true,
    })
  } catch (err) {
    log('duplicate result not usable as evidence: %s', (err as Error).message)
  }
}
