// HardwareProfile: the provider's advertisement. This file holds the plain types, the limits a
// profile must respect and the canonical body encoding; signing is in profile-signing.ts and the
// DHT record rules in profile-record.ts. Pure: no clock, no I/O.
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import { ValidationError } from './errors.ts'
import { HardwareProfileBody } from './gen/profile.ts'

export const PROFILE_VERSION = 1
/** The whole signed record (body + signature + framing) may not exceed this. */
export const MAX_PROFILE_RECORD_BYTES = 8 * 1024
/** A record may not claim to live longer than this, so a leaked or stale profile dies out. */
export const MAX_PROFILE_TTL_MS = 24 * 60 * 60 * 1000
/** How far in the future issuedAt may be before we call the signer's clock wrong. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000

export const LIMITS = {
  gpus: 16,
  executors: 16,
  prices: 16,
  shortText: 64,
  longText: 128,
  ethBindingBytes: 128,
  addrs: 8,
  addrBytes: 256,
} as const

export const EXECUTOR_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/
export const PRICE_PATTERN = /^[0-9]{1,30}(\.[0-9]{1,18})?$/

export interface ProfileCpu {
  model: string
  cores: number
  threads: number
  arch: string
  speedMhz: number
}
export interface ProfileGpu {
  vendor: string
  model: string
  vramMiB: number
}
export interface ProfileOs {
  platform: string
  distro: string
  release: string
  kernel: string
}
export interface ProfileBenchmark {
  cpuScore: number
  durationMs: number
}

/** What the node measures about itself. */
export interface ProfileHardware {
  cpu: ProfileCpu
  memoryBytes: number
  gpus: ProfileGpu[]
  os: ProfileOs
  benchmark: ProfileBenchmark
}

export interface HardwareProfile extends ProfileHardware {
  version: number
  /** base58btc peer id string of the signer */
  peerId: string
  executors: string[]
  /** executor -> decimal HIVE price per unit, as in the provider's config (`prices`) */
  prices: Record<string, string>
  /** 0x-prefixed lower-case Ethereum address; shown as published (the market pays the address in each signed bid) */
  ethAddress?: string
  /** EIP-712 signature binding ethAddress to peerId; carried as published, not checked by discovery */
  ethBinding?: Uint8Array
  /** unix ms */
  issuedAt: number
  expiresAt: number
  /**
   * multiaddr strings to dial the provider at, in the order given: a private provider's
   * `/p2p-circuit` addresses through its relays (docs/reach.md). Absent when empty.
   */
  addrs?: string[]
}

function fail(code: string, message: string, details: Record<string, string | number> = {}): never {
  throw new ValidationError(code, message, details)
}

function checkText(field: string, value: string, max: number, allowEmpty = true): void {
  if (typeof value !== 'string') fail('PROFILE_MALFORMED', `${field} must be a string`, { field })
  if (!allowEmpty && value.length === 0) fail('PROFILE_MALFORMED', `${field} must not be empty`, { field })
  if (value.length > max)
    fail('PROFILE_MALFORMED', `${field} is longer than ${max} characters`, { field, length: value.length, max })
  // control characters would let a profile rewrite a terminal table
  if (/\p{Cc}/u.test(value)) fail('PROFILE_MALFORMED', `${field} contains control characters`, { field })
}

function checkInt(field: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    fail('PROFILE_MALFORMED', `${field} must be an integer in [${min}, ${max}]`, { field, value: String(value) })
  }
}

