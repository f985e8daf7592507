// kad-dht calls one validator and one selector per key namespace (the first path segment).
// Everything of ours lives under /hive/<kind>/…; this dispatches on <kind>. Profiles ('hw') are
// built in; later services can add kinds through createHiveLibp2p's `recordKinds`.
import { ValidationError } from '../../protocol/errors.ts'
import { selectProfileRecord, validateProfileRecord } from '../../protocol/profile-record.ts'

export interface HiveRecordKind {
  /** throw to reject; `now` is unix ms */
  validate(key: Uint8Array, value: Uint8Array, now: number): Promise<unknown> | unknown
  /** index of the best record */
  select(key: Uint8Array, records: Uint8Array[]): Promise<number> | number
}

export type HiveRecordKinds = Record<string, HiveRecordKind>

const BUILT_IN: HiveRecordKinds = {
  hw: { validate: validateProfileRecord, select: selectProfileRecord },
}

function kindOf(key: Uint8Array, kinds: HiveRecordKinds): HiveRecordKind {
  const parts = new TextDecoder().decode(key).split('/')
  const kind = kinds[parts[2] ?? '']
  if (parts[1] !== 'hive' || kind === undefined || !Object.hasOwn(kinds, parts[2])) {
    throw new ValidationError('RECORD_KIND_UNKNOWN', `no validator for DHT key kind "${parts[2] ?? ''}"`, {
      kind: parts[2] ?? '',
    })
  }
  return kind
}

export function hiveRecordValidator(now: () => number, extra: HiveRecordKinds = {}) {
  const kinds = { ...BUILT_IN, ...extra }
  return async (key: Uint8Array, value: Uint8Array): Promise<void> => {
    await kindOf(key, kinds).validate(key, value, now())
  }
}

export function hiveRecordSelector(extra: HiveRecordKinds = {}) {
  const kinds = { ...BUILT_IN, ...extra }
  return async (key: Uint8Array, records: Uint8Array[]): Promise<number> => {
    // an unknown kind can't have passed validation; pick the first so kad-dht's contract holds
    try {
      return await kindOf(key, kinds).select(key, records)
    } catch {
      return 0
    }
  }
}
