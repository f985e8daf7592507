// What this machine is, read through systeminformation (which shells out to lspci, nvidia-smi,
// system_profiler … where present; on a machine without them it reports no GPU).
import { cpus, totalmem } from 'node:os'
import si from 'systeminformation'
import { parseGpus } from './gpu.ts'
import type { ProfileCpu, ProfileGpu, ProfileHardware, ProfileOs } from '../../protocol/profile.ts'

/** The hardware part of a profile without the benchmark score. */
export type MachineInfo = Omit<ProfileHardware, 'benchmark'>

function text(s: string | undefined, max: number): string {
  return (s ?? '')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
}

function cpuInfo(c: Awaited<ReturnType<typeof si.cpu>>, arch: string): ProfileCpu {
  // si reports brand without the maker ("EPYC", "Core™ i7-1185G7"); keep both
  const brand = text(c.brand, 128)
  const maker = text(c.manufacturer, 32)
  const model = brand.toLowerCase().startsWith(maker.toLowerCase()) ? brand : text(`${maker} ${brand}`, 128)
  const threads = c.cores > 0 ? c.cores : cpus().length
  const cores = c.physicalCores > 0 ? Math.min(c.physicalCores, threads) : threads
  // virtual machines often report 0 GHz; fall back to the kernel's figure, else 0 (= unknown)
  const ghz = c.speedMax > 0 ? c.speedMax : c.speed
  const speedMhz = ghz > 0 ? Math.round(ghz * 1000) : (cpus()[0]?.speed ?? 0)
  return {
    model: model === '' ? 'unknown' : model,
    cores: Math.max(1, cores),
    threads: Math.max(1, threads),
    arch,
    speedMhz,
  }
}

/** Reads CPU, memory, GPUs and OS. Takes ~50 ms on Linux without GPUs, longer where nvidia-smi runs. */
export async function readHardware(): Promise<MachineInfo> {
  const [c, mem, graphics, os] = await Promise.all([
    si.cpu(),
    si.mem(),
    si.graphics().catch(() => ({ controllers: [], displays: [] })),
    si.osInfo(),
  ])
  const gpus: ProfileGpu[] = parseGpus(graphics)
  const osInfo: ProfileOs = {
    platform: text(os.platform, 64),
    distro: text(os.distro, 128),
    release: text(os.release, 64),
    kernel: text(os.kernel, 128),
  }
  return {
    cpu: cpuInfo(c, text(os.arch, 32) || process.arch),
    memoryBytes: mem.total > 0 ? mem.total : totalmem(),
    gpus,
    os: osInfo,
  }
}
