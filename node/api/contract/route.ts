// One route of the local API, defined once: method, path, query and body with their runtime
// checks, the response type and the error codes it may answer with. The server dispatches to
// handlers by route key and validates requests from this definition; the client (cli/client.ts)
// builds its requests from the same definition, so the two cannot drift apart.
// Model: kubo's core/commands (one definition per command, used by the HTTP API and the CLI).
import type { HttpMethod } from './http-method.ts'
import type { QuerySpec } from './query.ts'

/** Checks a parsed JSON body and returns it typed; throws an ApiError (400) naming the field. */
export type BodyCheck<B> = (raw: unknown) => B

export interface RouteSpec<
  P extends string = string,
  Q extends QuerySpec = QuerySpec,
  B = unknown,
  R = unknown,
  S extends boolean = boolean,
> {
  method: HttpMethod
  /** literal segments and `:name` parameters, e.g. /v1/jobs/:jobId */
  path: P
  /** accepted query parameters in checking order; any other parameter is a 400 UNKNOWN_PARAMETER */
  query?: Q
  /** the request body's check; a route without one takes no body */
  body?: BodyCheck<B>
  /** largest accepted request body in bytes; the server's default when absent */
  maxBodyBytes?: number
  /** answers with server-sent events of R instead of one JSON value */
  stream?: S
  /** codes of the errors this route answers with besides the server's own (auth, 404 route …) */
  errors: readonly string[]
  /** a phantom: the handler's result type, never set at runtime */
  response?: R
  summary: string
}

/** The response type of a route, as its handler returns it (bigints and all). */
export function respond<R>(): R | undefined {
  return undefined
}

/** Identity with inference: keeps the literal path and the generic types of each entry. */
export function defineRoute<
  P extends string,
  Q extends QuerySpec = Record<never, never>,
  B = undefined,
  R = unknown,
  S extends boolean = false,
>(spec: RouteSpec<P, Q, B, R, S>): RouteSpec<P, Q, B, R, S> {
  return spec
}

/** `{ jobId: string }` for '/v1/jobs/:jobId/result'. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>

type Method = (...args: never[]) => unknown

/** What JSON.stringify (with bigints as decimal strings, see node/api/json.ts) makes of T. */
export type Json<T> = T extends bigint
  ? string
  : T extends string | number | boolean | null
    ? T
    : T extends undefined
      ? undefined
      : T extends Uint8Array
        ? Record<string, number>
        : T extends ReadonlyArray<infer E>
          ? Array<Json<E>>
          : T extends object
            ? { [K in keyof T as T[K] extends Method ? never : K]: Json<T[K]> }
            : unknown
