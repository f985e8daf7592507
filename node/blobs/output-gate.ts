// The provider's hold on job outputs (fair exchange, issue 11 item 2): an output blob is
// registered here, durably, before the Result naming it leaves, and the blob server asks
// `mayServe` before it answers any request. A held output is served only once its payment is
// assured (`releasable`: a channel voucher paying the job was accepted, or the escrow was
// released for exactly this output); module and input blobs are never held. Without payments
// the market builds no gate and every blob is served as before.
import type { PaymentMode } from '../../protocol/payment-mode.ts'
import type { Sublevel } from '../store.ts'

export interface HeldOutput {
  jobId: string
  payment: PaymentMode
  requesterAddress: string
  /** the agreed price, decimal base units */
  price: string
  heldAt: number
  /** set once its payment was seen: served from then on without asking again */
  releasedAt?: number
}

export interface OutputGateInit {
  db: Sublevel<HeldOutput>
  /** fsynced put into `db` (HiveStore.putDurable) */
  putDurable: (key: string, value: HeldOutput) => Promise<void>
  releasable: (job: {
    jobId: string
    payment: PaymentMode
    requesterAddress: string
    outputCid: string
    price: bigint
  }) => Promise<boolean>
  now: () => number
}

export class OutputGate {
  private readonly init: OutputGateInit

  constructor(init: OutputGateInit) {
    this.init = init
  }

  /** Holds `outputCid` until the job is paid. Durable: a restart must not let it go unpaid. */
  async hold(
    outputCid: string,
    job: { jobId: string; payment: PaymentMode; requesterAddress: string; price: bigint },
  ): Promise<void> {
    const known = await this.init.db.get(outputCid)
    // two jobs with the same output: the first paid one releases it (the bytes are the same)
    if (known !== undefined) return
    await this.init.putDurable(outputCid, {
      jobId: job.jobId,
      payment: job.payment,
      requesterAddress: job.requesterAddress,
      price: job.price.toString(),
      heldAt: this.init.now(),
    })
  }

  /** Whether blob `cid` may be served now: not a held output, or a paid one. */
  async mayServe(cid: string): Promise<boolean> {
    const held = await this.init.db.get(cid)
    if (held === undefined || held.releasedAt !== undefined) return true
    const ok = await this.init
      .releasable({
        jobId: held.jobId,
        payment: held.payment,
        requesterAddress: held.requesterAddress,
        outputCid: cid,
        price: BigInt(held.price),
      })
      .catch(() => false)
    if (ok) await this.init.db.put(cid, { ...held, releasedAt: this.init.now() })
    return ok
  }
}
