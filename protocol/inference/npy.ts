// NumPy .npy files (format 1.0 and 2.0), the tensor format of inference jobs: one file per input
// or output tensor. Strict on purpose: these bytes come from strangers, so the header is bounded,
// only the three keys NumPy writes are accepted, only little-endian C-order numeric and bool
// dtypes, and the shape times the item size must equal the data length exactly (no trailing bytes).
import { HiveError } from '../errors.ts'

export const NPY_DTYPES = [
  'float16',
  'float32',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
] as const
export type NpyDtype = (typeof NPY_DTYPES)[number]

/** A tensor as raw little-endian bytes in C order. */
export interface NpyArray {
  dtype: NpyDtype
  shape: number[]
  data: Uint8Array
}

export class NpyError extends HiveError {
  static override name = 'NpyError'
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY
/** NumPy itself refuses headers over 10 000 bytes by default; a real header is under 200. */
export const NPY_MAX_HEADER_BYTES = 10_000
export const NPY_MAX_DIMS = 32

const DESCR: Record<NpyDtype, { descr: string; size: number }> = {
  float16: { descr: '<f2', size: 2 },
  float32: { descr: '<f4', size: 4 },
  float64: { descr: '<f8', size: 8 },
  int8: { descr: '|i1', size: 1 },
  int16: { descr: '<i2', size: 2 },
  int32: { descr: '<i4', size: 4 },
  int64: { descr: '<i8', size: 8 },
  uint8: { descr: '|u1', size: 1 },
  uint16: { descr: '<u2', size: 2 },
  uint32: { descr: '<u4', size: 4 },
  uint64: { descr: '<u8', size: 8 },
  bool: { descr: '|b1', size: 1 },
}

const BY_DESCR = new Map<string, NpyDtype>()
for (const d of NPY_DTYPES) {
  const { descr, size } = DESCR[d]
  BY_DESCR.set(descr, d)
  // one-byte types have no byte order: NumPy writes '|', other writers '<'; both mean the same
  if (size === 1) BY_DESCR.set(`<${descr.slice(1)}`, d)
}

export function npyItemSize(dtype: NpyDtype): number {
  return DESCR[dtype].size
}

/** Elements of a shape (1 for a scalar); throws when the count is not a safe integer. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new NpyError('NPY_SHAPE', `invalid dimension ${d}`)
    n *= d
    if (!Number.isSafeInteger(n)) throw new NpyError('NPY_SHAPE', 'shape has too many elements')
  }
  return n
}

const fail = (message: string, details: Record<string, string | number> = {}): NpyError =>
  new NpyError('NPY_INVALID', message, details)

/** Decodes one .npy file; the data is a copy (aligned, safe to view as a typed array). */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('not a .npy file (bad magic)')
  const major = bytes[6]
  const minor = bytes[7]
  if ((major !== 1 && major !== 2) || minor !== 0)
    throw fail(`unsupported .npy version ${major}.${minor}`, { major, minor })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const lenBytes = major === 1 ? 2 : 4
  if (bytes.length < 8 + lenBytes) throw fail('truncated .npy header')
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const start = 8 + lenBytes
  if (headerLen > NPY_MAX_HEADER_BYTES) throw fail('.npy header too long', { headerLen, limit: NPY_MAX_HEADER_BYTES })
  if (start + headerLen > bytes.length) throw fail('truncated .npy header', { headerLen })
  const header = bytes.subarray(start, start + headerLen)
  for (const b of header) if (b < 0x20 && b !== 0x0a) throw fail('.npy header is not printable ASCII')
  for (const b of header) if (b > 0x7e) throw fail('.npy header is not printable ASCII')
  const { dtype, shape } = parseHeader(new TextDecoder().decode(header))
  const expected = shapeSize(shape) * npyItemSize(dtype)
  const data = bytes.subarray(start + headerLen)
  if (data.length !== expected) {
    throw fail('.npy data length does not match its shape and dtype', { expected, actual: data.length })
  }
  // a fresh ArrayBuffer (never a view into a Buffer pool): offset 0, so any typed array fits
  return { dtype, shape, data: new Uint8Array(data) }
}

/**
 * Parses the header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
 * A hand-written parser for exactly this grammar: no eval, no nested values, every key once.
 */
