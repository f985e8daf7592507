// A node's Prometheus registry and libp2p's metrics on it (@libp2p/prometheus-metrics). That
// package keeps a module-wide table of metric names and, unless told otherwise, clears it and
// prom-client's global registry when an instance is made: with several metrics-enabled nodes in
// one process, a libp2p metric first registered after a second node was made may be counted in
// the first node's registry. One node per process (the CLI) is exact; tests read our own series.
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Registry } from 'prom-client'
import type { Libp2pOptions } from 'libp2p'

export interface NodeMetrics {
  registry: Registry
  libp2p: NonNullable<Libp2pOptions['metrics']>
}

export function nodeMetrics(): NodeMetrics {
  const registry = new Registry()
  // process metrics (CPU, memory, event loop lag) come with libp2p's default collection
  const libp2p = prometheusMetrics({ registry, collectDefaultMetrics: true })
  return { registry, libp2p }
}
