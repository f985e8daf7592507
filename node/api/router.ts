// The route table. Every service that wants an API surface gets a RouteRegistry and adds its
// routes (`registerNodeRoutes(routes, controller)`, later jobs, channels, gov …); the server
// only dispatches. Paths are literal segments and `:name` parameters, nothing cleverer.
import type { IncomingHttpHeaders } from 'node:http'
import { ApiError } from './errors.ts'
import type { EventStream } from './sse.ts'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

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
  json (): Promise<unknown>
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

export interface RouteRegistry {
  route (definition: RouteDefinition): void
}

/** Lets a handler choose the status code and headers. */
export class JsonResponse {
  readonly status: number
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor (status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status
    this.body = body
    this.headers = headers
  }
}

export type RouteResult = JsonResponse | EventStream | unknown

interface CompiledRoute {
  definition: RouteDefinition
  segments: string[]
}

export interface RouteMatch {
  definition: RouteDefinition
  params: Record<string, string>
}

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])

export function isHttpMethod (method: string): method is HttpMethod {
  return METHODS.has(method)
}

export class Router implements RouteRegistry {
  readonly #routes: CompiledRoute[] = []

  route (definition: RouteDefinition): void {
    if (!definition.path.startsWith('/')) throw new TypeError(`route path must start with /: ${definition.path}`)
    const segments = splitPath(definition.path)
    const shape = segments.map((s) => s.startsWith(':') ? ':' : s).join('/')
    for (const r of this.#routes) {
      const other = r.segments.map((s) => s.startsWith(':') ? ':' : s).join('/')
      if (other === shape && r.definition.method === definition.method) {
        throw new TypeError(`route ${definition.method} ${definition.path} clashes with ${r.definition.path}`)
      }
    }
    this.#routes.push({ definition, segments })
  }

  /** Finds the route; throws 404 for an unknown path and 405 (with the allowed methods) for a known one. */
  match (method: string, path: string): RouteMatch {
    const parts = splitPath(path)
    const allowed: string[] = []
    for (const r of this.#routes) {
      const params = matchSegments(r.segments, parts)
      if (params == null) continue
      if (r.definition.method === method) return { definition: r.definition, params }
      allowed.push(r.definition.method)
    }
    if (allowed.length > 0) {
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`, { allow: allowed.join(', ') })
    }
    throw new ApiError(404, 'ROUTE_NOT_FOUND', `no API route ${method} ${path}`, { path })
  }

  list (): Array<{ method: HttpMethod, path: string }> {
    return this.#routes.map((r) => ({ method: r.definition.method, path: r.definition.path }))
  }
}

function splitPath (path: string): string[] {
  return path.split('/').filter((s) => s.length > 0)
}

function matchSegments (pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]
    if (p.startsWith(':')) {
      let value: string
      try {
        value = decodeURIComponent(parts[i])
      } catch {
        return undefined
      }
      params[p.slice(1)] = value
    } else if (p !== parts[i]) {
      return undefined
    }
  }
  return params
}
