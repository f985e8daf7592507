// Checked, rewritten and compiled job modules, keyed by module hash and memory cap. A
// provider runs the same module many times (benchmarks, redundancy, retries): it is
// validated and compiled once, and the compiled module is shared with every worker.
import { createHash } from 'node:crypto'
import { ExecError } from './errors.ts'
import { MalformedWasm } from './wasm-binary.ts'
import { UnsupportedWasm } from './wasm-code.ts'
import { ForbiddenImport, MemoryOverLimit, PAGE_BYTES, prepareModule } from './wasm-module.ts'

export interface CompiledModule {
  /** sha2-256 of the module bytes as given. */
  hash: Uint8Array
  module: WebAssembly.Module
  growFailedExport: string | null
}

export interface ModuleCacheInit {
  maxEntries: number
  maxTableElements: number
}

export class ModuleCache {
  private readonly init: ModuleCacheInit
  private readonly entries = new Map<string, Promise<CompiledModule>>()

  constructor (init: ModuleCacheInit) {
    this.init = init
  }

  /** Resolves to the compiled module or rejects with an ExecError explaining the refusal. */
  async get (bytes: Uint8Array, memoryLimitPages: number): Promise<CompiledModule> {
    const hash = createHash('sha256').update(bytes).digest()
    const key = `${hash.toString('hex')}:${memoryLimitPages}`
    let entry = this.entries.get(key)
    if (entry !== undefined) {
      this.entries.delete(key) // re-insert: Map order is the LRU order
      this.entries.set(key, entry)
      return await entry
    }
    entry = this.compile(new Uint8Array(hash), bytes, memoryLimitPages)
    this.entries.set(key, entry)
    while (this.entries.size > this.init.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
    try {
      return await entry
    } catch (err) {
      this.entries.delete(key)
      throw err
    }
  }

  private async compile (hash: Uint8Array, bytes: Uint8Array, memoryLimitPages: number): Promise<CompiledModule> {
    let prepared
    try {
      prepared = prepareModule(bytes, { memoryLimitPages, maxTableElements: this.init.maxTableElements })
    } catch (err) {
      throw refusal(err, memoryLimitPages)
    }
    let module: WebAssembly.Module
    try {
      module = await WebAssembly.compile(prepared.bytes)
    } catch (err) {
      throw new ExecError('EXEC_INVALID_MODULE', `invalid WebAssembly module: ${String(err)}`, {}, { cause: err })
    }
    const exports = WebAssembly.Module.exports(module)
    const has = (name: string, kind: string): boolean => exports.some((e) => e.name === name && e.kind === kind)
    if (!has('_start', 'function') || !has('memory', 'memory')) {
      throw new ExecError('EXEC_INVALID_MODULE', 'a WASI command must export "memory" and a "_start" function')
    }
    return { hash, module, growFailedExport: prepared.growFailedExport }
  }
}

function refusal (err: unknown, memoryLimitPages: number): ExecError {
  if (err instanceof ForbiddenImport) {
    return new ExecError('EXEC_FORBIDDEN_IMPORT', err.message, { module: err.module, name: err.field, kind: err.kind })
  }
  if (err instanceof MemoryOverLimit) {
    return new ExecError('EXEC_MEMORY_LIMIT', err.message, {
      limit: memoryLimitPages * PAGE_BYTES, used: 0, requested: err.requestedPages * PAGE_BYTES,
    })
  }
  if (err instanceof UnsupportedWasm || err instanceof MalformedWasm) {
    return new ExecError('EXEC_INVALID_MODULE', `module refused: ${err.message}`, { reason: err.message })
  }
  return new ExecError('EXEC_INVALID_MODULE', `module refused: ${String(err)}`, {}, { cause: err })
}
