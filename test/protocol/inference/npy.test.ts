import { expect } from 'chai'
import { decodeNpy, encodeNpy, NPY_DTYPES, npyItemSize, type NpyArray } from '../../../protocol/inference/npy.ts'

// written by numpy 2: np.save(f, np.arange(6, dtype='<f4').reshape(2, 3))
const NUMPY_F4_2x3 =
  '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c' +
  '20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020' +
  '2020202020202020202020202020202020202020202020202020200a000000000000803f0000004000004040000080400000' +
  'a040'

function npyWithHeader(dict: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12
  const dictLen = new TextEncoder().encode(dict).length
  const total = Math.ceil((pre + dictLen + 1) / 64) * 64
  const header = dict + ' '.repeat(total - pre - 1 - dictLen) + '\n'
  const out = new Uint8Array(total + data.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0])
  const v = new DataView(out.buffer)
  if (major === 1) v.setUint16(8, total - pre, true)
  else v.setUint32(8, total - pre, true)
  out.set(new TextEncoder().encode(header), pre)
  out.set(data, total)
  return out
}

function expectCode(fn: () => unknown, code: string, pattern?: RegExp): void {
  try {
    fn()
  } catch (err) {
    expect((err as { code?: string }).code).to.equal(code)
    if (pattern !== undefined) expect((err as Error).message).to.match(pattern)
    return
  }
  expect.fail(`expected ${code}`)
}

describe('protocol/inference/npy', () => {
  it('decodes a file written by NumPy and encodes it back byte for byte', () => {
    const bytes = Buffer.from(NUMPY_F4_2x3, 'hex')
    const arr = decodeNpy(bytes)
    expect(arr.dtype).to.equal('float32')
    expect(arr.shape).to.deep.equal([2, 3])
    expect([...new Float32Array(arr.data.buffer)]).to.deep.equal([0, 1, 2, 3, 4, 5])
    expect(Buffer.from(encodeNpy(arr)).toString('hex')).to.equal(NUMPY_F4_2x3)
  })

  it('round-trips every dtype, scalars, empty and 1-d shapes', () => {
    for (const dtype of NPY_DTYPES) {
      for (const shape of [[], [0], [5], [2, 3, 1]]) {
        const n = shape.reduce((a, b) => a * b, 1)
        const data = new Uint8Array(n * npyItemSize(dtype)).map((_, i) => (dtype === 'bool' ? i % 2 : i * 7))
        const arr: NpyArray = { dtype, shape, data }
        const bytes = encodeNpy(arr)
        expect((bytes.length - data.length) % 64).to.equal(0)
        expect(decodeNpy(bytes)).to.deep.equal(arr)
      }
    }
  })

  it('reads format 2.0 and one-byte types written with < or |', () => {
    const a = decodeNpy(
      npyWithHeader("{'descr': '<u1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([1, 2]), 2),
    )
    expect(a).to.deep.equal({ dtype: 'uint8', shape: [2], data: new Uint8Array([1, 2]) })
    const b = decodeNpy(npyWithHeader("{'shape': (1,), 'fortran_order': False, 'descr': '|b1'}", new Uint8Array([1])))
    expect(b.dtype).to.equal('bool')
  })

  describe('refuses', () => {
    const f4 = (shape: string, n: number): Uint8Array =>
      npyWithHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`, new Uint8Array(n))
    it('a bad magic or version', () => {
      expectCode(() => decodeNpy(new Uint8Array(20)), 'NPY_INVALID', /magic/)
      const b = f4('(1,)', 4)
      b[6] = 3
      expectCode(() => decodeNpy(b), 'NPY_INVALID', /version/)
    })
    it('a header longer than the bound or than the file', () => {
      const long = npyWithHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': (0,), ${' '.repeat(12_000)}}`)
      expectCode(() => decodeNpy(long), 'NPY_INVALID', /too long/)
      expectCode(() => decodeNpy(f4('(1,)', 4).subarray(0, 40)), 'NPY_INVALID', /truncated/)
    })
    it('data shorter or longer than shape × item size', () => {
      expectCode(() => decodeNpy(f4('(2, 3)', 20)), 'NPY_INVALID', /length/)
      expectCode(() => decodeNpy(f4('(2, 3)', 28)), 'NPY_INVALID', /length/)
    })
    it('Fortran order, big endian, object and unknown dtypes', () => {
      const fortran = npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", new Uint8Array(4))
      expectCode(() => decodeNpy(fortran), 'NPY_INVALID', /Fortran/)
      const be = npyWithHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4))
      expectCode(() => decodeNpy(be), 'NPY_DTYPE', /big-endian/)
      const obj = npyWithHeader("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8))
      expectCode(() => decodeNpy(obj), 'NPY_DTYPE', /unsupported/)
      const complex = npyWithHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8))
      expectCode(() => decodeNpy(complex), 'NPY_DTYPE')
      const structured = npyWithHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }")
      expectCode(() => decodeNpy(structured), 'NPY_INVALID')
    })
    it('missing, repeated or extra keys, trailing text and non-ASCII headers', () => {
      expectCode(() => decodeNpy(npyWithHeader("{'descr': '<f4', 'shape': (0,), }")), 'NPY_INVALID', /lacks/)
      const rep = "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (0,), }"
      expectCode(() => decodeNpy(npyWithHeader(rep)), 'NPY_INVALID', /repeated/)
      const extra = "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), 'x': 1}"
      expectCode(() => decodeNpy(npyWithHeader(extra)), 'NPY_INVALID', /unexpected/)
      const trail = "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), } x"
      expectCode(() => decodeNpy(npyWithHeader(trail)), 'NPY_INVALID', /trailing/)
      const uni = "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), 'é': 1}"
      expectCode(() => decodeNpy(npyWithHeader(uni)), 'NPY_INVALID', /ASCII/)
    })
    it('negative, fractional, huge or too many dimensions', () => {
      expectCode(() => decodeNpy(f4('(-1,)', 0)), 'NPY_INVALID')
      expectCode(() => decodeNpy(f4('(1.5,)', 0)), 'NPY_INVALID')
      expectCode(() => decodeNpy(f4('(99999999999999999,)', 0)), 'NPY_INVALID')
      expectCode(() => decodeNpy(f4('(4294967296, 4294967296)', 0)), 'NPY_SHAPE', /too many elements/)
      expectCode(() => decodeNpy(f4(`(${Array(33).fill(1).join(', ')})`, 4)), 'NPY_INVALID', /dimensions/)
    })
  })
})
