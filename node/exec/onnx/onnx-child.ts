// Inference child process: runs one ONNX job at a time with onnxruntime-node and reports the
// result or a classified failure over its IPC channel. Started by child-pool.ts under
// `prlimit --as` (its address space is the memory limit); the parent SIGKILLs it at the wall-time
// limit. Loaded by Node's own type stripping (erasable TypeScript only), without tsx.
import { readFileSync, writeFileSync } from 'node:fs'
import { endianness } from 'node:os'
import ort from 'onnxruntime-node'
import type { InferenceSession, Tensor } from 'onnxruntime-node'
import { decodeNpy, encodeNpy, NpyError, type NpyArray, type NpyDtype } from '../../../protocol/inference/npy.ts'
import { identityModel } from '../../../protocol/inference/onnx-writer.ts'
import type { ExecErrorCode } from '../errors.ts'
import type { ChildDone, ChildFailed, ChildReply, ChildRun, ChildState } from './child-protocol.ts'
import type { ExecFile } from '../types.ts'

if (process.send === undefined) throw new Error('onnx-child.ts must be started with an IPC channel')
// .npy data is little-endian and is viewed as typed arrays as it is
if (endianness() !== 'LE') throw new Error('the onnx executor needs a little-endian host')

const MAX_SESSIONS = Number(process.env.HIVE_ONNX_SESSIONS ?? '4')
const sessions = new Map<string, InferenceSession>()

function send(msg: ChildReply): void {
  process.send?.(msg)
}

function vmBytes(): number {
  const m = /VmSize:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m === null ? 0 : Number(m[1]) * 1024
}

/** Peak resident set since the last reset (VmHWM), reset per job through clear_refs where allowed. */
function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m === null ? 0 : Number(m[1]) * 1024
}
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
  } catch {
    // older kernels or a locked-down /proc: the peak then covers the child's whole life
  }
}

function state(): ChildState {
  return { vmBytes: vmBytes(), sessions: [...sessions.keys()] }
}

class JobFailure extends Error {
  readonly code: ExecErrorCode
  readonly details: Record<string, string | number>
  readonly recycle: boolean
  // no parameter properties: Node's type stripping does not support them
  constructor(code: ExecErrorCode, message: string, details: Record<string, string | number> = {}, recycle = false) {
    super(message)
    this.code = code
    this.details = details
    this.recycle = recycle
  }
}

const MEMORY_PATTERN = /bad_alloc|failed to allocate|allocation failed|out of memory|cannot allocate|ENOMEM/i

/** Classifies an error the runtime threw: allocation failures are the memory limit at work. */
function runtimeFailure(err: unknown, fallback: ExecErrorCode, what: string): JobFailure {
  const message = String((err as Error)?.message ?? err).slice(0, 400)
  if (err instanceof RangeError || MEMORY_PATTERN.test(message)) {
    // an allocation failed somewhere in native code: the arena may be half-built, start afresh
    return new JobFailure('EXEC_MEMORY_LIMIT', `${what}: out of memory under the job's limit (${message})`, {}, true)
  }
  return new JobFailure(fallback, `${what}: ${message}`)
}

async function session(req: ChildRun): Promise<InferenceSession> {
  const cached = sessions.get(req.sessionKey)
  if (cached !== undefined) {
    sessions.delete(req.sessionKey) // re-inserted below: the Map's order is the LRU order
    sessions.set(req.sessionKey, cached)
    return cached
  }
  if (req.model === undefined) throw new JobFailure('EXEC_CRASHED', 'model not sent and not cached in the child')
  let s: InferenceSession
  try {
    s = await ort.InferenceSession.create(req.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: req.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    })
  } catch (err) {
    throw runtimeFailure(err, 'EXEC_INVALID_MODULE', 'the runtime refused the model')
  }
  sessions.set(req.sessionKey, s)
  while (sessions.size > MAX_SESSIONS) {
    const [oldest, old] = sessions.entries().next().value as [string, InferenceSession]
    sessions.delete(oldest)
    void old.release()
  }
  return s
}

