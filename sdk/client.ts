// The SDK's typed client (issue 17): every route of the node's local API, typed from the route
// table (node/api/contract) — the same table the node serves and the CLI calls — over fetch. It
// imports nothing else of the node: a program that uses it talks to a running node, nothing more.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { API_ROUTES, writeQuery } from '../node/api/contract/index.ts'
import { readSse } from '../node/api/contract/sse-reader.ts'
import type {
  IsStream,
  JsonRouteKey,
  RouteBody,
  RouteKey,
  RouteParams,
  RouteQuery,
  RouteReply,
  RouteSpec,
} from '../node/api/contract/index.ts'
import type { QueryOf, QuerySpec } from '../node/api/contract/query.ts'

type Empty = Record<never, never>
type ParamsPart<K extends RouteKey> = keyof RouteParams<K> extends never ? Empty : { params: RouteParams<K> }
/** What a call of route K takes: path parameters, query and body, each only where the route has one. */
export type CallInput<K extends RouteKey> = ParamsPart<K> &
  (keyof RouteQuery<K> extends never ? Empty : { query?: RouteQuery<K> }) &
  (RouteBody<K> extends undefined ? Empty : { body: RouteBody<K> }) & { signal?: AbortSignal }
/** Routes that need no input at all may be called without the argument. */
type CallArgs<K extends RouteKey> = Empty extends CallInput<K> ? [input?: CallInput<K>] : [input: CallInput<K>]
interface Given {
  params?: Record<string, string>
  query?: QueryOf<QuerySpec>
  body?: unknown
  signal?: AbortSignal
}

/** A refusal from the node: its HTTP status and the API's error code and message. */
export class HiveApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details?: Record<string, unknown>

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'HiveApiError'
    this.status = status
    this.code = code
    if (details !== undefined) this.details = details
  }
}

export interface HiveSdkClientInit {
  /** the node's API, e.g. http://127.0.0.1:4100 */
  url: string
  /** the API token (<dataDir>/api-token) */
  token: string
}

export class HiveSdkClient {
  readonly url: string
  private readonly token: string

  constructor(init: HiveSdkClientInit) {
    this.url = init.url.replace(/\/+$/, '')
    this.token = init.token
  }

  /** A client for the node running on `dataDir` (reads its api.json and api-token, as `hive` does). */
  static async forDataDir(dataDir: string): Promise<HiveSdkClient> {
    const endpoint = JSON.parse(await readFile(join(dataDir, 'api.json'), 'utf8')) as { host: string; port: number }
    const token = (await readFile(join(dataDir, 'api-token'), 'utf8')).trim()
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
    return new HiveSdkClient({ url: `http://${host}:${endpoint.port}`, token })
  }

  /** One route of the table, typed end to end: `call('jobs.get', { params: { jobId } })`. */
  async call<K extends JsonRouteKey>(key: K, ...[input]: CallArgs<K>): Promise<RouteReply<K>> {
    const res = await this.send(key, (input ?? {}) as Given, 'application/json')
    const text = await res.text()
    return (text === '' ? undefined : JSON.parse(text)) as RouteReply<K>
  }

  /** A streaming route's events (e.g. 'node.events') until the signal aborts or the node stops. */
  async *stream<K extends RouteKey>(
    key: IsStream<K> extends true ? K : never,
    ...[input]: CallArgs<K>
  ): AsyncGenerator<RouteReply<K>> {
    const given = (input ?? {}) as Given
    yield* this.read<K>(await this.send(key, given, 'text/event-stream'), given)
  }

  /**
   * Opens a streaming route and resolves once the node answered, i.e. once it has subscribed the
   * stream: every event from then on is read by the returned iterator (stream() opens lazily, on
   * the first read, so events before that are not seen).
   */
  async openStream<K extends RouteKey>(
    key: IsStream<K> extends true ? K : never,
    ...[input]: CallArgs<K>
  ): Promise<AsyncGenerator<RouteReply<K>>> {
    const given = (input ?? {}) as Given
    return this.read<K>(await this.send(key, given, 'text/event-stream'), given)
  }

  private async *read<K extends RouteKey>(res: Response, given: Given): AsyncGenerator<RouteReply<K>> {
    if (res.body === null) return
    try {
      for await (const msg of readSse(res.body)) yield JSON.parse(msg.data) as RouteReply<K>
    } catch (err) {
      if (given.signal?.aborted === true) return
      throw err
    }
  }

  private async send(key: RouteKey, input: Given, accept: string): Promise<Response> {
    const spec: RouteSpec = API_ROUTES[key]
    const params = input.params ?? {}
    const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
      const value = params[name]
      if (value === undefined) throw new TypeError(`route ${key} needs the path parameter ${name}`)
      return encodeURIComponent(value)
    })
    const query = spec.query === undefined ? '' : writeQuery(spec.query, input.query ?? {}).toString()
    const res = await fetch(`${this.url}${path}${query === '' ? '' : `?${query}`}`, {
      method: spec.method,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept,
        ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(spec.body !== undefined ? { body: JSON.stringify(input.body ?? {}) } : {}),
      ...(input.signal !== undefined ? { signal: input.signal } : {}),
    })
    if (!res.ok) {
      const text = await res.text()
      let err: { code?: string; message?: string; details?: Record<string, unknown> } = {}
      try {
        err = (JSON.parse(text) as { error?: typeof err }).error ?? {}
      } catch {
        err = { message: text }
      }
      throw new HiveApiError(res.status, err.code ?? `HTTP_${res.status}`, err.message ?? res.statusText, err.details)
    }
    return res
  }
}