/** Throws ValidationError (code PROFILE_MALFORMED or PROFILE_UNSUPPORTED_VERSION) unless the shape is acceptable. */
export function checkProfileShape(p: HardwareProfile): void {
  if (p.version !== PROFILE_VERSION)
    fail('PROFILE_UNSUPPORTED_VERSION', `profile version ${p.version} is not supported (expected ${PROFILE_VERSION})`, {
      version: p.version,
    })
  checkText('cpu.model', p.cpu.model, LIMITS.longText)
  checkInt('cpu.cores', p.cpu.cores, 1, 4096)
  checkInt('cpu.threads', p.cpu.threads, 1, 65_536)
  checkText('cpu.arch', p.cpu.arch, 32, false)
  checkInt('cpu.speedMhz', p.cpu.speedMhz, 0, 100_000)
  checkInt('memoryBytes', p.memoryBytes, 1, Number.MAX_SAFE_INTEGER)
  if (p.gpus.length > LIMITS.gpus) fail('PROFILE_MALFORMED', `more than ${LIMITS.gpus} gpus`, { count: p.gpus.length })
  p.gpus.forEach((g, i) => {
    checkText(`gpus[${i}].vendor`, g.vendor, LIMITS.shortText, false)
    checkText(`gpus[${i}].model`, g.model, LIMITS.longText)
    checkInt(`gpus[${i}].vramMiB`, g.vramMiB, 0, 16 * 1024 * 1024)
  })
  checkText('os.platform', p.os.platform, LIMITS.shortText)
  checkText('os.distro', p.os.distro, LIMITS.longText)
  checkText('os.release', p.os.release, LIMITS.shortText)
  checkText('os.kernel', p.os.kernel, LIMITS.longText)
  checkInt('benchmark.cpuScore', p.benchmark.cpuScore, 0, 0xffffffff)
  checkInt('benchmark.durationMs', p.benchmark.durationMs, 0, 0xffffffff)
  if (p.executors.length > LIMITS.executors)
    fail('PROFILE_MALFORMED', `more than ${LIMITS.executors} executors`, { count: p.executors.length })
  for (const e of p.executors)
    if (!EXECUTOR_PATTERN.test(e))
      fail('PROFILE_MALFORMED', `executor name ${JSON.stringify(e)} is not allowed`, { executor: e })
  const priceEntries = Object.entries(p.prices)
  if (priceEntries.length > LIMITS.prices)
    fail('PROFILE_MALFORMED', `more than ${LIMITS.prices} prices`, { count: priceEntries.length })
  for (const [k, v] of priceEntries) {
    if (!EXECUTOR_PATTERN.test(k))
      fail('PROFILE_MALFORMED', `price key ${JSON.stringify(k)} is not an executor name`, { key: k })
    if (!PRICE_PATTERN.test(v))
      fail('PROFILE_MALFORMED', `price for ${k} must be a decimal string`, { key: k, value: v })
  }
  if (p.ethAddress !== undefined && !/^0x[0-9a-f]{40}$/.test(p.ethAddress))
    fail('PROFILE_MALFORMED', 'ethAddress must be 0x + 40 lower-case hex digits', {})
  if (p.ethBinding !== undefined) {
    if (p.ethAddress === undefined) fail('PROFILE_MALFORMED', 'ethBinding without ethAddress', {})
    if (p.ethBinding.length === 0 || p.ethBinding.length > LIMITS.ethBindingBytes)
      fail('PROFILE_MALFORMED', 'ethBinding has a bad length', { length: p.ethBinding.length })
  }
  if (p.addrs !== undefined) {
    if (p.addrs.length === 0 || p.addrs.length > LIMITS.addrs)
      fail('PROFILE_MALFORMED', `addrs must hold 1 to ${LIMITS.addrs} addresses`, { count: p.addrs.length })
    for (const a of p.addrs) {
      const bytes = addrBytes(a)
      if (bytes.length > LIMITS.addrBytes)
        fail('PROFILE_MALFORMED', `an address is longer than ${LIMITS.addrBytes} bytes`, { length: bytes.length })
    }
  }
  checkInt('issuedAt', p.issuedAt, 1, Number.MAX_SAFE_INTEGER)
  checkInt('expiresAt', p.expiresAt, 1, Number.MAX_SAFE_INTEGER)
  if (p.expiresAt <= p.issuedAt)
    fail('PROFILE_MALFORMED', 'expiresAt must be after issuedAt', { issuedAt: p.issuedAt, expiresAt: p.expiresAt })
  if (p.expiresAt - p.issuedAt > MAX_PROFILE_TTL_MS)
    fail('PROFILE_MALFORMED', `profile lifetime exceeds ${MAX_PROFILE_TTL_MS} ms`, {
      lifetimeMs: p.expiresAt - p.issuedAt,
    })
}

/** A multiaddr string's binary form; PROFILE_MALFORMED when it is not one. */
function addrBytes(a: string): Uint8Array {
  try {
    return multiaddr(a).bytes
  } catch {
    fail('PROFILE_MALFORMED', 'an address is not a multiaddr', {})
  }
}