type TypedData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array

function typed(a: NpyArray): TypedData {
  const b = a.data.buffer as ArrayBuffer // decodeNpy copies: offset 0, its own buffer
  switch (a.dtype) {
    case 'float32':
      return new Float32Array(b)
    case 'float64':
      return new Float64Array(b)
    case 'float16':
    case 'uint16':
      return new Uint16Array(b)
    case 'int8':
      return new Int8Array(b)
    case 'int16':
      return new Int16Array(b)
    case 'int32':
      return new Int32Array(b)
    case 'int64':
      return new BigInt64Array(b)
    case 'uint32':
      return new Uint32Array(b)
    case 'uint64':
      return new BigUint64Array(b)
    case 'uint8':
    case 'bool':
      return new Uint8Array(b)
  }
}

function feeds(s: InferenceSession, inputs: ExecFile[]): Record<string, Tensor> {
  const byName = new Map<string, ExecFile>()
  for (const f of inputs) {
    const name = f.name.endsWith('.npy') ? f.name.slice(0, -4) : ''
    if (name === '' || !s.inputNames.includes(name)) {
      throw new JobFailure('EXEC_INPUT_INVALID', `input file ${JSON.stringify(f.name)} names no input of the model`, {
        file: f.name,
        inputs: s.inputNames.join(','),
      })
    }
    byName.set(name, f)
  }
  const out: Record<string, Tensor> = {}
  for (const meta of s.inputMetadata) {
    const f = byName.get(meta.name)
    if (f === undefined) {
      throw new JobFailure('EXEC_INPUT_MISSING', `input ${JSON.stringify(meta.name)} is missing (${meta.name}.npy)`, {
        input: meta.name,
      })
    }
    let arr: NpyArray
    try {
      arr = decodeNpy(f.data)
    } catch (err) {
      if (!(err instanceof NpyError)) throw err
      const code = err.code === 'NPY_DTYPE' ? 'EXEC_INPUT_DTYPE' : 'EXEC_INPUT_INVALID'
      throw new JobFailure(code, `input ${meta.name}: ${err.message}`, { input: meta.name })
    }
    if (!meta.isTensor) throw new JobFailure('EXEC_INPUT_DTYPE', `input ${meta.name} is not a tensor`)
    if (meta.type !== arr.dtype) {
      throw new JobFailure('EXEC_INPUT_DTYPE', `input ${meta.name} is ${meta.type}, the file holds ${arr.dtype}`, {
        input: meta.name,
        expected: meta.type,
        actual: arr.dtype,
      })
    }
    const fixed = meta.shape
    const wrongRank = fixed.length !== arr.shape.length
    if (wrongRank || fixed.some((d, i) => typeof d === 'number' && d >= 0 && d !== arr.shape[i])) {
      throw new JobFailure(
        'EXEC_INPUT_SHAPE',
        `input ${meta.name} has shape [${arr.shape}], the model wants [${fixed}]`,
        {
          input: meta.name,
          expected: `[${fixed.join(',')}]`,
          actual: `[${arr.shape.join(',')}]`,
        },
      )
    }
    out[meta.name] = new ort.Tensor(arr.dtype, typed(arr), arr.shape)
  }
  return out
}

/** Output order: by file name as UTF-8 bytes, the order of an output bundle's files. */
const byFileName = (a: string, b: string): number => Buffer.compare(Buffer.from(`${a}.npy`), Buffer.from(`${b}.npy`))

function outputNames(s: InferenceSession, requested: string[]): string[] {
  if (requested.length === 0) return [...s.outputNames].sort(byFileName)
  for (const name of requested) {
    if (!s.outputNames.includes(name)) {
      throw new JobFailure('EXEC_OUTPUT_UNKNOWN', `the model has no output ${JSON.stringify(name.slice(0, 80))}`, {
        output: name.slice(0, 80),
        outputs: s.outputNames.join(','),
      })
    }
  }
  return [...requested].sort(byFileName)
}

