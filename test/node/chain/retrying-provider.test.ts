// Issue 16, chain faults: one RPC error used to fail an award (found by `npm run chaos --
// chain-faults`). The node's provider sends a request again on transport failures and transient
// answers, and returns an answer about the request itself (a revert) at once.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { expect } from 'chai'
import { Network } from 'ethers'
import { RetryingJsonRpcProvider } from '../../../node/chain/retrying-provider.ts'

interface Call {
  method: string
  id: number
}

/** a JSON-RPC server answering eth_blockNumber after `failures` internal errors, eth_call with a revert */
async function fakeRpc(failures: number): Promise<{ url: string; calls: Call[]; server: Server }> {
  const calls: Call[] = []
  let left = failures
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const parsed = JSON.parse(body) as Call | Call[]
      const answer = (p: Call): object => {
        calls.push(p)
        if (p.method === 'eth_call')
          return { jsonrpc: '2.0', id: p.id, error: { code: 3, message: 'execution reverted' } }
        if (left-- > 0) return { jsonrpc: '2.0', id: p.id, error: { code: -32603, message: 'internal error' } }
        return { jsonrpc: '2.0', id: p.id, result: '0x2a' }
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address() as { port: number }
  return { url: `http://127.0.0.1:${addr.port}`, calls, server }
}

describe('node/chain RetryingJsonRpcProvider (issue 16)', function () {
  this.timeout(20_000)
  const servers: Server[] = []
  after(() => {
    for (const s of servers) s.close()
  })

  const provider = (url: string): RetryingJsonRpcProvider =>
    new RetryingJsonRpcProvider(url, Network.from(31337), { staticNetwork: Network.from(31337), batchMaxCount: 1 })

  it('sends a request again after transient internal errors, and the caller sees the answer', async () => {
    const rpc = await fakeRpc(2)
    servers.push(rpc.server)
    const p = provider(rpc.url)
    expect(await p.send('eth_blockNumber', [])).to.equal('0x2a')
    expect(rpc.calls.filter((c) => c.method === 'eth_blockNumber')).to.have.length(3)
    expect(p.retries).to.equal(2)
    p.destroy()
  })

  it('gives up after its retries, with the RPC error', async () => {
    const rpc = await fakeRpc(100)
    servers.push(rpc.server)
    const p = provider(rpc.url)
    const err = await p.send('eth_blockNumber', []).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(err?.message).to.match(/internal error/)
    expect(rpc.calls.filter((c) => c.method === 'eth_blockNumber')).to.have.length(5)
    p.destroy()
  })

  it('returns a revert at once', async () => {
    const rpc = await fakeRpc(0)
    servers.push(rpc.server)
    const p = provider(rpc.url)
    const err = await p.send('eth_call', [{ to: '0x' + '11'.repeat(20), data: '0x' }, 'latest']).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(err?.message).to.match(/revert/)
    expect(rpc.calls).to.have.length(1)
    p.destroy()
  })

  it('rides out a refused connection until the RPC listens again', async () => {
    const rpc = await fakeRpc(0)
    const port = (rpc.server.address() as { port: number }).port
    await new Promise<void>((resolve) => rpc.server.close(() => resolve()))
    const p = provider(rpc.url)
    const answer = p.send('eth_blockNumber', [])
    // back within the retries (~2.3 s in all)
    await new Promise((resolve) => setTimeout(resolve, 400))
    await new Promise<void>((resolve) => rpc.server.listen(port, '127.0.0.1', resolve))
    servers.push(rpc.server)
    expect(await answer).to.equal('0x2a')
    expect(p.retries).to.be.at.least(1)
    p.destroy()
  })
})
