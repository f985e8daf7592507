// The executor interface: one shape for every way of running a job (today only `wasm`), each
// stating its isolation honestly.

export interface ExecFile {
  name: string
  data: Uint8Array
}

export interface ExecLimits {
  /** Cap on the module's linear memory (rounded down to whole 64 KiB pages). */
  memoryBytes: number
  /** The worker is terminated when the job has run this long. */
  wallTimeMs: number
  /** Cap on the bytes allocated for stdout plus every output file (truncation gives none back). */
  outputBytes: number
  /**
   * Intra-op threads (executor `onnx` only; default 1). Inter-op is always 1 and execution
   * sequential, so one thread gives bit-identical results run to run.
   */
  threads?: number
}

export interface ExecJob {
  /** WebAssembly binary (a WASI preview 1 command: exports `_start` and `memory`). */
  module: Uint8Array
  /** Files the module sees, read-only, in `/input`; names are single path components. */
  inputs: ExecFile[]
  /** argv[1..]; argv[0] is always 'job'. */
  args: string[]
  /** The whole environment the module sees (nothing of the host's). */
  env?: Record<string, string>
  limits: ExecLimits
}

export interface ExecMetering {
  /** Wall time of instantiate + run + collecting outputs, measured in the worker. */
  wallMs: number
  /** CPU time (user + system) of the worker thread over the same span (process.threadCpuUsage). */
  cpuMs: number
  /** Largest linear memory size the module reached (wasm memory never shrinks). */
  peakMemoryBytes: number
}

export interface ExecResult {
  /** WASI exit code; a non-zero code is a result, not an error. */
  exitCode: number
  stdout: Uint8Array
  /** Diagnostics only: capped (first 64 KiB kept) and not part of the output bundle. */
  stderr: Uint8Array
  /** Files the module left in `/output`, sorted by UTF-8 name. */
  outputs: ExecFile[]
  metering: ExecMetering
}

/** A piece of a running job's stderr (never stdout); `skipped` bytes before it were dropped. */
export interface LogChunk {
  data: Uint8Array
  skipped: number
}

export interface RunOptions {
  signal?: AbortSignal
  /**
   * Live job output: called with the job's stderr as it is written (batched, bounded; see
   * wasm-worker.ts), before run() settles. Executors without live output never call it.
   */
  onLog?: (chunk: LogChunk) => void
}

export interface Executor {
  /** Executor class, as used in topic names (`hive/jobs/<name>/1`). */
  readonly name: string
  /** What actually separates the job from the host, in plain words. */
  readonly isolation: string
  /** The most limits.outputBytes this executor runs (its operator's cap); run() refuses more. */
  readonly maxOutputBytes: number
  /** The most limits.threads this executor runs (absent: one thread); run() refuses more. */
  readonly maxThreads?: number
  start(): Promise<void>
  stop(): Promise<void>
  /** Runs one job; rejects with ExecError (see errors.ts) when the job could not complete. */
  run(job: ExecJob, options?: RunOptions): Promise<ExecResult>
}
