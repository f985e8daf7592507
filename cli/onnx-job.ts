// `hive job post --onnx model.onnx --input name=file.npy … [--output name …] [--atol x] [--rtol y]
// [--threads n]` (issue 18): an inference job. The model and every tensor are checked here, before
// the node is contacted, so that a wrong file or name is a usage error that says how to fix it:
// the model by the same checks a provider runs (protocol/inference/onnx-model.ts), the tensors by
// the strict .npy decoder, the names against the model's own inputs and outputs.
import { readFile } from 'node:fs/promises'
import { UsageError } from '../protocol/errors.ts'
import { checkOnnxModel } from '../protocol/inference/onnx-model.ts'
import { decodeNpy } from '../protocol/inference/npy.ts'
import { tensorView } from '../protocol/inference/tensor-view.ts'
import { TOLERANCE_BOUNDS } from '../protocol/market/tolerance-spec.ts'

export interface OnnxPostOptions {
  /** the model file */
  model: string
  /** `name=file.npy` */
  inputs: string[]
  outputs: string[]
  atol?: string
  rtol?: string
  threads?: number
}

export interface OnnxJobParts {
  module: string
  inputs: Array<{ name: string; data: string }>
  args: string[]
  tolerances?: Array<{ output: string; atol: string; rtol: string }>
  threads?: number
  /** what the model declares (for the summary) */
  modelInputs: string[]
  modelOutputs: string[]
}

async function read(file: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message
    throw new UsageError('FILE_UNREADABLE', `${flag} ${file}: ${why}`)
  }
}

function checkNumber(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined
  const t = text.trim()
  const value = Number(t)
  if (!TOLERANCE_BOUNDS.number.test(t) || !Number.isFinite(value) || value > TOLERANCE_BOUNDS.maxValue)
    throw new UsageError(
      'BAD_TOLERANCE',
      `${flag} ${text}: give a non-negative decimal such as 0.001 or 1e-5 (at most ${TOLERANCE_BOUNDS.maxValue})`,
    )
  return t
}

/** Reads and checks the model and tensors; the parts of the POST /v1/jobs body for an onnx job. */
export async function prepareOnnxJob(opts: OnnxPostOptions): Promise<OnnxJobParts> {
  const model = await read(opts.model, '--onnx')
  const verdict = checkOnnxModel(model)
  if (!verdict.ok)
    throw new UsageError(
      verdict.problem.code,
      `--onnx ${opts.model}: ${verdict.problem.message} (providers refuse such models)`,
    )
  const { inputs: wanted, outputs: declared } = verdict.info
  const inputs: Array<{ name: string; data: string }> = []
  for (const item of opts.inputs) {
    const eq = item.indexOf('=')
    if (eq <= 0 || eq === item.length - 1)
      throw new UsageError(
        'BAD_INPUT',
        `--input ${item}: an onnx job's inputs are name=file.npy, one per model input (${wanted.join(', ')})`,
      )
    const name = item.slice(0, eq)
    const file = item.slice(eq + 1)
    if (!wanted.includes(name))
      throw new UsageError(
        'UNKNOWN_INPUT',
        `--input ${item}: the model has no input "${name}"; its inputs are ${wanted.join(', ') || '(none)'}`,
      )
    if (inputs.some((i) => i.name === `${name}.npy`))
      throw new UsageError('DUPLICATE_INPUT', `--input ${item}: input "${name}" is given twice`)
    const bytes = await read(file, '--input')
    try {
      decodeNpy(bytes)
    } catch (err) {
      throw new UsageError(
        'BAD_TENSOR',
        `--input ${item}: ${file} is not a tensor this network reads: ${(err as Error).message} ` +
          '(write it with numpy.save, little-endian, C order, a numeric or bool dtype)',
      )
    }
    inputs.push({ name: `${name}.npy`, data: bytes.toString('base64') })
  }
  const missing = wanted.filter((w) => !inputs.some((i) => i.name === `${w}.npy`))
  if (missing.length > 0)
    throw new UsageError('MISSING_INPUT', `the model needs ${missing.map((m) => `--input ${m}=<file.npy>`).join(' ')}`)
  for (const o of opts.outputs)
    if (!declared.includes(o))
      throw new UsageError('UNKNOWN_OUTPUT', `--output ${o}: the model's outputs are ${declared.join(', ')}`)
  const atol = checkNumber(opts.atol, '--atol')
  const rtol = checkNumber(opts.rtol, '--rtol')
  const tolerant = (atol !== undefined && Number(atol) > 0) || (rtol !== undefined && Number(rtol) > 0)
  if ((opts.threads ?? 1) > 1 && !tolerant)
    throw new UsageError(
      'THREADS_NEED_TOLERANCE',
      `--threads ${opts.threads}: threaded runs differ in the last bits, so outputs can only be compared ` +
        'within a tolerance: add --atol and/or --rtol, or drop --threads',
    )
  return {
    module: model.toString('base64'),
    inputs,
    args: [...opts.outputs],
    ...(tolerant ? { tolerances: [{ output: '', atol: atol ?? '0', rtol: rtol ?? '0' }] } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    modelInputs: wanted,
    modelOutputs: declared,
  }
}

/** One line per output tensor: its name, dtype, shape and first few values. */
export function tensorSummary(files: Array<{ name: string; data: Uint8Array }>, first = 5): string[] {
  const lines: string[] = []
  for (const f of files) {
    if (!f.name.endsWith('.npy')) continue
    try {
      const arr = decodeNpy(f.data)
      const view = tensorView(arr)
      const n = Math.min(first, view.data.length)
      const values = Array.from({ length: n }, (_, i) => {
        const v = view.data[i]
        return typeof v === 'number' ? Number(v.toPrecision(6)).toString() : String(v)
      })
      const more = view.data.length > n ? `, … (${view.data.length} values)` : ''
      lines.push(`${f.name.slice(0, -4)}: ${arr.dtype} [${arr.shape.join(', ')}] = [${values.join(', ')}${more}]`)
    } catch (err) {
      lines.push(`${f.name}: not readable as a tensor (${(err as Error).message})`)
    }
  }
  return lines
}
