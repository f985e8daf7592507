// The node's local control API: HTTP/1.1 on loopback, bearer token, JSON routes from a route
// table, server-sent events for live progress. Routes are added by whoever owns the data
// (`registerNodeRoutes`, later jobs, channels …); this file only authenticates and dispatches.
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { logger } from '../log/logger.ts'
import { UsageError } from '../../protocol/errors.ts'
import { bearerToken, hostHeaderAllowed, isLoopbackHost, readApiToken, tokenMatches } from './auth.ts'
import { removeApiEndpoint, writeApiEndpoint } from './endpoint-file.ts'
import type { ApiEndpoint } from './endpoint-file.ts'
import { ApiError, errorBody, statusForError } from './errors.ts'
import { toJson } from './json.ts'
import { readJsonBody } from './body.ts'
import { isHttpMethod, JsonResponse, Router } from './router.ts'
import type { RequestContext, RouteRegistry } from './router.ts'
import { EventStream, SseConnection } from './sse.ts'

const log = logger('hive:api')

export interface ApiServerInit {
  dataDir: string
  /** written to api.json so clients know which node answers */
  peerId: string
  /** default 127.0.0.1; anything but loopback is refused unless allowNonLoopback */
  host?: string
  /** default 0: an ephemeral port, published in api.json */
  port?: number
  /** exposes a token-guarded control API beyond this machine; only for deliberate set-ups */
  allowNonLoopback?: boolean
  /** default 1 MiB; a route may set its own */
  maxBodyBytes?: number
  /** default 15 s */
  heartbeatMs?: number
  /** default true; tests of the HTTP layer alone may turn it off */
  writeEndpointFile?: boolean
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024
const MAX_SSE_BUFFER_BYTES = 4 * 1024 * 1024

export class ApiServer {
  readonly routes: RouteRegistry
  private readonly router = new Router()
  private readonly init: Required<ApiServerInit>
  private readonly streams = new Set<SseConnection>()
  private readonly inflight = new Set<AbortController>()
  private _server: Server | undefined
  private token = ''
  private _endpoint: ApiEndpoint | undefined
  private starting: Promise<void> | undefined
  private stopping: Promise<void> | undefined

  constructor(init: ApiServerInit) {
    this.init = {
      host: '127.0.0.1',
      port: 0,
      allowNonLoopback: false,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      heartbeatMs: 15_000,
      writeEndpointFile: true,
      ...init,
    }
    if (!this.init.allowNonLoopback && !isLoopbackHost(this.init.host)) {
      throw new UsageError(
        'API_HOST_NOT_LOOPBACK',
        `the local API listens on loopback only, not ${this.init.host}: use 127.0.0.1`,
        { host: this.init.host },
      )
    }
    this.routes = this.router
  }

  /** Where the server listens, once started. */
  get endpoint(): ApiEndpoint | undefined {
    return this._endpoint
  }

  get url(): string | undefined {
    if (this._endpoint == null) return undefined
    const h = this._endpoint.host.includes(':') ? `[${this._endpoint.host}]` : this._endpoint.host
    return `http://${h}:${this._endpoint.port}`
  }

  listRoutes(): Array<{ method: string; path: string }> {
    return this.router.list()
  }

  async start(): Promise<void> {
    this.starting ??= this._start()
    await this.starting
  }

  async stop(): Promise<void> {
    if (this.starting == null) return
    this.stopping ??= this._stop()
    await this.stopping
  }

  private async _start(): Promise<void> {
    const { token, mode } = await readApiToken(this.init.dataDir)
    if ((mode & 0o077) !== 0)
      log.error('api-token in %s is readable by other users (mode %o): chmod 600 it', this.init.dataDir, mode)
    this.token = token
    const server = createServer((req, res) => {
      void this.handle(req, res)
    })
    server.headersTimeout = 10_000
    server.requestTimeout = 60_000
    this._server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.init.port, this.init.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const addr = server.address() as AddressInfo
    this._endpoint = {
      host: addr.address,
      port: addr.port,
      pid: process.pid,
      peerId: this.init.peerId,
      startedAt: Date.now(),
    }
    if (this.init.writeEndpointFile) await writeApiEndpoint(this.init.dataDir, this._endpoint)
    log('listening %o', { host: addr.address, port: addr.port })
  }

