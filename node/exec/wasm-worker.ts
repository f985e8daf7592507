// Worker thread: instantiates one job module at a time over a fresh WASI host and reports
// the result or a classified failure. Loaded by Node's own type stripping (erasable
// TypeScript only), without tsx, so that it starts the same way under every parent.
import { parentPort, type MessagePort } from 'node:worker_threads'
import { WASIProcExit } from '@bjorn3/browser_wasi_shim'
import { compareFileNames } from '../../protocol/output-bundle.ts'
import { compileModule } from './module-prepare.ts'
import { OutputLimitExceeded } from './wasi-output.ts'
import { createHost, HostTrap, type Host } from './wasi-host.ts'
import type { RunDone, RunFailed, RunRequest } from './worker-protocol.ts'
import type { ExecErrorCode } from './errors.ts'

const port = parentPort
if (port === null) throw new Error('wasm-worker.ts must run in a worker thread')

port.on('message', (req: RunRequest) => {
  const live = req.liveLog === true ? logForwarder(port, req.id) : undefined
  const reply = runJob(req, live?.write)
  live?.flush() // the last of the log goes before the reply (one port: messages keep their order)
  const transfer = new Set<ArrayBuffer>()
  if (reply.type === 'done') {
    // the host is done with its output buffers: hand them over instead of copying (a Set, as
    // one buffer listed twice would fail the postMessage)
    const buffers = [reply.stdout, reply.stderr, ...reply.outputs.map((o) => o.data)]
    for (const b of buffers) transfer.add(b.buffer as ArrayBuffer)
  }
  port.postMessage(reply, [...transfer])
})
port.postMessage({ type: 'ready' })

// per-thread CPU time where Node has it (>= 22.19); the whole process's otherwise
const cpuUsage =
  typeof process.threadCpuUsage === 'function'
    ? (prev?: NodeJS.CpuUsage) => process.threadCpuUsage(prev)
    : (prev?: NodeJS.CpuUsage) => process.cpuUsage(prev)

/** stderr bytes the worker holds for the live log before the oldest are dropped */
const LOG_PENDING_BYTES = 16 * 1024
/** the worker posts live-log messages at most this often (a flood of tiny writes is batched) */
const LOG_FLUSH_MS = 20

/**
 * Forwards stderr writes to the main thread as they happen. The module runs synchronously on
 * this thread (no timers fire meanwhile), so batching is decided at each write: a write at
 * least LOG_FLUSH_MS after the last message goes out at once with what was held; writes in
 * between are held (≤ LOG_PENDING_BYTES, older dropped and counted) until then or the end.
 */
function logForwarder(out: MessagePort, id: number): { write: (data: Uint8Array) => void; flush: () => void } {
  let held: Uint8Array[] = []
  let size = 0
  let skipped = 0
  let last = -Infinity
  const flush = (): void => {
    if (size === 0 && skipped === 0) return
    const data = new Uint8Array(size)
    let at = 0
    for (const h of held) {
      data.set(h, at)
      at += h.length
    }
    out.postMessage({ type: 'log', id, data, skipped }, [data.buffer])
    held = []
    size = 0
    skipped = 0
    last = performance.now()
  }
  const write = (bytes: Uint8Array): void => {
    let data = bytes
    if (size + data.length > LOG_PENDING_BYTES) {
      // over the bound: what is held is older, so it goes first (a gap the requester sees)
      skipped += size
      held = []
      size = 0
      if (data.length > LOG_PENDING_BYTES) {
        skipped += data.length - LOG_PENDING_BYTES
        data = data.subarray(data.length - LOG_PENDING_BYTES)
      }
    }
    if (data.length > 0) {
      held.push(data.slice()) // a copy: the shim may hand us a view of the module's memory
      size += data.length
    }
    if (performance.now() - last >= LOG_FLUSH_MS) flush()
  }
  return { write, flush }
}

function failed(req: RunRequest, code: ExecErrorCode, message: string, details: RunFailed['details'] = {}): RunFailed {
  return { type: 'failed', id: req.id, code, message, details }
}