/** Sorted, de-duplicated lists so that equal profiles encode to equal bytes. */
export function canonicalProfile(p: HardwareProfile): HardwareProfile {
  const prices: Record<string, string> = {}
  for (const k of Object.keys(p.prices).sort()) prices[k] = p.prices[k]
  return { ...p, executors: [...new Set(p.executors)].sort(), prices }
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
}

/** Canonical body bytes (the thing that is signed). Throws ValidationError on a bad shape. */
export function encodeProfileBody(profile: HardwareProfile): Uint8Array {
  const p = canonicalProfile(profile)
  checkProfileShape(p)
  return HardwareProfileBody.encode({
    version: p.version,
    peerId: peerIdFromString(p.peerId).toMultihash().bytes as Uint8Array<ArrayBuffer>,
    cpu: p.cpu,
    memoryBytes: p.memoryBytes,
    gpus: p.gpus.map((g) => ({ vendor: g.vendor, model: g.model, vramMib: g.vramMiB })),
    os: p.os,
    executors: p.executors,
    benchmark: p.benchmark,
    prices: Object.entries(p.prices).map(([executor, price]) => ({ executor, price })),
    ethAddress: (p.ethAddress !== undefined ? hexToBytes(p.ethAddress) : new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
    ethBinding: (p.ethBinding ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
    issuedAt: p.issuedAt,
    expiresAt: p.expiresAt,
    addrs: (p.addrs ?? []).map((a) => addrBytes(a) as Uint8Array<ArrayBuffer>),
  })
}

function decodeAddr(bytes: Uint8Array): string {
  if (bytes.length > LIMITS.addrBytes)
    fail('PROFILE_MALFORMED', `an address is longer than ${LIMITS.addrBytes} bytes`, { length: bytes.length })
  try {
    return multiaddr(bytes).toString()
  } catch {
    fail('PROFILE_MALFORMED', 'an address does not decode as a multiaddr', {})
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/**
 * Decodes body bytes strictly: bounded lists, a valid shape, and canonical bytes (re-encoding
 * must give the same bytes, so one profile has exactly one signed form).
 */
export function decodeProfileBody(bytes: Uint8Array): HardwareProfile {
  let body: HardwareProfileBody
  let peerId: string
  try {
    body = HardwareProfileBody.decode(bytes, {
      limits: { gpus: LIMITS.gpus, executors: LIMITS.executors, prices: LIMITS.prices, addrs: LIMITS.addrs },
    })
    peerId = peerIdFromMultihash(Digest.decode(body.peerId)).toString()
  } catch (err) {
    throw new ValidationError(
      'PROFILE_MALFORMED',
      `profile body does not decode: ${(err as Error).message}`,
      {},
      { cause: err },
    )
  }
  if (body.cpu == null || body.os == null || body.benchmark == null)
    fail('PROFILE_MALFORMED', 'profile lacks cpu, os or benchmark', {})
  const prices: Record<string, string> = {}
  for (const { executor, price } of body.prices) {
    if (executor in prices) fail('PROFILE_MALFORMED', `duplicate price for ${executor}`, { executor })
    prices[executor] = price
  }
  if (body.ethAddress.length !== 0 && body.ethAddress.length !== 20)
    fail('PROFILE_MALFORMED', 'ethAddress must be 20 bytes', { length: body.ethAddress.length })
  const profile: HardwareProfile = {
    version: body.version,
    peerId,
    cpu: body.cpu,
    memoryBytes: body.memoryBytes,
    gpus: body.gpus.map((g) => ({ vendor: g.vendor, model: g.model, vramMiB: g.vramMib })),
    os: body.os,
    benchmark: body.benchmark,
    executors: body.executors,
    prices,
    ...(body.ethAddress.length > 0 ? { ethAddress: '0x' + Buffer.from(body.ethAddress).toString('hex') } : {}),
    ...(body.ethBinding.length > 0 ? { ethBinding: Uint8Array.from(body.ethBinding) } : {}),
    issuedAt: body.issuedAt,
    expiresAt: body.expiresAt,
    ...(body.addrs.length > 0 ? { addrs: body.addrs.map((b) => decodeAddr(b)) } : {}),
  }
  checkProfileShape(profile)
  if (!bytesEqual(encodeProfileBody(profile), bytes))
    fail('PROFILE_NOT_CANONICAL', 'profile body is not in canonical form', {})
  return profile
}
