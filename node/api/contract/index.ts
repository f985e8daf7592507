// The local API's route table: every route the node serves and the client calls, by key
// (`area.name`). Paths, status codes and JSON are the API's compatibility surface: change a
// route here and both sides follow; the server refuses handlers for keys not in the table.
import { auditRoutes } from './audit.ts'
import { chainRoutes } from './chain.ts'
import { jobRoutes } from './jobs.ts'
import { nodeRoutes } from './node.ts'
import { paymentsRoutes } from './payments.ts'
import { uiRoutes } from './ui.ts'
import type { Json, PathParams, RouteSpec } from './route.ts'
import type { QueryOf, QuerySpec } from './query.ts'

export const API_AREAS = {
  node: nodeRoutes,
  jobs: jobRoutes,
  chain: chainRoutes,
  payments: paymentsRoutes,
  audit: auditRoutes,
  ui: uiRoutes,
} as const

export type ApiArea = keyof typeof API_AREAS
export type AreaRoutes<A extends ApiArea> = (typeof API_AREAS)[A]

export const API_ROUTES = {
  ...nodeRoutes,
  ...jobRoutes,
  ...chainRoutes,
  ...paymentsRoutes,
  ...auditRoutes,
  ...uiRoutes,
} as const

export type ApiRoutes = typeof API_ROUTES
export type RouteKey = keyof ApiRoutes
type SpecOf<K extends RouteKey> = ApiRoutes[K]
/** Keys of routes answering with one JSON value (not an event stream). */
export type JsonRouteKey = { [K in RouteKey]: IsStream<K> extends true ? never : K }[RouteKey]
export type IsStream<K extends RouteKey> =
  SpecOf<K> extends RouteSpec<string, QuerySpec, unknown, unknown, infer S> ? S : never
export type RouteParams<K extends RouteKey> =
  SpecOf<K> extends RouteSpec<infer P, QuerySpec, unknown, unknown, boolean> ? PathParams<P> : never
export type RouteQuery<K extends RouteKey> =
  SpecOf<K> extends RouteSpec<string, infer Q, unknown, unknown, boolean> ? QueryOf<Q> : never
export type RouteBody<K extends RouteKey> =
  SpecOf<K> extends RouteSpec<string, QuerySpec, infer B, unknown, boolean> ? B : never
/** What the handler returns (for a stream: each event). */
export type RouteResponse<K extends RouteKey> =
  SpecOf<K> extends RouteSpec<string, QuerySpec, unknown, infer R, boolean> ? R : never
/** What the client receives: the response after JSON (bigints as decimal strings). */
export type RouteReply<K extends RouteKey> = Json<RouteResponse<K>>

export function isRouteKey(key: string): key is RouteKey {
  return Object.hasOwn(API_ROUTES, key)
}

export { defineRoute, respond } from './route.ts'
export type { BodyCheck, Json, PathParams, RouteSpec } from './route.ts'
export { parseQuery, q, writeQuery } from './query.ts'
export type { QueryField, QueryOf, QuerySpec } from './query.ts'
export { providerQuery } from './node.ts'
export type { ProvidersResult } from './node.ts'
export type { AuditEntriesView, AuditExportView, AuditStatusView, VerifyBody } from './audit.ts'
export type { ChainParamsView, WalletSummary } from './chain.ts'
export type { JobResultView, JobSummary, PostJobBody } from './jobs.ts'
export type { ChannelSummary, OpenChannelBody } from './payments.ts'
export type { LoginCodeView } from './ui.ts'
