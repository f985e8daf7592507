// The same inference run directly with onnxruntime-node in this process, on a session the caller
// keeps: the reference the network's outputs are checked against (tests) and the benchmark's
// `localMs`. Same session options as the onnx executor: one intra-op thread, sequential.
import ort from 'onnxruntime-node'
import { decodeNpy, encodeNpy } from '../../protocol/inference/npy.ts'
import type { NpyArray, NpyDtype } from '../../protocol/inference/npy.ts'
import type { TensorFile } from './models.ts'

type OrtType = 'float32' | 'float64' | 'int32' | 'int64' | 'int8' | 'uint8' | 'bool' | 'int16' | 'uint16'

const ORT_TYPES: Partial<Record<NpyDtype, OrtType>> = {
  float32: 'float32',
  float64: 'float64',
  int32: 'int32',
  int64: 'int64',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
  int16: 'int16',
  uint16: 'uint16',
}

const TYPED: Record<OrtType, (b: ArrayBuffer, o: number, n: number) => ArrayBufferView> = {
  float32: (b, o, n) => new Float32Array(b, o, n / 4),
  float64: (b, o, n) => new Float64Array(b, o, n / 8),
  int32: (b, o, n) => new Int32Array(b, o, n / 4),
  int64: (b, o, n) => new BigInt64Array(b, o, n / 8),
  int8: (b, o, n) => new Int8Array(b, o, n),
  uint8: (b, o, n) => new Uint8Array(b, o, n),
  bool: (b, o, n) => new Uint8Array(b, o, n),
  int16: (b, o, n) => new Int16Array(b, o, n / 2),
  uint16: (b, o, n) => new Uint16Array(b, o, n / 2),
}

export async function localSession(model: Uint8Array): Promise<ort.InferenceSession> {
  return await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  })
}

function toTensor(arr: NpyArray): ort.Tensor {
  const type = ORT_TYPES[arr.dtype]
  if (type === undefined) throw new Error(`dtype ${arr.dtype} is not supported here`)
  const data = arr.data.slice()
  return new ort.Tensor(type, TYPED[type](data.buffer, 0, data.byteLength) as ort.Tensor['data'], arr.shape)
}

const DTYPES: Record<string, NpyDtype> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
}

/** Runs `inputs` (`<name>.npy` files) on the session; returns `<output>.npy` files sorted by name. */
export async function runLocal(session: ort.InferenceSession, inputs: TensorFile[]): Promise<TensorFile[]> {
  const feeds: Record<string, ort.Tensor> = {}
  for (const f of inputs) feeds[f.name.replace(/\.npy$/, '')] = toTensor(decodeNpy(f.data))
  const results = await session.run(feeds)
  return Object.keys(results)
    .sort()
    .map((name) => {
      const t = results[name]
      const dtype = DTYPES[t.type]
      const view = t.data as ArrayBufferView
      const data = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
      return { name: `${name}.npy`, data: encodeNpy({ dtype, shape: [...t.dims], data }) }
    })
}
