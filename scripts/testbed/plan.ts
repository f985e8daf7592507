// The testbed's address plan, pure: which hosts a scenario has, which sit behind which NAT, and
// every address, route and nftables ruleset that follows. net.ts turns a plan into namespaces.
//
// The "internet" is one router namespace (inet) with a point-to-point /24 to every public host and
// to every NAT router's WAN side. Public hosts are spread over the first octets 11 … 18, because
// AutoNAT counts one dial-back per first octet and needs several segments to conclude; NAT routers'
// WAN sides are in 19/8. libp2p treats all of these as public (none is in its private list). LANs
// behind NATs are 10.<n>.0.0/24 bridges. Nothing routes by default: every namespace knows only the
// testbed's own ranges, and the root namespace blackholes them for the length of the run.

export type NatKind = 'easy' | 'hard' | 'upnp'
export type Role = 'chain' | 'bootstrap' | 'helper' | 'requester' | 'provider'
export const SCENARIOS = ['public', 'nat-easy', 'nat-hard', 'both-nat', 'upnp', 'lossy'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

/** the testbed's public ranges (first octets); each gets a blackhole in the root namespace */
export const PUBLIC_OCTETS = [11, 12, 13, 14, 15, 16, 17, 18, 19] as const
export const INTERNET_PREFIXES = PUBLIC_OCTETS.map((o) => `${o}.0.0.0/8`)
/** AutoNAT helpers, one per first octet 11 … 18 */
export const HELPER_COUNT = 8
export const PROVIDER_COUNT = 3

export interface HostPlan {
  /** short name, e.g. provider-1 */
  name: string
  role: Role
  ns: string
  /** the host's own address (no prefix length) */
  addr: string
  /** its gateway: the inet router's or its NAT router's side of the link */
  gw: string
  /** the NAT this host sits behind, if any */
  nat?: string
  /** its interface name in the inet namespace (public hosts) or in the NAT router's (private) */
  peerIf: string
}

export interface NatPlan {
  name: string
  kind: NatKind
  ns: string
  /** WAN address, its gateway in inet, the interface name inet sees */
  wanAddr: string
  wanGw: string
  inetIf: string
  /** LAN: 10.<n>.0.1/24 on a bridge named lan */
  lanNet: string
  lanAddr: string
}

/**
 * What every scenario of a run shares: the internet router, the chain, the bootstrap/relay node and the AutoNAT
 * helpers.
 */
export interface CorePlan {
  runId: string
  inetNs: string
  hosts: HostPlan[]
  /** metric of this run's blackhole routes, unique per run so two runs never remove each other's */
  blackholeMetric: number
}

/** One scenario on the core: its requester and providers, its NAT routers, loss and delay. */
export interface ScenarioPlan {
  scenario: ScenarioName
  /** distinguishes this scenario's namespaces from the previous ones' of the same run */
  tag: string
  hosts: HostPlan[]
  nats: NatPlan[]
  /** random loss in the inet router, percent of forwarded packets (each direction) */
  lossPercent: number
  /** application-level delay of every write, ms (node/p2p/write-delay.ts) */
  delayMs: number
}

/** A core and a scenario on it, as the scenario sees them. */
export interface TestbedPlan extends Omit<ScenarioPlan, 'hosts'>, Omit<CorePlan, 'hosts'> {
  hosts: HostPlan[]
}

/** Namespace names: hb-<runId>-<suffix>; clean() finds leftovers by the prefix. */
export const NS_PREFIX = 'hb-'
export function nsName(runId: string, suffix: string): string {
  return `${NS_PREFIX}${runId}-${suffix}`
}

/** A run id from a number (pid and time): 6 hex digits. */
export function makeRunId(seed: number): string {
  return (seed >>> 0).toString(16).padStart(6, '0').slice(-6)
}

interface Placement {
  requester?: string
  providers?: string
}
function placementOf(s: ScenarioName): { nats: Array<{ name: string; kind: NatKind }>; place: Placement } {
  switch (s) {
    case 'public':
    case 'lossy':
      return { nats: [], place: {} }
    case 'nat-easy':
      return { nats: [{ name: 'nat-a', kind: 'easy' }], place: { providers: 'nat-a' } }
    case 'nat-hard':
      return { nats: [{ name: 'nat-a', kind: 'hard' }], place: { providers: 'nat-a' } }
    case 'upnp':
      return { nats: [{ name: 'nat-a', kind: 'upnp' }], place: { providers: 'nat-a' } }
    case 'both-nat':
      return {
        nats: [
          { name: 'nat-a', kind: 'easy' },
          { name: 'nat-b', kind: 'easy' },
        ],
        place: { providers: 'nat-a', requester: 'nat-b' },
      }
  }
}

/** Links 1 … CORE_LINKS of the inet router are the core's; scenario hosts use the ones after. */
const CORE_LINKS = 2 + HELPER_COUNT

export function makeCorePlan(runId: string, blackholeMetric: number): CorePlan {
  const hosts: HostPlan[] = []
  const add = (name: string, role: Role, octet: number): void => {
    const k = hosts.length + 1
    hosts.push({
      name,
      role,
      ns: nsName(runId, name),
      addr: `${octet}.0.${k}.2`,
      gw: `${octet}.0.${k}.1`,
      peerIf: `p${k}`,
    })
  }
  add('chain', 'chain', 11)
  add('bootstrap', 'bootstrap', 11)
  for (let i = 0; i < HELPER_COUNT; i++) add(`helper-${i + 1}`, 'helper', PUBLIC_OCTETS[i])
  return { runId, inetNs: nsName(runId, 'inet'), hosts, blackholeMetric }
}

export function makeScenarioPlan(core: CorePlan, scenario: ScenarioName, index: number): ScenarioPlan {
  const tag = `s${index}`
  const name = (n: string): string => nsName(core.runId, `${tag}-${n}`)
  const { nats: natSpecs, place } = placementOf(scenario)
  const nats: NatPlan[] = natSpecs.map((n, i) => ({
    name: n.name,
    kind: n.kind,
    ns: name(n.name),
    wanAddr: `19.0.${i + 1}.2`,
    wanGw: `19.0.${i + 1}.1`,
    inetIf: `n${i + 1}`,
    lanNet: `10.${i + 1}.0.0/24`,
    lanAddr: `10.${i + 1}.0.1`,
  }))
  const hosts: HostPlan[] = []
  const lanCount = new Map<string, number>()
  let link = CORE_LINKS
  const add = (hostName: string, role: Role, octet: number, behind?: string): void => {
    if (behind !== undefined) {
      const nat = nats.find((n) => n.name === behind)!
      const k = (lanCount.get(behind) ?? 0) + 1
      lanCount.set(behind, k)
      const base = nat.lanAddr.slice(0, nat.lanAddr.lastIndexOf('.'))
      hosts.push({
        name: hostName,
        role,
        ns: name(hostName),
        addr: `${base}.${10 + k}`,
        gw: nat.lanAddr,
        nat: behind,
        peerIf: `h${k}`,
      })
      return
    }
    link++
    hosts.push({
      name: hostName,
      role,
      ns: name(hostName),
      addr: `${octet}.0.${link}.2`,
      gw: `${octet}.0.${link}.1`,
      peerIf: `p${link}`,
    })
  }
  add('requester', 'requester', 12, place.requester)
  for (let i = 0; i < PROVIDER_COUNT; i++) add(`provider-${i + 1}`, 'provider', 13 + i, place.providers)
  return {
    scenario,
    tag,
    hosts,
    nats,
    lossPercent: scenario === 'lossy' ? 2 : 0,
    delayMs: scenario === 'lossy' ? 30 : 0,
  }
}

export function combine(core: CorePlan, s: ScenarioPlan): TestbedPlan {
  return { ...core, ...s, hosts: [...core.hosts, ...s.hosts] }
}

/**
 * The NAT router's ruleset: masquerade out of wan, forward only LAN→WAN and replies. A UPnP
 * router also has the chains miniupnpd fills (its port mappings are DNAT rules), and forwards
 * what such a mapping let in.
 */
export function natRuleset(nat: NatPlan): string {
  const masq = nat.kind === 'hard' ? 'masquerade random,fully-random' : 'masquerade'
  const lines = [
    'table ip hivenat {',
    '  chain post {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    oifname "wan" ${masq}`,
    '  }',
    '}',
    'table inet hivefw {',
    '  chain forward_filter {',
    '    type filter hook forward priority filter; policy drop;',
    '    ct state established,related accept',
    '    iifname "lan" oifname "wan" accept',
    ...(nat.kind === 'upnp' ? ['    ct status dnat accept'] : []),
    '  }',
    '}',
  ]
  if (nat.kind === 'upnp') {
    lines.push(
      `table inet ${UPNP_TABLE} {`,
      '  chain forward { type filter hook forward priority filter; policy accept; jump miniupnpd; }',
      '  chain miniupnpd { }',
      '  chain prerouting { type nat hook prerouting priority dstnat; policy accept; jump prerouting_miniupnpd; }',
      '  chain postrouting { type nat hook postrouting priority srcnat; policy accept; jump postrouting_miniupnpd; }',
      '  chain prerouting_miniupnpd { }',
      '  chain postrouting_miniupnpd { }',
      '}',
    )
  }
  return lines.join('\n') + '\n'
}

export const UPNP_TABLE = 'hiveupnp'

/** miniupnpd's config for a UPnP router: IGD and NAT-PMP on the LAN, mappings only for the LAN's hosts. */
export function miniupnpdConfig(nat: NatPlan, uuid: string): string {
  return [
    'ext_ifname=wan',
    'listening_ip=lan',
    'http_port=0',
    'enable_natpmp=yes',
    'enable_upnp=yes',
    'secure_mode=yes',
    'system_uptime=yes',
    `uuid=${uuid}`,
    `upnp_table_name=${UPNP_TABLE}`,
    `upnp_nat_table_name=${UPNP_TABLE}`,
    'upnp_forward_chain=miniupnpd',
    'upnp_nat_chain=prerouting_miniupnpd',
    'upnp_nat_postrouting_chain=postrouting_miniupnpd',
    `allow 1024-65535 ${nat.lanNet} 1024-65535`,
    'deny 0-65535 0.0.0.0/0 0-65535',
    '',
  ].join('\n')
}

/** The inet router's ruleset: random loss of forwarded packets (nothing when 0). */
export function lossRuleset(lossPercent: number): string {
  if (lossPercent <= 0) return ''
  return [
    'table inet hiveloss {',
    '  chain forward_filter {',
    '    type filter hook forward priority filter; policy accept;',
    `    numgen random mod 100 < ${lossPercent} drop`,
    '  }',
    '}',
    '',
  ].join('\n')
}
