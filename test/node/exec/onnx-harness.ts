// Shared helpers for the onnx executor tests. The models and their inputs are the examples'
// (examples/inference/models.ts): the tests run the bytes the demo and the benchmark post.
import { npyFile, toneFrame } from '../../../examples/inference/models.ts'
import { decodeNpy } from '../../../protocol/inference/npy.ts'
export { mlpExpected, mlpModel, npyFile, sileroInputs, sileroModel } from '../../../examples/inference/models.ts'
import type { ExecFile, ExecJob, ExecLimits } from '../../../node/exec/index.ts'

export const ONNX_LIMITS: ExecLimits = { memoryBytes: 256 * 1024 * 1024, wallTimeMs: 60_000, outputBytes: 1 << 20 }

export function onnxJob(module: Uint8Array, inputs: ExecFile[], over: Partial<ExecJob> = {}): ExecJob {
  return { module, inputs, args: [], ...over, limits: { ...ONNX_LIMITS, ...over.limits } }
}

export const f32 = (name: string, shape: number[], values: number[]): ExecFile =>
  npyFile(name, 'float32', shape, Float32Array.from(values))

export function readF32(file: ExecFile): { shape: number[]; values: number[] } {
  const a = decodeNpy(file.data)
  if (a.dtype !== 'float32') throw new Error(`${file.name} is ${a.dtype}`)
  return { shape: a.shape, values: [...new Float32Array(a.data.buffer)] }
}

/** Silero's inputs for one frame (examples/inference/models.ts), as typed arrays for a direct ONNX Runtime run. */
export function sileroFrame(): { input: Float32Array; sr: BigInt64Array; h: Float32Array; c: Float32Array } {
  return { input: toneFrame(), sr: BigInt64Array.from([16_000n]), h: new Float32Array(128), c: new Float32Array(128) }
}
