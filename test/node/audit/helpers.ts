// Temp stores and record generators for the audit log tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, type HiveStore } from '../../../node/store.ts'
import { AuditLog } from '../../../node/audit/log.ts'
import { h, peer } from '../../protocol/audit/story.ts'
import type { AuditRecord } from '../../../node/audit/log.ts'

export const NODE_PEER = peer('audit node')
export const COUNTERPARTY = peer('counterparty')

export interface TempLog {
  dir: string
  store: HiveStore
  log: AuditLog
  reopen: () => Promise<TempLog>
  cleanup: () => Promise<void>
}

export async function tempLog(
  dir = mkdtempSync(join(tmpdir(), 'hive-audit-')),
  now?: () => number,
  maxGroup?: number,
): Promise<TempLog> {
  const store = await openStore(dir)
  const log = await AuditLog.open({
    db: store.audit,
    peer: NODE_PEER,
    ...(now !== undefined ? { now } : {}),
    ...(maxGroup !== undefined ? { maxGroup } : {}),
  })
  const t: TempLog = {
    dir,
    store,
    log,
    reopen: async () => {
      await log.close()
      await store.close()
      return await tempLog(dir, now, maxGroup)
    },
    cleanup: async () => {
      await log.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return t
}

/** A bid record about job `job` (one of a few jobs), price i: cheap, varied, valid. */
export function bidRecord(i: number, job = i % 5): AuditRecord {
  return {
    type: 'bid',
    jobId: h(`job ${job}`),
    direction: i % 2 === 0 ? 'sent' : 'received',
    counterparty: COUNTERPARTY,
    messageHash: h(`bid ${i}`),
    price: BigInt(i),
    timestamp: 1_700_000_000_000 + i,
  }
}
