// A counting JSON-RPC proxy on 127.0.0.1: a node pointed at it reaches the real Hardhat node,
// and the test learns how many reads (eth_call, by function selector) a hostile peer made it spend.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RpcCounter {
  url: string
  /** requests of `method` (all when omitted); for eth_call, optionally only those calling `selector` (0x + 8 hex) */
  calls: (method?: string, selector?: string) => number
  stop: () => Promise<void>
}

export async function startRpcCounter(target: string): Promise<RpcCounter> {
  const counts = new Map<string, number>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      try {
        type Req = { method?: string; params?: Array<{ data?: string; input?: string }> }
        const parsed = JSON.parse(body.toString('utf8')) as Req | Req[]
        for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
          const data = m.params?.[0]?.data ?? m.params?.[0]?.input
          const keys = [m.method ?? '']
          const selector = typeof data === 'string' ? data.slice(0, 10).toLowerCase() : undefined
          if (m.method === 'eth_call' && selector !== undefined) keys.push(`eth_call/${selector}`)
          for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1)
        }
      } catch {
        /* forwarded as is */
      }
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' })
          res.end(Buffer.from(await r.arrayBuffer()))
        })
        .catch((err: Error) => {
          res.writeHead(502)
          res.end(err.message)
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls: (method, selector) => {
      if (method === undefined) {
        return [...counts.entries()].filter(([k]) => !k.includes('/')).reduce((a, [, n]) => a + n, 0)
      }
      return counts.get(selector === undefined ? method : `${method}/${selector.toLowerCase()}`) ?? 0
    },
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
