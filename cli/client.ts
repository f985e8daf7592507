// A typed client for a node's local API. It finds the node through <dataDir>/api.json and
// authenticates with <dataDir>/api-token, both written by the node's own user.
import { existsSync } from 'node:fs'
// the API's modules one by one, not its index: that also loads the HTTP server and its logger,
// which a one-shot command does not need and pays for at every start
import { readApiToken } from '../node/api/auth.ts'
import { processAlive, readApiEndpoint } from '../node/api/endpoint-file.ts'
import type { ApiEndpoint } from '../node/api/endpoint-file.ts'
import { providerFilterToQuery } from '../node/api/routes/node-routes.ts'
import type { NodeEvent, NodeInfo, PeerSummary, ProviderFilter, ProviderProfileView } from '../node/controller.ts'
import { HiveError } from '../protocol/errors.ts'
import { ApiRequestError, NodeNotRunningError } from './errors.ts'
import { httpRequest } from './http.ts'
import type { HttpAnswer } from './http.ts'
import { readSse } from './sse-reader.ts'

export interface ProvidersResult { filter: ProviderFilter, providers: ProviderProfileView[] }

export interface RequestOptions { signal?: AbortSignal, query?: URLSearchParams, body?: unknown, method?: string }

export class HiveApiClient {
  readonly baseUrl: string
  readonly dataDir: string | undefined
  readonly endpoint: ApiEndpoint | undefined
  readonly #token: string

  constructor (init: { baseUrl: string, token: string, dataDir?: string, endpoint?: ApiEndpoint }) {
    this.baseUrl = init.baseUrl.replace(/\/$/, '')
    this.#token = init.token
    this.dataDir = init.dataDir
    this.endpoint = init.endpoint
  }

  /** The client of the node running on `dataDir`; NodeNotRunningError when there is none. */
  static async forDataDir (dataDir: string): Promise<HiveApiClient> {
    let endpoint: ApiEndpoint | undefined
    try {
      endpoint = await readApiEndpoint(dataDir)
    } catch (err) {
      throw new NodeNotRunningError(dataDir, `unreadable ${dataDir}/api.json: ${(err as Error).message}`, { cause: err })
    }
    if (endpoint == null) {
      if (!existsSync(dataDir)) throw new NodeNotRunningError(dataDir, 'the data dir does not exist', { initialised: false })
      throw new NodeNotRunningError(dataDir, 'it has no api.json')
    }
    if (!processAlive(endpoint.pid)) throw new NodeNotRunningError(dataDir, `api.json names pid ${endpoint.pid}, which is not running`)
    const { token } = await readApiToken(dataDir)
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
    return new HiveApiClient({ baseUrl: `http://${host}:${endpoint.port}`, token, dataDir, endpoint })
  }

  info (options: RequestOptions = {}): Promise<NodeInfo> {
    return this.request<NodeInfo>('/v1/info', options)
  }

  async peers (options: RequestOptions = {}): Promise<PeerSummary[]> {
    return (await this.request<{ peers: PeerSummary[] }>('/v1/peers', options)).peers
  }

  hardware (options: RequestOptions = {}): Promise<ProviderProfileView> {
    return this.request<ProviderProfileView>('/v1/hardware', options)
  }

  providers (filter: ProviderFilter, options: RequestOptions & { timeoutMs?: number } = {}): Promise<ProvidersResult> {
    return this.request<ProvidersResult>('/v1/providers', { ...options, query: providerFilterToQuery(filter, options.timeoutMs) })
  }

  /** Live node events until the signal aborts or the node stops (then the iteration ends). */
  async * events (options: { signal?: AbortSignal, types?: string[] } = {}): AsyncGenerator<NodeEvent> {
    const query = new URLSearchParams()
    if (options.types != null && options.types.length > 0) query.set('types', options.types.join(','))
    const res = await this.#send('/v1/events', { signal: options.signal, query, accept: 'text/event-stream' })
    try {
      for await (const msg of readSse(res.body)) {
        yield JSON.parse(msg.data) as NodeEvent
      }
    } catch (err) {
      if (options.signal?.aborted === true) return
      throw err
    }
  }

  /** Any JSON route, for commands whose routes arrive later (jobs, channels, gov …). */
  async request<T> (path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.#send(path, { ...options, accept: 'application/json' })
    const text = await res.text()
    return (text === '' ? undefined : JSON.parse(text)) as T
  }

  async #send (path: string, options: RequestOptions & { accept: string }): Promise<HttpAnswer> {
    const url = new URL(this.baseUrl + path)
    if (options.query != null) url.search = options.query.toString()
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}`, accept: options.accept }
    let body: string | undefined
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.body, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
    }
    let res: HttpAnswer
    try {
      res = await httpRequest(url, { method: options.method ?? (body == null ? 'GET' : 'POST'), headers, body, signal: options.signal })
    } catch (err) {
      if (options.signal?.aborted === true) throw err
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ECONNREFUSED' || code === 'ECONNRESET') {
        throw new NodeNotRunningError(this.dataDir ?? this.baseUrl, `nothing answers at ${this.baseUrl}`, { cause: err })
      }
      throw new HiveError('API_UNREACHABLE', `cannot reach the node's API at ${this.baseUrl}: ${(err as Error).message}`, { url: this.baseUrl }, { cause: err })
    }
    if (!res.ok) throw await errorFromResponse(res, this.dataDir)
    return res
  }
}

async function errorFromResponse (res: HttpAnswer, dataDir: string | undefined): Promise<ApiRequestError> {
  let code = `HTTP_${res.status}`
  let message = `the node answered ${res.status} ${res.statusText}`
  let details: Record<string, string | number | boolean | null> = {}
  try {
    const body = JSON.parse(await res.text()) as { error?: { code?: string, message?: string, details?: Record<string, string | number | boolean | null> } }
    if (body.error?.code != null) code = body.error.code
    if (body.error?.message != null) message = body.error.message
    if (body.error?.details != null) details = body.error.details
  } catch { /* not our JSON: keep the status line */ }
  if (res.status === 401 && dataDir != null) {
    message = `the node refused the token in ${dataDir}/api-token (${message}); is the node on that port started from another data dir?`
  }
  return new ApiRequestError(res.status, code, message, details)
}
