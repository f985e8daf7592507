// The requester's tolerance vote for an `onnx` job with k > 1 and a non-zero tolerance (issue
// 18): the providers' outputs, already fetched into the blob store, are decoded (.npy tensors)
// and voted within the job's signed tolerances (protocol/inference/tolerance.ts) instead of by
// CID. RequesterJob calls `group` where it would count CIDs; this module owns the I/O and decoding.
import { decodeNpy } from '../../protocol/inference/npy.ts'
import { tensorView } from '../../protocol/inference/tensor-view.ts'
import { voteByTolerance } from '../../protocol/inference/tolerance.ts'
import { JobRequest, MessageType, SignedEnvelope } from '../../protocol/gen/market.ts'
import { parseTolerances, votesByTolerance } from '../../protocol/market/tolerance-spec.ts'
import { decodeOutputBundle } from '../../protocol/output-bundle.ts'
import { CID } from 'multiformats/cid'
import { logger } from '@libp2p/logger'
import type { TensorView, VoteCandidate } from '../../protocol/inference/tolerance.ts'
import type { JobTolerances } from '../../protocol/market/tolerance-spec.ts'
import type { JobRecord } from './job-record.ts'

const log = logger('hive:market:tolerance')

/** The answers of one vote: the representative's CID and the providers within tolerance of it, then the rest. */
export interface OutputGroups {
  /** representative CID → providers; the first entry is the representative's group */
  groups: Map<string, string[]>
}

export type GroupOutputs = (answers: Array<{ provider: string; outputCid: string }>, k: number) => Promise<OutputGroups>

/** the job's tolerances when its outputs are voted within them, else undefined (the CID rule) */
export function jobTolerances(record: Pick<JobRecord, 'executor' | 'requestHex'>): JobTolerances | undefined {
  if (record.executor !== 'onnx') return undefined
  const env = SignedEnvelope.decode(Buffer.from(record.requestHex, 'hex'))
  if (env.type !== MessageType.JOB_REQUEST) return undefined
  const spec = JobRequest.decode(env.payload).spec
  if (spec === undefined || !votesByTolerance(spec)) return undefined
  return parseTolerances(spec.tolerances)
}

/** The output tensors of a bundle: its `<name>.npy` files, decoded; undefined when it holds anything else. */
export function bundleTensors(bytes: Uint8Array): Map<string, TensorView> | undefined {
  try {
    const bundle = decodeOutputBundle(bytes)
    const out = new Map<string, TensorView>()
    for (const f of bundle.files) {
      if (!f.name.endsWith('.npy')) return undefined
      out.set(f.name.slice(0, -'.npy'.length), tensorView(decodeNpy(f.data)))
    }
    return out
  } catch (err) {
    log('output is not a tensor bundle: %s', (err as Error).message)
    return undefined
  }
}

/**
 * The grouping function for a tolerance job: loads each answer from `load` (the blob store),
 * votes, and returns the representative's group first, each other answer on its own (an answer
 * that is not a tensor bundle agrees with nobody). Undefined for a job compared by CID.
 */
export function toleranceGrouper(
  record: Pick<JobRecord, 'executor' | 'requestHex'>,
  load: (cid: string) => Promise<Uint8Array | undefined>,
): GroupOutputs | undefined {
  const tolerances = jobTolerances(record)
  if (tolerances === undefined) return undefined
  const decoded = new Map<string, Map<string, TensorView> | undefined>()
  return async (answers, k) => {
    const candidates: VoteCandidate[] = []
    const garbage: Array<{ provider: string; outputCid: string }> = []
    for (const a of answers) {
      if (!decoded.has(a.outputCid)) {
        const bytes = await load(a.outputCid).catch(() => undefined)
        decoded.set(a.outputCid, bytes === undefined ? undefined : bundleTensors(bytes))
      }
      const outputs = decoded.get(a.outputCid)
      if (outputs === undefined) garbage.push(a)
      else candidates.push({ provider: a.provider, cid: CID.parse(a.outputCid).toString(), outputs })
    }
    const vote = voteByTolerance(candidates, k, tolerances)
    const groups = new Map<string, string[]>()
    if (vote.representative !== undefined) groups.set(vote.representative.cid, vote.winners)
    for (const c of candidates) {
      if (vote.winners.includes(c.provider)) continue
      // a dissenter under its own CID; two dissenters with one CID share a group, as with the CID rule
      groups.set(c.cid, [...(groups.get(c.cid) ?? []), c.provider])
    }
    for (const g of garbage) groups.set(g.outputCid, [...(groups.get(g.outputCid) ?? []), g.provider])
    return { groups }
  }
}
