// A JSON-RPC fault proxy between nodes and the Hardhat node (chaos chain-faults): HTTP on
// 127.0.0.1, forwarding each request body as it is. It can be down (its port closed, open
// connections cut: what a crashed or unreachable RPC looks like), hold requests (answered only
// once released: the reorg driver's quiet moment), and, per request, answer with an error
// (before forwarding, or after: the call may have happened, the answer is lost), time out (hold
// the request, then cut the connection) or answer late.
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface FaultPlan {
  /** share of requests answered with an error (half before forwarding, half after) */
  errorRate: number
  /** share of requests held for `timeoutMs`, then cut */
  timeoutRate: number
  timeoutMs: number
  /** share of requests answered `delayMs` late */
  delayRate: number
  delayMs: number
}

export const NO_FAULTS: FaultPlan = { errorRate: 0, timeoutRate: 0, timeoutMs: 0, delayRate: 0, delayMs: 0 }

export interface ProxyCounts {
  requests: number
  errorsBefore: number
  errorsAfter: number
  timeouts: number
  delayed: number
  /** requests that arrived while held */
  held: number
  /** ms the proxy was down in total */
  downMs: number
}

export class RpcProxy {
  readonly target: string
  private server: Server | undefined
  private port = 0
  private plan: FaultPlan = NO_FAULTS
  private readonly sockets = new Set<Socket>()
  private readonly random: () => number
  private holding: Array<() => void> | undefined
  private inFlight = 0
  private downSince: number | undefined
  readonly counts: ProxyCounts = {
    requests: 0,
    errorsBefore: 0,
    errorsAfter: 0,
    timeouts: 0,
    delayed: 0,
    held: 0,
    downMs: 0,
  }

  constructor(target: string, random: () => number = Math.random) {
    this.target = target
    this.random = random
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<this> {
    await this.listen()
    return this
  }

  /** faults from now on (NO_FAULTS: a clean pass-through) */
  faults(plan: FaultPlan): void {
    this.plan = plan
  }

  /** closes the port and cuts every open connection */
  async down(): Promise<void> {
    if (this.server === undefined) return
    const server = this.server
    this.server = undefined
    this.downSince = Date.now()
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const s of this.sockets) s.destroy()
    await closed
  }

  /** listens again on the same port */
  async up(): Promise<void> {
    if (this.server !== undefined) return
    await this.listen()
    if (this.downSince !== undefined) this.counts.downMs += Date.now() - this.downSince
    this.downSince = undefined
  }

  /** holds every new request until `release()`; resolves once the requests already forwarded are answered */
  async hold(): Promise<void> {
    this.holding ??= []
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  release(): void {
    const waiting = this.holding ?? []
    this.holding = undefined
    for (const go of waiting) go()
  }

  async stop(): Promise<void> {
    this.release()
    await this.down()
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req, res)
    })
    server.on('connection', (s) => {
      this.sockets.add(s)
      s.once('close', () => this.sockets.delete(s))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    const addr = server.address()
    if (addr !== null && typeof addr === 'object') this.port = addr.port
    this.server = server
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    this.counts.requests++
    if (this.holding !== undefined) {
      this.counts.held++
      await new Promise<void>((resolve) => this.holding?.push(resolve) ?? resolve())
    }
    const p = this.plan
    const roll = this.random()
    const error = (): void => {
      const failed = (id: unknown): object => ({
        jsonrpc: '2.0',
        id: id ?? null,
        error: { code: -32603, message: 'chaos: injected RPC error (internal error)' },
      })
      let answer: object = failed(null)
      try {
        const parsed = JSON.parse(body.toString()) as { id?: unknown } | Array<{ id?: unknown }>
        // a batch is answered with one error per request, as an RPC would
        answer = Array.isArray(parsed) ? parsed.map((p) => failed(p.id)) : failed(parsed.id)
      } catch {
        /* not JSON: answer with a null id */
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer))
    }
    if (roll < p.errorRate / 2) {
      this.counts.errorsBefore++
      error()
      return
    }
    if (roll < p.errorRate + p.timeoutRate && roll >= p.errorRate) {
      this.counts.timeouts++
      await new Promise((resolve) => setTimeout(resolve, p.timeoutMs))
      res.socket?.destroy()
      return
    }
    const late = roll >= p.errorRate + p.timeoutRate && roll < p.errorRate + p.timeoutRate + p.delayRate
    if (late) {
      this.counts.delayed++
      await new Promise((resolve) => setTimeout(resolve, p.delayMs))
    }
    this.inFlight++
    try {
      const answer = await fetch(this.target, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body,
      })
      const text = await answer.text()
      if (roll < p.errorRate) {
        // forwarded: the call happened (a transaction may be in), but its answer is lost
        this.counts.errorsAfter++
        error()
        return
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' })
      res.end(text)
    } catch {
      res.socket?.destroy()
    } finally {
      this.inFlight--
    }
  }
}
