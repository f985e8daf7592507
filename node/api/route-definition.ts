// A route as the server dispatches it: method, path, handler and body limit. Its own module so
// that the table's handler adapter (contract-handlers.ts) and the router share it without a cycle.
import type { IncomingHttpHeaders } from 'node:http'
import type { HttpMethod } from './contract/http-method.ts'
import type { EventStream } from './sse.ts'

export interface RequestContext {
  method: HttpMethod
  /** the path without the query string, e.g. /v1/jobs/abc */
  path: string
  params: Readonly<Record<string, string>>
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** aborted when the client goes away or the server stops */
  signal: AbortSignal
  /** the request body parsed as JSON, bounded by the route's (or server's) size limit */
  json(): Promise<unknown>
}

/** A handler returns plain data (sent as 200 JSON), a JsonResponse, or an EventStream. */
export type RouteHandler = (ctx: RequestContext) => unknown

export interface RouteDefinition {
  method: HttpMethod
  /** starts with /, e.g. /v1/providers or /v1/jobs/:jobId */
  path: string
  handler: RouteHandler
  /** largest accepted request body in bytes; the server's default when absent */
  maxBodyBytes?: number
}

/** Lets a handler choose the status code and headers. */
export class JsonResponse {
  readonly status: number
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status
    this.body = body
    this.headers = headers
  }
}

export type RouteResult = JsonResponse | EventStream | unknown
