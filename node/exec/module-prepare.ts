// Checking, rewriting and compiling one job module: what the job worker does before it runs a
// module that the executor has not compiled yet. It runs in the worker, under the job's
// wall-time limit, because its cost grows with the module (a pathological one could otherwise
// stall the provider's main thread, where the network and the market run). Loaded by the
// worker through Node's own type stripping: erasable TypeScript only, no ExecError (the worker
// replies with plain codes).
import { MalformedWasm } from './wasm-binary.ts'
import { UnsupportedWasm } from './wasm-code.ts'
import { ForbiddenImport, MemoryOverLimit, PAGE_BYTES, prepareModule, type ModulePolicy } from './wasm-module.ts'
import type { ExecErrorCode } from './errors.ts'
import type { ErrorDetails } from '../../protocol/errors.ts'

export interface Compiled {
  ok: true
  module: WebAssembly.Module
  growFailedExport: string | null
}

const refused = (code: ExecErrorCode, message: string, details: ErrorDetails = {}): Refused => ({
  ok: false,
  code,
  message,
  details,
})

export interface Refused {
  ok: false
  code: ExecErrorCode
  message: string
  details: ErrorDetails
}

/** The compiled module, or why it is refused; never throws. */
export function compileModule(bytes: Uint8Array, policy: ModulePolicy): Compiled | Refused {
  let prepared
  try {
    prepared = prepareModule(bytes, policy)
  } catch (err) {
    return refusal(err, policy.memoryLimitPages)
  }
  let module: WebAssembly.Module
  try {
    module = new WebAssembly.Module(prepared.bytes)
  } catch (err) {
    return refused('EXEC_INVALID_MODULE', `invalid WebAssembly module: ${String(err)}`)
  }
  const exports = WebAssembly.Module.exports(module)
  const has = (name: string, kind: string): boolean => exports.some((e) => e.name === name && e.kind === kind)
  if (!has('_start', 'function') || !has('memory', 'memory')) {
    return refused('EXEC_INVALID_MODULE', 'a WASI command must export "memory" and a "_start" function')
  }
  return { ok: true, module, growFailedExport: prepared.growFailedExport }
}

function refusal(err: unknown, memoryLimitPages: number): Refused {
  if (err instanceof ForbiddenImport) {
    return refused('EXEC_FORBIDDEN_IMPORT', err.message, { module: err.module, name: err.field, kind: err.kind })
  }
  if (err instanceof MemoryOverLimit) {
    const details = { limit: memoryLimitPages * PAGE_BYTES, used: 0, requested: err.requestedPages * PAGE_BYTES }
    return refused('EXEC_MEMORY_LIMIT', err.message, details)
  }
  if (err instanceof UnsupportedWasm || err instanceof MalformedWasm) {
    return refused('EXEC_INVALID_MODULE', `module refused: ${err.message}`, { reason: err.message })
  }
  return refused('EXEC_INVALID_MODULE', `module refused: ${String(err)}`)
}
