// The example jobs give correct, checkable output, and the same output CID on every run and
// on every executor (the property redundancy relies on).
import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { buildExamples } from '../../../examples/build.ts'
import { decodeOutputBundle } from '../../../protocol/output-bundle.ts'
import { cidForBytes } from '../../../protocol/cid.ts'
import { encodeResultBundle, resultOutputCid, WasmExecutor, type ExecResult } from '../../../node/exec/index.ts'
import { expectExecError, job, str, text } from './harness.ts'

const cidOf = async (r: ExecResult): Promise<string> => (await resultOutputCid(r)).toString()

/** wc-style counts and top words, computed independently of the module. */
function referenceWordcount(files: Array<{ name: string; data: Uint8Array }>, top: number): string {
  const pad = (v: number | string, w: number): string => String(v).padStart(w)
  const freq = new Map<string, number>()
  let out = `${pad('lines', 10)}${pad('words', 10)}${pad('bytes', 12)}  file\n`
  const total = [0, 0, 0]
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const s = Buffer.from(f.data).toString('latin1')
    const c = [s.split('\n').length - 1, s.split(/[ \t\n\v\f\r]+/).filter((w) => w !== '').length, f.data.length]
    c.forEach((v, i) => {
      total[i] += v
    })
    out += `${pad(c[0], 10)}${pad(c[1], 10)}${pad(c[2], 12)}  ${f.name}\n`
    for (const w of s.match(/[A-Za-z0-9']+/g) ?? []) freq.set(w.toLowerCase(), (freq.get(w.toLowerCase()) ?? 0) + 1)
  }
  out += `${pad(total[0], 10)}${pad(total[1], 10)}${pad(total[2], 12)}  total\n`
  const words = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const n = Math.min(top, words.length)
  out += `\ntop ${n} words of ${words.length} distinct\n`
  for (const [w, c] of words.slice(0, n)) out += `${pad(c, 10)}  ${w}\n`
  return out
}

/** The Mandelbrot membership of every pixel, in the module's Q4.28 fixed point, with BigInt. */
function referenceInside(width: number, height: number, maxIter: number): boolean[] {
  const FRAC = 28n
  const ONE = 1n << FRAC
  const out: boolean[] = []
  for (let py = 0; py < height; py++) {
    const y0 = -(5n * ONE) / 4n + (((5n * ONE) / 2n) * BigInt(py)) / BigInt(height)
    for (let px = 0; px < width; px++) {
      const x0 = -(5n * ONE) / 2n + (((7n * ONE) / 2n) * BigInt(px)) / BigInt(width)
      let x = 0n
      let y = 0n
      let x2 = 0n
      let y2 = 0n
      let n = 0
      while (n < maxIter && x2 + y2 <= 4n << FRAC) {
        y = ((x * y) >> (FRAC - 1n)) + y0
        x = x2 - y2 + x0
        x2 = (x * x) >> FRAC
        y2 = (y * y) >> FRAC
        n++
      }
      out.push(n === maxIter)
    }
  }
  return out
}

describe('node/exec example jobs', function () {
  this.timeout(120_000) // the first build of the examples compiles AssemblyScript
  const ex = new WasmExecutor({ poolSize: 2 })
  const modules: Record<string, Uint8Array> = {}
  before(async () => {
    const paths = await buildExamples()
    for (const [name, path] of Object.entries(paths)) modules[name] = new Uint8Array(readFileSync(path))
    await ex.start()
  })
  after(async () => {
    await ex.stop()
  })

  it('wordcount counts lines, words, bytes and top words like wc does', async () => {
    const inputs = [
      { name: 'poem.txt', data: text('The quick brown fox\njumps over the lazy dog.\nThe end\n') },
      { name: 'notes.md', data: text("it's  a\ttest  \n\n  no newline at END, the end") },
      { name: 'empty', data: new Uint8Array() },
    ]
    const r = await ex.run(job(modules.wordcount, { inputs, args: ['5'] }))
    expect(r.exitCode, str(r.stderr)).to.equal(0)
    expect(str(r.stdout)).to.equal('3 files, 5 lines, 20 words, 97 bytes\n')
    expect(r.outputs.map((o) => o.name)).to.deep.equal(['counts.txt'])
    expect(str(r.outputs[0].data)).to.equal(referenceWordcount(inputs, 5))
    expect(str(r.outputs[0].data)).to.contain('         4  the\n')

    const reordered = await ex.run(job(modules.wordcount, { inputs: [...inputs].reverse(), args: ['5'] }))
    expect(await cidOf(reordered)).to.equal(await cidOf(r))
  })

  it('primes finds the 9592 primes below 100000 and agrees with a JS sieve', async () => {
    const run = async (n: number): Promise<string> =>
      str((await ex.run(job(modules.primes, { args: [String(n)] }))).stdout)
    expect(await run(100_000)).to.equal('primes <= 100000: 9592, largest 99991\n')
    expect(await run(100)).to.equal('primes <= 100: 25, largest 97\n')
    const n = 123_457
    const sieve = new Uint8Array(n + 1)
    let count = 0
    let last = 0
    for (let i = 2; i <= n; i++) {
      if (sieve[i] !== 0) continue
      count++
      last = i
      for (let j = i * i; j <= n; j += i) sieve[j] = 1
    }
    expect(await run(n)).to.equal(`primes <= ${n}: ${count}, largest ${last}\n`)
    const bad = await ex.run(job(modules.primes, { args: ['12x'] }))
    expect(bad.exitCode).to.equal(2) // a usage error is a result, not an executor error
    expect(str(bad.stderr)).to.match(/usage/)
  })

  it('mandelbrot draws the set (checked pixel by pixel against fixed-point BigInt maths)', async () => {
    const [w, h, iter] = [96, 64, 200]
    const r = await ex.run(job(modules.mandelbrot, { args: [String(w), String(h), String(iter)] }))
    expect(r.exitCode, str(r.stderr)).to.equal(0)
    const pgm = r.outputs.find((o) => o.name === 'mandelbrot.pgm')?.data
    expect(pgm).to.not.equal(undefined)
    const header = `P5\n${w} ${h}\n255\n`
    expect(str(pgm!.subarray(0, header.length))).to.equal(header)
    expect(pgm!.length).to.equal(header.length + w * h)
    const inside = referenceInside(w, h, iter)
    const pixels = pgm!.subarray(header.length)
    expect(Array.from(pixels, (p) => p === 0)).to.deep.equal(inside)
    const count = inside.filter(Boolean).length
    expect(count).to.be.within(w * h * 0.1, w * h * 0.4) // the set covers a fair part of this frame
    expect(str(r.stdout)).to.match(
      new RegExp(`^mandelbrot ${w}x${h} maxIter ${iter}: ${count} points inside, pixel checksum \\d+\\n$`),
    )
  })

  it('gives the same output CID on every run and on another executor', async () => {
    const other = new WasmExecutor({ poolSize: 1 })
    await other.start()
    try {
      const args = ['200', '150', '300']
      const runs = [
        await ex.run(job(modules.mandelbrot, { args })),
        await ex.run(job(modules.mandelbrot, { args })),
        await other.run(job(modules.mandelbrot, { args })),
      ]
      const cids = await Promise.all(runs.map(cidOf))
      expect(new Set(cids).size).to.equal(1)
      const bundle = encodeResultBundle(runs[0])
      expect((await cidForBytes(bundle)).toString()).to.equal(cids[0])
      expect(decodeOutputBundle(bundle).files.map((f) => f.name)).to.deep.equal(['mandelbrot.pgm'])
      const different = await cidOf(await ex.run(job(modules.mandelbrot, { args: ['200', '150', '301'] })))
      expect(different).to.not.equal(cids[0])
    } finally {
      await other.stop()
    }
  })

  it('meters wall time, CPU time and peak memory', async () => {
    const r = await ex.run(job(modules.primes, { args: ['3000000'] }))
    expect(r.metering.wallMs).to.be.above(0)
    expect(r.metering.cpuMs).to.be.at.least(0)
    expect(r.metering.peakMemoryBytes % 65536).to.equal(0)
    expect(r.metering.peakMemoryBytes).to.be.above(1_500_000) // the sieve holds 1.5 MB
  })

  it('an AssemblyScript job that runs out of its memory cap fails with EXEC_MEMORY_LIMIT', async () => {
    const err = await expectExecError(
      ex.run(job(modules.primes, { args: ['100000000'], limits: { memoryBytes: 8 * 1024 * 1024 } as never })),
      'EXEC_MEMORY_LIMIT',
    )
    expect(err.details.limit).to.equal(8 * 1024 * 1024)
    expect(err.details.requested as number).to.be.above(8 * 1024 * 1024)
  })
})