const NPY_OF_TENSOR: Record<string, NpyDtype | undefined> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  bool: 'bool',
}

async function runJob(req: ChildRun): Promise<ChildDone> {
  resetPeakRss()
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const s = await session(req)
  const names = outputNames(s, req.outputs)
  const input = feeds(s, req.inputs)
  const tRun = performance.now()
  let results: InferenceSession.ReturnType
  try {
    results = await s.run(input, names)
  } catch (err) {
    throw runtimeFailure(err, 'EXEC_TRAP', 'inference failed')
  }
  const inferenceMs = performance.now() - tRun
  const summary: Array<{ name: string; dtype: string; shape: number[] }> = []
  const outputs: ExecFile[] = []
  let bytes = 0
  for (const name of names) {
    const t = results[name]
    const dtype = NPY_OF_TENSOR[t.type]
    if (dtype === undefined)
      throw new JobFailure('EXEC_TRAP', `output ${name} has type ${t.type}, not a numeric tensor`)
    const data = t.data as TypedData
    bytes += data.byteLength
    if (bytes > req.outputBytes) {
      throw new JobFailure('EXEC_OUTPUT_LIMIT', `outputs over the limit of ${req.outputBytes} bytes`, {
        limit: req.outputBytes,
        used: bytes,
      })
    }
    const shape = t.dims.map(Number)
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    outputs.push({ name: `${name}.npy`, data: encodeNpy({ dtype, shape, data: raw }) })
    summary.push({ name, dtype, shape })
  }
  // stdout is part of the output bundle (and its CID), so it holds only what every provider
  // computes alike; timings go to stderr and metering
  const stdout = new TextEncoder().encode(JSON.stringify({ outputs: summary }) + '\n')
  const total = stdout.length + outputs.reduce((n, o) => n + o.data.length, 0)
  if (total > req.outputBytes) {
    throw new JobFailure('EXEC_OUTPUT_LIMIT', `outputs over the limit of ${req.outputBytes} bytes`, {
      limit: req.outputBytes,
      used: total,
    })
  }
  const cpu = process.cpuUsage(cpu0)
  const wallMs = performance.now() - t0
  const stderr = new TextEncoder().encode(
    JSON.stringify({ inferenceMs: round(inferenceMs), wallMs: round(wallMs), sessionCached: req.model === undefined }) +
      '\n',
  )
  return {
    type: 'done',
    id: req.id,
    stdout,
    stderr,
    outputs,
    metering: { wallMs: round(wallMs), cpuMs: round((cpu.user + cpu.system) / 1000), peakMemoryBytes: peakRss() },
    ...state(),
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000

process.on('message', (req: ChildRun) => {
  if (req.type !== 'run') return
  runJob(req).then(send, (err: unknown) => {
    const f =
      err instanceof JobFailure ? err : runtimeFailure(err, 'EXEC_CRASHED', 'the inference child failed unexpectedly')
    const failed: ChildFailed = {
      type: 'failed',
      id: req.id,
      code: f.code,
      message: f.message,
      details: f.details,
      recycle: f.recycle,
      ...state(),
    }
    send(failed)
  })
})

/** GPU execution providers that actually initialise a session here (CPU-only builds: none). */
async function probeGpus(backends: string[]): Promise<string[]> {
  const found: string[] = []
  for (const ep of ['cuda', 'tensorrt', 'migraphx', 'rocm'].filter((b) => backends.includes(b))) {
    try {
      const s = await ort.InferenceSession.create(identityModel(), { executionProviders: [ep], logSeverityLevel: 4 })
      await s.release()
      found.push(ep)
    } catch {
      // listed but its libraries are absent (the npm package's CUDA download is skipped here)
    }
  }
  return found
}

const listed = ort.listSupportedBackends?.() ?? []
const backends = listed.map((b) => b.name)
const gpuProviders = process.env.HIVE_ONNX_PROBE_GPU === '0' ? [] : await probeGpus(backends)
send({ type: 'ready', backends, gpuProviders, ...state() })
