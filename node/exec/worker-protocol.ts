// Messages between WasmExecutor (main thread) and wasm-worker.ts. Types only.
import type { ExecErrorCode } from './errors.ts'
import type { ExecFile, ExecMetering } from './types.ts'
import type { ErrorDetails } from '../../protocol/errors.ts'
import type { ModulePolicy } from './wasm-module.ts'

export interface RunRequest {
  type: 'run'
  id: number
  /**
   * The module: compiled already (from the executor's cache; V8 shares the code with the
   * worker), or raw bytes that the worker checks, rewrites and compiles itself, under the job's
   * wall-time limit, and returns compiled in its reply for the cache.
   */
  module:
    { compiled: WebAssembly.Module; growFailedExport: string | null } | { bytes: Uint8Array; policy: ModulePolicy }
  memoryLimitBytes: number
  inputs: ExecFile[]
  /** argv including argv[0]. */
  args: string[]
  env: string[]
  seed: Uint8Array
  outputBytes: number
  maxOutputFiles: number
  stderrCap: number
  /** forward stderr writes as they happen (RunLog messages before the reply) */
  liveLog?: boolean
}

/** Live job output: stderr bytes written since the last RunLog, after `skipped` bytes dropped. */
export interface RunLog {
  type: 'log'
  id: number
  data: Uint8Array
  skipped: number
}

export interface RunDone {
  type: 'done'
  id: number
  exitCode: number
  stdout: Uint8Array
  stderr: Uint8Array
  outputs: ExecFile[]
  metering: ExecMetering
  /** the module the worker compiled for this job (absent when it was given compiled) */
  compiled?: { module: WebAssembly.Module; growFailedExport: string | null }
}

export interface RunFailed {
  type: 'failed'
  id: number
  code: ExecErrorCode
  message: string
  details: ErrorDetails
}

export interface WorkerReady {
  type: 'ready'
}

export type WorkerReply = RunDone | RunFailed | WorkerReady | RunLog
