// The typed client of a node's local API: one call per route of the table in node/api/contract
// (`client.call('jobs.get', { params: { jobId } })`), typed end to end from that table. It finds
// the node through <dataDir>/api.json and authenticates with <dataDir>/api-token, both written
// by the node's own user. The CLI talks to a node only through it.
import { existsSync } from 'node:fs'
// the API's modules one by one, not its index: that also loads the HTTP server and its logger,
// which a one-shot command does not need and pays for at every start
import { readApiToken } from '../node/api/auth.ts'
import { processAlive, readApiEndpoint } from '../node/api/endpoint-file.ts'
import type { ApiEndpoint } from '../node/api/endpoint-file.ts'
// the table only (no handlers, no server): cheap to load for a one-shot command
import { API_ROUTES, providerQuery, writeQuery } from '../node/api/contract/index.ts'
import type {
  JsonRouteKey,
  ProvidersResult,
  RouteBody,
  RouteParams,
  RouteQuery,
  RouteReply,
} from '../node/api/contract/index.ts'
import type { QueryOf, QuerySpec } from '../node/api/contract/query.ts'
import type { RouteSpec } from '../node/api/contract/route.ts'
import type {
  NodeEvent,
  NodeInfo,
  PeerSummary,
  ProtocolOutcomes,
  ProviderFilter,
  ProviderProfileView,
} from '../node/controller.ts'
import { HiveError } from '../protocol/errors.ts'
import { ApiRequestError, NodeNotRunningError } from './errors.ts'
import { httpRequest } from './http.ts'
import type { HttpAnswer } from './http.ts'
import { readSse } from './sse-reader.ts'

export type { ProvidersResult }

export interface RequestOptions {
  signal?: AbortSignal
  query?: URLSearchParams
  body?: unknown
  method?: string
}

type Empty = Record<never, never>
/** `params` is required when the route's path has parameters, absent otherwise */
type ParamsPart<K extends JsonRouteKey> = keyof RouteParams<K> extends never ? Empty : { params: RouteParams<K> }
/** What a call of route K takes: path parameters, query and body, each only where the route has one. */
export type CallInput<K extends JsonRouteKey> = ParamsPart<K> &
  (keyof RouteQuery<K> extends never ? Empty : { query?: RouteQuery<K> }) &
  (RouteBody<K> extends undefined ? Empty : { body: RouteBody<K> }) & { signal?: AbortSignal }

/** Routes that need no input at all may be called without the argument. */
type CallArgs<K extends JsonRouteKey> = Empty extends CallInput<K> ? [input?: CallInput<K>] : [input: CallInput<K>]

export class HiveClient {
  readonly baseUrl: string
  readonly dataDir: string | undefined
  readonly endpoint: ApiEndpoint | undefined
  private readonly token: string

  constructor(init: { baseUrl: string; token: string; dataDir?: string; endpoint?: ApiEndpoint }) {
    this.baseUrl = init.baseUrl.replace(/\/$/, '')
    this.token = init.token
    this.dataDir = init.dataDir
    this.endpoint = init.endpoint
  }

  /** The client of the node running on `dataDir`; NodeNotRunningError when there is none. */
  static async forDataDir(dataDir: string): Promise<HiveClient> {
    let endpoint: ApiEndpoint | undefined
    try {
      endpoint = await readApiEndpoint(dataDir)
    } catch (err) {
      throw new NodeNotRunningError(dataDir, `unreadable ${dataDir}/api.json: ${(err as Error).message}`, {
        cause: err,
      })
    }
    if (endpoint == null) {
      if (!existsSync(dataDir))
        throw new NodeNotRunningError(dataDir, 'the data dir does not exist', { initialised: false })
      throw new NodeNotRunningError(dataDir, 'it has no api.json')
    }
    if (!processAlive(endpoint.pid))
      throw new NodeNotRunningError(dataDir, `api.json names pid ${endpoint.pid}, which is not running`)
    const { token } = await readApiToken(dataDir)
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
    return new HiveClient({ baseUrl: `http://${host}:${endpoint.port}`, token, dataDir, endpoint })
  }

