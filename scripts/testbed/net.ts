// Turns a plan (plan.ts) into namespaces, veth pairs, routes and nftables rules, and takes them
// down again: on every exit path of a run (teardown) and after a killed run (`clean`). Root only.
// A run records what it made in /run/hive-testbed/<runId>.json, so clean() can tell a live run's
// namespaces (left alone) from a dead one's.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { INTERNET_PREFIXES, NS_PREFIX, UPNP_TABLE, lossRuleset, natRuleset, nsName } from './plan.ts'
import type { CorePlan, HostPlan, ScenarioPlan } from './plan.ts'

const STATE_DIR = '/run/hive-testbed'

export function sh(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' })
  if (r.error !== undefined) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`)
  return r.stdout
}

function ipBatch(ns: string | undefined, lines: string[]): void {
  if (lines.length === 0) return
  sh('ip', [...(ns !== undefined ? ['-n', ns] : []), '-batch', '-'], lines.join('\n') + '\n')
}

export function isRoot(): boolean {
  return process.getuid?.() === 0
}

/** Installs Debian's miniupnpd-nftables for the upnp scenario when missing; false when it cannot. */
export function ensureMiniupnpd(log: (s: string) => void): boolean {
  if (existsSync('/usr/sbin/miniupnpd')) return true
  log('miniupnpd is missing: apt-get install miniupnpd-nftables')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  spawnSync('apt-get', ['install', '-y', '-q', 'miniupnpd-nftables'], { encoding: 'utf8', env })
  return existsSync('/usr/sbin/miniupnpd')
}

/** The port mappings miniupnpd holds in a UPnP router (its DNAT rules). */
export function upnpMappings(ns: string): number {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'chain', 'inet', UPNP_TABLE, 'prerouting_miniupnpd'], {
    encoding: 'utf8',
  })
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l.includes('dnat')).length : 0
}

export function hasNft(): boolean {
  return spawnSync('nft', ['--version'], { encoding: 'utf8' }).status === 0
}

/** Installs Debian's nftables when `nft` is missing (root; CI runs as root). */
export function ensureNft(log: (s: string) => void): void {
  if (hasNft()) return
  log('nft is missing: apt-get install nftables')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  let r = spawnSync('apt-get', ['install', '-y', '-q', 'nftables'], { encoding: 'utf8', env })
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env })
    r = spawnSync('apt-get', ['install', '-y', '-q', 'nftables'], { encoding: 'utf8', env })
  }
  if (!hasNft()) throw new Error(`could not install nftables: ${r.stderr}`)
}

function runNamespaces(runId: string): string[] {
  return listNamespaces().filter((n) => n.startsWith(nsName(runId, '')))
}

function writeState(core: CorePlan): void {
  mkdirSync(STATE_DIR, { recursive: true })
  writeFileSync(
    join(STATE_DIR, `${core.runId}.json`),
    JSON.stringify({
      pid: process.pid,
      runId: core.runId,
      prefix: nsName(core.runId, ''),
      blackholeMetric: core.blackholeMetric,
    }) + '\n',
  )
}

function nsExec(ns: string, args: string[], input?: string): string {
  return sh('ip', ['netns', 'exec', ns, ...args], input)
}

function addNamespace(ns: string): void {
  sh('ip', ['netns', 'add', ns])
  ipBatch(ns, ['link set lo up'])
}

/** A host's own side: its address, and routes only for the testbed's ranges (no default route). */
function configureHost(h: HostPlan, multicast = false): void {
  ipBatch(h.ns, [
    `addr add ${h.addr}/24 dev eth0`,
    'link set eth0 up',
    ...INTERNET_PREFIXES.map((p) => `route add ${p} via ${h.gw}`),
    // SSDP (UPnP discovery) multicasts to 239.255.255.250: with no default route it needs its own
    ...(multicast ? ['route add 239.255.255.250/32 dev eth0'] : []),
  ])
}

function addPublicHosts(inetNs: string, hosts: HostPlan[]): void {
  for (const h of hosts) addNamespace(h.ns)
  ipBatch(
    inetNs,
    hosts.flatMap((h) => [
      `link add ${h.peerIf} type veth peer name eth0 netns ${h.ns}`,
      `addr add ${h.gw}/24 dev ${h.peerIf}`,
      `link set ${h.peerIf} up`,
    ]),
  )
  for (const h of hosts) configureHost(h)
}

/** The core: blackholes in the root namespace, the internet router, the chain's, bootstrap's and helpers' hosts. */
export function buildCore(core: CorePlan): void {
  writeState(core)
  // blackholes first: from now on a mistaken dial from the root namespace fails here
  ipBatch(
    undefined,
    INTERNET_PREFIXES.map((p) => `route add blackhole ${p} metric ${core.blackholeMetric}`),
  )
  addNamespace(core.inetNs)
  nsExec(core.inetNs, ['sysctl', '-qw', 'net.ipv4.ip_forward=1'])
  addPublicHosts(core.inetNs, core.hosts)
}

/** A scenario's NAT routers and hosts on the core, and its packet loss. */
export function addScenario(core: CorePlan, s: ScenarioPlan): void {
  for (const nat of s.nats) {
    addNamespace(nat.ns)
    ipBatch(core.inetNs, [
      `link add ${nat.inetIf} type veth peer name wan netns ${nat.ns}`,
      `addr add ${nat.wanGw}/24 dev ${nat.inetIf}`,
      `link set ${nat.inetIf} up`,
    ])
    const lines = [
      `addr add ${nat.wanAddr}/24 dev wan`,
      'link set wan up',
      'link add lan type bridge',
      `addr add ${nat.lanAddr}/24 dev lan`,
      'link set lan up',
      ...INTERNET_PREFIXES.map((p) => `route add ${p} via ${nat.wanGw}`),
    ]
    const behind = s.hosts.filter((x) => x.nat === nat.name)
    for (const h of behind) addNamespace(h.ns)
    for (const h of behind) {
      lines.push(
        `link add ${h.peerIf} type veth peer name eth0 netns ${h.ns}`,
        `link set ${h.peerIf} master lan`,
        `link set ${h.peerIf} up`,
      )
    }
    ipBatch(nat.ns, lines)
    nsExec(nat.ns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1'])
    nsExec(nat.ns, ['nft', '-f', '-'], natRuleset(nat))
    for (const h of behind) configureHost(h, nat.kind === 'upnp')
    // the probe that proves the NAT filters: inet (not the public hosts) may route to the LAN
    ipBatch(core.inetNs, [`route add ${nat.lanNet} via ${nat.wanAddr}`])
  }
  addPublicHosts(
    core.inetNs,
    s.hosts.filter((h) => h.nat === undefined),
  )
  const loss = lossRuleset(s.lossPercent)
  if (loss !== '') nsExec(core.inetNs, ['nft', '-f', '-'], loss)
}

/** Removes a scenario's hosts and routers (their links and routes go with them) and its loss. */
export function removeScenario(core: CorePlan, s: ScenarioPlan): void {
  // the inet side of its links first: a deleted namespace's veth pairs go only once the kernel
  // has finished with the namespace, and the next scenario reuses the names
  const inetIfs = [...s.nats.map((n) => n.inetIf), ...s.hosts.filter((h) => h.nat === undefined).map((h) => h.peerIf)]
  for (const i of inetIfs) spawnSync('ip', ['-n', core.inetNs, 'link', 'del', i])
  removeNamespaces([...s.hosts.map((h) => h.ns), ...s.nats.map((n) => n.ns)])
  if (s.lossPercent > 0) spawnSync('ip', ['netns', 'exec', core.inetNs, 'nft', 'delete', 'table', 'inet', 'hiveloss'])
}

function killNamespacePids(ns: string): void {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
  if (r.status !== 0) return
  for (const pid of r.stdout.split(/\s+/).filter((s) => /^\d+$/.test(s))) {
    try {
      process.kill(Number(pid), 'SIGKILL')
    } catch {
      /* gone */
    }
  }
}

function removeNamespaces(names: string[]): void {
  const existing = new Set(listNamespaces())
  for (const ns of names) if (existing.has(ns)) killNamespacePids(ns)
  for (const ns of names) {
    if (!existing.has(ns)) continue
    spawnSync('ip', ['netns', 'del', ns])
  }
}

function removeBlackholes(metric: number): void {
  for (const p of INTERNET_PREFIXES) spawnSync('ip', ['route', 'del', 'blackhole', p, 'metric', String(metric)])
}

/** Removes everything a run made; safe to call twice and on a half-built network. */
export function teardownRun(core: CorePlan): void {
  removeNamespaces(runNamespaces(core.runId))
  removeBlackholes(core.blackholeMetric)
  rmSync(join(STATE_DIR, `${core.runId}.json`), { force: true })
}

export function listNamespaces(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
  return r.status === 0
    ? r.stdout
        .split('\n')
        .map((l) => l.split(' ')[0])
        .filter((s) => s !== '')
    : []
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * `npm run testbed -- clean`: removes what runs that are no longer alive left behind (their
 * namespaces, processes inside them, blackhole routes, state files). A live run is left alone.
 */
export function cleanLeftovers(log: (s: string) => void): { namespaces: number; blackholes: number } {
  const livePrefixes: string[] = []
  const liveMetrics = new Set<number>()
  let removedNs = 0
  let removedBh = 0
  if (existsSync(STATE_DIR)) {
    for (const f of readdirSync(STATE_DIR).filter((n) => n.endsWith('.json'))) {
      const st = JSON.parse(readFileSync(join(STATE_DIR, f), 'utf8')) as {
        pid: number
        prefix: string
        blackholeMetric: number
      }
      if (alive(st.pid) && st.pid !== process.pid) {
        livePrefixes.push(st.prefix)
        liveMetrics.add(st.blackholeMetric)
        continue
      }
      rmSync(join(STATE_DIR, f), { force: true })
    }
  }
  const dead = listNamespaces().filter((n) => n.startsWith(NS_PREFIX) && !livePrefixes.some((p) => n.startsWith(p)))
  removeNamespaces(dead)
  removedNs = dead.length
  const routes = execFileSync('ip', ['route', 'show', 'type', 'blackhole'], { encoding: 'utf8' }).split('\n')
  for (const line of routes) {
    const m = /^blackhole (\S+)(?: .*metric (\d+))?/.exec(line.trim())
    if (m === null || !INTERNET_PREFIXES.includes(m[1])) continue
    const metric = Number(m[2] ?? 0)
    if (liveMetrics.has(metric)) continue
    spawnSync('ip', ['route', 'del', 'blackhole', m[1], 'metric', String(metric)])
    removedBh++
  }
  log(`removed ${removedNs} namespaces and ${removedBh} blackhole routes left by earlier runs`)
  return { namespaces: removedNs, blackholes: removedBh }
}
