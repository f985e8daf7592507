// Turns systeminformation's graphics() output into the GPUs we advertise. Pure, so it is tested
// with recorded outputs from machines we don't have (these have no GPU).
import { normalizeGpuVendor } from '../../protocol/capabilities.ts'
import type { ProfileGpu } from '../../protocol/profile.ts'
import type { Systeminformation } from 'systeminformation'

/**
 * Display adapters that are not compute devices: BMC/server VGA, hypervisor and fallback
 * framebuffers. Advertising them would let a requester "find a GPU" that cannot run anything.
 */
const NOT_A_GPU = [
  /aspeed/i,
  /matrox/i,
  /cirrus logic/i,
  /vmware/i,
  /virtualbox/i,
  /innotek/i,
  /qxl/i,
  /virtio/i,
  /bochs/i,
  /hyper-v/i,
  /microsoft basic (display|render)/i,
  /red hat/i,
  /parallels/i,
  /llvmpipe/i,
]

type Controller = Pick<Systeminformation.GraphicsControllerData, 'vendor' | 'model' | 'vram' | 'vramDynamic'> &
  Partial<Pick<Systeminformation.GraphicsControllerData, 'name' | 'memoryTotal' | 'subVendor'>>

function clean(text: string | undefined, max: number): string {
  // strip control characters (a profile refuses them) and collapse whitespace
  return (text ?? '')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
}

/** GPUs worth advertising, vendor normalised (nvidia/amd/intel/apple/other), VRAM in MiB (0 = shared memory). */
export function parseGpus(graphics: { controllers: Controller[] }): ProfileGpu[] {
  const out: ProfileGpu[] = []
  for (const c of graphics.controllers ?? []) {
    const label = `${c.vendor ?? ''} ${c.subVendor ?? ''} ${c.model ?? ''} ${c.name ?? ''}`
    if (NOT_A_GPU.some((re) => re.test(label))) continue
    const vendor = normalizeGpuVendor(`${c.vendor ?? ''} ${c.model ?? ''}`)
    // nvidia-smi's name ("NVIDIA GeForce RTX 3090") beats lspci's chip name ("GA102 [GeForce RTX 3090]")
    const model = clean(c.name !== undefined && c.name !== '' ? c.name : c.model, 128)
    if (model === '' && vendor === 'other') continue
    const dedicated = c.memoryTotal ?? (c.vramDynamic ? null : c.vram)
    const vramMiB =
      typeof dedicated === 'number' && Number.isFinite(dedicated) && dedicated > 0 ? Math.round(dedicated) : 0
    out.push({ vendor, model, vramMiB })
    if (out.length === 16) break
  }
  return out
}
