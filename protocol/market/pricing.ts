// Provider pricing: what to bid for a job.
//   list    = perJob + perUnit × units                      (the provider's own price sheet)
//   base    = list + marketWeight × (market − list)         (pulled toward recent clearings)
//   output  = perUnit × seconds × outputMiB / 256           (the output the job may leave)
//   price   = max(floor, base × loadMultiplier(load) + output)  (busier = dearer, never under floor)
// where units = wall-time seconds × 256 MiB memory tiers (units.ts), outputMiB = started MiB of
// limits.outputBytes, floor = perJob + floorPerUnit × (units + seconds × outputMiB / 256),
// loadMultiplier = 1 + (maxLoadMultiplier − 1)·load² (cheap while there is room, steep near
// full), and market is the time-decayed mean of recent clearing prices for the same executor and
// token, each scaled to this job's units. The quote's `list` includes the output charge.
// Output is priced as the memory it is: the worker holds up to limits.outputBytes of output next
// to the module's linear memory for as long as the job runs (then the provider stores and serves
// it), so a MiB of it costs 1/256 of a memory tier per wall-time second. It is added outside the
// market estimate (clearing records do not say how much output their jobs had) and outside the
// load multiplier, so a job asking for more output is always quoted more, and the floor keeps
// its share of it: a low max price cannot buy a large output at the compute price.
// A clearing record is signed by its requester but cannot be checked against the award it
// claims to summarise, so each one is clamped to [list/4, list×4] of its own job before it
// counts: a lying requester can move the estimate, but only so far, and never below the
// provider's floor.
// The protocol fee (ProtocolParams.protocolFeeBps, in basis points) is taken from the provider's
// side at settlement (JobEscrow, PaymentChannel: fee = ⌊gross × feeBps / 10000⌋), so everything
// above is what the provider wants to NET, and the bid is its gross-up:
//   bid = ⌈net × 10000 / (10000 − feeBps)⌉
// which leaves net ≤ bid − ⌊bid × feeBps / 10000⌋ (and over a channel's cumulative amount too,
// as the fee on a sum is at most the sum of the fees). The requester's max price is compared with
// that gross bid: it is what the requester pays. The floor is grossed up the same way, so a
// provider never bids where the max price would leave it less than its floor after the fee.
// All money arithmetic is bigint; the fractional factors are applied in parts per million.
import { formatAmount } from './amounts.ts'
import { priceUnits } from './units.ts'
import type { ClearingBook } from './clearing-book.ts'

export interface ExecutorPrice {
  perUnit: bigint
  perJob: bigint
  /** the least per unit this provider ever accepts */
  floorPerUnit: bigint
}

export interface PriceSheet {
  executors: Record<string, ExecutorPrice>
  /** price multiplier at full load (default 3) */
  maxLoadMultiplier?: number
  /** 0..1, how far to move from the list price toward the market (default 0.5) */
  marketWeight?: number
  /** a clearing this old counts half as much as a fresh one (default 10 min) */
  halfLifeMs?: number
}

export interface PricingJob {
  executor: string
  /** '' = the network's own token; only clearings in the same token are comparable */
  token: string
  wallTimeMs: number
  memoryBytes: number
  /** the job's limits.outputBytes (0: no output charge) */
  outputBytes: number
  maxPrice: bigint
}

export interface PriceJobInput {
  sheet: PriceSheet
  /** share of this provider's capacity in use, 0..1 */
  load: number
  recentClearings: ClearingBook
  job: PricingJob
  now: number
  /** the protocol fee in basis points the chain takes at settlement (default 0: no fee) */
  feeBps?: bigint
}

export interface PriceQuote {
  /** the amount to bid, as a wire decimal string */
  price: string
  /** false when this provider should not bid (see reason) */
  bid: boolean
  reason?: 'NO_PRICE_FOR_EXECUTOR' | 'FLOOR_ABOVE_MAX_PRICE'
  units: string
  list: string
  floor: string
  /** the output charge included in price (and outputFloor's share of floor) */
  output: string
  /** the market estimate for this job, when there were clearings to learn from */
  market?: string
  loadMultiplier: number
  /** the protocol fee included in price (what the chain takes of it at settlement, at most) */
  fee: string
}

const PPM = 1_000_000n
const toPpm = (x: number): bigint => BigInt(Math.round(x * 1e6))
const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b)
const minOf = (a: bigint, b: bigint): bigint => (a < b ? a : b)

const MiB = 1024 * 1024
/** outputBytes counted in 1/256 memory tiers: a MiB of output held for a second */
const OUTPUT_MIB_PER_TIER = 256n

