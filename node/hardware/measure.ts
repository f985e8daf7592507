// The node's hardware profile: a fresh systeminformation read every start (cheap), and the CPU
// benchmark re-run only when the cached score is missing, old, or from another CPU or benchmark
// version, so a restart doesn't spend a second of full CPU (and doesn't perturb co-located
// peers' benchmarks) for a number that cannot have changed.
import { logger } from '../log/logger.ts'
import { BENCHMARK_VERSION, runCpuBenchmark } from './benchmark.ts'
import { readHardware } from './read.ts'
import type { MachineInfo } from './read.ts'
import type { ProfileHardware } from '../../protocol/profile.ts'
import type { JsonSublevel } from '../store.ts'

const log = logger('hive:hardware')
const CACHE_KEY = 'cpuBenchmark'

interface CachedBenchmark {
  version: number
  cpu: string
  cpuScore: number
  durationMs: number
  measuredAt: number
}

export interface MeasureOptions {
  /** where to cache the score (the store's meta sublevel); no caching without it */
  cache?: JsonSublevel
  benchmarkMs?: number
  /** re-run after this long (default 7 days) */
  maxAgeMs?: number
  /** ignore the cache */
  refresh?: boolean
  now?: () => number
  /** skip systeminformation (tests, benchmarks with synthetic machines) */
  machine?: MachineInfo
}

function cpuFingerprint(m: MachineInfo): string {
  return `${m.cpu.model}|${m.cpu.threads}|${m.cpu.arch}`
}

export async function measureHardware(options: MeasureOptions = {}): Promise<ProfileHardware> {
  const now = options.now ?? Date.now
  const machine = options.machine ?? (await readHardware())
  const fingerprint = cpuFingerprint(machine)
  if (options.cache !== undefined && options.refresh !== true) {
    const c = (await options.cache.get(CACHE_KEY)) as CachedBenchmark | undefined
    if (
      c !== undefined &&
      c.version === BENCHMARK_VERSION &&
      c.cpu === fingerprint &&
      now() - c.measuredAt < (options.maxAgeMs ?? 7 * 86_400_000)
    ) {
      return { ...machine, benchmark: { cpuScore: c.cpuScore, durationMs: c.durationMs } }
    }
  }
  const result = runCpuBenchmark({ durationMs: options.benchmarkMs ?? 1000 })
  log('cpu benchmark %o', { score: result.score, roundRates: result.roundRates })
  if (options.cache !== undefined) {
    const entry: CachedBenchmark = {
      version: BENCHMARK_VERSION,
      cpu: fingerprint,
      cpuScore: result.score,
      durationMs: result.durationMs,
      measuredAt: now(),
    }
    await options.cache.put(CACHE_KEY, entry)
  }
  return { ...machine, benchmark: { cpuScore: result.score, durationMs: result.durationMs } }
}
