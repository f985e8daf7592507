// Whether the node can write to its data dir (issue 16, scenario 8: disk). Every write reaches
// LevelDB through the root database's put, del or batch (sublevels delegate to it), so the store
// watches those three: an I/O error (disk full, fsync failing, a read-only remount) marks the
// store failing, and from then on it refuses every write until the node restarts. Why not carry
// on once space is back: a write that failed may leave a torn record in LevelDB's log, and
// LevelDB then accepts (and fsyncs) later writes behind it that its recovery drops at the next
// open — measured: on a full tmpfs, four audit entries written after space came back were gone
// after a restart (test/node/store/disk-full.test.ts). Refusing them instead means nothing is
// acknowledged that a restart would lose. While failing, the node takes no new work (a provider
// does not bid, a requester does not post) and says why on /v1/info and `hive node status`.
import { HiveError } from '../protocol/errors.ts'
import { logger } from './log/logger.ts'
import type { StoreHealthInfo } from './controller.ts'

export type { StoreHealthInfo }

const log = logger('hive:store')

/** LevelDB errors that say the disk, not the caller, is at fault */
const DISK_ERRORS = new Set(['LEVEL_IO_ERROR', 'LEVEL_CORRUPTION'])

export class StoreHealth {
  private failing: { code: string; message: string; since: number } | undefined
  private failedWrites = 0

  constructor(private readonly now: () => number = Date.now) {}

  get ok(): boolean {
    return this.failing === undefined
  }

  info(): StoreHealthInfo {
    return this.failing === undefined
      ? { ok: true, failedWrites: this.failedWrites }
      : { ok: false, ...this.failing, failedWrites: this.failedWrites }
  }

  /** a write failed with `err`; only a disk error marks the store failing */
  failed(err: unknown): void {
    const code = (err as { code?: unknown }).code
    if (typeof code !== 'string' || !DISK_ERRORS.has(code)) return
    this.failedWrites++
    if (this.failing !== undefined) return
    const message = (err as Error).message
    this.failing = { code, message, since: this.now() }
    log.error('the data dir cannot be written (%s): no new work and no writes until a restart - %s', code, message)
  }
}

/** Throws STORE_FAILING (the API answers 503) when the store cannot be written: no new work then. */
export function refuseWhenStoreFails(health: StoreHealthInfo | undefined): void {
  if (health === undefined || health.ok) return
  throw new HiveError(
    'STORE_FAILING',
    `this node cannot write its data dir since ${new Date(health.since ?? 0).toISOString()} ` +
      `(${health.message ?? health.code ?? 'unknown error'}): it takes no new work and writes nothing ` +
      'until it restarts; free space on the disk (or fix it), then restart the node',
    { code: health.code ?? '', since: health.since ?? 0 },
  )
}

/**
 * Wraps the root database's write methods so that every write reports to `health`, and once the
 * store is failing every write is refused (STORE_FAILING) without reaching LevelDB.
 */
export function watchWrites(root: object, health: StoreHealth): void {
  const db = root as Record<'put' | 'del' | 'batch', (...args: unknown[]) => unknown>
  for (const name of ['put', 'del', 'batch'] as const) {
    const original = db[name].bind(root)
    db[name] = (...args: unknown[]): unknown => {
      // batch() without operations returns a chained batch at once (it writes on its own write())
      if (name === 'batch' && args.length === 0) return original()
      if (!health.ok) {
        try {
          refuseWhenStoreFails(health.info())
        } catch (err) {
          return Promise.reject(err)
        }
      }
      return (original(...args) as Promise<unknown>).catch((err: unknown) => {
        health.failed(err)
        throw err
      })
    }
  }
}
