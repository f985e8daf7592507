// A dishonest node's tools, for the tampering tests: rebuild a log with an edited history
// (re-linked and re-hashed throughout, so that it is internally perfect) and serve it over
// /hive/audit in place of the real one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditLog } from '../../../node/audit/log.ts'
import { AuditServer } from '../../../node/audit/server.ts'
import { openStore } from '../../../node/store.ts'
import type { AuditRecord } from '../../../node/audit/log.ts'
import type { AuditEntry } from '../../../protocol/audit/index.ts'
import type { AnchorBinding } from '../../../protocol/audit/wire.ts'
import type { AuditPeer } from './net.ts'
import type { HiveStore } from '../../../node/store.ts'

export interface RebuiltLog {
  log: AuditLog
  store: HiveStore
  close: () => Promise<void>
}

export function toRecord(e: AuditEntry): AuditRecord {
  const { index: _i, prevHash: _p, peer: _o, ...rest } = e
  return rest as AuditRecord
}

/** A new log with `edit(entries)` of `source`'s entries, each keeping its timestamp. */
export async function rebuildLog(
  source: AuditLog,
  edit: (entries: AuditEntry[]) => AuditEntry[],
  extra: AuditRecord[] = [],
): Promise<RebuiltLog> {
  const dir = mkdtempSync(join(tmpdir(), 'hive-audit-forged-'))
  const store = await openStore(dir)
  const log = await AuditLog.open({ db: store.audit, peer: source.peer })
  const entries = (await source.getRange(0, source.size())).map((s) => s.entry)
  await log.appendAll([...edit(entries).map(toRecord), ...extra])
  return {
    log,
    store,
    close: async () => {
      await log.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Serves `log` over /hive/audit from `peer` instead of its real one (with `binding` instead of
 * the peer's own anchoring binding, when given); the returned function restores it.
 */
export async function serveInstead(
  peer: AuditPeer,
  log: AuditLog,
  binding?: AnchorBinding,
): Promise<() => Promise<void>> {
  await peer.audit.server.stop()
  const forged = new AuditServer({ libp2p: peer.node.libp2p, log, binding: () => binding ?? peer.audit.binding })
  await forged.start()
  return async () => {
    await forged.stop()
    await peer.audit.server.start()
  }
}
