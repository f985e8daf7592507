// Dispatch. The routes themselves are defined once in ./contract (method, path, query, body,
// response, errors); a service gives a RouteRegistry the handlers of its area
// (`routes.area('jobs', {...})`) and the server only matches and dispatches. Paths are literal
// segments and `:name` parameters, nothing cleverer.
import { areaRoutes, contractRoute } from './contract-handlers.ts'
import type { AreaHandlers, ContractHandler } from './contract-handlers.ts'
import type { ApiArea, RouteKey } from './contract/index.ts'
import type { HttpMethod } from './contract/http-method.ts'
import { ApiError } from './errors.ts'
import type { RouteDefinition } from './route-definition.ts'

export type { HttpMethod } from './contract/http-method.ts'
export { isHttpMethod } from './contract/http-method.ts'
export { JsonResponse } from './route-definition.ts'
export type { RequestContext, RouteDefinition, RouteHandler, RouteResult } from './route-definition.ts'

export interface RouteRegistry {
  /** a route outside the table (tests of the HTTP layer); services use `area` */
  route(definition: RouteDefinition): void
  /** the handler of one route of the table (./contract) */
  handle: <K extends RouteKey>(key: K, handler: ContractHandler<K>) => void
  /** the handlers of all of an area's routes: one missing or one not in the table is an error */
  area: <A extends ApiArea>(area: A, handlers: AreaHandlers<A>) => void
}

interface CompiledRoute {
  definition: RouteDefinition
  segments: string[]
}

export interface RouteMatch {
  definition: RouteDefinition
  params: Record<string, string>
}

export class Router implements RouteRegistry {
  private readonly routes: CompiledRoute[] = []

  route(definition: RouteDefinition): void {
    if (!definition.path.startsWith('/')) throw new TypeError(`route path must start with /: ${definition.path}`)
    const segments = splitPath(definition.path)
    const shape = segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/')
    for (const r of this.routes) {
      const other = r.segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/')
      if (other === shape && r.definition.method === definition.method) {
        throw new TypeError(`route ${definition.method} ${definition.path} clashes with ${r.definition.path}`)
      }
    }
    this.routes.push({ definition, segments })
  }

  handle<K extends RouteKey>(key: K, handler: ContractHandler<K>): void {
    this.route(contractRoute(key, handler))
  }

  area<A extends ApiArea>(area: A, handlers: AreaHandlers<A>): void {
    for (const definition of areaRoutes(area, handlers)) this.route(definition)
  }

  /** Finds the route; throws 404 for an unknown path and 405 (with the allowed methods) for a known one. */
  match(method: string, path: string): RouteMatch {
    const parts = splitPath(path)
    const allowed: string[] = []
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts)
      if (params == null) continue
      if (r.definition.method === method) return { definition: r.definition, params }
      allowed.push(r.definition.method)
    }
    if (allowed.length > 0) {
      throw new ApiError(
        405,
        'METHOD_NOT_ALLOWED',
        `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`,
        { allow: allowed.join(', ') },
      )
    }
    throw new ApiError(404, 'ROUTE_NOT_FOUND', `no API route ${method} ${path}`, { path })
  }

  list(): Array<{ method: HttpMethod; path: string }> {
    return this.routes.map((r) => ({ method: r.definition.method, path: r.definition.path }))
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0)
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
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
