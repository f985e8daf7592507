// This machine's hardware without a node: the same reader and benchmark a node uses for its
// profile, in the shape the API shows.
import { runCpuBenchmark } from '../node/hardware/benchmark.ts'
import { readHardware } from '../node/hardware/read.ts'
import type { HardwareSummary } from '../node/controller.ts'

export async function readLocalHardware (): Promise<HardwareSummary> {
  const machine = await readHardware()
  const bench = runCpuBenchmark()
  return {
    cpu: { model: machine.cpu.model, cores: machine.cpu.cores, threads: machine.cpu.threads, arch: machine.cpu.arch, speedGHz: machine.cpu.speedMhz / 1000 },
    memoryBytes: machine.memoryBytes,
    gpus: machine.gpus.map((g) => ({ vendor: g.vendor, model: g.model, vramMiB: g.vramMiB })),
    os: machine.os,
    benchmark: { cpuScore: bench.score, durationMs: bench.durationMs },
  }
}
