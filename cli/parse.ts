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
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?)(b?)|(b))?\s*$/i.exec(text)
  if (m == null) {
    throw new InvalidArgumentError(
      `"${text}" is not a size: use a number with a unit, e.g. 512MiB, 8GiB, 16G or 4096 (bytes)`,
    )
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
export function parseDuration(text: string): number {
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
    throw new InvalidArgumentError(
      `"${text}" is not a duration: use e.g. 500ms, 30s, 5m, 1h30m (a bare number means seconds)`,
    )
  }
  return Math.round(total)
}

export function parsePositiveInt(text: string): number {
  const n = Number(text.trim())
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${text}" is not a whole number of 1 or more`)
  }
  return n
}

export function parseNonNegativeNumber(text: string): number {
  const n = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`"${text}" is not a number of 0 or more`)
  return n
}

/** A chance from 0 to 1, as a fraction (0.05) or a percentage (5%). */
export function parseRate(text: string): number {
  const t = text.trim()
  const percent = t.endsWith('%')
  const n = Number(percent ? t.slice(0, -1) : t)
  const rate = percent ? n / 100 : n
  if (t === '' || t === '%' || !Number.isFinite(n) || rate < 0 || rate > 1)
    throw new InvalidArgumentError(`"${text}" is not a rate from 0 to 1 (e.g. 0.05 or 5%)`)
  return rate
}

/** TCP port, 0 meaning "any free port". */
export function parsePort(text: string): number {
  const n = Number(text.trim())
  if (!/^\s*\d+\s*$/.test(text) || n > 65535)
    throw new InvalidArgumentError(`"${text}" is not a port number (0-65535; 0 picks a free one)`)
  return n
}

/** HIVE (and most ERC20s) count in 18 decimals. */
export const TOKEN_DECIMALS = 18
const AMOUNT_SUFFIX: Record<string, number> = { '': 0, k: 3, m: 6 }

/**
 * Token base units from an amount people type: `1000`, `1.5k`, `0.25`, `2m` (k = thousand,
 * m = million). Exact: digits beyond the token's decimals are refused, never rounded.
 */
export function parseTokenAmount(text: string, decimals = TOKEN_DECIMALS): bigint {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*([kKmM]?)\s*$/.exec(text)
  if (m == null)
    throw new InvalidArgumentError(
      `"${text}" is not an amount: use e.g. 1000, 1.5k, 0.25 or 2m (k = thousand, m = million)`,
    )
  const shift = decimals + AMOUNT_SUFFIX[m[3].toLowerCase()]
  const fraction = m[2] ?? ''
  if (fraction.length > shift)
    throw new InvalidArgumentError(`"${text}" has more decimal places than the token's ${decimals}`)
  return BigInt(m[1] + fraction.padEnd(shift, '0'))
}

/** Base units as a decimal amount without trailing zeros: 1500000000000000000n -> "1.5". */
export function formatTokenAmount(units: bigint, decimals = TOKEN_DECIMALS): string {
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : '.' + fraction}`
}
