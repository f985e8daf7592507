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
] as const

export type Failpoint = (typeof FAILPOINTS)[number]

const active: ReadonlySet<string> = new Set(
  (process.env.HIVE_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
)

/** Dies here, at once, when the environment switched this failpoint on. */
export function failpoint(name: Failpoint): void {
  if (active.size === 0 || !active.has(name)) return
  process.stderr.write(`failpoint ${name}: SIGKILL\n`)
  process.kill(process.pid, 'SIGKILL')
}
