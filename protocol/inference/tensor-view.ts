// A decoded .npy tensor as numbers, for the tolerance vote (tolerance.ts): the raw little-endian
// bytes viewed through the typed array of their dtype; float16 is widened by hand (no Float16Array
// in Node 22).
import type { TensorView } from './tolerance.ts'
import type { NpyArray, NpyDtype } from './npy.ts'

function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >> 10) & 0x1f
  const frac = h & 0x3ff
  if (exp === 0) return sign * frac * 2 ** -24
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN
  return sign * (1 + frac / 1024) * 2 ** (exp - 15)
}

function view(dtype: NpyDtype, bytes: Uint8Array): ArrayLike<number | bigint | boolean> {
  // decodeNpy copies the data, so its offset is 0 and the views below are aligned
  const { buffer, byteOffset, byteLength } = bytes
  switch (dtype) {
    case 'float16': {
      const u16 = new Uint16Array(buffer, byteOffset, byteLength / 2)
      return Float64Array.from(u16, float16ToNumber)
    }
    case 'float32':
      return new Float32Array(buffer, byteOffset, byteLength / 4)
    case 'float64':
      return new Float64Array(buffer, byteOffset, byteLength / 8)
    case 'int8':
      return new Int8Array(buffer, byteOffset, byteLength)
    case 'int16':
      return new Int16Array(buffer, byteOffset, byteLength / 2)
    case 'int32':
      return new Int32Array(buffer, byteOffset, byteLength / 4)
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, byteLength / 8)
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, byteLength)
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, byteLength / 2)
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, byteLength / 4)
    case 'uint64':
      return new BigUint64Array(buffer, byteOffset, byteLength / 8)
  }
}

/** The tensor's elements as numbers (bigints for 64-bit integers); the dtype is kept for comparison. */
export function tensorView(arr: NpyArray): TensorView {
  // an unaligned slice (a caller's own bytes) is copied once so that the typed views line up
  const data = arr.data.byteOffset % 8 === 0 ? arr.data : arr.data.slice()
  return { dtype: arr.dtype, shape: arr.shape, data: view(arr.dtype, data) }
}
