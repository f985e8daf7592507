// Why a job did not produce a result. A non-zero WASI exit code is NOT an ExecError.
import { HiveError, type ErrorDetails } from '../../protocol/errors.ts'

export const EXEC_ERROR_CODES = [
  'EXEC_TIMEOUT', // ran past limits.wallTimeMs; details: limit, used
  'EXEC_MEMORY_LIMIT', // wanted more linear memory than limits.memoryBytes; details: limit, used, requested
  // bytes allocated for stdout + output files over limits.outputBytes (or too many files); details: limit, used
  'EXEC_OUTPUT_LIMIT',
  'EXEC_TRAP', // the module trapped (unreachable, out-of-bounds access, stack overflow, AssemblyScript abort)
  'EXEC_INVALID_MODULE', // not WebAssembly, fails validation, or uses a feature we refuse (threads, relaxed SIMD, GC)
  'EXEC_FORBIDDEN_IMPORT', // imports something other than WASI preview 1 (or AssemblyScript's env.abort/seed/trace)
  // the job itself is malformed: bad input names, env, args or limits, or limits over the executor's caps
  'EXEC_INVALID_JOB',
  'EXEC_ABORTED', // the caller's AbortSignal fired
  'EXEC_STOPPED', // the executor was stopped (or never started) while the job waited or ran
  'EXEC_CRASHED', // the worker died for a reason none of the above explains
  // onnx: the model declares operators of a domain other than ai.onnx / ai.onnx.ml (custom op libraries)
  'EXEC_MODEL_CUSTOM_OP',
  'EXEC_MODEL_EXTERNAL_DATA', // onnx: a tensor of the model lives in an external data file
  'EXEC_INPUT_MISSING', // onnx: an input tensor of the model has no <name>.npy file
  'EXEC_INPUT_INVALID', // onnx: an input file is not a valid .npy or names no input of the model
  'EXEC_INPUT_DTYPE', // onnx: an input's element type is not the model's (or not supported)
  'EXEC_INPUT_SHAPE', // onnx: an input's rank or a fixed dimension differs from the model's
  'EXEC_OUTPUT_UNKNOWN', // onnx: a requested output is not an output of the model
] as const

export type ExecErrorCode = (typeof EXEC_ERROR_CODES)[number]

export class ExecError extends HiveError {
  static override name = 'ExecError'
  declare readonly code: ExecErrorCode

  constructor(code: ExecErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options)
  }
}

/**
 * Codes that say the job itself (module, model or inputs) fails the same way on every honest
 * provider: the market records such a failure as the job's answer (status EXEC_TRAPPED) and
 * does not re-run it elsewhere. Timeouts, memory and output limits have statuses of their own.
 */
export const JOB_FAULT_CODES: ReadonlySet<ExecErrorCode> = new Set<ExecErrorCode>([
  'EXEC_TRAP',
  'EXEC_INVALID_MODULE',
  'EXEC_FORBIDDEN_IMPORT',
  'EXEC_MODEL_CUSTOM_OP',
  'EXEC_MODEL_EXTERNAL_DATA',
  'EXEC_INPUT_MISSING',
  'EXEC_INPUT_INVALID',
  'EXEC_INPUT_DTYPE',
  'EXEC_INPUT_SHAPE',
  'EXEC_OUTPUT_UNKNOWN',
])

export function isExecErrorCode(code: string): code is ExecErrorCode {
  return (EXEC_ERROR_CODES as readonly string[]).includes(code)
}