  /** One route of the table: its method and path, the typed input written as it expects, the reply typed. */
  async call<K extends JsonRouteKey>(key: K, ...[input]: CallArgs<K>): Promise<RouteReply<K>> {
    const spec: RouteSpec = API_ROUTES[key]
    const given = (input ?? {}) as {
      params?: Record<string, string>
      query?: QueryOf<QuerySpec>
      body?: unknown
      signal?: AbortSignal
    }
    const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
      const value = given.params?.[name]
      if (value === undefined) throw new TypeError(`route ${key} needs the path parameter ${name}`)
      return encodeURIComponent(value)
    })
    const query = spec.query === undefined ? undefined : writeQuery(spec.query, given.query ?? {})
    const res = await this.send(path, {
      method: spec.method,
      accept: 'application/json',
      ...(query !== undefined ? { query } : {}),
      // a POST with a table body check always sends one; the others send none
      ...(spec.body !== undefined ? { body: given.body ?? {} } : {}),
      ...(given.signal !== undefined ? { signal: given.signal } : {}),
    })
    const text = await res.text()
    return (text === '' ? undefined : JSON.parse(text)) as RouteReply<K>
  }

  info(options: { signal?: AbortSignal } = {}): Promise<NodeInfo> {
    return this.call('node.info', options)
  }

  async peers(options: { signal?: AbortSignal } = {}): Promise<PeerSummary[]> {
    return (await this.call('node.peers', options)).peers
  }

  hardware(options: { signal?: AbortSignal } = {}): Promise<ProviderProfileView> {
    return this.call('node.hardware', options)
  }

  /** How the node's request/response handlers answered, per protocol and outcome. */
  protocols(options: { signal?: AbortSignal } = {}): Promise<ProtocolOutcomes> {
    return this.call('node.protocols', options)
  }

  providers(
    filter: ProviderFilter,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<ProvidersResult> {
    const { timeoutMs, ...rest } = options
    return this.call('node.providers', { ...rest, query: providerQuery(filter, timeoutMs) })
  }

  /** Live node events until the signal aborts or the node stops (then the iteration ends). */
  async *events(options: { signal?: AbortSignal; types?: string[]; job?: string } = {}): AsyncGenerator<NodeEvent> {
    const spec = API_ROUTES['node.events']
    const query = writeQuery(spec.query ?? {}, {
      ...(options.types != null ? { types: options.types } : {}),
      ...(options.job != null ? { job: options.job } : {}),
    })
    const res = await this.send(spec.path, { signal: options.signal, query, accept: 'text/event-stream' })
    try {
      for await (const msg of readSse(res.body)) {
        yield JSON.parse(msg.data) as NodeEvent
      }
    } catch (err) {
      if (options.signal?.aborted === true) return
      throw err
    }
  }

  /**
   * A path outside the table, unchecked: for tests of the HTTP layer and scripts not yet moved
   * to `call`. Commands use `call`.
   */
  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(path, { ...options, accept: 'application/json' })
    const text = await res.text()
    return (text === '' ? undefined : JSON.parse(text)) as T
  }

  private async send(path: string, options: RequestOptions & { accept: string }): Promise<HttpAnswer> {
    const url = new URL(this.baseUrl + path)
    if (options.query != null) url.search = options.query.toString()
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: options.accept }
    let body: string | undefined
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
    }
    let res: HttpAnswer
    try {
      res = await httpRequest(url, {
        method: options.method ?? (body == null ? 'GET' : 'POST'),
        headers,
        body,
        signal: options.signal,
      })
    } catch (err) {
      if (options.signal?.aborted === true) throw err
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ECONNREFUSED' || code === 'ECONNRESET') {
        throw new NodeNotRunningError(this.dataDir ?? this.baseUrl, `nothing answers at ${this.baseUrl}`, {
          cause: err,
        })
      }
      throw new HiveError(
        'API_UNREACHABLE',
        `cannot reach the node's API at ${this.baseUrl}: ${(err as Error).message}`,
        { url: this.baseUrl },
        { cause: err },
      )
    }
    if (!res.ok) throw await errorFromResponse(res, this.dataDir)
    return res
  }
}

/** The name the client had before the route table; same class. */
export const HiveApiClient = HiveClient
export type HiveApiClient = HiveClient

async function errorFromResponse(res: HttpAnswer, dataDir: string | undefined): Promise<ApiRequestError> {
  let code = `HTTP_${res.status}`
  let message = `the node answered ${res.status} ${res.statusText}`
  let details: Record<string, string | number | boolean | null> = {}
  try {
    const body = JSON.parse(await res.text()) as {
      error?: { code?: string; message?: string; details?: Record<string, string | number | boolean | null> }
    }
    if (body.error?.code != null) code = body.error.code
    if (body.error?.message != null) message = body.error.message
    if (body.error?.details != null) details = body.error.details
  } catch {
    /* not our JSON: keep the status line */
  }
  if (res.status === 401 && dataDir != null) {
    message =
      `the node refused the token in ${dataDir}/api-token (${message}); is` +
      ` the node on that port started from another data dir?`
  }
  return new ApiRequestError(res.status, code, message, details)
}
