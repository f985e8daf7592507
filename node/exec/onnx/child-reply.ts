// The child's reply is checked, not trusted: the child is the process a hostile model would
// take over, so a reply that breaks the protocol (wrong id, unknown error code, output over the
// job's limit, bad file names) ends as EXEC_CRASHED and the child is replaced.
import { compareFileNames, isValidFileName } from '../../../protocol/output-bundle.ts'
import { isExecErrorCode } from '../errors.ts'
import type { ErrorDetails } from '../../../protocol/errors.ts'
import type { ExecResult } from '../types.ts'
import type { ChildReply, ChildRun } from './child-protocol.ts'

export type CheckedReply =
  | { ok: true; result: ExecResult }
  | { ok: false; failure: { code: string; message: string; details: ErrorDetails; recycle: boolean } }
  | { ok: false; broken: string }

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

export function checkChildReply(reply: ChildReply, req: ChildRun, stderrCap = 64 * 1024): CheckedReply {
  if (typeof reply !== 'object' || reply === null) return { ok: false, broken: 'not a message' }
  if (reply.type !== 'failed' && reply.type !== 'done')
    return { ok: false, broken: `unexpected reply type ${String((reply as { type?: unknown }).type)}` }
  if (reply.id !== req.id) return { ok: false, broken: 'wrong reply id' }
  if (reply.type === 'failed') {
    if (typeof reply.code !== 'string' || !isExecErrorCode(reply.code))
      return { ok: false, broken: 'unknown error code' }
    const details: ErrorDetails = {}
    for (const [k, v] of Object.entries(
      typeof reply.details === 'object' && reply.details !== null ? reply.details : {},
    ))
      if (['string', 'number', 'boolean'].includes(typeof v))
        details[k.slice(0, 40)] = typeof v === 'string' ? v.slice(0, 200) : v
    const message = String(reply.message).slice(0, 1000)
    return { ok: false, failure: { code: reply.code, message, details, recycle: reply.recycle === true } }
  }
  if (reply.type !== 'done')
    return { ok: false, broken: `unexpected reply type ${String((reply as { type?: unknown }).type)}` }
  if (!isBytes(reply.stdout) || !isBytes(reply.stderr) || !Array.isArray(reply.outputs))
    return { ok: false, broken: 'malformed result' }
  let total = reply.stdout.length
  let previous: string | undefined
  for (const o of reply.outputs) {
    if (
      typeof o !== 'object' ||
      o === null ||
      !isBytes(o.data) ||
      typeof o.name !== 'string' ||
      !isValidFileName(o.name)
    )
      return { ok: false, broken: 'malformed output file' }
    if (previous !== undefined && compareFileNames(previous, o.name) >= 0)
      return { ok: false, broken: 'output files not sorted or repeated' }
    previous = o.name
    total += o.data.length
  }
  if (total > req.outputBytes) return { ok: false, broken: 'outputs over the limit the child was given' }
  const m = reply.metering as Partial<ExecResult['metering']> | undefined
  if (m === undefined || !isCount(m.wallMs) || !isCount(m.cpuMs) || !isCount(m.peakMemoryBytes))
    return { ok: false, broken: 'malformed metering' }
  return {
    ok: true,
    result: {
      exitCode: 0,
      stdout: reply.stdout,
      stderr: reply.stderr.subarray(0, stderrCap),
      outputs: reply.outputs.map((o) => ({ name: o.name, data: o.data })),
      metering: { wallMs: m.wallMs, cpuMs: m.cpuMs, peakMemoryBytes: m.peakMemoryBytes },
    },
  }
}
