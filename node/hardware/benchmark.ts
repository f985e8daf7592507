// A short, standard, single-threaded CPU benchmark. Every work unit is the same deterministic
// mix of integer hashing, floating point and dependent memory reads (roughly what a WASM job
// does), so the score is "units per CPU-second" scaled to ~1000 for one core of the 2020s
// server this was calibrated on. Single-threaded on purpose: on a shared machine an all-core
// score mostly measures the neighbours. Rates are per second of this process's CPU time, not of
// wall time, so a busy machine (which deschedules us) doesn't read as a slow CPU; and the best
// of several short rounds is kept, since what noise remains (cache pollution, GC threads) only
// ever makes a round slower.

/** Bump when the workload changes: cached scores from another version are not comparable. */
export const BENCHMARK_VERSION = 2
/** Units per second that map to a score of 1000 (an AMD EPYC (Zen 4) VM core with Node 22). */
const REFERENCE_UNITS_PER_SECOND = 400_000
const TABLE_SIZE = 1 << 14 // 64 KiB of Int32: fits in L2, not L1, so the walk is not free

export interface CpuBenchmarkOptions {
  /** total wall time to spend, including a warm-up round (default 1000) */
  durationMs?: number
  /** measured rounds after the warm-up (default 5) */
  rounds?: number
}

export interface CpuBenchmarkResult {
  /** normalised score: higher is faster; ~1000 = reference core */
  score: number
  /** wall time actually spent */
  durationMs: number
  /** units per CPU-second of each measured round */
  roundRates: number[]
  /** fold of every unit's output; identical across runs that did the same number of units */
  checksum: number
}

function makeTable(): Int32Array {
  const t = new Int32Array(TABLE_SIZE)
  let x = 0x9e3779b9
  for (let i = 0; i < TABLE_SIZE; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    t[i] = x
  }
  return t
}

/** One unit of work; pure function of (seed, table). */
export function benchmarkUnit(seed: number, table: Int32Array): number {
  // integer: xorshift + multiply-rotate hashing
  let h = (seed ^ 0x811c9dc5) | 0
  for (let i = 0; i < 512; i++) {
    h ^= h << 13
    h ^= h >>> 17
    h ^= h << 5
    h = Math.imul(h, 0x01000193) ^ (h >>> 15)
  }
  // floating point: a few steps of a Mandelbrot orbit, bounded so it never overflows
  let zr = 0
  let zi = 0
  const cr = ((h & 0xffff) / 0x10000) * 0.5 - 0.75
  const ci = (((h >>> 16) & 0xffff) / 0x10000) * 0.5 - 0.25
  let f = 0
  for (let i = 0; i < 256; i++) {
    const t = zr * zr - zi * zi + cr
    zi = 2 * zr * zi + ci
    zr = t
    if (zr * zr + zi * zi > 4) {
      zr = 0
      zi = 0
      f++
    }
  }
  // memory: a dependent walk through the table (each read decides the next index)
  let idx = h & (TABLE_SIZE - 1)
  let m = 0
  for (let i = 0; i < 256; i++) {
    const v = table[idx]
    m = (m + v) | 0
    idx = (v ^ m) & (TABLE_SIZE - 1)
  }
  return (h ^ m ^ f ^ Math.floor(zr * 1e6)) | 0
}

/** Runs the benchmark on the calling thread (blocks it for about durationMs). */
export function runCpuBenchmark(options: CpuBenchmarkOptions = {}): CpuBenchmarkResult {
  const durationMs = options.durationMs ?? 1000
  const rounds = Math.max(1, options.rounds ?? 5)
  const table = makeTable()
  const warmupMs = durationMs * 0.1
  const roundMs = (durationMs - warmupMs) / rounds
  const started = performance.now()
  let checksum = 0
  let seed = 0

  const runFor = (ms: number): { units: number; cpuSeconds: number } => {
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    let units = 0
    let now = t0
    while (now - t0 < ms) {
      // 32 units (~80 µs on the reference core) between clock reads keeps the timer out of the measurement
      for (let k = 0; k < 32; k++) checksum = (checksum + benchmarkUnit(seed++, table)) | 0
      units += 32
      now = performance.now()
    }
    const cpu = process.cpuUsage(cpu0)
    // getrusage has µs resolution; the floor only guards against a zero on exotic platforms
    return { units, cpuSeconds: Math.max(cpu.user + cpu.system, 1) / 1e6 }
  }

  runFor(warmupMs) // lets the JIT optimise benchmarkUnit before anything is counted
  const roundRates: number[] = []
  for (let r = 0; r < rounds; r++) {
    const { units, cpuSeconds } = runFor(roundMs)
    roundRates.push(units / cpuSeconds)
  }
  const best = Math.max(...roundRates)
  return {
    score: Math.round((best / REFERENCE_UNITS_PER_SECOND) * 1000),
    durationMs: Math.round(performance.now() - started),
    roundRates: roundRates.map((r) => Math.round(r)),
    checksum,
  }
}