function parseHeader(text: string): { dtype: NpyDtype; shape: number[] } {
  let i = 0
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n')) i++
  }
  const expect = (c: string): void => {
    ws()
    if (text[i] !== c) throw fail(`.npy header: expected '${c}' at ${i}`)
    i++
  }
  const str = (): string => {
    ws()
    const q = text[i]
    if (q !== "'" && q !== '"') throw fail(`.npy header: expected a string at ${i}`)
    const end = text.indexOf(q, i + 1)
    if (end < 0) throw fail('.npy header: unterminated string')
    const s = text.slice(i + 1, end)
    i = end + 1
    return s
  }
  const int = (): number => {
    ws()
    const m = /^[0-9]{1,16}/.exec(text.slice(i, i + 17))
    if (m === null) throw fail(`.npy header: expected an integer at ${i}`)
    i += m[0].length
    const n = Number(m[0])
    if (!Number.isSafeInteger(n)) throw fail('.npy header: dimension too large')
    return n
  }
  const values: { descr?: string; fortran?: boolean; shape?: number[] } = {}
  expect('{')
  for (;;) {
    ws()
    if (text[i] === '}') break
    const key = str()
    expect(':')
    ws()
    if (key === 'descr' && values.descr === undefined) values.descr = str()
    else if (key === 'fortran_order' && values.fortran === undefined) {
      if (text.startsWith('False', i)) values.fortran = false
      else if (text.startsWith('True', i)) values.fortran = true
      else throw fail('.npy header: fortran_order must be True or False')
      i += values.fortran ? 4 : 5
    } else if (key === 'shape' && values.shape === undefined) {
      const shape: number[] = []
      expect('(')
      ws()
      while (text[i] !== ')') {
        shape.push(int())
        if (shape.length > NPY_MAX_DIMS) throw fail('.npy shape has too many dimensions', { limit: NPY_MAX_DIMS })
        ws()
        if (text[i] === ',') i++
        else if (text[i] !== ')') throw fail(`.npy header: expected ',' or ')' at ${i}`)
        ws()
      }
      i++
      values.shape = shape
    } else throw fail(`.npy header: unexpected or repeated key ${JSON.stringify(key.slice(0, 40))}`)
    ws()
    if (text[i] === ',') i++
    else if (text[i] !== '}') throw fail(`.npy header: expected ',' or '}' at ${i}`)
  }
  i++
  ws()
  if (i !== text.length) throw fail('.npy header: trailing characters after the dict')
  if (values.descr === undefined || values.fortran === undefined || values.shape === undefined)
    throw fail('.npy header lacks descr, fortran_order or shape')
  if (values.fortran) throw fail('Fortran-order arrays are not accepted (write C order)')
  const dtype = BY_DESCR.get(values.descr)
  if (dtype === undefined) {
    const why = values.descr.startsWith('>') ? 'big-endian data is not accepted' : 'unsupported dtype'
    throw new NpyError('NPY_DTYPE', `${why}: ${JSON.stringify(values.descr.slice(0, 40))}`, {
      descr: values.descr.slice(0, 40),
    })
  }
  return { dtype, shape: values.shape }
}

/** Encodes a tensor as .npy 1.0 (2.0 only when the header would not fit), header padded to 64 bytes. */
export function encodeNpy(arr: NpyArray): Uint8Array {
  const { descr, size } = DESCR[arr.dtype]
  if (arr.shape.length > NPY_MAX_DIMS) throw fail('too many dimensions', { limit: NPY_MAX_DIMS })
  const expected = shapeSize(arr.shape) * size
  if (arr.data.length !== expected) throw fail('data length does not match shape and dtype', { expected })
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`
  let major = 1
  let pre = 10
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64
  if (total - pre > 0xffff) {
    major = 2
    pre = 12
    total = Math.ceil((pre + dict.length + 1) / 64) * 64
  }
  const headerLen = total - pre
  const out = new Uint8Array(total + arr.data.length)
  out.set(MAGIC, 0)
  out[6] = major
  out[7] = 0
  const view = new DataView(out.buffer)
  if (major === 1) view.setUint16(8, headerLen, true)
  else view.setUint32(8, headerLen, true)
  const header = dict.padEnd(headerLen - 1, ' ') + '\n'
  out.set(new TextEncoder().encode(header), pre)
  out.set(arr.data, total)
  return out
}
