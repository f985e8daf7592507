// The machine chaos nodes claim: fixed, so that no node probes the hardware or runs the CPU
// benchmark at start (twenty of them would spend a minute of the shared CPU on it).
import type { ProfileHardware } from '../../protocol/profile.ts'

const GIB = 1024 ** 3

export const CHAOS_HARDWARE: ProfileHardware = {
  cpu: { model: 'chaos', cores: 2, threads: 2, arch: 'x64', speedMhz: 2000 },
  memoryBytes: 8 * GIB,
  gpus: [],
  os: { platform: 'linux', distro: 'chaos', release: '1', kernel: '6' },
  benchmark: { cpuScore: 1000, durationMs: 1000 },
}
