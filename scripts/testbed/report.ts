// A scenario's one JSON line (issue 13's Acceptance), computed from what was measured: the jobs'
// outcomes, what each provider's API says it holds, the NAT probes and /v1/info. Pure.
import type { JobOutcome } from './jobs.ts'

export interface Probe {
  connected: boolean
  error?: string
}
export interface ProbeResult {
  target: string
  /** from the NAT router itself (its LAN side): must connect, proving the listener is up */
  fromLan: Probe
  /** from a public host (no route to private space): must fail */
  fromPublicHost: Probe
  /** from the internet router, which does route the LAN to the NAT's WAN: the NAT must drop it */
  fromInet: Probe
  /** to the NAT router's public address on the same port (no forward): must fail */
  toRouter: Probe
}

export interface ScenarioReport {
  scenario: string
  jobs: number
  jobsK2: number
  completed: number
  lost: number
  paid: number
  direct: number
  relayed: number
  placementP50Ms: number | null
  e2eP50Ms: number | null
  reachabilityKnownMs: number | null
  natProbeBlocked: boolean | null
  providersReportPrivate: boolean | null
  holePunch: { attempts: number | null; successes: number | null }
  /** upnp only: port mappings miniupnpd held at the end */
  upnpMappings?: number
  /** providers the requester found by capability (the DHT) before posting, of 3 */
  providersFound: number
}

export function p50(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.floor((s.length - 1) / 2)])
}

/**
 * Which jobs are paid: a provider's vouchers are cumulative, so a job counts as paid when every
 * provider it paid holds at least the running sum of its awards up to that job (in the order the
 * requester paid them). A provider holding less than it earned leaves its last jobs unpaid.
 */
export function paidJobs(outcomes: JobOutcome[], held: Record<string, bigint>): number {
  const awards = outcomes.flatMap((o) => (o.completed && o.verified ? o.winners.map((w) => ({ o, w })) : []))
  awards.sort((a, b) => (a.w.paidAt ?? Infinity) - (b.w.paidAt ?? Infinity))
  const running = new Map<string, bigint>()
  const unpaid = new Set<JobOutcome>()
  for (const { o, w } of awards) {
    const sum = (running.get(w.provider) ?? 0n) + BigInt(w.price)
    running.set(w.provider, sum)
    if (sum > (held[w.provider] ?? 0n)) unpaid.add(o)
  }
  return outcomes.filter((o) => o.completed && o.verified && o.winners.length > 0 && !unpaid.has(o)).length
}

/**
 * Hole punching (DCUtR) from the providers' /v1/info (`reach.connections`): attempts = relayed
 * connections they saw (each is one chance for DCUtR's reversal or hole punch), successes =
 * direct connections that opened to a peer while a relayed one to it was open. Providers only, so
 * a connection is not counted from both ends. null when the nodes do not report it.
 */
export function holePunch(providerInfos: Array<Record<string, unknown>>): {
  attempts: number | null
  successes: number | null
} {
  let attempts: number | null = null
  let successes: number | null = null
  for (const info of providerInfos) {
    const c = (info.reach as { connections?: { relayed?: unknown; upgradedToDirect?: unknown } } | undefined)
      ?.connections
    if (typeof c?.relayed === 'number') attempts = (attempts ?? 0) + c.relayed
    if (typeof c?.upgradedToDirect === 'number') successes = (successes ?? 0) + c.upgradedToDirect
  }
  return { attempts, successes }
}

export interface SummaryInput {
  scenario: string
  jobs: number
  jobsK2: number
  outcomes: JobOutcome[]
  held: Record<string, bigint>
  natScenario: boolean
  natProbes: ProbeResult[]
  natedProviders: Array<{ name: string; status?: string; knownMs?: number }>
  reachKnownMs: Array<number | undefined>
  /** the providers' /v1/info at the end */
  infos: Array<Record<string, unknown>>
  natKinds: string[]
  upnpMappings?: number
  providersFound: number
}

export function summarise(s: SummaryInput): ScenarioReport {
  const done = s.outcomes.filter((o) => o.completed && o.verified)
  const known = s.reachKnownMs.filter((x): x is number => x !== undefined)
  return {
    scenario: s.scenario,
    jobs: s.jobs,
    jobsK2: s.jobsK2,
    completed: done.length,
    lost: s.outcomes.length - done.length,
    paid: paidJobs(s.outcomes, s.held),
    // per job: direct when every winner was reached over a direct connection, relayed when any was relayed
    direct: done.filter((o) => o.paths.length > 0 && o.paths.every((p) => p === 'direct')).length,
    relayed: done.filter((o) => o.paths.includes('relayed')).length,
    placementP50Ms: p50(done.flatMap((o) => (o.placementMs !== undefined ? [o.placementMs] : []))),
    e2eP50Ms: p50(done.flatMap((o) => (o.e2eMs !== undefined ? [o.e2eMs] : []))),
    reachabilityKnownMs: known.length === s.reachKnownMs.length && known.length > 0 ? Math.max(...known) : null,
    natProbeBlocked: s.natScenario
      ? s.natProbes.length > 0 &&
        s.natProbes.every(
          (p) => p.fromLan.connected && !p.fromPublicHost.connected && !p.fromInet.connected && !p.toRouter.connected,
        )
      : null,
    providersReportPrivate: s.natScenario
      ? s.natedProviders.length > 0 && s.natedProviders.every((p) => p.status === 'private')
      : null,
    holePunch: holePunch(s.infos),
    ...(s.upnpMappings !== undefined ? { upnpMappings: s.upnpMappings } : {}),
    providersFound: s.providersFound,
  }
}
