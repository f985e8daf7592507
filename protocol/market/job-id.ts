// Job id = sha-256 of the canonical encoding of the JobSpec (the job's content: what runs,
// who asked, what it pays; not the requester's transport addresses nor any signature).
// "Canonical" is protons' encoding of the decoded spec: fields in number order, defaults
// omitted, unknown fields dropped, so every node derives the same id from the same content
// whatever bytes carried it. One form everywhere: 32 raw bytes on the wire, 64 lowercase hex
// characters in code, logs, the CLI and storage keys (and `0x${id}` as an EIP-712 bytes32).
import { createHash } from 'node:crypto'
import { fromString, toString } from 'uint8arrays'
import { JobSpec } from '../gen/market.ts'
import { fail } from './errors.ts'

/** 64 lowercase hex characters. */
export type JobId = string

export const JOB_ID_BYTES = 32
const HEX_ID = /^[0-9a-f]{64}$/

export function computeJobId(spec: JobSpec): JobId {
  return createHash('sha256').update(JobSpec.encode(spec)).digest('hex')
}

export function isJobId(value: string): boolean {
  return HEX_ID.test(value)
}

export function jobIdToBytes(id: JobId): Uint8Array {
  if (!isJobId(id)) throw new TypeError(`not a job id: ${JSON.stringify(id.slice(0, 80))}`)
  return fromString(id, 'base16')
}

/** Reads a wire job id; anything but 32 bytes is MALFORMED. */
export function jobIdFromBytes(bytes: Uint8Array, field = 'jobId'): JobId {
  if (bytes.length !== JOB_ID_BYTES)
    fail('MALFORMED', `${field} must be ${JOB_ID_BYTES} bytes`, { field, length: bytes.length })
  return toString(bytes, 'base16')
}

/** The job id as an EIP-712 / Solidity bytes32 value. */
export function jobIdToBytes32(id: JobId): `0x${string}` {
  if (!isJobId(id)) throw new TypeError(`not a job id: ${JSON.stringify(id.slice(0, 80))}`)
  return `0x${id}`
}
