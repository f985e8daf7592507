// Per-job escrow, both sides, without anyone typing a command. Requester: create at award time,
// release on a verified result, dispute a committed result it did not accept, refund after the
// deadline when nothing was delivered. Provider: start only once the escrow is on chain, commit
// the output hash after running (which rules out a refund), claim after deadline + challenge
// window if the requester went silent. Records live in the store's `escrows` sublevel.
import { logger } from '../log/logger.ts'
import { getAddress } from 'ethers'
import { escrowId as escrowIdOf } from '../../protocol/eip712.ts'
import { HiveError } from '../../protocol/errors.ts'
import type { PaymentsChain } from './chain.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PaymentJournal } from './journal.ts'
import type { StoreBatchOp, Sublevel } from '../store.ts'
// the record shapes live with the API's route table, which returns them (node/api imports no service)
import type { EscrowRecord } from '../api/contract/views/payments.ts'

export type { EscrowRecord, EscrowState } from '../api/contract/views/payments.ts'

const log = logger('hive:payments:escrow')

const CHAIN_STATUS = ['none', 'active', 'disputed', 'released', 'claimed', 'refunded', 'resolved'] as const

export interface OnChainEscrow {
  requester: string
  provider: string
  token: string
  amount: bigint
  deadline: bigint
  challengeWindow: bigint
  status: (typeof CHAIN_STATUS)[number]
  committedAt: bigint
  resultHash: string
  /** what a dispute costs the requester; the arbiter's time to rule after `disputedAt` (0: not disputed) */
  disputeBond: bigint
  arbitrationWindow: bigint
  disputedAt: bigint
}

export class EscrowError extends HiveError {
  static override name = 'EscrowError'
}

export interface EscrowManagerInit {
  chain: PaymentsChain
  db: Sublevel<EscrowRecord>
  /** fsynced put into `db` (HiveStore.putDurable) */
  putDurable: (key: string, value: EscrowRecord) => Promise<void>
  now: () => number
  pollMs?: number
  /** audit: release (paid), dispute and refund entries, in the batch that records the new state */
  audit?: PaymentJournal
}

export class EscrowManager {
  private readonly init: EscrowManagerInit
  private timer?: ReturnType<typeof setTimeout>
  private running = false
  private ticking?: Promise<void>
  private hiveAddress?: string
  /**
   * Creates one at a time: each reads the allowance and approves its own amount, so two at once
   * would both approve `amount` (an approval replaces, it does not add) and the second create
   * would revert for want of allowance (test/node/payments/concurrent-escrow.test.ts).
   */
  private creating: Promise<unknown> = Promise.resolve()
  /**
   * `${jobId}/${peer}` of awards revoked while their escrow was not created yet (creations are
   * serialised, so under load one may wait behind others): cancelled as soon as it exists,
   * instead of staying locked until its deadline. Bounded; the oldest goes first.
   */
  private readonly revokedBeforeCreate = new Set<string>()

  constructor(init: EscrowManagerInit) {
    this.init = init
  }

  private get self(): string {
    const s = this.init.chain.sender
    if (s === undefined) throw new EscrowError('NO_WALLET', 'escrow payments need the wallet unlocked', {})
    return s.address
  }

  async read(id: string): Promise<OnChainEscrow> {
    const e = await this.init.chain.contracts.escrow.escrow.staticCall(id)
    return {
      requester: e.requester,
      provider: e.provider,
      token: e.token,
      amount: e.amount,
      deadline: e.deadline,
      challengeWindow: e.challengeWindow,
      status: CHAIN_STATUS[Number(e.status)],
      committedAt: e.committedAt,
      resultHash: e.resultHash,
      disputeBond: e.disputeBond,
      arbitrationWindow: e.arbitrationWindow,
      disputedAt: e.disputedAt,
    }
  }

  /** The network's token: the only one an escrow may pay us in (the requester picks the token). */
  private async hive(): Promise<string> {
    this.hiveAddress ??= getAddress(await this.init.chain.contracts.token.getAddress())
    return this.hiveAddress
  }

  async list(): Promise<EscrowRecord[]> {
    return (await this.init.db.values().all()).sort((a, b) => a.updatedAt - b.updatedAt)
  }

