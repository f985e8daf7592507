// primes N: counts the primes <= N with a sieve of Eratosthenes (one byte per odd number)
// and prints the count and the largest. CPU and memory scale with N.
import { args, exit, eprint, print } from "../../lib/assembly/wasi"

/** Decimal digits only (at most 10), else -1. */
function parseCount(s: string): i64 {
  if (s.length == 0 || s.length > 10) return -1
  let v: i64 = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return -1
    v = v * 10 + (c - 48)
  }
  return v
}

function main(): u32 {
  const a = args()
  const n: i64 = a.length > 0 ? parseCount(a[0]) : 1000000
  if (n < 0 || n > 2000000000) {
    eprint("usage: primes N   (0 <= N <= 2000000000)\n")
    return 2
  }
  if (n < 2) {
    print("primes <= " + n.toString() + ": 0\n")
    return 0
  }
  // index i stands for the odd number 2i+1; composite[i] = 1 once crossed out
  const size = <i32>((n - 1) / 2) + 1
  const composite = new Uint8Array(size)
  for (let i = 1; ; i++) {
    const p: i64 = 2 * <i64>i + 1
    if (p * p > n) break
    if (unchecked(composite[i]) != 0) continue
    for (let j = <i32>((p * p) / 2); j < size; j += <i32>p) unchecked(composite[j] = 1)
  }
  let count: i64 = 1 // the prime 2
  let last: i64 = 2
  for (let i = 1; i < size; i++) {
    if (unchecked(composite[i]) == 0) {
      const p: i64 = 2 * <i64>i + 1
      if (p > n) break
      count++
      last = p
    }
  }
  print("primes <= " + n.toString() + ": " + count.toString() + ", largest " + last.toString() + "\n")
  return 0
}

exit(main())
