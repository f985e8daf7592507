// Failpoints (issue 16, chaos `crash-steps`): named steps of the market where a test harness can
// make this process die as a crash would (SIGKILL to itself: no cleanup, no last write), to check
// that every job still ends in a defined state. Off unless the environment names them:
// HIVE_FAILPOINTS=provider:after-bid,provider:mid-run. Read once at start; a step not named costs
// one Set lookup.

export const FAILPOINTS = [
  'provider:after-bid',
  'provider:after-accept',
  'provider:mid-fetch',
  'provider:mid-run',
  'provider:after-result',
  // payments, provider side: a voucher stored durably but its ack not sent; right after the ack
  // went out; a close sent to the chain but not recorded
  'provider:voucher-stored',
  'provider:voucher-acked',
  'provider:mid-close',
  // the requester's market steps
  'requester:after-post',
  'requester:after-award',
  'requester:after-accept',
  'requester:mid-fetch',
  'requester:after-verify',
  // payments, requester side: a voucher signed and stored but not sent; right after its ack; a
  // close started on chain but not recorded
  'requester:voucher-signed',
  'requester:voucher-acked',
  'requester:mid-close',
] as const

/** the failpoints of one role */
export function failpointsOf(role: 'provider' | 'requester'): Failpoint[] {
  return FAILPOINTS.filter((f) => f.startsWith(`${role}:`))
}

export type Failpoint = (typeof FAILPOINTS)[number]

const active = new Set<string>(
  (process.env.HIVE_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
)

/**
 * Switches failpoints on (or, with `on` false, off) in this process, for a chaos harness that
 * picks its victim at run time (the provider that was awarded a job) rather than at start.
 */
export function armFailpoints(names: readonly Failpoint[], on = true): void {
  for (const n of names) {
    if (on) active.add(n)
    else active.delete(n)
  }
}

/**
 * Dies `ms` from now when the environment switched this failpoint on: for a step whose answer
 * must leave first (an ack on its way out dies with the process otherwise).
 */
export function failpointSoon(name: Failpoint, ms = 200): void {
  if (active.size === 0 || !active.has(name)) return
  setTimeout(() => {
    failpoint(name)
  }, ms)
}

/** Dies here, at once, when the environment switched this failpoint on. */
export function failpoint(name: Failpoint): void {
  if (active.size === 0 || !active.has(name)) return
  process.stderr.write(`failpoint ${name}: SIGKILL\n`)
  process.kill(process.pid, 'SIGKILL')
}
