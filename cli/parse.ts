// Parsers for option values people type: byte sizes (8GiB, 512MiB, 16G) and durations (30s,
// 5m, 1h30m). Each throws commander's InvalidArgumentError, whose message commander prefixes
// with the option's name, so the user sees which flag was wrong and what form it takes.
import { InvalidArgumentError } from 'commander'

const BINARY: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }
const DECIMAL: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12 }

/**
 * Bytes from a size. Binary units: KiB MiB GiB TiB and the short K M G T (what `free -g` and
 * docker mean); decimal units only when spelled with a B: kB MB GB TB. A bare number is bytes.
 */
export function parseByteSize (text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?)(b?)|(b))?\s*$/i.exec(text)
  if (m == null) {
    throw new InvalidArgumentError(`"${text}" is not a size: use a number with a unit, e.g. 512MiB, 8GiB, 16G or 4096 (bytes)`)
  }
  const value = Number(m[1])
  let bytes = value
  if (m[2] != null) {
    const unit = m[2].toLowerCase()
    const decimal = m[3] === '' && m[4] !== ''
    bytes = value * (decimal ? DECIMAL[unit] : BINARY[unit])
  }
  if (!Number.isSafeInteger(Math.floor(bytes))) throw new InvalidArgumentError(`"${text}" is too large`)
  return Math.floor(bytes)
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds from a duration: 500ms, 30s, 5m, 1h, 1h30m, 2d; a bare number means seconds. */
export function parseDuration (text: string): number {
  const trimmed = text.trim()
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy
  let total = 0
  let matched = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(trimmed)) != null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]]
    matched = re.lastIndex
  }
  if (trimmed === '' || matched !== trimmed.length) {
    throw new InvalidArgumentError(`"${text}" is not a duration: use e.g. 500ms, 30s, 5m, 1h30m (a bare number means seconds)`)
  }
  return Math.round(total)
}

export function parsePositiveInt (text: string): number {
  const n = Number(text.trim())
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${text}" is not a whole number of 1 or more`)
  }
  return n
}

export function parseNonNegativeNumber (text: string): number {
  const n = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`"${text}" is not a number of 0 or more`)
  return n
}

/** TCP port, 0 meaning "any free port". */
export function parsePort (text: string): number {
  const n = Number(text.trim())
  if (!/^\s*\d+\s*$/.test(text) || n > 65535) throw new InvalidArgumentError(`"${text}" is not a port number (0-65535; 0 picks a free one)`)
  return n
}
