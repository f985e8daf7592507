// Handlers by route key: the table (./contract) says method, path, query, body and limits; a
// service gives only the handler. The query is checked before the handler runs; the body when
// the handler asks for it (so a handler decides what it checks first, e.g. its role).
import type { IncomingHttpHeaders } from 'node:http'
import { API_AREAS, API_ROUTES, isRouteKey, parseQuery } from './contract/index.ts'
import type {
  ApiArea,
  AreaRoutes,
  IsStream,
  RouteBody,
  RouteKey,
  RouteParams,
  RouteQuery,
  RouteResponse,
} from './contract/index.ts'
import type { QuerySpec } from './contract/query.ts'
import type { RouteSpec } from './contract/route.ts'
import type { JsonResponse, RequestContext, RouteDefinition } from './route-definition.ts'
import type { EventStream } from './sse.ts'

export interface RouteCall<K extends RouteKey> {
  params: RouteParams<K>
  query: RouteQuery<K>
  /** the request body, parsed and checked by the route's body check */
  body: () => Promise<RouteBody<K>>
  headers: IncomingHttpHeaders
  /** aborted when the client goes away or the server stops */
  signal: AbortSignal
}

type MaybePromise<T> = T | Promise<T>

export type ContractHandler<K extends RouteKey> = (
  call: RouteCall<K>,
) => IsStream<K> extends true ? EventStream : MaybePromise<RouteResponse<K> | JsonResponse>

/** One handler per route of an area: a missing or extra one is a type error and a startup error. */
export type AreaHandlers<A extends ApiArea> = { [K in keyof AreaRoutes<A> & RouteKey]: ContractHandler<K> }

/** A startup error: the handlers and the table disagree. */
export class RouteTableError extends TypeError {
  static override name = 'RouteTableError'
  readonly code = 'ROUTE_TABLE_MISMATCH'
}

export function contractRoute<K extends RouteKey>(key: K, handler: ContractHandler<K>): RouteDefinition {
  if (!isRouteKey(key)) {
    throw new RouteTableError(`no route "${String(key)}" in the API route table (node/api/contract)`)
  }
  const spec: RouteSpec = API_ROUTES[key]
  const query: QuerySpec = spec.query ?? {}
  return {
    method: spec.method,
    path: spec.path,
    ...(spec.maxBodyBytes !== undefined ? { maxBodyBytes: spec.maxBodyBytes } : {}),
    handler: (ctx: RequestContext) =>
      handler({
        params: ctx.params as RouteParams<K>,
        query: parseQuery(query, ctx.query) as RouteQuery<K>,
        body: async () => {
          const raw = await ctx.json()
          return (spec.body === undefined ? raw : spec.body(raw)) as RouteBody<K>
        },
        headers: ctx.headers,
        signal: ctx.signal,
      }),
  }
}

/** The definitions of all of an area's routes, refusing a handler set that is not exactly the area's. */
export function areaRoutes<A extends ApiArea>(area: A, handlers: AreaHandlers<A>): RouteDefinition[] {
  const expected = Object.keys(API_AREAS[area])
  const given = Object.keys(handlers)
  const missing = expected.filter((k) => !given.includes(k))
  const extra = given.filter((k) => !expected.includes(k))
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`no handler for ${missing.join(', ')}`] : []),
      ...(extra.length > 0 ? [`handlers not in the table: ${extra.join(', ')}`] : []),
    ]
    throw new RouteTableError(`the ${area} routes do not match the table: ${parts.join('; ')}`)
  }
  const byKey = handlers as Record<string, ContractHandler<RouteKey>>
  return expected.map((key) => contractRoute(key as RouteKey, byKey[key]))
}