/** MiB·seconds of output a job may hold: started MiB of outputBytes × started wall-time seconds. */
export function outputMiBSeconds(wallTimeMs: number, outputBytes: number): bigint {
  const seconds = Math.max(1, Math.ceil(wallTimeMs / 1000))
  return BigInt(seconds) * BigInt(Math.max(0, Math.ceil(outputBytes / MiB)))
}

export function loadMultiplier(load: number, maxLoadMultiplier = 3): number {
  const l = Number.isNaN(load) ? 1 : Math.min(1, Math.max(0, load)) // unknown load: assume busy
  return 1 + (Math.max(1, maxLoadMultiplier) - 1) * l * l
}

/** Time-decayed mean of clearing prices scaled to `units`, or undefined without data. */
export function marketPrice(input: PriceJobInput, units: bigint, rate: ExecutorPrice): bigint | undefined {
  const halfLife = input.sheet.halfLifeMs ?? 10 * 60 * 1000
  let weighted = 0n
  let weights = 0n
  for (const s of input.recentClearings.samples(input.job.executor, input.job.token, input.now)) {
    const w = toPpm(2 ** (-Math.max(0, input.now - s.receivedAt) / halfLife))
    const ownList = rate.perJob + rate.perUnit * s.units
    for (const price of s.prices) {
      const clamped = minOf(maxOf(price, ownList / 4n), ownList * 4n)
      weighted += w * ((clamped * units) / s.units)
      weights += w
    }
  }
  return weights === 0n ? undefined : weighted / weights
}

const BPS = 10_000n

/** The least gross amount that still nets `net` after a fee of `feeBps`: ⌈net × 10000 / (10000 − feeBps)⌉. */
export function grossUpForFee(net: bigint, feeBps: bigint): bigint {
  if (feeBps < 0n || feeBps >= BPS) throw new RangeError(`protocol fee ${feeBps} bps is outside [0, 10000)`)
  if (net <= 0n) return net
  const keep = BPS - feeBps
  return (net * BPS + keep - 1n) / keep
}

/** What the chain leaves a provider of `gross` after a fee of `feeBps` (JobEscrow/PaymentChannel). */
export function netAfterFee(gross: bigint, feeBps: bigint): bigint {
  return gross - (gross * feeBps) / BPS
}

export function priceJob(input: PriceJobInput): PriceQuote {
  const { job, sheet } = input
  const units = priceUnits(job.wallTimeMs, job.memoryBytes)
  const mult = loadMultiplier(input.load, sheet.maxLoadMultiplier)
  const rate = sheet.executors[job.executor]
  if (rate === undefined) {
    const none = { price: '0', list: '0', floor: '0', output: '0', fee: '0' }
    return { ...none, bid: false, reason: 'NO_PRICE_FOR_EXECUTOR', units: units.toString(), loadMultiplier: mult }
  }
  const computeList = rate.perJob + rate.perUnit * units
  const held = outputMiBSeconds(job.wallTimeMs, job.outputBytes)
  const output = (rate.perUnit * held) / OUTPUT_MIB_PER_TIER
  const list = computeList + output
  // a bid of 0 is invalid on the wire, so the floor is at least one base unit
  const floor = maxOf(1n, rate.perJob + rate.floorPerUnit * units + (rate.floorPerUnit * held) / OUTPUT_MIB_PER_TIER)
  const market = marketPrice(input, units, rate)
  const weight = toPpm(Math.min(1, Math.max(0, sheet.marketWeight ?? 0.5)))
  const base = market === undefined ? computeList : (computeList * (PPM - weight) + market * weight) / PPM
  const feeBps = input.feeBps ?? 0n
  const net = maxOf(floor, (base * toPpm(mult)) / PPM + output)
  // the requester pays the gross; its max price is compared with that
  let price = grossUpForFee(net, feeBps)
  const grossFloor = grossUpForFee(floor, feeBps)
  let bid = true
  let reason: PriceQuote['reason']
  if (grossFloor > job.maxPrice) {
    bid = false
    reason = 'FLOOR_ABOVE_MAX_PRICE'
  } else {
    price = minOf(price, job.maxPrice) // the most the requester pays still nets at least our floor
  }
  return {
    price: formatAmount(price),
    bid,
    reason,
    units: units.toString(),
    list: formatAmount(list),
    floor: formatAmount(floor),
    output: formatAmount(output),
    market: market === undefined ? undefined : formatAmount(market),
    loadMultiplier: mult,
    fee: formatAmount(price - netAfterFee(price, feeBps)),
  }
}
