// What a node service is and how it is built (docs/architecture.md, Node). The model is
// js-libp2p's services and components: a service is made by a factory from the node's
// components and the services it declared it depends on, never by its callers; the node starts
// services in dependency order and stops them in reverse. Types only: services import this file,
// node/create.ts implements it.
import type { HiveConfig } from './config.ts'
import type { NodeController } from './controller.ts'
import type { NodeEvents } from './events.ts'
import type { HiveLibp2p } from './p2p/create.ts'
import type { OutcomeCounters } from './p2p/reqresp/counters.ts'
import type { HiveStore } from './store.ts'
import type { RouteRegistry } from './api/router.ts'
import type { ProfileHardware } from '../protocol/profile.ts'
import type { ComponentLogger, PeerId, PrivateKey } from '@libp2p/interface'
import type { Registry } from 'prom-client'

/** What a service needs to be part of a node. */
export interface HiveService {
  readonly name: string
  start(): void | Promise<void>
  stop(): void | Promise<void>
  /** adds this service's routes to the node's local API */
  routes?(registry: RouteRegistry): void
}

/** What every service factory is handed: the node's parts, each made once. */
export interface HiveComponents {
  readonly peerId: PeerId
  /** the node's peer key, read from the data dir once by createHiveNode */
  readonly privateKey: PrivateKey
  readonly libp2p: HiveLibp2p
  readonly store: HiveStore
  readonly events: NodeEvents
  readonly config: HiveConfig
  readonly logger: ComponentLogger
  /** one node-wide request/response outcome counter: every protocol handler counts into it */
  readonly counters: OutcomeCounters
  /** the node itself as its API sees it: own profile, provider lookups */
  readonly node: Pick<NodeController, 'hardware' | 'findProviders'>
  /** this machine as measured (or as a test or benchmark set it): what the profile offers */
  readonly hardware: ProfileHardware
  /** the Ethereum identity a `prepare` contributed (the chain), carried in the profile */
  readonly eth?: { ethAddress: string; ethBinding: Uint8Array }
  /** the node's clock (tests move it) */
  readonly now: () => number
  /** the node's own Prometheus registry when metrics are on (libp2p's series are already on it) */
  readonly metricsRegistry?: Registry
}

/** What a service's `prepare` sees: the node before libp2p and the store exist. */
export interface PreComponents {
  readonly peerId: PeerId
  readonly privateKey: PrivateKey
  readonly config: HiveConfig
}

/** What `prepare` may add to the node: today, the Ethereum identity its profile carries. */
export interface NodeContribution {
  eth?: { ethAddress: string; ethBinding: Uint8Array }
}

/**
 * The services a factory asked for, by name. A name in `dependencies` is always there; one in
 * `optionalDependencies` may be missing (not configured, or disabled by the config). The consumer
 * states the shape it expects (its port), so that service folders need not import each other.
 */
export interface ServiceLookup {
  get<T extends HiveService>(name: string): T | undefined
  require<T extends HiveService>(name: string): T
}

export interface ServiceFactory<S extends HiveService = HiveService> {
  /**
   * Services that must exist and start before this one (and stop after it). A dependency the
   * config disabled (its factory made nothing) disables this service too.
   */
  readonly dependencies?: readonly string[]
  /** services used when present, also started before this one */
  readonly optionalDependencies?: readonly string[]
  /** runs once, before libp2p and the store are made (the chain: connect, unlock, sign the binding) */
  prepare?(components: PreComponents): Promise<NodeContribution | undefined>
  /** releases what `prepare` holds when the node is not built after all */
  discard?(): void | Promise<void>
  /** the service, or undefined when the config leaves it out (e.g. the chain without an rpcUrl) */
  create(components: HiveComponents, services: ServiceLookup): S | undefined | Promise<S | undefined>
}

export type ServiceFactories = Record<string, ServiceFactory>

/** The services a node built from `F` holds (each may be absent: see ServiceFactory.create). */
export type ServicesOf<F extends ServiceFactories> = {
  readonly [K in keyof F]: (F[K] extends ServiceFactory<infer S> ? S : never) | undefined
}
