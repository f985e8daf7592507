// The local control API: a loopback HTTP server with a bearer token, a route table that
// services extend, and server-sent events.
import type { NodeController } from '../controller.ts'
import { registerNodeRoutes } from './routes/node-routes.ts'
import { ApiServer } from './server.ts'
import type { ApiServerInit } from './server.ts'

export { ApiServer, DEFAULT_MAX_BODY_BYTES } from './server.ts'
export type { ApiServerInit } from './server.ts'
export { ApiError, errorBody, statusForError } from './errors.ts'
export type { ApiErrorBody } from './errors.ts'
export { JsonResponse, Router } from './router.ts'
export type { HttpMethod, RequestContext, RouteDefinition, RouteHandler, RouteRegistry } from './router.ts'
export { EventStream } from './sse.ts'
export type { EventPush } from './sse.ts'
export { API_ENDPOINT_FILE, apiEndpointPath, processAlive, readApiEndpoint } from './endpoint-file.ts'
export type { ApiEndpoint } from './endpoint-file.ts'
export { API_TOKEN_FILE, apiTokenPath, readApiToken } from './auth.ts'
export { registerNodeRoutes } from './routes/node-routes.ts'
export { API_AREAS, API_ROUTES, isRouteKey } from './contract/index.ts'
export type {
  ApiArea,
  RouteBody,
  RouteKey,
  RouteParams,
  RouteQuery,
  RouteReply,
  RouteResponse,
} from './contract/index.ts'
export { RouteTableError } from './contract-handlers.ts'
export type { AreaHandlers, ContractHandler, RouteCall } from './contract-handlers.ts'
export { toJson } from './json.ts'

/** The API of a running node: the node's routes on a fresh server; services add theirs to `.routes`. */
export function createNodeApi(controller: NodeController, init: Omit<ApiServerInit, 'peerId'>): ApiServer {
  const server = new ApiServer({ ...init, peerId: controller.info().peerId })
  registerNodeRoutes(server.routes, controller)
  return server
}
