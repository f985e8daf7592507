// The provider's result delivery: a small output that may leave now rides inline with the signed
// result on /hive/result/2.0.0 (issue 14: the requester needs no output fetch, one exchange
// fewer); otherwise, or to a requester that only speaks version 1, the bare result envelope on
// /hive/result/1.0.0 and the output waits in the blob store to be fetched. Which outputs may leave
// is the caller's rule (no payment to wait for, or a payment already assured). A result that
// finds no way through (the connection dropped, a dial failed, no reply in time) is tried again
// with a growing pause while the award lasts (issue 16): a blip in the path to the requester no
// longer throws away finished work and makes the requester revoke and re-run the job.
import { setTimeout as delay } from 'node:timers/promises'
import { encodeResultWithData, outputFitsInline } from '../../protocol/market/inline-output.ts'
import { OlderVersionPeers, sendRequest } from './direct.ts'
import { deadline } from '../util/deadline.ts'
import type { DirectLibp2p } from './direct.ts'
import type { Reply } from '../../protocol/gen/market.ts'
import type { PeerId } from '@libp2p/interface'

/** one attempt's bound: a reply takes one exchange, a result with its output inline a little more */
export const RESULT_ATTEMPT_MS = 10_000
/** the first pause before a result is sent again, doubled per failed attempt up to the last */
export const RESULT_RETRY_FIRST_MS = 250
export const RESULT_RETRY_MAX_MS = 4_000

export interface DeliveryOptions {
  /** aborted when the work ends for another reason (the award revoked, the node stopping) */
  signal: AbortSignal
  /** no attempt starts after this (ms, on `now`'s clock): the award's deadline, or sooner */
  giveUpAt: number
  now: () => number
  /** a failed attempt; `retryInMs` null: it was the last */
  onFailure?: (failure: { attempt: number; error: Error; retryInMs: number | null }) => void
}

export class ResultSender {
  /** requesters that speak only /hive/result/1.0.0 */
  private readonly v1 = new OlderVersionPeers()
  /** results sent with their output inline, and without (metrics, tests) */
  readonly counts = { inline: 0, bare: 0, retried: 0, undelivered: 0 }

  constructor(private readonly libp2p: DirectLibp2p) {}

  /**
   * Sends the result until the requester answers (any reply, a refusal too, ends it: it was
   * heard), `signal` aborts or `giveUpAt` passes. Resolves with the reply, or undefined when none
   * came.
   */
  async deliver(
    requester: PeerId,
    envelope: Uint8Array,
    output: Uint8Array | undefined,
    options: DeliveryOptions,
  ): Promise<Reply | undefined> {
    const { signal, giveUpAt, now } = options
    for (let attempt = 1; ; attempt++) {
      const pause = Math.min(RESULT_RETRY_MAX_MS, RESULT_RETRY_FIRST_MS * 2 ** (attempt - 1))
      const bound = deadline(RESULT_ATTEMPT_MS, signal)
      try {
        return await this.send(requester, envelope, output, bound.signal)
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err))
        // a protocol the requester does not serve is tried again too: it awarded us, so it speaks
        // one; not now means its node is starting (a restart), and it serves them a moment later
        const last = signal.aborted || now() + pause > giveUpAt
        options.onFailure?.({ attempt, error, retryInMs: last ? null : pause })
        if (last) {
          this.counts.undelivered++
          return undefined
        }
        this.counts.retried++
      } finally {
        bound.clear()
      }
      try {
        await delay(pause, undefined, { signal })
      } catch {
        this.counts.undelivered++
        return undefined
      }
    }
  }

  /**
   * Sends the signed result; `output` (the encoded output bundle) goes inline when it is given
   * and small. Resolves with the requester's reply.
   */
  async send(
    requester: PeerId,
    envelope: Uint8Array,
    output: Uint8Array | undefined,
    signal: AbortSignal,
  ): Promise<Reply> {
    const bare = async (): Promise<Reply> => {
      const reply = await sendRequest(this.libp2p, requester, 'result', envelope, { signal })
      this.counts.bare++
      return reply
    }
    if (output === undefined || !outputFitsInline(output.byteLength)) return await bare()
    const body = encodeResultWithData(envelope, output)
    return await this.v1.send(
      requester,
      async () => {
        const reply = await sendRequest(this.libp2p, requester, 'resultData', body, { signal })
        this.counts.inline++
        return reply
      },
      bare,
    )
  }
}
