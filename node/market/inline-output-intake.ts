// The requester's intake of an output that came inline with its result (/hive/result/2.0.0): kept
// in the blob store only when its bytes are exactly the output the signed result names (its CID,
// its stated size), so the later output "fetch" finds it locally and costs no exchange. Anything
// else is refused and counted, and the output is fetched from the provider as before.
import { inlineOutput } from '../../protocol/market/inline-output.ts'
import { logger } from '../log/logger.ts'
import type { BlobStore } from '../blobs/store.ts'
import type { CID } from 'multiformats/cid'

const log = logger('hive:market:inline-output')

export class InlineOutputIntake {
  /** inline outputs kept, and refused because they were not the signed output (metrics, tests) */
  readonly counts = { kept: 0, refused: 0 }

  constructor(private readonly blobs: Pick<BlobStore, 'put'>) {}

  /** Keeps `output` when it is the content `outputCid` names at `outputSize` bytes; says whether it did. */
  async take(output: Uint8Array, outputCid: CID, outputSize: number, from: string): Promise<boolean> {
    const checked = await inlineOutput(output, outputCid, outputSize)
    if (checked === undefined) {
      this.counts.refused++
      log('inline output from %s refused: its bytes are not %s (%d bytes)', from, outputCid.toString(), outputSize)
      return false
    }
    await this.blobs.put(checked)
    this.counts.kept++
    return true
  }
}
