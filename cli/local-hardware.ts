// This machine's hardware without a node: the same measurement a node signs into its profile
// (systeminformation + the CPU benchmark), in the shape the API shows.
import { measureHardware } from '../node/hardware/measure.ts'
import type { HardwareSummary } from '../node/controller.ts'

export async function readLocalHardware(): Promise<HardwareSummary> {
  const hw = await measureHardware()
  return {
    cpu: {
      model: hw.cpu.model,
      cores: hw.cpu.cores,
      threads: hw.cpu.threads,
      arch: hw.cpu.arch,
      speedGHz: hw.cpu.speedMhz / 1000,
    },
    memoryBytes: hw.memoryBytes,
    gpus: hw.gpus.map((g) => ({ vendor: g.vendor, model: g.model, vramMiB: g.vramMiB })),
    os: { ...hw.os },
    benchmark: { ...hw.benchmark },
  }
}
