// Messages between WasmExecutor (main thread) and wasm-worker.ts. Types only.
import type { ExecErrorCode } from './errors.ts'
import type { ExecFile, ExecMetering } from './types.ts'
import type { ErrorDetails } from '../../protocol/errors.ts'

export interface RunRequest {
  type: 'run'
  id: number
  /** Compiled once in the main thread; V8 shares the code with the worker. */
  module: WebAssembly.Module
  growFailedExport: string | null
  memoryLimitBytes: number
  inputs: ExecFile[]
  /** argv including argv[0]. */
  args: string[]
  env: string[]
  seed: Uint8Array
  outputBytes: number
  maxOutputFiles: number
  stderrCap: number
}

export interface RunDone {
  type: 'done'
  id: number
  exitCode: number
  stdout: Uint8Array
  stderr: Uint8Array
  outputs: ExecFile[]
  metering: ExecMetering
}

export interface RunFailed {
  type: 'failed'
  id: number
  code: ExecErrorCode
  message: string
  details: ErrorDetails
}

export interface WorkerReady { type: 'ready' }

export type WorkerReply = RunDone | RunFailed | WorkerReady
