// Double payments counted from the chain: every escrow the JobEscrow contract created, released,
// claimed or refunded (paid-chain.ts reads its events), held against the requester's job records.
// A job is paid twice when the chain paid more providers for it than it had slots, or paid a
// provider whose award the requester had revoked (its slot went to a replacement).
import type { EscrowPayout } from './paid-chain.ts'
import type { JobRecord } from '../../node/market/job-record.ts'

export interface PayoutCheck {
  /** jobs the chain paid more than once per slot, or paid to a revoked provider */
  doublePaid: number
  escrowsCreated: number
  escrowsPaid: number
  escrowsRefunded: number
  /** escrows neither paid nor refunded at the end of the run (locked until their deadline) */
  escrowsOpen: number
  /**
   * escrows of revoked awards: how many were refunded, how many still lock their deposit with no
   * commitment on chain (nothing shut the cancel out: a defect), and how many the provider had
   * committed a result to before the cancel could land (the cancel is shut out by design and the
   * requester disputes: docs/reaward.md; the arbiter, or its silence, decides)
   */
  revokedEscrowsRefunded: number
  revokedEscrowsOpen: number
  revokedEscrowsCommitted: number
  /** each revoked award's escrow neither paid nor refunded, with what the chain says of it */
  revokedOpen: Array<{ escrowId: string; jobId: string; peer: string; committed: boolean; disputed: boolean }>
  /** completed jobs with fewer paid escrows than slots (a provider that delivered was not paid) */
  underpaidJobs: number
}

/**
 * `peerOf` names the provider (peer id) behind an escrow's payee address; the records say which
 * awards were revoked and how many slots each job had.
 */
export function checkPayouts(
  records: JobRecord[],
  escrows: EscrowPayout[],
  peerOf: (address: string) => string | undefined,
): PayoutCheck {
  const byJob = new Map<string, EscrowPayout[]>()
  for (const e of escrows) byJob.set(e.jobId, [...(byJob.get(e.jobId) ?? []), e])
  let doublePaid = 0
  let underpaidJobs = 0
  let revokedEscrowsRefunded = 0
  let revokedEscrowsOpen = 0
  let revokedEscrowsCommitted = 0
  const revokedOpen: PayoutCheck['revokedOpen'] = []
  for (const r of records) {
    const mine = byJob.get(r.jobId) ?? []
    const paid = mine.filter((e) => e.paid > 0n)
    const revoked = new Set(r.awards.filter((a) => a.revokedAt !== undefined).map((a) => a.provider))
    const live = new Set(r.awards.filter((a) => a.revokedAt === undefined).map((a) => a.provider))
    // a provider revoked and later awarded again (another slot) is paid for the live award
    const paidRevoked = paid.filter((e) => {
      const peer = peerOf(e.provider)
      return peer !== undefined && revoked.has(peer) && !live.has(peer)
    })
    if (paid.length > r.redundancy || paidRevoked.length > 0) doublePaid++
    if (r.phase === 'completed' && paid.length < r.redundancy) underpaidJobs++
    for (const e of mine) {
      const peer = peerOf(e.provider)
      if (peer === undefined || !revoked.has(peer) || live.has(peer)) continue
      if (e.refunded) revokedEscrowsRefunded++
      else if (e.paid === 0n) {
        if (e.committed) revokedEscrowsCommitted++
        else revokedEscrowsOpen++
        const { escrowId, jobId, committed, disputed } = e
        revokedOpen.push({ escrowId, jobId, peer, committed, disputed })
      }
    }
  }
  return {
    doublePaid,
    escrowsCreated: escrows.length,
    escrowsPaid: escrows.filter((e) => e.paid > 0n).length,
    escrowsRefunded: escrows.filter((e) => e.refunded).length,
    escrowsOpen: escrows.filter((e) => e.paid === 0n && !e.refunded).length,
    revokedEscrowsRefunded,
    revokedEscrowsOpen,
    revokedEscrowsCommitted,
    revokedOpen,
    underpaidJobs,
  }
}
