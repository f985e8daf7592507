// Errors of the chain layer. Each has a stable `code`; `details` carry the values that explain
// it (never a key or a passphrase). UsageError subclasses are the user's to fix (exit 2 in the
// CLI); ChainError is everything else (exit 1).
import { HiveError, UsageError } from '../../protocol/errors.ts'
import type { ErrorDetails } from '../../protocol/errors.ts'

/** Something on or about the chain went wrong: unreachable RPC, bad deployment, a revert. */
export class ChainError extends HiveError {
  static override name = 'ChainError'
}

/** The wallet could not be opened or written (wrong passphrase, missing, already exists). */
export class WalletError extends HiveError {
  static override name = 'WalletError'
}

/** A transaction was refused, reverted, or could not be confirmed. */
export class TxError extends HiveError {
  static override name = 'TxError'
}

/** Chain configuration the user must fix (no RPC URL configured, not a devnet …). */
export class ChainUsageError extends UsageError {
  static override name = 'ChainUsageError'
}

/** The short reason of an ethers error, without the transaction dump its `message` carries. */
export function shortReason(err: unknown): string {
  const e = err as { shortMessage?: unknown; message?: unknown }
  if (typeof e?.shortMessage === 'string') return e.shortMessage
  if (typeof e?.message === 'string') return e.message.split('\n')[0].slice(0, 300)
  return String(err)
}

export type { ErrorDetails }
