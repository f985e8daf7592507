// Measures the wasm executor (not a test: `npx tsx test/node/exec/measure.ts`). Prints one
// JSON object: tiny-job latency with a freshly spawned worker vs a pooled one, throughput
// of 200 tiny jobs on a pool of 2 (own pool, and one pool shared by 50 executors as in the
// market benchmark), and the run time of a mid-size mandelbrot.
import { readFileSync } from 'node:fs'
import { buildExamples } from '../../../examples/build.ts'
import { WasmExecutor, WorkerPool, type ExecJob } from '../../../node/exec/index.ts'
import { helloWat, wat } from './wat.ts'

const limits = { memoryBytes: 64 << 20, wallTimeMs: 30_000, outputBytes: 16 << 20 }
const tiny: ExecJob = { module: await wat(helloWat('hi\n')), inputs: [], args: [], limits }
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const round = (x: number): number => Math.round(x * 100) / 100

const spawnMs: number[] = []
for (let i = 0; i < 10; i++) {
  const t = performance.now()
  const ex = new WasmExecutor({ poolSize: 1 })
  await ex.start()
  await ex.run(tiny)
  spawnMs.push(performance.now() - t)
  await ex.stop()
}

const ex = new WasmExecutor({ poolSize: 2 })
await ex.start()
for (let i = 0; i < 20; i++) await ex.run(tiny) // warm up (module cache, JIT)
const pooledMs: number[] = []
for (let i = 0; i < 100; i++) {
  const t = performance.now()
  await ex.run(tiny)
  pooledMs.push(performance.now() - t)
}

async function throughput(run: (i: number) => Promise<unknown>, n: number): Promise<number> {
  const t = performance.now()
  await Promise.all(Array.from({ length: n }, async (_, i) => await run(i)))
  return n / ((performance.now() - t) / 1000)
}
const ownPoolJobsPerSec = await throughput(async () => await ex.run(tiny), 200)

const shared = new WorkerPool({ size: 2 })
const executors = Array.from({ length: 50 }, () => new WasmExecutor({ pool: shared }))
await Promise.all(executors.map(async (e) => await e.start()))
const sharedPoolJobsPerSec = await throughput(async (i) => await executors[i % 50].run(tiny), 200)
await Promise.all(executors.map(async (e) => await e.stop()))
await shared.stop()

const paths = await buildExamples()
const mandelbrot = new Uint8Array(readFileSync(paths.mandelbrot))
const mandel: Record<string, unknown> = {}
for (const [w, h, it] of [
  [640, 480, 1000],
  [1024, 768, 500],
]) {
  const times: number[] = []
  let metering
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const r = await ex.run({ module: mandelbrot, inputs: [], args: [String(w), String(h), String(it)], limits })
    times.push(performance.now() - t)
    metering = r.metering
  }
  mandel[`${w}x${h}x${it}`] = { medianMs: round(median(times)), metering }
}
await ex.stop()

console.log(
  JSON.stringify({
    measure: 'exec-wasm',
    tinyJobSpawnedWorkerMsP50: round(median(spawnMs)),
    tinyJobPooledWorkerMsP50: round(median(pooledMs)),
    tinyJobsPerSecPool2: Math.round(ownPoolJobsPerSec),
    tinyJobsPerSecSharedPool2For50Executors: Math.round(sharedPoolJobsPerSec),
    mandelbrot: mandel,
  }),
)
