// Errors as the local API reports them: one JSON shape, {error: {code, message, details}}, and
// an HTTP status chosen from the error's class, so handlers just throw.
import { HiveError, UsageError, ValidationError } from '../../protocol/errors.ts'
import type { ErrorDetails } from '../../protocol/errors.ts'

/** An error that already knows its HTTP status (404 route, 401 auth, 413 body …). */
export class ApiError extends HiveError {
  static override name = 'ApiError'
  readonly status: number

  constructor(
    status: number,
    code: string,
    message: string,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options)
    this.status = status
  }
}

export interface ApiErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> }
}

export function statusForError(err: unknown): number {
  if (err instanceof ApiError) return err.status
  if (err instanceof UsageError || err instanceof ValidationError) return 400
  if (err instanceof HiveError && err.code.endsWith('NOT_FOUND')) return 404
  // the node cannot write its data dir: it takes no work until it can (node/store-health.ts)
  if (err instanceof HiveError && err.code === 'STORE_FAILING') return 503
  // as many of its jobs negotiating as the market carries (node/market/post-window.ts): later
  if (err instanceof HiveError && err.code === 'REQUESTER_BUSY') return 503
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return 504
  return 500
}

export function errorBody(err: unknown): ApiErrorBody {
  if (err instanceof HiveError) {
    return { error: { code: err.code, message: err.message, details: { ...err.details } } }
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return { error: { code: 'TIMEOUT', message: `the node gave up waiting: ${err.message}`, details: {} } }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { error: { code: 'INTERNAL', message, details: {} } }
}
