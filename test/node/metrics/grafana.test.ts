// The shipped Grafana dashboard (ops/grafana/computehive-node.json) must only ask for series the
// node registers: a renamed series would otherwise leave an empty panel nobody notices.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { Registry } from 'prom-client'
import { HiveSeries } from '../../../node/metrics/series.ts'

const DASHBOARD = join(import.meta.dirname, '..', '..', '..', 'ops', 'grafana', 'computehive-node.json')

describe('ops/grafana dashboard', () => {
  it('queries only hive_* series the node registers (histograms by their _bucket/_sum/_count)', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>
    }
    const registry = new Registry()
    new HiveSeries(registry)
    const known = new Set(registry.getMetricsAsArray().map((m) => m.name))
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/hive_[a-z_]+/g) ?? []))
    expect(used.length).to.be.greaterThan(10)
    for (const name of used) {
      const base = name.replace(/_(bucket|sum|count)$/, '')
      expect(known.has(name) || known.has(base), `${name} in the dashboard is not a registered series`).to.equal(true)
    }
  })
})
