// The node's own routes (table: ../contract/node.ts): who it is, whom it knows, what hardware
// it offers, which providers the network has, and its live events.
import type { NodeController, NodeEvent, ProviderFilter } from '../../controller.ts'
import type { RouteQuery } from '../contract/index.ts'
import type { RouteRegistry } from '../router.ts'
import { EventStream } from '../sse.ts'

export function registerNodeRoutes(routes: RouteRegistry, controller: NodeController): void {
  routes.area('node', {
    'node.info': () => controller.info(),
    'node.peers': () => ({ peers: controller.peers() }),
    'node.hardware': () => controller.hardware(),
    'node.protocols': () => controller.protocols(),
    'node.providers': async ({ query, signal }) => {
      const filter = providerFilterOf(query)
      const lookup = query.timeout == null ? signal : AbortSignal.any([signal, AbortSignal.timeout(query.timeout)])
      const providers = await controller.findProviders(filter, { signal: lookup })
      return { filter, providers }
    },
    'node.events': ({ query }) => {
      const wanted = query.types == null ? undefined : new Set(query.types)
      const job = query.job ?? undefined
      return new EventStream((push) =>
        controller.onEvent((event: NodeEvent) => {
          if (wanted != null && !wanted.has(event.type)) return
          if (job != null && !('jobId' in event && event.jobId === job)) return
          push(event)
        }),
      )
    },
  })
}

function providerFilterOf(query: RouteQuery<'node.providers'>): ProviderFilter {
  const filter: ProviderFilter = {}
  if (query.executor != null) filter.executor = query.executor
  if (query.gpu != null) filter.gpuVendor = query.gpu
  if (query.arch != null) filter.arch = query.arch
  if (query.minMem != null) filter.minMemoryBytes = query.minMem
  if (query.minCpuScore != null) filter.minCpuScore = query.minCpuScore
  if (query.limit != null) filter.limit = query.limit
  return filter
}
