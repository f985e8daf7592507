// node/exec: executors. Re-exports only.
export type { ExecFile, ExecJob, ExecLimits, ExecMetering, ExecResult, Executor, RunOptions } from './types.ts'
export { ExecError, EXEC_ERROR_CODES, isExecErrorCode, JOB_FAULT_CODES, type ExecErrorCode } from './errors.ts'
export { DEFAULT_MAX_OUTPUT_BYTES, WasmExecutor, WASM_ISOLATION, type WasmExecutorInit } from './wasm-executor.ts'
export { WorkerPool, type WorkerPoolInit } from './worker-pool.ts'
export { encodeResultBundle, resultOutputCid, resultToBundle } from './result-bundle.ts'
export {
  checkJobModule,
  checkModuleSize,
  MAX_MODULE_BYTES,
  type ModuleProblem,
  type ModuleProblemCode,
} from './module-check.ts'
export { OnnxExecutor, ONNX_ISOLATION, type OnnxExecutorInit } from './onnx/index.ts'
export { builtinExecutor, BUILTIN_EXECUTORS } from './builtin.ts'
