// Compares two V8 heap snapshots (e.g. the soak's `--heap-snapshots`, taken after a full GC) by
// what the heap holds of each kind of object, and names who holds the kinds that grew: the
// tool the soak's "RSS not flat" needs to point at a map instead of a guess.
//   npx tsx scripts/chaos/heap-diff.ts EARLY.heapsnapshot LATE.heapsnapshot [--top N]
// Prints one JSON line: the kinds whose retained count grew most, each with the edges (holder
// kind and field) through which the late heap holds most of them.
import { readFileSync } from 'node:fs'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[]; edge_fields: string[]; edge_types: unknown[] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

interface Heap {
  /** per node: its kind ("type:name", names of strings and numbers folded) */
  kind: string[]
  selfSize: number[]
  /** per node: the first edge index and the edge count */
  firstEdge: number[]
  edgeCount: number[]
  edges: number[]
  edgeFieldCount: number
  edgeTo: number
  edgeTypes: string[]
  edgeName: (i: number) => string
  nodeFieldCount: number
}

function load(file: string): Heap {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const nf = s.snapshot.meta.node_fields
  const types = s.snapshot.meta.node_types[0] as string[]
  const ef = s.snapshot.meta.edge_fields
  const edgeTypes = s.snapshot.meta.edge_types[0] as string[]
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f))
  const n = s.nodes.length / nf.length
  const kind: string[] = new Array<string>(n)
  const selfSize: number[] = new Array<number>(n)
  const firstEdge: number[] = new Array<number>(n)
  const edgeCount: number[] = new Array<number>(n)
  let e = 0
  for (let i = 0; i < n; i++) {
    const o = i * nf.length
    const type = types[s.nodes[o + iType]]
    const name = s.strings[s.nodes[o + iName]]
    const folded = type === 'string' || type === 'number' || type === 'concatenated string' || type === 'sliced string'
    kind[i] = folded ? type : `${type}:${name.length > 60 ? name.slice(0, 60) + '…' : name}`
    selfSize[i] = s.nodes[o + iSize]
    firstEdge[i] = e
    edgeCount[i] = s.nodes[o + iEdges]
    e += edgeCount[i]
  }
  const iEType = ef.indexOf('type')
  const iEName = ef.indexOf('name_or_index')
  return {
    kind,
    selfSize,
    firstEdge,
    edgeCount,
    edges: s.edges,
    edgeFieldCount: ef.length,
    edgeTo: ef.indexOf('to_node'),
    edgeTypes,
    nodeFieldCount: nf.length,
    edgeName: (i) => {
      const t = edgeTypes[s.edges[i * ef.length + iEType]]
      const v = s.edges[i * ef.length + iEName]
      return t === 'element' || t === 'hidden' ? `[${t}]` : s.strings[v]
    },
  }
}

function tally(h: Heap): Map<string, { count: number; bytes: number }> {
  const out = new Map<string, { count: number; bytes: number }>()
  for (let i = 0; i < h.kind.length; i++) {
    const t = out.get(h.kind[i]) ?? { count: 0, bytes: 0 }
    t.count++
    t.bytes += h.selfSize[i]
    out.set(h.kind[i], t)
  }
  return out
}

/** for each of `kinds`: the holders (kind.field) of its nodes in `h`, most frequent first */
function holders(h: Heap, kinds: Set<string>, top: number): Map<string, Array<[string, number]>> {
  const counts = new Map<string, Map<string, number>>()
  const weak = h.edgeTypes.indexOf('weak')
  for (let from = 0; from < h.kind.length; from++) {
    for (let k = 0; k < h.edgeCount[from]; k++) {
      const ei = h.firstEdge[from] + k
      if (h.edges[ei * h.edgeFieldCount] === weak) continue
      const to = h.edges[ei * h.edgeFieldCount + h.edgeTo] / h.nodeFieldCount
      const kind = h.kind[to]
      if (!kinds.has(kind)) continue
      const by = counts.get(kind) ?? new Map<string, number>()
      const key = `${h.kind[from]}.${h.edgeName(ei)}`
      by.set(key, (by.get(key) ?? 0) + 1)
      counts.set(kind, by)
    }
  }
  const out = new Map<string, Array<[string, number]>>()
  for (const [kind, by] of counts) {
    out.set(kind, [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
  }
  return out
}

const [earlyFile, lateFile, ...rest] = process.argv.slice(2)
if (earlyFile === undefined || lateFile === undefined) {
  console.error('usage: heap-diff.ts EARLY.heapsnapshot LATE.heapsnapshot [--top N]')
  process.exit(2)
}
const top = rest.includes('--top') ? Number(rest[rest.indexOf('--top') + 1]) || 15 : 15
const early = tally(load(earlyFile))
const lateHeap = load(lateFile)
const late = tally(lateHeap)
const grown = [...late.entries()]
  .map(([kind, t]) => {
    const e = early.get(kind) ?? { count: 0, bytes: 0 }
    return { kind, count: t.count, countGrowth: t.count - e.count, bytesGrowth: t.bytes - e.bytes }
  })
  .sort((a, b) => b.bytesGrowth - a.bytesGrowth)
  .slice(0, top)
const held = holders(lateHeap, new Set(grown.map((g) => g.kind)), 4)
const total = (m: Map<string, { bytes: number }>): number => [...m.values()].reduce((a, t) => a + t.bytes, 0)
process.stdout.write(
  JSON.stringify({
    earlyMb: Math.round(total(early) / 1e5) / 10,
    lateMb: Math.round(total(late) / 1e5) / 10,
    grown: grown.map((g) => ({ ...g, heldBy: held.get(g.kind) ?? [] })),
  }) + '\n',
)
