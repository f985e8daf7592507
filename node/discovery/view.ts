// Profiles as the local API shows them (node/controller.ts types: plain JSON).
import { capabilityTags } from '../../protocol/capabilities.ts'
import type { HardwareProfile } from '../../protocol/profile.ts'
import type { ProviderProfileView } from '../controller.ts'

export function profileToView(p: HardwareProfile): ProviderProfileView {
  return {
    peerId: p.peerId,
    hardware: {
      cpu: {
        model: p.cpu.model,
        cores: p.cpu.cores,
        threads: p.cpu.threads,
        arch: p.cpu.arch,
        speedGHz: p.cpu.speedMhz / 1000,
      },
      memoryBytes: p.memoryBytes,
      gpus: p.gpus.map((g) => ({ vendor: g.vendor, model: g.model, vramMiB: g.vramMiB })),
      os: { ...p.os },
      benchmark: { ...p.benchmark },
    },
    executors: [...p.executors],
    capabilities: capabilityTags(p),
    issuedAt: p.issuedAt,
    expiresAt: p.expiresAt,
    ...(p.ethAddress !== undefined ? { address: p.ethAddress } : {}),
    prices: { ...p.prices },
  }
}
