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
] as const

export type ExecErrorCode = (typeof EXEC_ERROR_CODES)[number]

export class ExecError extends HiveError {
  static override name = 'ExecError'
  declare readonly code: ExecErrorCode

  constructor(code: ExecErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options)
  }
}

export function isExecErrorCode(code: string): code is ExecErrorCode {
  return (EXEC_ERROR_CODES as readonly string[]).includes(code)
}
