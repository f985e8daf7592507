// From an executor's result to the canonical output bundle and its CID (the job's output
// CID): exit code, stdout and output files; stderr and metering are not part of it.
import { encodeOutputBundle, outputBundleCid, type OutputBundle } from '../../protocol/output-bundle.ts'
import type { CID } from '../../protocol/cid.ts'
import type { ExecResult } from './types.ts'

export function resultToBundle(result: ExecResult): OutputBundle {
  return { exitCode: result.exitCode, stdout: result.stdout, files: result.outputs }
}

export function encodeResultBundle(result: ExecResult): Uint8Array {
  return encodeOutputBundle(resultToBundle(result))
}

export async function resultOutputCid(result: ExecResult): Promise<CID> {
  return await outputBundleCid(resultToBundle(result))
}
