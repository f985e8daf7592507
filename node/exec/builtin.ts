// The executors a node builds from its `executors` config by name. `wasm` is the default;
// `onnx` (inference in child processes, see onnx/) runs only where the operator lists it.
import { OnnxExecutor } from './onnx/index.ts'
import { WasmExecutor } from './wasm-executor.ts'
import type { Executor } from './types.ts'

export const BUILTIN_EXECUTORS = ['wasm', 'onnx'] as const

export interface BuiltinExecutorOptions {
  maxOutputBytes: number
  /** onnx: warm inference children (default 1) */
  onnxChildren?: number
}

export function builtinExecutor(name: string, opts: BuiltinExecutorOptions): Executor | undefined {
  if (name === 'wasm') return new WasmExecutor({ maxOutputBytes: opts.maxOutputBytes })
  if (name === 'onnx') return new OnnxExecutor({ maxOutputBytes: opts.maxOutputBytes, poolSize: opts.onnxChildren })
  return undefined
}