  private async _stop(): Promise<void> {
    await this.starting?.catch(() => {})
    for (const ac of this.inflight) ac.abort(new ApiError(503, 'NODE_STOPPING', 'the node is shutting down'))
    for (const s of this.streams) s.close()
    const server = this._server
    if (server != null) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
    if (this._endpoint != null && this.init.writeEndpointFile) {
      await removeApiEndpoint(this.init.dataDir, this._endpoint)
    }
    log('stopped')
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ac = new AbortController()
    this.inflight.add(ac)
    res.on('close', () => {
      this.inflight.delete(ac)
      if (!res.writableFinished) ac.abort(new ApiError(499, 'CLIENT_CLOSED', 'the client went away'))
    })
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const method = req.method ?? 'GET'
      if (!this.init.allowNonLoopback && !hostHeaderAllowed(req.headers.host)) {
        throw new ApiError(
          403,
          'FORBIDDEN_HOST',
          `requests must be addressed to 127.0.0.1 or localhost, not ${String(req.headers.host)}`,
        )
      }
      const presented = bearerToken(req.headers.authorization)
      if (presented == null || !tokenMatches(this.token, presented)) {
        res.setHeader('www-authenticate', 'Bearer realm="hive"')
        throw new ApiError(
          401,
          'UNAUTHORIZED',
          presented == null
            ? 'missing bearer token: send `Authorization: Bearer <token>` with the token from <dataDir>/api-token'
            : 'wrong bearer token: use the token in <dataDir>/api-token of this node',
        )
      }
      if (!isHttpMethod(method)) throw new ApiError(405, 'METHOD_NOT_ALLOWED', `method ${method} is not supported`)
      const { definition, params } = this.router.match(method, url.pathname)
      const limit = definition.maxBodyBytes ?? this.init.maxBodyBytes
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > limit)
        throw new ApiError(413, 'BODY_TOO_LARGE', `request body of ${declared} bytes exceeds the limit of ${limit}`, {
          limit,
        })
      const ctx: RequestContext = {
        method,
        path: url.pathname,
        params,
        query: url.searchParams,
        headers: req.headers,
        signal: ac.signal,
        json: () => readJsonBody(req, limit),
      }
      const result = await definition.handler(ctx)
      if (result instanceof EventStream) {
        this.serveStream(res, result)
        return
      }
      if (result instanceof JsonResponse) sendJson(res, result.status, result.body, result.headers)
      else if (result === undefined) sendJson(res, 204, undefined)
      else sendJson(res, 200, result)
    } catch (err) {
      const status = statusForError(err)
      if (status >= 500)
        log.error('request %s %s failed: %s', req.method, req.url, err instanceof Error ? err.stack : String(err))
      const headers: Record<string, string> = {}
      if (err instanceof ApiError && err.status === 405 && typeof err.details.allow === 'string')
        headers.allow = err.details.allow
      if (status === 413) headers.connection = 'close'
      if (!res.headersSent) sendJson(res, status, errorBody(err), headers)
      else res.destroy()
    }
  }

  private serveStream(res: ServerResponse, stream: EventStream): void {
    const conn = new SseConnection(res, { heartbeatMs: this.init.heartbeatMs, maxBufferedBytes: MAX_SSE_BUFFER_BYTES })
    this.streams.add(conn)
    conn.onClose(() => this.streams.delete(conn))
    conn.open()
    const unsubscribe = stream.subscribe((data) => conn.send(data))
    conn.onClose(unsubscribe)
  }

  /** Open event streams, for tests and diagnostics. */
  get openStreams(): number {
    return this.streams.size
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : toJson(body) + '\n'
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}
