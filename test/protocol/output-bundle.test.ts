import { expect } from 'chai'
import fc from 'fast-check'
import { cidForBytes } from '../../protocol/cid.ts'
import { isHiveError } from '../../protocol/errors.ts'
import {
  compareFileNames,
  decodeOutputBundle,
  encodeOutputBundle,
  isValidFileName,
  outputBundleCid,
  type OutputBundle,
} from '../../protocol/output-bundle.ts'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn()
  } catch (err) {
    expect(isHiveError(err, code), `expected ${code}, got ${String(err)}`).to.equal(true)
    return
  }
  expect.fail(`expected ${code}, nothing thrown`)
}

const sample: OutputBundle = {
  exitCode: 3,
  stdout: text('hello\n'),
  files: [
    { name: 'z.txt', data: text('last') },
    { name: 'a.txt', data: text('first') },
    { name: 'é.bin', data: new Uint8Array([0, 255, 1]) },
    { name: 'empty', data: new Uint8Array() },
  ],
}

describe('protocol/output-bundle', () => {
  it('round-trips a result, returning files in UTF-8 byte order', () => {
    const decoded = decodeOutputBundle(encodeOutputBundle(sample))
    expect(decoded.exitCode).to.equal(3)
    expect(decoded.stdout).to.deep.equal(sample.stdout)
    expect(decoded.files.map((f) => f.name)).to.deep.equal(['a.txt', 'empty', 'z.txt', 'é.bin'])
    expect(decoded.files[3].data).to.deep.equal(new Uint8Array([0, 255, 1]))
  })

  it('encodes the same bytes and CID whatever the order of the files', async () => {
    const a = encodeOutputBundle(sample)
    const b = encodeOutputBundle({ ...sample, files: [...sample.files].reverse() })
    expect(b).to.deep.equal(a)
    expect((await outputBundleCid(sample)).toString()).to.equal((await cidForBytes(a)).toString())
    const changed = encodeOutputBundle({ ...sample, exitCode: 0 })
    expect(changed).to.not.deep.equal(a)
  })

  it('round-trips arbitrary bundles and re-encodes decoded bytes identically (property)', () => {
    const name = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => isValidFileName(s))
    const bundle = fc.record({
      exitCode: fc.integer({ min: 0, max: 0xffffffff }),
      stdout: fc.uint8Array({ maxLength: 64 }),
      files: fc.uniqueArray(fc.record({ name, data: fc.uint8Array({ maxLength: 32 }) }), {
        selector: (f) => f.name,
        maxLength: 8,
      }),
    })
    fc.assert(
      fc.property(bundle, (b) => {
        const bytes = encodeOutputBundle(b)
        const back = decodeOutputBundle(bytes)
        expect(back.exitCode).to.equal(b.exitCode)
        expect(back.stdout).to.deep.equal(b.stdout)
        const sorted = [...b.files].sort((x, y) => compareFileNames(x.name, y.name))
        expect(back.files).to.deep.equal(sorted)
        expect(encodeOutputBundle(back)).to.deep.equal(bytes)
      }),
      { numRuns: 200 },
    )
  })

  it('refuses unsafe or duplicate names when encoding', () => {
    for (const name of ['', '.', '..', 'a/b', '../x', 'a\\b', 'nul\u0000', 'line\n', '\ud800', 'x'.repeat(256)]) {
      expect(isValidFileName(name), JSON.stringify(name)).to.equal(false)
      expectCode(
        () => encodeOutputBundle({ exitCode: 0, stdout: new Uint8Array(), files: [{ name, data: new Uint8Array() }] }),
        'OUTPUT_NAME_INVALID',
      )
    }
    expect(isValidFileName('...')).to.equal(true)
    expect(isValidFileName('counts.txt')).to.equal(true)
    expectCode(
      () =>
        encodeOutputBundle({
          exitCode: 0,
          stdout: new Uint8Array(),
          files: [
            { name: 'a', data: new Uint8Array() },
            { name: 'a', data: new Uint8Array(1) },
          ],
        }),
      'OUTPUT_NAME_DUPLICATE',
    )
    expectCode(() => encodeOutputBundle({ exitCode: -1, stdout: new Uint8Array(), files: [] }), 'OUTPUT_BUNDLE_INVALID')
  })

  it('rejects truncated, trailing, unsorted and non-canonical bytes', () => {
    const good = encodeOutputBundle(sample)
    for (let cut = 0; cut < good.length; cut += 7) {
      expectCode(() => decodeOutputBundle(good.subarray(0, cut)), 'OUTPUT_BUNDLE_MALFORMED')
    }
    expectCode(() => decodeOutputBundle(new Uint8Array([...good, 0])), 'OUTPUT_BUNDLE_MALFORMED')
    const badMagic = good.slice()
    badMagic[0] ^= 1
    expectCode(() => decodeOutputBundle(badMagic), 'OUTPUT_BUNDLE_MALFORMED')

    // two files written out of order by hand: 'b' then 'a'
    const twoFiles = encodeOutputBundle({
      exitCode: 0,
      stdout: new Uint8Array(),
      files: [
        { name: 'a', data: new Uint8Array() },
        { name: 'b', data: new Uint8Array() },
      ],
    })
    const swapped = twoFiles.slice()
    const firstName = twoFiles.length - 2 * 7 + 2 // each file: u16 len + 1 byte name + u32 len
    swapped[firstName] = 0x62
    swapped[firstName + 7] = 0x61
    expectCode(() => decodeOutputBundle(swapped), 'OUTPUT_BUNDLE_MALFORMED')
    const dup = twoFiles.slice()
    dup[firstName + 7] = 0x61
    expectCode(() => decodeOutputBundle(dup), 'OUTPUT_BUNDLE_MALFORMED')
    const slash = twoFiles.slice()
    slash[firstName] = 0x2f
    expectCode(() => decodeOutputBundle(slash), 'OUTPUT_NAME_INVALID')
    const dots = encodeOutputBundle({
      exitCode: 0,
      stdout: new Uint8Array(),
      files: [{ name: 'x.', data: new Uint8Array() }],
    })
    dots[dots.length - 6] = 0x2e // 'x.' -> '..'
    expectCode(() => decodeOutputBundle(dots), 'OUTPUT_NAME_INVALID')
    const badUtf8 = twoFiles.slice()
    badUtf8[firstName] = 0xff
    expectCode(() => decodeOutputBundle(badUtf8), 'OUTPUT_BUNDLE_MALFORMED')
  })

  it('enforces size and file-count limits on both sides', () => {
    const big: OutputBundle = { exitCode: 0, stdout: new Uint8Array(1000), files: [] }
    expectCode(() => encodeOutputBundle(big, { maxBytes: 500 }), 'OUTPUT_BUNDLE_TOO_LARGE')
    expectCode(() => decodeOutputBundle(encodeOutputBundle(big), { maxBytes: 500 }), 'OUTPUT_BUNDLE_TOO_LARGE')
    const many: OutputBundle = {
      exitCode: 0,
      stdout: new Uint8Array(),
      files: [1, 2, 3].map((i) => ({ name: `f${i}`, data: new Uint8Array() })),
    }
    expectCode(() => encodeOutputBundle(many, { maxFiles: 2 }), 'OUTPUT_BUNDLE_TOO_LARGE')
    expectCode(() => decodeOutputBundle(encodeOutputBundle(many), { maxFiles: 2 }), 'OUTPUT_BUNDLE_TOO_LARGE')
    // a count field claiming 4 billion files must fail on the limit, not allocate
    const hugeCount = encodeOutputBundle({ exitCode: 0, stdout: new Uint8Array(), files: [] })
    new DataView(hugeCount.buffer).setUint32(hugeCount.length - 4, 0xffffffff)
    expectCode(() => decodeOutputBundle(hugeCount), 'OUTPUT_BUNDLE_TOO_LARGE')
  })
})