  async get(id: string): Promise<EscrowRecord | undefined> {
    return await this.init.db.get(id.toLowerCase())
  }

  private async save(r: EscrowRecord): Promise<void> {
    r.updatedAt = this.init.now()
    await this.init.putDurable(r.escrowId.toLowerCase(), r)
  }

  /** Saves `r` together with an audit entry (when an audit hook and the counterparty are known). */
  private async saveAudited(
    r: EscrowRecord,
    entry: (
      audit: PaymentJournal,
      base: { jobId: string; direction: 'sent' | 'received'; counterparty: ReturnType<typeof peerIdFromString> },
      ops: StoreBatchOp[],
    ) => Promise<boolean>,
  ): Promise<void> {
    if (this.init.audit === undefined || r.peer === undefined) {
      await this.save(r)
      return
    }
    r.updatedAt = this.init.now()
    const op = {
      type: 'put',
      sublevel: this.init.db,
      key: r.escrowId.toLowerCase(),
      value: r,
    } as unknown as StoreBatchOp
    await entry(
      this.init.audit,
      {
        jobId: r.jobId.replace(/^0x/, ''),
        direction: r.role === 'requester' ? 'sent' : 'received',
        counterparty: peerIdFromString(r.peer),
      },
      [op],
    )
  }

  /** Requester: deposits `amount` for `provider` to run `jobId` by `deadline` (unix s). Idempotent. */
  async create(
    jobId: string,
    provider: string,
    amount: bigint,
    deadline: bigint,
    peer?: string,
  ): Promise<EscrowRecord> {
    const { escrow, token } = this.init.chain.contracts
    const sender = this.init.chain.sender!
    const id = escrowIdOf(jobId, this.self, provider)
    const known = await this.get(id)
    if (known !== undefined) return known
    const escrowAddress = await escrow.getAddress()
    const txs: Record<string, string> = {}
    const fund = async (): Promise<void> => {
      const allowance = await token.allowance.staticCall(this.self, escrowAddress)
      if (allowance < amount)
        txs.approve = (await sender.call(token, 'approve', [escrowAddress, amount], { label: 'approve escrow' })).hash
      txs.create = (
        await sender.call(escrow, 'create', [jobId, provider, await token.getAddress(), amount, deadline], {
          label: 'create escrow',
        })
      ).hash
    }
    const done = this.creating.then(fund, fund)
    this.creating = done.catch(() => {})
    await done
    const r: EscrowRecord = {
      escrowId: id,
      jobId,
      role: 'requester',
      requester: this.self,
      provider: getAddress(provider),
      amount: amount.toString(),
      deadline: deadline.toString(),
      state: 'active',
      txs,
      updatedAt: 0,
      ...(peer !== undefined ? { peer } : {}),
    }
    await this.save(r)
    log('created %o', { escrowId: id, jobId, amount: r.amount })
    if (peer !== undefined && this.revokedBeforeCreate.delete(revokedKey(jobId, peer)))
      return (await this.cancelRevoked(jobId, peer)) ?? r
    return r
  }

  /** Requester: pays the provider for `resultHash`. */
  async release(jobId: string, provider: string, resultHash: string): Promise<EscrowRecord> {
    const r = await this.requireRecord(escrowIdOf(jobId, this.self, provider))
    if (r.state === 'released') return r
    r.txs.release = (
      await this.init.chain.sender!.call(this.init.chain.contracts.escrow, 'release', [r.escrowId, resultHash], {
        label: 'release escrow',
      })
    ).hash
    r.state = 'released'
    r.resultHash = resultHash
    const txHash = hexBytes(r.txs.release)
    await this.saveAudited(
      r,
      async (audit, base, extraOps) =>
        await audit.record(
          { type: 'paid', ...base, amount: BigInt(r.amount), method: { kind: 'escrow', txHash } },
          { extraOps },
        ),
    )
    return r
  }

