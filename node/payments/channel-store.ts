// Durable channel state, in the store's `channels` and `vouchers` sublevels (JSON, amounts as
// decimal strings). Both roles keep one record per channel; the provider keeps the best
// voucher it acknowledged (`best/<channelId>`), the requester the last voucher it signed
// (`sent/<channelId>`). Every write that precedes a promise (an acknowledgement, or a voucher
// leaving the requester) is fsynced first, and writes to one channel are serialized, so a
// crash at any instant never moves a nonce backwards.
import type { HiveStore, StoreBatchOp } from '../store.ts'
// the record shapes live with the API's route table, which returns them (node/api imports no service)
import type { ChannelRecord, ChannelRole, ChannelStatus } from '../api/contract/views/payments.ts'

export type { ChannelRecord, ChannelRole, ChannelStatus } from '../api/contract/views/payments.ts'

/** A voucher as stored: everything closeWithVoucher needs. */
export interface StoredVoucher {
  channelId: string
  nonce: string
  cumulativeAmount: string
  /** 0x-hex, 65 bytes */
  signature: string
  jobId?: string
  at: number
  /** requester side: the provider acknowledged it */
  acked?: boolean
}

/** Requester: which voucher paid a job (per provider: a job with k providers pays each once). */
export interface JobVoucher {
  channelId: string
  nonce: string
  cumulativeAmount: string
}

function jobKey(provider: string, jobId: string): string {
  return `job/${provider.toLowerCase()}/${jobKeyOf(jobId)}`
}

/** Provider: a job it works for, its requester (lower-case address) and price, and whether paid. */
export interface Expectation {
  requester: string
  price: string
  paid: boolean
  at: number
}

export function jobKeyOf(jobId: string): string {
  return jobId.toLowerCase().replace(/^0x/, '')
}

function unpaidKey(requester: string, jobId: string): string {
  return `unpaid/${requester.toLowerCase()}/${jobKeyOf(jobId)}`
}

function expectKey(jobId: string): string {
  return `expect/${jobKeyOf(jobId)}`
}

export class ChannelStore {
  private readonly store: HiveStore
  private readonly locks = new Map<string, Promise<unknown>>()
  /**
   * Every channel record, by lower-case id, read from the store once: the requester looks for
   * a channel to a provider on every payment and the watchtower scans on every poll, and each
   * list() iterated and parsed every record ever kept (closed ones too) off LevelDB, a cost that
   * grew with the node's history. Writes go through put(), which updates it after the fsync.
   */
  private cache: Promise<Map<string, ChannelRecord>> | undefined

  constructor(store: HiveStore) {
    this.store = store
  }

