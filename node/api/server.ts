// The node's local control API: HTTP/1.1 on loopback, bearer token, JSON routes from a route
// table, server-sent events for live progress. Routes are added by whoever owns the data
// (`registerNodeRoutes`, later jobs, channels …); this file only authenticates and dispatches.
// It also serves the dashboard (issue 17) under /ui/: a browser logs in with a one-time code
// for a session cookie, which then authorises the API like the token; requests that change
// state with that cookie must come from our own origin (./origin.ts).
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
import { isOwnOrigin, isSafeMethod, readCookie, sessionCookie, sessionCookieName } from './origin.ts'
import { UiSessions } from './session.ts'
import { registerUiRoutes } from './routes/ui-routes.ts'
import { DEFAULT_UI_DIR, UI_PREFIX, serveUiFile } from './ui-static.ts'

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
  /** the dashboard's built bundle (default dist/ui of the package) */
  uiDir?: string
  /** the clock of login codes and sessions (tests move it) */
  now?: () => number
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024
const MAX_SSE_BUFFER_BYTES = 4 * 1024 * 1024

export class ApiServer {
  readonly routes: RouteRegistry
  private readonly router = new Router()
  private readonly init: Required<Omit<ApiServerInit, 'now'>>
  /** dashboard login codes and sessions */
  readonly sessions: UiSessions
  private readonly cookieName: string
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
      uiDir: DEFAULT_UI_DIR,
      ...init,
    }
    this.sessions = new UiSessions(init.now !== undefined ? { now: init.now } : {})
    this.cookieName = sessionCookieName(this.init.peerId)
    if (!this.init.allowNonLoopback && !isLoopbackHost(this.init.host)) {
      throw new UsageError(
        'API_HOST_NOT_LOOPBACK',
        `the local API listens on loopback only, not ${this.init.host}: use 127.0.0.1`,
        { host: this.init.host },
      )
    }
    this.routes = this.router
    registerUiRoutes(this.router, this.sessions)
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
      this.checkOrigin(req, method)
      if (url.pathname === UI_PREFIX || url.pathname.startsWith(UI_PREFIX + '/')) {
        await this.handleUi(req, res, method, url.pathname)
        return
      }
      this.authenticate(req, res, method)
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

  /**
   * A browser names the page that made a request in Origin: one from any other origin (another
   * port, `null`) is refused whatever it carries. A request that changes state on a session
   * cookie must name ours: without Origin it might come from a form or a tool we cannot tell.
   */
  private checkOrigin(req: IncomingMessage, method: string): void {
    const origin = req.headers.origin
    const port = this._endpoint?.port ?? 0
    if (origin !== undefined && !isOwnOrigin(origin, port))
      throw new ApiError(403, 'FORBIDDEN_ORIGIN', `requests from ${origin} are refused: only this node's own pages`, {
        origin,
      })
    if (origin === undefined && !isSafeMethod(method) && this.sessionOf(req) !== undefined)
      throw new ApiError(403, 'FORBIDDEN_ORIGIN', 'a request that changes state with a session cookie needs Origin')
  }

  /** The token, or a live dashboard session (its cookie). */
  private authenticate(req: IncomingMessage, res: ServerResponse, method: string): void {
    const presented = bearerToken(req.headers.authorization)
    if (presented == null) {
      const session = this.sessionOf(req)
      if (session !== undefined && this.sessions.valid(session)) {
        // checkOrigin ran first; this holds even if it is ever moved
        if (!isSafeMethod(method) && req.headers.origin === undefined)
          throw new ApiError(403, 'FORBIDDEN_ORIGIN', 'a request that changes state needs Origin')
        return
      }
    }
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
  }

  private sessionOf(req: IncomingMessage): string | undefined {
    const value = readCookie(req.headers.cookie, this.cookieName)
    return value === undefined || value === '' ? undefined : value
  }

  /**
   * /ui/…: the bundle (GET, HEAD), the code-for-cookie exchange and the logout (POST only, from
   * our own origin: checkOrigin refused any other, here Origin must be present).
   */
  private async handleUi(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    if (path === `${UI_PREFIX}/session` || path === `${UI_PREFIX}/logout`) {
      if (method !== 'POST')
        throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use POST`, {
          allow: 'POST',
        })
      if (req.headers.origin === undefined)
        throw new ApiError(403, 'FORBIDDEN_ORIGIN', 'the dashboard login must come from its own page (Origin)')
      if (path === `${UI_PREFIX}/logout`) {
        const session = this.sessionOf(req)
        if (session !== undefined) this.sessions.end(session)
        sendJson(res, 204, undefined, { 'set-cookie': sessionCookie(this.cookieName, '', 0) })
        return
      }
      const body = await readJsonBody(req, 4096)
      const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined
      const session = typeof code === 'string' ? this.sessions.exchange(code) : undefined
      if (session === undefined)
        throw new ApiError(
          401,
          'LOGIN_CODE_INVALID',
          'this login code is unknown, used or expired: run `hive dashboard`',
        )
      sendJson(
        res,
        200,
        { cookie: this.cookieName },
        {
          'set-cookie': sessionCookie(
            this.cookieName,
            session.sessionId,
            Math.floor(this.sessions.sessionTtlMs / 1000),
          ),
        },
      )
      return
    }
    if (method !== 'GET' && method !== 'HEAD')
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use GET`, { allow: 'GET' })
    await serveUiFile(res, this.init.uiDir, path, method === 'HEAD')
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
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}