  /**
   * Requester: the job ended and the provider delivered nothing acceptable: dispute a committed
   * result; a deposit nothing was committed to is cancelled at once (the job is over: nothing the
   * provider could still commit would be used), not left locked until its deadline.
   */
  async reject(jobId: string, provider: string): Promise<EscrowRecord | undefined> {
    const r = await this.get(escrowIdOf(jobId, this.self, provider))
    if (r === undefined || r.state !== 'active') return r
    let chain = await this.read(r.escrowId)
    if (chain.status === 'active' && chain.committedAt === 0n) {
      if ((await this.cancelNow(r, 'job over, nothing committed')).state !== 'active') return r
      chain = await this.read(r.escrowId) // a commitment got in first: dispute it
    }
    if (chain.status === 'active' && chain.committedAt !== 0n) {
      // a dispute pulls its bond (JobEscrow.dispute); create's approval was used up by the deposit
      const { escrow, token } = this.init.chain.contracts
      const allowance = await token.allowance.staticCall(this.self, await escrow.getAddress())
      if (allowance < chain.disputeBond)
        r.txs.approveBond = (
          await this.init.chain.sender!.call(token, 'approve', [await escrow.getAddress(), chain.disputeBond], {
            label: 'approve dispute bond',
          })
        ).hash
      r.txs.dispute = (
        await this.init.chain.sender!.call(this.init.chain.contracts.escrow, 'dispute', [r.escrowId], {
          label: 'dispute escrow',
        })
      ).hash
      r.state = 'disputed'
      const txHash = hexBytes(r.txs.dispute)
      await this.saveAudited(
        r,
        async (audit, base, extraOps) =>
          await audit.record({ type: 'disputed', ...base, reason: 'result not accepted', txHash }, { extraOps }),
      )
    }
    return r
  }

  /**
   * Requester: the award of `peer` (a provider's peer id) for `jobId` was revoked before any
   * result came (docs/reaward.md): take its deposit back now with JobEscrow.cancel, not after
   * its deadline. When the provider committed a result first the cancel is shut out and the
   * escrow stays active: the job's settlement disputes that commitment as before. Resolves with
   * the record (undefined: no escrow was created for that award).
   */
  async cancelRevoked(jobId: string, peer: string): Promise<EscrowRecord | undefined> {
    const want = jobId.replace(/^0x/, '').toLowerCase()
    const r = (await this.list()).find(
      (x) => x.role === 'requester' && x.peer === peer && x.jobId.replace(/^0x/, '').toLowerCase() === want,
    )
    if (r === undefined) {
      // its creation may still be queued or in flight: create() cancels it once it exists
      this.revokedBeforeCreate.add(revokedKey(jobId, peer))
      if (this.revokedBeforeCreate.size > 1024) {
        const oldest = this.revokedBeforeCreate.values().next()
        if (oldest.done !== true) this.revokedBeforeCreate.delete(oldest.value)
      }
      return undefined
    }
    if (r.state !== 'active') return r
    const chain = await this.read(r.escrowId)
    if (chain.status !== 'active' || chain.committedAt !== 0n) {
      log('not cancelling %s: %s%s', r.escrowId, chain.status, chain.committedAt !== 0n ? ', committed' : '')
      return r
    }
    return await this.cancelNow(r, 'award revoked')
  }

  /**
   * Requester: JobEscrow.cancel of an active escrow nothing was committed to yet (the caller read
   * it so); the deposit comes back now. A commitment that got in first shuts the cancel out: the
   * record stays active and the job's settlement disputes it.
   */
  private async cancelNow(r: EscrowRecord, why: string): Promise<EscrowRecord> {
    try {
      r.txs.cancel = (
        await this.init.chain.sender!.call(this.init.chain.contracts.escrow, 'cancel', [r.escrowId], {
          label: 'cancel escrow',
        })
      ).hash
    } catch (err) {
      // the provider's commitment got in first (or the tick refunded it): the chain decides, the poller follows
      const now = await this.read(r.escrowId)
      if (now.status === 'active' && now.committedAt !== 0n) return r
      if (now.status !== 'refunded') throw err
      return r
    }
    r.state = 'refunded'
    const txHash = hexBytes(r.txs.cancel)
    await this.saveAudited(
      r,
      async (audit, base, extraOps) =>
        await audit.record(
          { type: 'refunded', ...base, direction: 'received', amount: BigInt(r.amount), txHash },
          { extraOps },
        ),
    )
    log('cancelled (%s): deposit back %o', why, { escrowId: r.escrowId, amount: r.amount })
    return r
  }

