// Where an auditor reads a peer's log from: /hive/audit over the network, or, for the node's
// own log, its server's answers directly (a node does not dial itself).
import type { AuditClient } from './client.ts'
import type { LogSource } from './peer-check.ts'
import type { AuditServer } from './server.ts'
import type { ServedEntry, ServedRoots } from '../../protocol/audit/log-check.ts'
import type { PeerId } from '@libp2p/interface'

export function remoteSource(client: AuditClient, peer: PeerId): LogSource {
  return {
    head: async () => await client.head(peer),
    jobEntries: async (jobId, proofSize) => await client.jobEntries(peer, jobId, proofSize),
    roots: async (sizes) => await client.roots(peer, sizes),
  }
}

export function localSource(server: AuditServer): LogSource {
  return {
    head: async () => {
      const a = await server.answer({ kind: 'head' })
      return { treeSize: a.treeSize, root: a.root, ...(a.binding !== undefined ? { binding: a.binding } : {}) }
    },
    jobEntries: async (jobId, proofSize) => {
      const out: ServedEntry[] = []
      let from = 0
      for (;;) {
        const a = await server.answer({ kind: 'job', jobId, proofSize, fromIndex: from })
        out.push(...(a.entries ?? []))
        if (a.more !== true) return out
        from = a.nextIndex ?? 0
      }
    },
    roots: async (sizes) => {
      const served: ServedRoots = { roots: new Map(), consistency: new Map() }
      // overlapping chunks, as the client asks them
      for (let i = 0; i < sizes.length; i += 63) {
        const chunk = sizes.slice(i, i + 64)
        if (i > 0 && chunk.length === 1) break
        const a = await server.answer({ kind: 'roots', sizes: chunk })
        for (const r of a.roots ?? []) served.roots.set(r.size, r.root)
        for (const c of a.consistency ?? []) served.consistency.set(`${c.from}-${c.to}`, c.proof)
      }
      return served
    },
  }
}
