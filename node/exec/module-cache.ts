// Compiled job modules, keyed by module hash and memory cap. A provider runs the same module
// many times (benchmarks, redundancy, retries): the job worker checks, rewrites and compiles it
// once (module-prepare.ts, under the job's wall-time limit), hands the compiled module back, and
// every later job gets it from here. V8 shares a compiled module's code between threads.
// Refusals are not kept: preparing a refused module again costs only its own job's time.
import { createHash } from 'node:crypto'

export interface CompiledModule {
  module: WebAssembly.Module
  growFailedExport: string | null
}

export interface ModuleCacheInit {
  maxEntries: number
}

/** sha2-256 of the module bytes as given (linear in the module, bounded by maxModuleBytes) */
export function moduleHash(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

export class ModuleCache {
  private readonly maxEntries: number
  private readonly entries = new Map<string, CompiledModule>()

  constructor(init: ModuleCacheInit) {
    this.maxEntries = init.maxEntries
  }

  static key(hash: Uint8Array, memoryLimitPages: number): string {
    return `${Buffer.from(hash).toString('hex')}:${memoryLimitPages}`
  }

  get(key: string): CompiledModule | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    this.entries.delete(key) // re-insert: Map order is the LRU order
    this.entries.set(key, entry)
    return entry
  }

  set(key: string, entry: CompiledModule): void {
    this.entries.delete(key)
    this.entries.set(key, entry)
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
  }
}
