// Token amounts: bigint in code, canonical decimal strings of base units on the wire.
// Canonical (no sign, no leading zero, no exponent) because amounts are part of signed and
// hashed content: "07" and "7" must not be two encodings of one price. The uint256 bound is
// what the contracts can hold.
import { fail } from './errors.ts'

export const MAX_UINT256 = (1n << 256n) - 1n
/** uint256's maximum has 78 decimal digits: anything longer is rejected before parsing. */
export const MAX_AMOUNT_DIGITS = 78

const CANONICAL = /^(0|[1-9][0-9]*)$/

/** Parses a wire amount; throws INVALID_AMOUNT (REJECT) naming `field`. */
export function parseAmount(text: string, field: string): bigint {
  if (text.length === 0 || text.length > MAX_AMOUNT_DIGITS || !CANONICAL.test(text)) {
    fail('INVALID_AMOUNT', `${field} is not a canonical decimal amount`, { field, value: text.slice(0, 90) })
  }
  const value = BigInt(text)
  if (value > MAX_UINT256) fail('INVALID_AMOUNT', `${field} exceeds uint256`, { field, value: text })
  return value
}

/** Parses a wire amount that must be strictly positive (prices). */
export function parsePositiveAmount(text: string, field: string): bigint {
  const value = parseAmount(text, field)
  if (value === 0n) fail('INVALID_AMOUNT', `${field} must be positive`, { field, value: text })
  return value
}

/** Formats an amount for the wire; a negative or over-uint256 value is a programming error. */
export function formatAmount(value: bigint): string {
  if (value < 0n || value > MAX_UINT256) throw new RangeError(`amount out of uint256 range: ${value}`)
  return value.toString(10)
}
