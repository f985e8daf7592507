// Typed errors shared by every layer. Callers test `code` (or the class name), never the
// message text. `details` carries the values that explain the error, for logs and JSON output.

export type ErrorDetails = Record<string, string | number | boolean | bigint | null | undefined>

export class HiveError extends Error {
  static override name = 'HiveError'
  readonly code: string
  readonly details: ErrorDetails

  constructor(code: string, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.details = details
  }
}

/** Input that broke a rule of the protocol: wrong shape, too big, bad signature, expired. */
export class ValidationError extends HiveError {
  static override name = 'ValidationError'
}

/** A user-facing mistake (bad CLI argument, bad config) with the fix in the message. */
export class UsageError extends HiveError {
  static override name = 'UsageError'
}

export function isHiveError(err: unknown, code?: string): err is HiveError {
  return err instanceof HiveError && (code === undefined || err.code === code)
}
