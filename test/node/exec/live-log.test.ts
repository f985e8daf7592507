// Issue 17: the wasm executor forwards a running job's stderr (never its stdout) through
// RunOptions.onLog as it is written, batched and bounded, before run() settles.
import { expect } from 'chai'
import { WasmExecutor } from '../../../node/exec/index.ts'
import type { LogChunk } from '../../../node/exec/types.ts'
import { floodStderrWat, slowStderrWat, STDOUT_MARKER } from '../../support/log-modules.ts'
import { job, LIMITS, str, wat } from './harness.ts'

describe('node/exec live job output (issue 17)', function () {
  this.timeout(120_000)
  let exec: WasmExecutor

  before(async () => {
    exec = new WasmExecutor({ poolSize: 1 })
    await exec.start()
  })
  after(async () => {
    await exec?.stop()
  })

  it(
    'streams stderr lines while the job runs (one message per' + ' line when writes are spaced), never stdout',
    async () => {
      const chunks: Array<{ at: number; chunk: LogChunk }> = []
      const module = await wat(slowStderrWat(3, 200_000_000n))
      const r = await exec.run(job(module, { limits: { ...LIMITS, wallTimeMs: 100_000 } }), {
        onLog: (chunk) => chunks.push({ at: performance.now(), chunk }),
      })
      const done = performance.now()
      expect(str(r.stdout)).to.equal(`${STDOUT_MARKER}\n`)
      const texts = chunks.map((c) => str(c.chunk.data))
      expect(texts.join('')).to.equal('line 0\nline 1\nline 2\nprogress: 1\n')
      // spaced writes come one by one, as they happen: "line 0" alone, before the job ended
      expect(texts[0]).to.equal('line 0\n')
      expect(chunks.length).to.be.at.least(3)
      expect(chunks[0].at).to.be.below(done)
      expect(chunks.every((c) => c.chunk.skipped === 0)).to.equal(true)
      expect(texts.join('')).to.not.include(STDOUT_MARKER)
      // the result's own stderr is unchanged by the tap
      expect(str(r.stderr)).to.equal('line 0\nline 1\nline 2\nprogress: 1\n')
    },
  )

  it(
    'a flood of stderr is batched and bounded: few messages,' + ' each ≤ 16 KiB, the excess counted as skipped',
    async () => {
      const chunks: LogChunk[] = []
      const writes = 100_000 // 6.4 MB of stderr
      await exec.run(job(await wat(floodStderrWat(writes, 0n))), { onLog: (c) => chunks.push(c) })
      const received = chunks.reduce((n, c) => n + c.data.length, 0)
      const skipped = chunks.reduce((n, c) => n + c.skipped, 0)
      expect(received + skipped).to.equal(writes * 64)
      expect(chunks.every((c) => c.data.length <= 16 * 1024)).to.equal(true)
      expect(chunks.length, 'messages').to.be.below(writes / 100)
      expect(skipped).to.be.above(0)
    },
  )

  it('without onLog nothing is forwarded (the run is as before)', async () => {
    const r = await exec.run(job(await wat(slowStderrWat(2, 0n))))
    expect(str(r.stderr)).to.equal('line 0\nline 1\nprogress: 1\n')
  })
})
