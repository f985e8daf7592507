// A counting JSON-RPC proxy on 127.0.0.1: a node pointed at it reaches the real Hardhat node,
// and the test learns how many reads (eth_call) a hostile peer made it spend.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RpcCounter { url: string, calls: (method?: string) => number, stop: () => Promise<void> }

export async function startRpcCounter (target: string): Promise<RpcCounter> {
  const counts = new Map<string, number>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { method?: string } | Array<{ method?: string }>
        for (const m of Array.isArray(parsed) ? parsed : [parsed]) counts.set(m.method ?? '', (counts.get(m.method ?? '') ?? 0) + 1)
      } catch { /* forwarded as is */ }
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (r) => { res.writeHead(r.status, { 'content-type': 'application/json' }); res.end(Buffer.from(await r.arrayBuffer())) })
        .catch((err: Error) => { res.writeHead(502); res.end(err.message) })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls: (method) => method === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : counts.get(method) ?? 0,
    stop: async () => { server.closeAllConnections(); await new Promise<void>((resolve) => server.close(() => resolve())) },
  }
}
