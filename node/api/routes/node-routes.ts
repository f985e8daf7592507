// The node's own routes: who it is, whom it knows, what hardware it offers, which providers
// the network has, and its live events.
import type { NodeController, NodeEvent, ProviderFilter } from '../../controller.ts'
import { numberParam, rejectUnknownParams, stringParam } from '../query.ts'
import type { RouteRegistry } from '../router.ts'
import { EventStream } from '../sse.ts'

export const PROVIDER_QUERY_PARAMS = ['executor', 'gpu', 'arch', 'minMem', 'minCpuScore', 'limit', 'timeout'] as const
const MAX_LOOKUP_MS = 120_000

export function registerNodeRoutes (routes: RouteRegistry, controller: NodeController): void {
  routes.route({ method: 'GET', path: '/v1/info', handler: () => controller.info() })

  routes.route({ method: 'GET', path: '/v1/peers', handler: () => ({ peers: controller.peers() }) })

  routes.route({ method: 'GET', path: '/v1/hardware', handler: () => controller.hardware() })

  routes.route({
    method: 'GET',
    path: '/v1/providers',
    handler: async (ctx) => {
      rejectUnknownParams(ctx.query, PROVIDER_QUERY_PARAMS)
      const filter = providerFilterFromQuery(ctx.query)
      const timeout = numberParam(ctx.query, 'timeout', { min: 1, max: MAX_LOOKUP_MS, integer: true })
      const signal = timeout == null ? ctx.signal : AbortSignal.any([ctx.signal, AbortSignal.timeout(timeout)])
      const providers = await controller.findProviders(filter, { signal })
      return { filter, providers }
    },
  })

  routes.route({
    method: 'GET',
    path: '/v1/events',
    handler: (ctx) => {
      rejectUnknownParams(ctx.query, ['types'])
      const types = ctx.query.get('types')?.split(',').map((t) => t.trim()).filter((t) => t !== '')
      const wanted = types == null || types.length === 0 ? undefined : new Set(types)
      return new EventStream((push) => controller.onEvent((event: NodeEvent) => {
        if (wanted == null || wanted.has(event.type)) push(event)
      }))
    },
  })
}

export function providerFilterFromQuery (query: URLSearchParams): ProviderFilter {
  const filter: ProviderFilter = {}
  const executor = stringParam(query, 'executor')
  const gpu = stringParam(query, 'gpu')
  const arch = stringParam(query, 'arch')
  const minMem = numberParam(query, 'minMem', { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true })
  const minCpuScore = numberParam(query, 'minCpuScore', { min: 0, max: Number.MAX_SAFE_INTEGER })
  const limit = numberParam(query, 'limit', { min: 1, max: 1000, integer: true })
  if (executor != null) filter.executor = executor
  if (gpu != null) filter.gpuVendor = gpu
  if (arch != null) filter.arch = arch
  if (minMem != null) filter.minMemoryBytes = minMem
  if (minCpuScore != null) filter.minCpuScore = minCpuScore
  if (limit != null) filter.limit = limit
  return filter
}

/** The inverse, for clients: a filter as query parameters the route accepts. */
export function providerFilterToQuery (filter: ProviderFilter, timeoutMs?: number): URLSearchParams {
  const q = new URLSearchParams()
  if (filter.executor != null) q.set('executor', filter.executor)
  if (filter.gpuVendor != null) q.set('gpu', filter.gpuVendor)
  if (filter.arch != null) q.set('arch', filter.arch)
  if (filter.minMemoryBytes != null) q.set('minMem', String(filter.minMemoryBytes))
  if (filter.minCpuScore != null) q.set('minCpuScore', String(filter.minCpuScore))
  if (filter.limit != null) q.set('limit', String(filter.limit))
  if (timeoutMs != null) q.set('timeout', String(timeoutMs))
  return q
}