  /** Runs `fn` after every earlier call for the same channel has finished. */
  async serialize<T>(channelId: string, fn: () => Promise<T>): Promise<T> {
    const key = channelId.toLowerCase()
    const prev = this.locks.get(key) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    const tail = run.catch(() => {})
    this.locks.set(key, tail)
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key)
    })
    return await run
  }

  private async records(): Promise<Map<string, ChannelRecord>> {
    this.cache ??= (async () => {
      const all = new Map<string, ChannelRecord>()
      for await (const [key, value] of this.store.channels.iterator()) all.set(key, value as ChannelRecord)
      return all
    })()
    return await this.cache
  }

  async get(channelId: string): Promise<ChannelRecord | undefined> {
    const r = (await this.records()).get(channelId.toLowerCase())
    // a copy: callers spread and change records before put()
    return r === undefined ? undefined : { ...r }
  }

  async put(record: ChannelRecord): Promise<void> {
    const key = record.channelId.toLowerCase()
    const all = await this.records()
    await this.store.putDurable(this.store.channels, key, record)
    all.set(key, { ...record })
  }

  async list(filter: { role?: ChannelRole; status?: ChannelStatus[] } = {}): Promise<ChannelRecord[]> {
    const out: ChannelRecord[] = []
    for (const value of (await this.records()).values()) {
      const r = { ...value }
      if (filter.role !== undefined && r.role !== filter.role) continue
      if (filter.status !== undefined && !filter.status.includes(r.status)) continue
      out.push(r)
    }
    return out.sort((a, b) => a.openedAt - b.openedAt)
  }

  async best(channelId: string): Promise<StoredVoucher | undefined> {
    return (await this.store.vouchers.get(`best/${channelId.toLowerCase()}`)) as StoredVoucher | undefined
  }

  async sent(channelId: string): Promise<StoredVoucher | undefined> {
    return (await this.store.vouchers.get(`sent/${channelId.toLowerCase()}`)) as StoredVoucher | undefined
  }

  /** The batch op that records `v` as the provider's best voucher (commit it durably). */
  bestOp(v: StoredVoucher): StoreBatchOp {
    return {
      type: 'put',
      sublevel: this.store.vouchers,
      key: `best/${v.channelId.toLowerCase()}`,
      value: v,
    } as StoreBatchOp
  }

  sentOp(v: StoredVoucher): StoreBatchOp {
    return {
      type: 'put',
      sublevel: this.store.vouchers,
      key: `sent/${v.channelId.toLowerCase()}`,
      value: v,
    } as StoreBatchOp
  }

  /** Requester: the voucher that paid `jobId` to `provider` (its counters), if one was signed. */
  async jobVoucher(provider: string, jobId: string): Promise<JobVoucher | undefined> {
    return (await this.store.vouchers.get(jobKey(provider, jobId))) as JobVoucher | undefined
  }

  /** The batch op recording the voucher that pays a job (written with the voucher itself). */
  jobOp(provider: string, jobId: string, v: JobVoucher): StoreBatchOp {
    return { type: 'put', sublevel: this.store.vouchers, key: jobKey(provider, jobId), value: v } as StoreBatchOp
  }

  jobDelOp(provider: string, jobId: string): StoreBatchOp {
    return { type: 'del', sublevel: this.store.vouchers, key: jobKey(provider, jobId) } as StoreBatchOp
  }

  /** Provider: the payment it expects for a job it accepted (and whether it came). */
  async expectation(jobId: string): Promise<Expectation | undefined> {
    return (await this.store.vouchers.get(expectKey(jobId))) as Expectation | undefined
  }

  /** Not fsynced: a lost expectation only makes the requester's voucher wait for a retry. */
  async putExpectation(jobId: string, e: Expectation): Promise<void> {
    const put = (key: string): StoreBatchOp =>
      ({ type: 'put', sublevel: this.store.vouchers, key, value: e }) as StoreBatchOp
    const ops = [put(expectKey(jobId))]
    if (!e.paid) ops.push(put(unpaidKey(e.requester, jobId)))
    await this.store.root.batch<string, unknown>(ops, {})
  }

  /** The batch ops marking a job paid, committed with the voucher that pays it. */
  paidOps(jobId: string, e: Expectation): StoreBatchOp[] {
    const paid: Expectation = { ...e, paid: true }
    return [
      { type: 'put', sublevel: this.store.vouchers, key: expectKey(jobId), value: paid } as StoreBatchOp,
      { type: 'del', sublevel: this.store.vouchers, key: unpaidKey(e.requester, jobId) } as StoreBatchOp,
    ]
  }

  /** Provider: every job it expected payment for, paid or not, by jobKeyOf(jobId) (earnings). */
  async expectations(): Promise<Array<[string, Expectation]>> {
    const out: Array<[string, Expectation]> = []
    for await (const [key, value] of this.store.vouchers.iterator({ gte: 'expect/', lt: 'expect/\xff' })) {
      out.push([key.slice('expect/'.length), value as Expectation])
    }
    return out
  }

  /** The requester's expected, unpaid jobs (oldest first), by jobKeyOf(jobId). */
  async unpaidOf(requester: string): Promise<Array<[string, Expectation]>> {
    const prefix = `unpaid/${requester.toLowerCase()}/`
    const out: Array<[string, Expectation]> = []
    for await (const [key, value] of this.store.vouchers.iterator({ gte: prefix, lt: prefix + '\xff' })) {
      out.push([key.slice(prefix.length), value as Expectation])
    }
    return out.sort((a, b) => a[1].at - b[1].at)
  }

  /** Updates the requester's last sent voucher without fsync (e.g. to mark it acknowledged). */
  async putSent(v: StoredVoucher): Promise<void> {
    await this.store.vouchers.put(`sent/${v.channelId.toLowerCase()}`, v)
  }

  async commit(ops: StoreBatchOp[]): Promise<void> {
    await this.store.batchDurable(ops)
  }
}
