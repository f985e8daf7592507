// A quick look at a job module before it is posted: is it WebAssembly at all, does it import only
// what the sandbox provides, is it within the protocol's size bound. Without it a README posted as
// `--wasm` is gossiped, won by providers and only fails there as EXEC_TRAPPED, after the bids.
// The allowlist is the executor's own (wasi-imports.ts), so the two can never disagree.
import { JOB_BOUNDS } from '../../protocol/market/bounds.ts'
import { WASI_MODULE, isAllowedImport } from './wasi-imports.ts'

export type ModuleProblemCode = 'MODULE_EMPTY' | 'MODULE_TOO_LARGE' | 'NOT_WASM' | 'INVALID_WASM' | 'FORBIDDEN_IMPORT'

export interface ModuleProblem {
  code: ModuleProblemCode
  /** says what is wrong, without the file's name: callers prefix the name they know */
  message: string
}

export const MAX_MODULE_BYTES = JOB_BOUNDS.blobSize.max

const MAGIC = [0x00, 0x61, 0x73, 0x6d]

/** Checked first and on its own, so a caller can refuse a huge file before reading it. */
export function checkModuleSize(size: number): ModuleProblem | undefined {
  if (size === 0) return { code: 'MODULE_EMPTY', message: 'the file is empty, not a WebAssembly module' }
  if (size > MAX_MODULE_BYTES) {
    return {
      code: 'MODULE_TOO_LARGE',
      message: `${size} bytes is over the protocol's module limit of ${MAX_MODULE_BYTES} bytes`,
    }
  }
  return undefined
}

/** undefined when the module can be posted; otherwise the first thing wrong with it. */
export async function checkJobModule(bytes: Uint8Array): Promise<ModuleProblem | undefined> {
  const sized = checkModuleSize(bytes.length)
  if (sized !== undefined) return sized
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    return { code: 'NOT_WASM', message: `not a WebAssembly module (it starts with ${preview(bytes)}, not "\\0asm")` }
  }
  let compiled: WebAssembly.Module
  try {
    // compile, not validate: its error says where the module is broken; async keeps the API responsive
    compiled = await WebAssembly.compile(bytes)
  } catch (err) {
    return { code: 'INVALID_WASM', message: `not valid WebAssembly: ${(err as Error).message}` }
  }
  for (const imp of WebAssembly.Module.imports(compiled)) {
    if (imp.kind !== 'function' || !isAllowedImport(imp.module, imp.name)) {
      return {
        code: 'FORBIDDEN_IMPORT',
        message:
          `imports ${imp.kind} ${imp.module}.${imp.name}, which the sandbox does not provide ` +
          `(only ${WASI_MODULE} functions, WASI preview 1)`,
      }
    }
  }
  return undefined
}

/** The first bytes as printable text, so "# ComputeHive" shows that a README was passed. */
function preview(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 16), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
  return JSON.stringify(head)
}
