// Amounts and times for people (exact values stay in the API's JSON).
const UNIT = 10n ** 18n

/** base units of HIVE (decimal string) -> "0.00958 HIVE" (5 decimals, trailing zeros trimmed) */
export function hive(base: string | bigint | undefined): string {
  if (base === undefined) return '–'
  let v: bigint
  try {
    v = typeof base === 'bigint' ? base : BigInt(base)
  } catch {
    return String(base)
  }
  const neg = v < 0n
  if (neg) v = -v
  const scaled = (v * 100_000n + UNIT / 2n) / UNIT
  const whole = scaled / 100_000n
  const frac = (scaled % 100_000n).toString().padStart(5, '0').replace(/0+$/, '')
  return `${neg ? '-' : ''}${whole}${frac !== '' ? '.' + frac : ''} HIVE`
}

export function hiveNumber(base: string | bigint): number {
  return Number(typeof base === 'bigint' ? base : BigInt(base)) / 1e18
}

/** "1.5" HIVE -> base units as a decimal string; undefined when it is not a number */
export function parseHive(text: string): string | undefined {
  const m = /^\s*(\d{1,12})(?:\.(\d{0,18}))?\s*$/.exec(text)
  if (m === null) return undefined
  return (BigInt(m[1]) * UNIT + BigInt((m[2] ?? '').padEnd(18, '0') || '0')).toString()
}

export function time(ms: number | undefined): string {
  return ms === undefined ? '–' : new Date(ms).toLocaleTimeString()
}

export function short(id: string | undefined, n = 10): string {
  if (id === undefined) return '–'
  return id.length <= n + 2 ? id : `${id.slice(0, 4)}…${id.slice(-n + 4)}`
}

export function bytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}
