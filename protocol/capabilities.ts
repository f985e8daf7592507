// Capability tags: what a provider announces with DHT provide(), and how a search filter maps
// onto them. Quantities are bucketed cumulatively ("mem/16g+" is provided by every node with at
// least 16 GiB), so any filter maps to ONE key that every matching provider has provided; the
// exact comparison happens afterwards on the verified profile.
import { cidForBytes } from './cid.ts'
import type { CID } from './cid.ts'
import type { HardwareProfile } from './profile.ts'

export const CAPABILITY_KEY_PREFIX = 'hive/cap/1/'
/** Provided by every provider, so an empty filter still has a key to walk. */
export const PROVIDER_TAG = 'role/provider'
// Buckets step by 4x: every tag is one more DHT provide per publish (a walk plus ~20 RPCs), so a
// typical node announces ~6 keys rather than ~11 with 2x steps; lookups filter exactly anyway.
export const MEMORY_BUCKETS_GIB = [4, 16, 64, 256] as const
/** CPU score buckets; node/hardware/benchmark.ts scales the score so ~1000 is one 2020s server core */
export const CPU_SCORE_BUCKETS = [500, 2000, 8000] as const
const GIB = 1024 ** 3

export interface CapabilityFilter {
  executor?: string
  gpuVendor?: string
  minMemoryBytes?: number
  minCpuScore?: number
  arch?: string
}

const ARCH_ALIASES: Record<string, string> = {
  x64: 'x86_64',
  amd64: 'x86_64',
  x86_64: 'x86_64',
  arm64: 'aarch64',
  aarch64: 'aarch64',
  ia32: 'x86',
  x86: 'x86',
}

/** One spelling per architecture (Node says x64/arm64, uname says x86_64/aarch64). */
export function normalizeArch(arch: string): string {
  const a = arch.trim().toLowerCase()
  return ARCH_ALIASES[a] ?? a.replace(/[^a-z0-9_]/g, '')
}

/** nvidia | amd | intel | apple | other, from whatever vendor string the OS reports. */
export function normalizeGpuVendor(vendor: string): string {
  const v = vendor.toLowerCase()
  if (v.includes('nvidia')) return 'nvidia'
  if (/\bamd\b|advanced micro devices|\bati\b|radeon/.test(v)) return 'amd'
  if (v.includes('intel')) return 'intel'
  if (v.includes('apple')) return 'apple'
  return 'other'
}

function largestBucketAtMost<T extends number>(buckets: readonly T[], value: number): T | undefined {
  let out: T | undefined
  for (const b of buckets) if (b <= value) out = b
  return out
}

/** Every tag the profile's owner should provide, sorted. */
export function capabilityTags(
  p: Pick<HardwareProfile, 'executors' | 'cpu' | 'gpus' | 'memoryBytes' | 'benchmark'>,
): string[] {
  const tags = new Set<string>([PROVIDER_TAG, `arch/${normalizeArch(p.cpu.arch)}`])
  for (const e of p.executors) tags.add(`executor/${e}`)
  for (const g of p.gpus) tags.add(`gpu/${normalizeGpuVendor(g.vendor)}`)
  for (const b of MEMORY_BUCKETS_GIB) if (p.memoryBytes >= b * GIB) tags.add(`mem/${b}g+`)
  for (const b of CPU_SCORE_BUCKETS) if (p.benchmark.cpuScore >= b) tags.add(`cpu/score-${b}+`)
  return [...tags].sort()
}

/** Tags that every provider matching the filter has provided (never empty). */
export function filterTags(f: CapabilityFilter): string[] {
  const tags: string[] = []
  if (f.gpuVendor !== undefined) tags.push(`gpu/${normalizeGpuVendor(f.gpuVendor)}`)
  if (f.executor !== undefined) tags.push(`executor/${f.executor}`)
  if (f.arch !== undefined) tags.push(`arch/${normalizeArch(f.arch)}`)
  const mem =
    f.minMemoryBytes !== undefined ? largestBucketAtMost(MEMORY_BUCKETS_GIB, f.minMemoryBytes / GIB) : undefined
  if (mem !== undefined) tags.push(`mem/${mem}g+`)
  const cpu = f.minCpuScore !== undefined ? largestBucketAtMost(CPU_SCORE_BUCKETS, f.minCpuScore) : undefined
  if (cpu !== undefined) tags.push(`cpu/score-${cpu}+`)
  tags.push(PROVIDER_TAG)
  return tags
}

/** Rough rarity of a tag among providers (lower = fewer providers = cheaper walk). */
function commonness(tag: string): number {
  const [kind, value = ''] = tag.split('/')
  if (tag === PROVIDER_TAG) return 100
  if (kind === 'gpu') return value === 'other' ? 30 : 10
  if (kind === 'mem') return Math.max(15, 90 - 10 * Math.log2(parseInt(value, 10)))
  if (kind === 'cpu') return Math.max(15, 90 - 10 * Math.log2(parseInt(value.replace('score-', ''), 10) / 250))
  if (kind === 'executor') return value === 'wasm' ? 95 : 20
  if (kind === 'arch') return value === 'x86_64' ? 92 : 40
  return 50
}

/** The one tag to walk for a filter: the one we expect the fewest providers to have. */
export function lookupTag(f: CapabilityFilter): string {
  const tags = filterTags(f)
  return tags.reduce((best, t) => (commonness(t) < commonness(best) ? t : best), tags[0])
}

/** Tags ordered rarest first (ties by name): the order a provider announces them in. */
export function bySelectivity(tags: string[]): string[] {
  return [...tags].sort((a, b) => commonness(a) - commonness(b) || (a < b ? -1 : a > b ? 1 : 0))
}

/** The exact test applied to a verified profile after the DHT walk. */
export function profileMatchesFilter(p: HardwareProfile, f: CapabilityFilter): boolean {
  if (f.executor !== undefined && !p.executors.includes(f.executor)) return false
  if (
    f.gpuVendor !== undefined &&
    !p.gpus.some((g) => normalizeGpuVendor(g.vendor) === normalizeGpuVendor(f.gpuVendor ?? ''))
  )
    return false
  if (f.arch !== undefined && normalizeArch(p.cpu.arch) !== normalizeArch(f.arch)) return false
  if (f.minMemoryBytes !== undefined && p.memoryBytes < f.minMemoryBytes) return false
  if (f.minCpuScore !== undefined && p.benchmark.cpuScore < f.minCpuScore) return false
  return true
}

/** The DHT key for a tag: CIDv1 (raw, sha2-256) of 'hive/cap/1/' + tag. */
export async function capabilityKey(tag: string): Promise<CID> {
  return await cidForBytes(new TextEncoder().encode(CAPABILITY_KEY_PREFIX + tag))
}
