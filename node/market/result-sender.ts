// The provider's result delivery: a small output that may leave now rides inline with the signed
// result on /hive/result/2.0.0 (issue 14: the requester needs no output fetch, one exchange
// fewer); otherwise, or to a requester that only speaks version 1, the bare result envelope on
// /hive/result/1.0.0 and the output waits in the blob store to be fetched. Which outputs may leave
// is the caller's rule (no payment to wait for, or a payment already assured).
import { encodeResultWithData, outputFitsInline } from '../../protocol/market/inline-output.ts'
import { OlderVersionPeers, sendRequest } from './direct.ts'
import type { DirectLibp2p } from './direct.ts'
import type { Reply } from '../../protocol/gen/market.ts'
import type { PeerId } from '@libp2p/interface'

export class ResultSender {
  /** requesters that speak only /hive/result/1.0.0 */
  private readonly v1 = new OlderVersionPeers()
  /** results sent with their output inline, and without (metrics, tests) */
  readonly counts = { inline: 0, bare: 0 }

  constructor(private readonly libp2p: DirectLibp2p) {}

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
