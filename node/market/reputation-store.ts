// A requester's memory of providers: the history it verified itself (protocol/market/reputation.ts
// scores it), per stake owner when the registry named one, else per peer id. Written once per
// finished job from the job's final record; read at every bid. Kept in the node's LevelDB
// (`reputation` sublevel) so that a restart does not hand a caught cheater a clean slate.
import { logger } from '../log/logger.ts'
import { isDeterministicFailure } from './requester-job.ts'
import { EMPTY_HISTORY, addHistory, reputationScore } from '../../protocol/market/reputation.ts'
import { benchmarkFactors } from '../../protocol/market/benchmark-check.ts'
import type { ReputationHistory } from '../../protocol/market/reputation.ts'
import type { JobRecord } from './job-record.ts'

const log = logger('hive:market:reputation')

/** the slice of a JSON sublevel the store needs */
export interface ReputationDb {
  get(key: string): Promise<unknown>
  put(key: string, value: unknown): Promise<void>
}

/** What one finished job says about each provider that held one of its awards. */
export function jobHistory(record: JobRecord): Map<string, Partial<ReputationHistory>> {
  const out = new Map<string, Partial<ReputationHistory>>()
  if (record.phase !== 'completed' && record.phase !== 'failed') return out
  const spot = record.spotCheck === true
  const add = (provider: string, delta: Partial<ReputationHistory>): void => {
    out.set(provider, addHistory(addHistory(EMPTY_HISTORY, out.get(provider) ?? {}), delta))
  }
  for (const a of record.awards) {
    if (record.dissenters.includes(a.provider)) {
      add(a.provider, spot ? { spotFailed: 1 } : { dissents: 1 })
    } else if (
      record.phase === 'completed' &&
      a.status === 'delivered' &&
      (record.winners?.includes(a.provider) ?? a.outputCid === record.outputCid)
    ) {
      add(a.provider, spot ? { paid: 1, spotPassed: 1 } : { paid: 1 })
    } else if (
      a.status === 'failed' &&
      a.acceptedAt !== undefined &&
      !(a.execStatus !== undefined && isDeterministicFailure(a.execStatus)) &&
      !(a.failure ?? '').startsWith('payment failed')
    ) {
      // accepted, then failed through its own fault (a deterministic failure of the module is an answer, not a fault)
      add(a.provider, { failures: 1 })
    }
  }
  for (const [provider, benchmarkFactor] of benchmarkCheck(record)) add(provider, { benchmarkFactor })
  return out
}

/** The agreeing runs of a completed job as probes of the claimed benchmark scores (benchmark-check.ts). */
function benchmarkCheck(record: JobRecord): Map<string, number> {
  if (record.phase !== 'completed') return new Map()
  const runs = record.awards
    .filter(
      (a) =>
        a.status === 'delivered' &&
        (record.winners?.includes(a.provider) ?? a.outputCid === record.outputCid) &&
        a.acceptedAt !== undefined &&
        a.resultAt !== undefined,
    )
    .map((a) => ({
      provider: a.provider,
      claimedScore: record.bids.find((b) => b.provider === a.provider)?.benchmarkScore ?? 0,
      elapsedMs: (a.resultAt ?? 0) - (a.acceptedAt ?? 0),
    }))
  return benchmarkFactors(runs)
}

export class ReputationStore {
  private readonly db: ReputationDb | undefined
  private readonly cache = new Map<string, ReputationHistory>()
  /** per key, the last write: updates of one key apply in order */
  private readonly writes = new Map<string, Promise<void>>()

  constructor(init: { db?: ReputationDb } = {}) {
    this.db = init.db
  }

  /** history is per stake owner when one is known: all peer ids of one owner share it */
  static key(provider: string, owner?: string): string {
    return owner !== undefined && owner !== '' ? `o/${owner.toLowerCase()}` : `p/${provider}`
  }

  async history(provider: string, owner?: string): Promise<ReputationHistory> {
    const key = ReputationStore.key(provider, owner)
    await this.writes.get(key)
    const cached = this.cache.get(key)
    if (cached !== undefined) return cached
    const stored = (await this.db?.get(key).catch(() => undefined)) as ReputationHistory | undefined
    const h = stored === undefined ? { ...EMPTY_HISTORY } : addHistory(EMPTY_HISTORY, stored)
    this.cache.set(key, h)
    return h
  }

  async score(provider: string, owner?: string): Promise<number> {
    return reputationScore(await this.history(provider, owner))
  }

  async add(provider: string, owner: string | undefined, delta: Partial<ReputationHistory>): Promise<void> {
    const key = ReputationStore.key(provider, owner)
    const prev = this.writes.get(key) ?? Promise.resolve()
    const next = prev
      .then(async () => {
        this.writes.delete(key)
        const h = addHistory(await this.history(provider, owner), delta)
        this.cache.set(key, h)
        await this.db?.put(key, h)
      })
      .catch((err: Error) => {
        log.error('reputation of %s not saved: %s', key, err.message)
      })
    this.writes.set(key, next)
    await next
  }

  /** Adds what a finished job says about its providers; `ownerOf` names each one's stake owner. */
  async recordJob(record: JobRecord, ownerOf: (provider: string) => string | undefined): Promise<void> {
    for (const [provider, delta] of jobHistory(record)) await this.add(provider, ownerOf(provider), delta)
  }
}
