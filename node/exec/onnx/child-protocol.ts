// Messages between OnnxExecutor (provider process) and onnx-child.ts (one inference child
// process), sent over the child's IPC channel with structured-clone serialization. Types only.
import type { ErrorDetails } from '../../../protocol/errors.ts'
import type { ExecErrorCode } from '../errors.ts'
import type { ExecFile, ExecMetering } from '../types.ts'

export interface ChildRun {
  type: 'run'
  id: number
  /** Session cache key: sha-256 of the model (hex) and the thread count. */
  sessionKey: string
  /** The model bytes, absent when the child reported the session as cached. */
  model?: Uint8Array
  /** ORT intra-op threads (inter-op is always 1, execution sequential). */
  threads: number
  /** `<tensorName>.npy` files. */
  inputs: ExecFile[]
  /** Requested output names; empty = every output of the model. */
  outputs: string[]
  /** Cap on stdout plus every encoded output file. */
  outputBytes: number
}

/** Facts the child reports with every reply, so the parent can size the next job's limit. */
export interface ChildState {
  /** VmSize of the child now (its address-space use; what `prlimit --as` bounds). */
  vmBytes: number
  /** Session keys the child holds. */
  sessions: string[]
}

export interface ChildDone extends ChildState {
  type: 'done'
  id: number
  stdout: Uint8Array
  stderr: Uint8Array
  outputs: ExecFile[]
  metering: ExecMetering
}

export interface ChildFailed extends ChildState {
  type: 'failed'
  id: number
  code: ExecErrorCode
  message: string
  details: ErrorDetails
  /** The child's state is suspect (e.g. an allocation failed inside the runtime): replace it. */
  recycle: boolean
}

export interface ChildReady extends ChildState {
  type: 'ready'
  /** ORT backends the runtime lists, and the GPU execution providers that initialised. */
  backends: string[]
  gpuProviders: string[]
}

export type ChildReply = ChildDone | ChildFailed | ChildReady
