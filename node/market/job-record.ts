// The requester's durable record of a job: what was asked, who bid, who was awarded what, what
// came back and how it ended. Plain JSON (amounts as decimal strings) in the jobs sublevel.
// The shapes live with the API's route table, which returns them (node/api imports no service).
import type { JobPhase, JobRecord } from '../api/contract/views/jobs.ts'

export type { AwardRecord, BidRecord, JobRecord, SlotStatus } from '../api/contract/views/jobs.ts'

/** The slice of a JSON sublevel the requester needs (the node passes store.jobs). */
export interface JobRecordStore {
  get(key: string): Promise<JobRecord | undefined>
  put(key: string, value: JobRecord, options?: { sync?: boolean }): Promise<void>
  values(): AsyncIterable<JobRecord>
}

export function isFinal(phase: JobPhase): boolean {
  return phase === 'completed' || phase === 'failed'
}