  /**
   * Provider: waits, for at most `maxWaitMs`, until the requester's escrow for this job is on
   * chain and worth working for: in HIVE (the requester picks the token: a worthless one would
   * buy compute for free), at least `minAmount`, and with a deadline no earlier than
   * `minDeadline` (unix s) so that the run and commitResult fit before it (a commit after the
   * deadline reverts, and the requester refunds itself). Throws EscrowError ESCROW_WRONG_TOKEN,
   * ESCROW_UNDERFUNDED, ESCROW_DEADLINE_TOO_SOON, ESCROW_UNUSABLE (not active, not ours) or
   * ESCROW_NOT_FUNDED (nothing on chain in time). Polls with backoff (the escrow usually lands
   * within a block or two of the acceptance), not every 250 ms for as long as the award lasts.
   */
  async waitFunded(
    jobId: string,
    requester: string,
    minAmount: bigint,
    options: { signal?: AbortSignal; minDeadline?: bigint; maxWaitMs?: number; pollMs?: number } = {},
  ): Promise<EscrowRecord> {
    const id = escrowIdOf(jobId, requester, this.self)
    const maxWaitMs = options.maxWaitMs ?? 30_000
    const giveUpAt = this.init.now() + maxWaitMs
    let delay = options.pollMs ?? 500
    for (;;) {
      options.signal?.throwIfAborted()
      const e = await this.read(id)
      if (e.status !== 'none') {
        this.checkUsable(jobId, e, minAmount, options.minDeadline, await this.hive())
        const r: EscrowRecord = (await this.get(id)) ?? {
          escrowId: id,
          jobId,
          role: 'provider',
          requester: getAddress(requester),
          provider: this.self,
          amount: e.amount.toString(),
          deadline: e.deadline.toString(),
          state: 'active',
          txs: {},
          updatedAt: 0,
        }
        await this.save(r)
        return r
      }
      const left = giveUpAt - this.init.now()
      if (left <= 0)
        throw new EscrowError(
          'ESCROW_NOT_FUNDED',
          `no escrow for job ${jobId} on chain within ${maxWaitMs} ms of accepting it`,
          { jobId, escrowId: id },
        )
      await sleep(Math.min(delay, left), options.signal)
      delay = Math.min(delay * 2, 4_000)
    }
  }

  private checkUsable(
    jobId: string,
    e: OnChainEscrow,
    minAmount: bigint,
    minDeadline: bigint | undefined,
    hive: string,
  ): void {
    const ctx = {
      jobId,
      status: e.status,
      token: e.token,
      amount: e.amount.toString(),
      deadline: e.deadline.toString(),
    }
    if (e.status !== 'active' || e.committedAt !== 0n || getAddress(e.provider) !== this.self) {
      throw new EscrowError(
        'ESCROW_UNUSABLE',
        `escrow for job ${jobId} is ${e.status}${e.committedAt !== 0n ? ' (already committed)' : ''}, not open for us`,
        ctx,
      )
    }
    if (getAddress(e.token) !== hive)
      throw new EscrowError('ESCROW_WRONG_TOKEN', `escrow for job ${jobId} pays in ${e.token}, not HIVE (${hive})`, ctx)
    if (e.amount < minAmount)
      throw new EscrowError(
        'ESCROW_UNDERFUNDED',
        `escrow for job ${jobId} pays ${e.amount}, below the agreed ${minAmount}`,
        ctx,
      )
    if (minDeadline !== undefined && e.deadline < minDeadline) {
      throw new EscrowError(
        'ESCROW_DEADLINE_TOO_SOON',
        `escrow for job ${jobId} ends at ${e.deadline}, before ${minDeadline}: no time to run and commit`,
        ctx,
      )
    }
  }

