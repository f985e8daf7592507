// createHiveNode: the one place a node is assembled (docs/architecture.md, Node). It reads the
// peer key once, lets services prepare (the chain signs the address binding the profile
// carries), makes libp2p, the store and the event feed (HiveNode.create), then builds each
// service from its factory in dependency order and adds it, so that the node starts them in that
// order and stops them in reverse. Every node discovers: a caller that names no `discovery`
// service gets discoveryService() first. The CLI, the tests, the benchmarks and the demo all use it.
import { mkdirSync } from 'node:fs'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { HiveError } from '../protocol/errors.ts'
import { discoveryService } from './discovery/service.ts'
import { HiveNode } from './node.ts'
import { loadOrCreatePeerKey } from './p2p/identity.ts'
import { OutcomeCounters } from './p2p/reqresp/counters.ts'
import type { HiveConfig } from './config.ts'
import type { HiveNodeOptions } from './node.ts'
import type { RelayChainChecks } from './p2p/reach/relay-policy.ts'
import type {
  HiveComponents,
  HiveService,
  NodeContribution,
  ServiceFactories,
  ServiceLookup,
  ServicesOf,
} from './service.ts'

export type {
  HiveComponents,
  HiveService,
  PreComponents,
  ServiceFactory,
  ServiceFactories,
  ServiceLookup,
  ServicesOf,
} from './service.ts'

export interface CreateHiveNodeOptions<F extends ServiceFactories> extends Omit<HiveNodeOptions, 'privateKey' | 'eth'> {
  /** the services, by name: `{ audit: auditService(), market: marketService({ … }) }` */
  services?: F
}

/** What a chain service offers a relay's policy (node/chain/service.ts), named here so create.ts imports no service. */
interface RelayChainSource {
  relayChainChecks(config: HiveConfig, now: () => number): RelayChainChecks
}

/** A node and its services, typed by the factories it was built from. */
export type HiveNodeWith<F extends ServiceFactories> = HiveNode & { readonly services: ServicesOf<F> }

/**
 * Builds a node and its services (not started: call `start()`). Throws SERVICE_DEPENDENCY_MISSING
 * when a factory needs a service that is not configured, SERVICE_DEPENDENCY_CYCLE when the
 * dependencies loop; on any failure everything made so far is released.
 */
export async function createHiveNode<F extends ServiceFactories = Record<never, never>>(
  config: HiveConfig,
  options: CreateHiveNodeOptions<F> = {},
): Promise<HiveNodeWith<F>> {
  const { services: given = {} as F, ...nodeOptions } = options
  // every node discovers: a caller that names no discovery service gets the default one, first
  const factories = ('discovery' in given ? given : { discovery: discoveryService(), ...given }) as F
  const order = startOrder(factories)
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const { key: privateKey } = await loadOrCreatePeerKey(config.dataDir)
  const peerId = peerIdFromPrivateKey(privateKey)
  const prepared: string[] = []
  let node: HiveNode | undefined
  try {
    let contribution: NodeContribution = {}
    for (const name of order) {
      const factory = factories[name]
      if (factory.prepare === undefined) continue
      prepared.push(name)
      contribution = { ...contribution, ...(await factory.prepare({ peerId, privateKey, config })) }
    }
    // one counter object for the whole node, so the API shows every protocol's outcomes together
    const counters = new OutcomeCounters()
    // metrics on: one Prometheus registry for this node, made before libp2p so its series share it
    // (loaded only then: a node without metrics never loads prom-client)
    const metrics = config.metrics ? (await import('./metrics/libp2p.ts')).nodeMetrics() : undefined
    node = await HiveNode.create(config, {
      ...nodeOptions,
      privateKey,
      ...contribution,
      counters,
      ...(metrics !== undefined ? { libp2pMetrics: metrics.libp2p } : {}),
    })
    const components: HiveComponents = {
      peerId,
      privateKey,
      libp2p: node.libp2p,
      store: node.store,
      events: node.events,
      config,
      logger: node.libp2p.logger,
      counters,
      node,
      hardware: node.hardwareProfile,
      ...(node.eth !== undefined ? { eth: node.eth } : {}),
      now: node.now,
      ...(metrics !== undefined ? { metricsRegistry: metrics.registry } : {}),
    }
    const made = new Map<string, HiveService>()
    const lookup: ServiceLookup = {
      get: <T extends HiveService>(name: string) => made.get(name) as T | undefined,
      require: <T extends HiveService>(name: string) => {
        const s = made.get(name)
        if (s === undefined) {
          throw new HiveError('SERVICE_DEPENDENCY_MISSING', `service ${name} is not part of this node`, { name })
        }
        return s as T
      },
    }
    for (const name of order) {
      const factory = factories[name]
      // a required service the config left out leaves its dependants out too (payments without a chain)
      if ((factory.dependencies ?? []).some((d) => !made.has(d))) continue
      const service = await factory.create(components, lookup)
      if (service === undefined) continue
      made.set(name, service)
      node.addService(service, name)
    }
    // a relay with a chain: its market policy counts a provider's profile only with its stake on
    // chain, and serves requesters that show a funded account (issue 13, docs/reach.md)
    const chain = made.get('chain') as (HiveService & Partial<RelayChainSource>) | undefined
    if (chain?.relayChainChecks !== undefined) {
      node.reach.relayPolicy?.setChainChecks(chain.relayChainChecks(config, node.now))
    }
    return node as HiveNodeWith<F>
  } catch (err) {
    if (node !== undefined) await node.discard().catch(() => {})
    for (const name of prepared) await Promise.resolve(factories[name].discard?.()).catch(() => {})
    throw err
  }
}

/** The factories' names, each after those it depends on (otherwise in declaration order). */
export function startOrder(factories: ServiceFactories): string[] {
  const order: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' -> ')
      throw new HiveError('SERVICE_DEPENDENCY_CYCLE', `services depend on each other in a loop: ${cycle}`, { cycle })
    }
    state.set(name, 'visiting')
    const factory = factories[name]
    for (const dep of factory.dependencies ?? []) {
      if (factories[dep] === undefined) {
        const message = `service ${name} needs service ${dep}: add it to the node's services`
        throw new HiveError('SERVICE_DEPENDENCY_MISSING', message, { name, dependency: dep })
      }
      visit(dep, [...path, name])
    }
    for (const dep of factory.optionalDependencies ?? []) {
      if (factories[dep] !== undefined) visit(dep, [...path, name])
    }
    state.set(name, 'done')
    order.push(name)
  }
  for (const name of Object.keys(factories)) visit(name, [])
  return order
}
