// The node's own routes: who it is, whom it knows, what hardware it offers, which providers
// the network has, and its live events.
import type {
  NodeEvent,
  NodeInfo,
  PeerSummary,
  ProtocolOutcomes,
  ProviderFilter,
  ProviderProfileView,
} from '../../controller.ts'
import { defineRoute, respond } from './route.ts'
import { q } from './query.ts'
import type { QueryOf } from './query.ts'

export const MAX_LOOKUP_MS = 120_000

export interface ProvidersResult {
  filter: ProviderFilter
  providers: ProviderProfileView[]
}

export const nodeRoutes = {
  'node.info': defineRoute({
    method: 'GET',
    path: '/v1/info',
    errors: [],
    response: respond<NodeInfo>(),
    summary: 'who this node is: peer id, addresses, roles, version',
  }),
  'node.peers': defineRoute({
    method: 'GET',
    path: '/v1/peers',
    errors: [],
    response: respond<{ peers: PeerSummary[] }>(),
    summary: 'the peers this node is connected to',
  }),
  'node.hardware': defineRoute({
    method: 'GET',
    path: '/v1/hardware',
    errors: [],
    response: respond<ProviderProfileView>(),
    summary: "this node's provider profile (hardware, executors, prices)",
  }),
  'node.protocols': defineRoute({
    method: 'GET',
    path: '/v1/protocols',
    errors: [],
    response: respond<ProtocolOutcomes>(),
    summary: "how this node's request/response handlers answered, per protocol and outcome",
  }),
  'node.providers': defineRoute({
    method: 'GET',
    path: '/v1/providers',
    // the order is the checking order, as before the table: filter fields first, then timeout
    query: {
      executor: q.string(),
      gpu: q.string(),
      arch: q.string(),
      minMem: q.int(0, Number.MAX_SAFE_INTEGER),
      minCpuScore: q.number(0, Number.MAX_SAFE_INTEGER),
      limit: q.int(1, 1000),
      timeout: q.int(1, MAX_LOOKUP_MS),
    },
    errors: ['UNKNOWN_PARAMETER', 'INVALID_PARAMETER', 'TIMEOUT'],
    response: respond<ProvidersResult>(),
    summary: 'providers the network knows that match a filter',
  }),
  'node.events': defineRoute({
    method: 'GET',
    path: '/v1/events',
    query: { types: q.list(), job: q.string(/^[0-9a-f]{64}$/) },
    stream: true as const,
    errors: ['UNKNOWN_PARAMETER', 'INVALID_PARAMETER'],
    response: respond<NodeEvent>(),
    summary: 'live node events (server-sent), optionally only some types, or only those of one job',
  }),
}

/** A filter as the providers route's query (the route names some fields shorter). */
type ProvidersQuery = QueryOf<NonNullable<(typeof nodeRoutes)['node.providers']['query']>>

export function providerQuery(filter: ProviderFilter, timeoutMs?: number): ProvidersQuery {
  return {
    ...(filter.executor != null ? { executor: filter.executor } : {}),
    ...(filter.gpuVendor != null ? { gpu: filter.gpuVendor } : {}),
    ...(filter.arch != null ? { arch: filter.arch } : {}),
    ...(filter.minMemoryBytes != null ? { minMem: filter.minMemoryBytes } : {}),
    ...(filter.minCpuScore != null ? { minCpuScore: filter.minCpuScore } : {}),
    ...(filter.limit != null ? { limit: filter.limit } : {}),
    ...(timeoutMs != null ? { timeout: timeoutMs } : {}),
  }
}
