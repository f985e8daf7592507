// Query-string parsing for routes: typed values, and a 400 that names the parameter and the
// accepted form instead of a silent default.
import { ApiError } from './errors.ts'

export function rejectUnknownParams(query: URLSearchParams, allowed: readonly string[]): void {
  for (const key of query.keys()) {
    if (!allowed.includes(key)) {
      throw new ApiError(
        400,
        'UNKNOWN_PARAMETER',
        `unknown query parameter "${key}"; accepted: ${allowed.join(', ')}`,
        { parameter: key },
      )
    }
  }
}

export function stringParam(
  query: URLSearchParams,
  name: string,
  pattern = /^[A-Za-z0-9._/+-]{1,64}$/,
): string | undefined {
  const v = query.get(name)
  if (v == null || v === '') return undefined
  if (!pattern.test(v))
    throw new ApiError(400, 'INVALID_PARAMETER', `query parameter ${name}=${JSON.stringify(v)} is not a valid value`, {
      parameter: name,
    })
  return v
}

export function numberParam(
  query: URLSearchParams,
  name: string,
  opts: { min: number; max: number; integer?: boolean },
): number | undefined {
  const v = query.get(name)
  if (v == null || v === '') return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || (opts.integer === true && !Number.isInteger(n)) || n < opts.min || n > opts.max) {
    const kind = opts.integer === true ? 'an integer' : 'a number'
    throw new ApiError(
      400,
      'INVALID_PARAMETER',
      `query parameter ${name}=${JSON.stringify(v)} must be ${kind} from ${opts.min} to ${opts.max}`,
      { parameter: name },
    )
  }
  return n
}
