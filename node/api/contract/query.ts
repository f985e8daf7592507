// Query parameters as a route declares them: a kind per name, checked by the server in the
// declared order (the first bad one is the 400), written by the client from a typed object.
import { numberParam, rejectUnknownParams, stringParam } from '../query.ts'

export type QueryField =
  | { kind: 'string'; pattern?: RegExp }
  | { kind: 'number'; min: number; max: number; integer: boolean }
  | { kind: 'list' }

export type QuerySpec = Record<string, QueryField>

type FieldValue<F extends QueryField> = F extends { kind: 'number' }
  ? number
  : F extends { kind: 'list' }
    ? string[]
    : string

/** The typed query of a route: every declared parameter is optional. */
export type QueryOf<Q extends QuerySpec> = { [K in keyof Q]?: FieldValue<Q[K]> }

type StringField = Extract<QueryField, { kind: 'string' }>
type NumberField = Extract<QueryField, { kind: 'number' }>

export const q = {
  /** without a pattern: stringParam's default (letters, digits and ._/+-, up to 64) */
  string: (pattern?: RegExp): StringField => (pattern === undefined ? { kind: 'string' } : { kind: 'string', pattern }),
  int: (min: number, max: number): NumberField => ({ kind: 'number', min, max, integer: true }),
  number: (min: number, max: number): NumberField => ({ kind: 'number', min, max, integer: false }),
  /** comma-separated names, e.g. types=job:awarded,job:result */
  list: (): { kind: 'list' } => ({ kind: 'list' }),
} as const

/** Server side: rejects unknown names, then checks each declared parameter (400 naming it). */
export function parseQuery<Q extends QuerySpec>(spec: Q, query: URLSearchParams): QueryOf<Q> {
  rejectUnknownParams(query, Object.keys(spec))
  const out: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(spec)) {
    let value: unknown
    if (field.kind === 'string') value = stringParam(query, name, field.pattern)
    else if (field.kind === 'number') value = numberParam(query, name, field)
    else value = listParam(query, name)
    if (value !== undefined) out[name] = value
  }
  return out as QueryOf<Q>
}

/** Client side: the typed query as URL parameters, in the declared order, absent values left out. */
export function writeQuery<Q extends QuerySpec>(spec: Q, values: QueryOf<Q>): URLSearchParams {
  const params = new URLSearchParams()
  for (const [name, field] of Object.entries(spec)) {
    const v = (values as Record<string, unknown>)[name]
    if (v === undefined) continue
    if (field.kind === 'list') {
      const items = v as string[]
      if (items.length > 0) params.set(name, items.join(','))
    } else {
      params.set(name, String(v as string | number))
    }
  }
  return params
}

function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const items = query
    .get(name)
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
  return items === undefined || items.length === 0 ? undefined : items
}