function runJob(req: RunRequest, onStderr?: (data: Uint8Array) => void): RunDone | RunFailed {
  // a module the executor has not compiled yet is prepared here, inside the job's wall time
  let module: WebAssembly.Module
  let growFailedExport: string | null
  let compiled: RunDone['compiled']
  if ('compiled' in req.module) {
    module = req.module.compiled
    growFailedExport = req.module.growFailedExport
  } else {
    const c = compileModule(req.module.bytes, req.module.policy)
    if (!c.ok) return failed(req, c.code, c.message, c.details)
    module = c.module
    growFailedExport = c.growFailedExport
    compiled = { module, growFailedExport }
  }
  // metering starts after preparation: it is the same whether or not the module was cached
  const t0 = performance.now()
  const cpu0 = cpuUsage()
  let host: Host
  try {
    host = createHost({
      inputs: req.inputs,
      args: req.args,
      env: req.env,
      seed: req.seed,
      outputBytes: req.outputBytes,
      maxOutputFiles: req.maxOutputFiles,
      stderrCap: req.stderrCap,
      ...(onStderr !== undefined ? { onStderr } : {}),
    })
  } catch (err) {
    return failed(req, 'EXEC_INVALID_JOB', `cannot build the job's environment: ${String(err)}`)
  }
  let instance: WebAssembly.Instance | undefined
  let exitCode: number
  try {
    instance = new WebAssembly.Instance(module, host.imports)
    const exports = instance.exports as { memory?: unknown; _start?: unknown }
    if (!(exports.memory instanceof WebAssembly.Memory) || typeof exports._start !== 'function') {
      return failed(req, 'EXEC_INVALID_MODULE', 'a WASI command must export "memory" and "_start"')
    }
    exitCode = host.wasi.start(instance as unknown as Parameters<typeof host.wasi.start>[0])
  } catch (err) {
    if (err instanceof WASIProcExit)
      exitCode = err.code // proc_exit from a start function
    else return classify(req, growFailedExport, host, instance, err)
  }
  const memory = instance?.exports.memory
  const outputs = host.outputDir.files().sort((a, b) => compareFileNames(a.name, b.name))
  const cpu = cpuUsage(cpu0)
  return {
    type: 'done',
    id: req.id,
    exitCode: exitCode >>> 0,
    stdout: host.stdout.data.bytes(),
    stderr: host.stderr.data.bytes(),
    outputs,
    metering: {
      wallMs: performance.now() - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakMemoryBytes: memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : 0,
    },
    compiled,
  }
}

function classify(
  req: RunRequest,
  growFailedExport: string | null,
  host: Host,
  instance: WebAssembly.Instance | undefined,
  err: unknown,
): RunFailed {
  const memory = instance?.exports.memory
  const used = memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : 0
  if (err instanceof OutputLimitExceeded) {
    return failed(req, 'EXEC_OUTPUT_LIMIT', err.message, { limit: err.limit, used: err.used, what: err.what })
  }
  const grow = growFailedExport !== null ? instance?.exports[growFailedExport] : undefined
  if (grow instanceof WebAssembly.Global && Number(grow.value) !== 0) {
    const requested = used + (Number(grow.value) >>> 0) * 65536
    return failed(
      req,
      'EXEC_MEMORY_LIMIT',
      `memory limit exceeded: the module asked for ${requested} bytes, limit ${req.memoryLimitBytes}`,
      { limit: req.memoryLimitBytes, used, requested, trap: errorMessage(err) },
    )
  }
  if (err instanceof WebAssembly.LinkError || err instanceof WebAssembly.CompileError) {
    return failed(req, 'EXEC_INVALID_MODULE', errorMessage(err))
  }
  const stderr = new TextDecoder().decode(host.stderr.data.bytes().subarray(-1024))
  const kind =
    err instanceof HostTrap
      ? 'host'
      : err instanceof WebAssembly.RuntimeError
        ? 'wasm'
        : err instanceof RangeError
          ? 'stack'
          : 'host'
  return failed(req, 'EXEC_TRAP', `the module trapped: ${errorMessage(err)}`, { kind, trap: errorMessage(err), stderr })
}

function errorMessage(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500)
}