  /**
   * Provider: may this job's output leave? Yes once the requester released the escrow to us for
   * exactly this output's hash (a release bound to another hash pays for another output), or we
   * claimed it after the challenge window.
   */
  async paidFor(jobId: string, requester: string, resultHash: string): Promise<boolean> {
    const e = await this.read(escrowIdOf(jobId, requester, this.self))
    if (e.status === 'claimed') return true
    return e.status === 'released' && e.resultHash.toLowerCase() === resultHash.toLowerCase()
  }

  /** Provider: commits the output hash on chain (after this the requester cannot take a refund). */
  async commit(jobId: string, requester: string, resultHash: string): Promise<EscrowRecord> {
    const r = await this.requireRecord(escrowIdOf(jobId, requester, this.self))
    if (r.state !== 'active') return r
    r.txs.commit = (
      await this.init.chain.sender!.call(this.init.chain.contracts.escrow, 'commitResult', [r.escrowId, resultHash], {
        label: 'commit result',
      })
    ).hash
    r.state = 'committed'
    r.resultHash = resultHash
    await this.save(r)
    return r
  }

  private async requireRecord(id: string): Promise<EscrowRecord> {
    const r = await this.get(id)
    if (r === undefined) throw new EscrowError('UNKNOWN_ESCROW', `no escrow ${id} on this node`, { escrowId: id })
    return r
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.schedule()
  }

  async stop(): Promise<void> {
    this.running = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    await this.ticking?.catch(() => {})
  }

  private schedule(): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((err: Error) => {
          log('escrow poll failed (will retry): %s', err.message)
        })
        .finally(() => {
          this.schedule()
        })
    }, this.init.pollMs ?? 2_000)
  }

  /** Moves every unfinished escrow on: claim (provider), refund (requester), or learn the outcome. */
  async tick(): Promise<void> {
    const unfinished = (await this.list()).filter(
      (r) => r.state === 'active' || r.state === 'committed' || r.state === 'disputed',
    )
    // nothing to move on: no chain read (an idle node's poll costs no RPC)
    if (unfinished.length === 0) return
    const block = await this.init.chain.provider.getBlock('latest')
    const now = BigInt(block?.timestamp ?? 0)
    for (const r of unfinished) {
      const e = await this.read(r.escrowId)
      const escrow = this.init.chain.contracts.escrow
      if (e.status === 'released' || e.status === 'claimed' || e.status === 'refunded' || e.status === 'resolved') {
        r.state = e.status
        await this.save(r)
      } else if (
        r.role === 'provider' &&
        e.status === 'active' &&
        e.committedAt !== 0n &&
        now > e.deadline + e.challengeWindow
      ) {
        r.txs.claim = (
          await this.init.chain.sender!.call(escrow, 'claim', [r.escrowId], { label: 'claim escrow' })
        ).hash
        r.state = 'claimed'
        await this.save(r)
        log('claimed after the requester went silent %o', { escrowId: r.escrowId })
      } else if (r.role === 'provider' && e.status === 'disputed' && now > e.disputedAt + e.arbitrationWindow) {
        // the arbiter let its window pass: the committed result stands, deposit and bond are ours
        r.txs.claim = (
          await this.init.chain.sender!.call(escrow, 'claim', [r.escrowId], { label: 'claim disputed escrow' })
        ).hash
        r.state = 'claimed'
        await this.save(r)
        log('claimed after the arbiter did not rule in time %o', { escrowId: r.escrowId })
      } else if (r.role === 'requester' && e.status === 'active' && e.committedAt === 0n && now > e.deadline) {
        r.txs.refund = (
          await this.init.chain.sender!.call(escrow, 'refund', [r.escrowId], { label: 'refund escrow' })
        ).hash
        r.state = 'refunded'
        const txHash = hexBytes(r.txs.refund)
        await this.saveAudited(
          r,
          async (audit, base, extraOps) =>
            await audit.record(
              { type: 'refunded', ...base, direction: 'received', amount: BigInt(r.amount), txHash },
              { extraOps },
            ),
        )
        log('refunded: nothing delivered %o', { escrowId: r.escrowId })
      }
    }
  }
}

async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(signal?.reason ?? new Error('aborted'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/^0x/, ''), 'hex'))
}

function revokedKey(jobId: string, peer: string): string {
  return `${jobId.replace(/^0x/, '').toLowerCase()}/${peer}`
}
