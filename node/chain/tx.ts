// One transaction sender per account. Nonces come from a local counter, handed out one at a
// time in a serialized sign-and-broadcast step, so concurrent sends get contiguous nonces and a
// send that fails before it reaches the node does not burn one. A transaction that is not mined
// in time is replaced (same nonce, fees +12.5% or more) up to the fee cap. A receipt counts only
// while its block is on the canonical chain, read again once confirmed: a reorg that drops the
// transaction sends it again at once (the node no longer knows any of its hashes), not after the
// replacement delay.
import { Transaction, isError } from 'ethers'
import type { AbstractSigner, Contract, Interface, JsonRpcProvider, TransactionReceipt } from 'ethers'
import { logger } from '../log/logger.ts'
import { ChainError, TxError, shortReason } from './errors.ts'
import { bumpFees, gwei, quoteFees } from './fees.ts'
import type { FeeQuote } from './fees.ts'

const log = logger('hive:chain:tx')

export interface TxSenderOptions {
  signer: AbstractSigner
  provider: JsonRpcProvider
  chainId: number
  /** fee cap, wei per gas */
  maxFeePerGas: bigint
  minPriorityFeePerGas?: bigint
  /** blocks on top of the including one before a send resolves (default 1: included) */
  confirmations?: number
  /** replace with bumped fees when not mined after this long (default 30 s; 60 s off the devnet) */
  replaceAfterMs?: number
  /** receipt polling interval (default: the provider's) */
  pollMs?: number
  /** give up waiting after this long (default 10 min); the nonce stays used */
  timeoutMs?: number
}

export interface TxRequest {
  to: string
  data?: string
  value?: bigint
  /** default: estimated + 20% */
  gasLimit?: bigint
  /** decodes custom errors of reverts */
  iface?: Interface
  /** what this is, for logs and errors ("stake", "approve") */
  label?: string
}

export interface SentTx {
  /** the hash that was mined (a replacement's, if one was needed) */
  hash: string
  nonce: number
  /** every hash broadcast for this nonce, first to last */
  hashes: string[]
  replacements: number
  receipt: TransactionReceipt
  fees: FeeQuote
}

export class TxSender {
  readonly address: string
  private readonly o: TxSenderOptions
  private _nextNonce: number | undefined
  /** transactions broadcast and not yet mined (or given up on) */
  private waiting = 0
  private queue: Promise<unknown> = Promise.resolve()
  /**
   * transactions mined and failed (estimate, broadcast or revert) since start; gas and fees of the
   * mined ones; receipts a reorg took back (`staleReceipts`) and transactions it dropped from the
   * node altogether, sent again (`dropped`)
   */
  readonly stats = { mined: 0, failed: 0, gasUsed: 0n, feesWei: 0n, staleReceipts: 0, dropped: 0 }

  private constructor(o: TxSenderOptions, address: string) {
    this.o = o
    this.address = address
  }

  static async create(o: TxSenderOptions): Promise<TxSender> {
    return new TxSender(o, await o.signer.getAddress())
  }

  /** Encodes, sends and waits for `contract.method(...args)`; reverts are decoded with the contract's ABI. */
  async call(
    contract: Contract,
    method: string,
    args: unknown[],
    opts: { value?: bigint; label?: string; signal?: AbortSignal } = {},
  ): Promise<SentTx> {
    const data = contract.interface.encodeFunctionData(method, args)
    return await this.send(
      {
        to: await contract.getAddress(),
        data,
        value: opts.value,
        iface: contract.interface,
        label: opts.label ?? method,
      },
      opts,
    )
  }

  private async sendOnce(req: TxRequest, opts: { signal?: AbortSignal }): Promise<SentTx> {
    const label = req.label ?? 'transaction'
    const gasLimit = req.gasLimit ?? (await this.estimate(req, label))
    const fees = await quoteFees(this.o.provider, {
      maxFeePerGas: this.o.maxFeePerGas,
      minPriorityFeePerGas: this.o.minPriorityFeePerGas,
    })
    const { nonce, hash } = await this.serial(async () => {
      const sent = await this.broadcastNew(req, gasLimit, fees, label)
      this.waiting++
      return sent
    })
    try {
      return await this.waitMined({ req, gasLimit, nonce, label, fees, hashes: [hash] }, opts.signal)
    } finally {
      this.waiting--
    }
  }

  /**
   * Counts the next nonce from the chain again, unless a transaction of this sender is still
   * waiting to be mined. For a caller that saw a mined transaction of ours vanish in a reorg: the
   * new branch never got it back, so its nonce is free again, and a counter left above it would
   * make every later transaction wait behind the gap forever. (If the dropped transaction went
   * back into the node's pool, the pending count includes it and nothing is reused.)
   */
  async resyncNonce(): Promise<void> {
    await this.serial(async () => {
      if (this.waiting === 0) this._nextNonce = undefined
    })
  }

  async send(req: TxRequest, opts: { signal?: AbortSignal } = {}): Promise<SentTx> {
    try {
      const sent = await this.sendOnce(req, opts)
      this.stats.mined++
      this.stats.gasUsed += sent.receipt.gasUsed
      this.stats.feesWei += sent.receipt.fee
      return sent
    } catch (err) {
      this.stats.failed++
      throw err
    }
  }

  /** The next nonce this sender will use (reads the chain the first time). */
  async nextNonce(): Promise<number> {
    return await this.serial(async () => await this.counter())
  }

  private async counter(): Promise<number> {
    this._nextNonce ??= await this.txCount('pending')
    return this._nextNonce
  }

  // straight to the RPC: ethers' provider caches some answers for a moment, and a stale count
  // is exactly the nonce reuse this class exists to prevent
  private async txCount(tag: 'pending' | 'latest'): Promise<number> {
    return Number(BigInt((await this.o.provider.send('eth_getTransactionCount', [this.address, tag])) as string))
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }

  private async estimate(req: TxRequest, label: string): Promise<bigint> {
    try {
      const est = await this.o.provider.estimateGas({
        from: this.address,
        to: req.to,
        data: req.data,
        value: req.value,
      })
      return est + est / 5n + 10_000n
    } catch (err) {
      throw revertError(err, req.iface, label)
    }
  }

  private sign(req: TxRequest, nonce: number, gasLimit: bigint, fees: FeeQuote): Promise<string> {
    const tx = Transaction.from({
      type: 2,
      chainId: this.o.chainId,
      nonce,
      to: req.to,
      data: req.data ?? '0x',
      value: req.value ?? 0n,
      gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    })
    return this.o.signer.signTransaction(tx)
  }

  /** Runs inside the serial section: takes the next nonce and keeps it only once the node has the transaction. */
  private async broadcastNew(
    req: TxRequest,
    gasLimit: bigint,
    fees: FeeQuote,
    label: string,
  ): Promise<{ nonce: number; hash: string }> {
    for (let attempt = 0; ; attempt++) {
      const nonce = await this.counter()
      const signed = await this.sign(req, nonce, gasLimit, fees)
      const hash = Transaction.from(signed).hash!
      const outcome = await this.broadcast(signed, hash)
      if (outcome === 'ok') {
        this._nextNonce = nonce + 1
        log('%s sent %o', label, { nonce, hash, maxFeeGwei: gwei(fees.maxFeePerGas) })
        return { nonce, hash }
      }
      // someone else used this account (another process, a wallet app): count again from the chain
      if (attempt < 3) {
        this._nextNonce = undefined
        continue
      }
      throw new TxError(
        'NONCE_CONFLICT',
        `${label}: nonce ${nonce} kept being taken by another sender of ${this.address}; run one sender per account`,
        { nonce, address: this.address },
      )
    }
  }

  private async broadcast(signed: string, hash: string): Promise<'ok' | 'nonce-used' | 'underpriced'> {
    try {
      await this.o.provider.send('eth_sendRawTransaction', [signed])
      return 'ok'
    } catch (err) {
      const text = errorText(err)
      if (/already known|already imported|known transaction/i.test(text)) return 'ok'
      if (isError(err, 'NONCE_EXPIRED') || /nonce too low|nonce has already been used|nonce.*too low/i.test(text)) {
        // used by this very transaction? (a send whose answer was lost, sent again by the RPC
        // layer's retry): then it is ours and in; re-signing it under a new nonce would pay twice
        const ours = (await this.o.provider.send('eth_getTransactionByHash', [hash]).catch(() => null)) as unknown
        return ours != null ? 'ok' : 'nonce-used'
      }
      if (isError(err, 'REPLACEMENT_UNDERPRICED') || /underpriced|replacement/i.test(text)) return 'underpriced'
      if (isError(err, 'INSUFFICIENT_FUNDS') || /insufficient funds|enough funds/i.test(text)) {
        throw new TxError(
          'INSUFFICIENT_FUNDS',
          `${this.address} has not enough ETH to pay for gas: fund it (on the` +
            ` devnet, \`hive wallet\` shows the address to send to)`,
          { address: this.address },
        )
      }
      // the transaction may or may not have reached the node: ask for it by hash
      const known = (await this.o.provider.send('eth_getTransactionByHash', [hash]).catch(() => null)) as unknown
      if (known != null) return 'ok'
      throw new TxError(
        'TX_REJECTED',
        `the node refused the transaction: ${shortReason(err)}`,
        { reason: shortReason(err) },
        { cause: err },
      )
    }
  }

  private async waitMined(
    s: { req: TxRequest; gasLimit: bigint; nonce: number; label: string; fees: FeeQuote; hashes: string[] },
    signal?: AbortSignal,
  ): Promise<SentTx> {
    const { provider } = this.o
    const pollMs = this.o.pollMs ?? provider.pollingInterval
    const replaceAfterMs = this.o.replaceAfterMs ?? (this.o.chainId === 31337 ? 30_000 : 60_000)
    const deadline = Date.now() + (this.o.timeoutMs ?? 600_000)
    let fees = s.fees
    let lastBroadcast = Date.now()
    let capped = false
    let unknownPolls = 0
    for (;;) {
      signal?.throwIfAborted()
      for (const hash of s.hashes) {
        const receipt = await this.receipt(hash)
        if (receipt == null) continue
        await this.confirm(receipt, signal, deadline)
        // the confirmations counted may be a new branch's: is the receipt still the chain's?
        if (!(await this.canonical(receipt))) {
          this.stats.staleReceipts++
          log('%s: receipt of %s (block %d) was taken back by a reorg', s.label, hash, receipt.blockNumber)
          continue
        }
        if (receipt.status !== 1) throw await this.revertedAfterMining(s, receipt)
        return { hash, nonce: s.nonce, hashes: s.hashes, replacements: s.hashes.length - 1, receipt, fees }
      }
      if ((await this.txCount('latest')) > s.nonce) {
        // the nonce is used, but by none of our hashes (receipts can lag a moment: look once more)
        await sleep(pollMs, signal)
        if (await this.anyReceipt(s.hashes)) continue
        throw new TxError(
          'TX_REPLACED_EXTERNALLY',
          `${s.label}: nonce ${s.nonce} was used by a transaction this node did not send`,
          { nonce: s.nonce },
        )
      }
      // a reorg can drop a mined transaction without returning it to the pool: once the node has
      // known none of our hashes for two polls in a row, send again now rather than after
      // `replaceAfterMs` (the same transaction first; `broadcast` treats "already known" as sent)
      unknownPolls = (await this.unknownToNode(s.hashes)) ? unknownPolls + 1 : 0
      if (unknownPolls >= 2) {
        unknownPolls = 0
        this.stats.dropped++
        const last = s.hashes[s.hashes.length - 1]
        log('%s: the node no longer knows nonce %d (last hash %s); sending again', s.label, s.nonce, last)
        const signed = await this.sign(s.req, s.nonce, s.gasLimit, fees)
        const outcome = await this.broadcast(signed, Transaction.from(signed).hash!).catch((err: unknown) => {
          log('re-send failed: %s', shortReason(err))
          return 'failed' as const
        })
        if (outcome === 'ok') lastBroadcast = Date.now()
        else lastBroadcast = 0 // replace with bumped fees on this round
      }
      if (Date.now() > deadline) {
        throw new TxError(
          'TX_TIMEOUT',
          `${s.label}: not mined after ${Math.round((this.o.timeoutMs ?? 600_000) / 1000)} s (nonce` +
            ` ${s.nonce}, last hash ${s.hashes[s.hashes.length - 1]}); it may still be mined later`,
          { nonce: s.nonce, hash: s.hashes[s.hashes.length - 1] },
        )
      }
      if (Date.now() - lastBroadcast >= replaceAfterMs && !capped) {
        const fresh = await quoteFees(provider, {
          maxFeePerGas: BigInt(2) ** 255n,
          minPriorityFeePerGas: this.o.minPriorityFeePerGas,
        })
        const bumped = bumpFees(fees, fresh)
        if (bumped.maxFeePerGas > this.o.maxFeePerGas) {
          capped = true
          log(
            '%s: not replacing nonce %d, bumped fee %s gwei would exceed the cap %s gwei; waiting',
            s.label,
            s.nonce,
            gwei(bumped.maxFeePerGas),
            gwei(this.o.maxFeePerGas),
          )
        } else {
          const signed = await this.sign(s.req, s.nonce, s.gasLimit, bumped)
          const hash = Transaction.from(signed).hash!
          const outcome = await this.broadcast(signed, hash).catch((err: unknown) => {
            log('replacement failed: %s', shortReason(err))
            return 'failed' as const
          })
          if (outcome === 'ok') {
            s.hashes.push(hash)
            fees = bumped
            log('%s replaced %o', s.label, { nonce: s.nonce, hash, maxFeeGwei: gwei(bumped.maxFeePerGas) })
          } else if (outcome === 'underpriced') {
            fees = bumped // next round bumps from here
          }
          lastBroadcast = Date.now()
        }
      }
      await sleep(pollMs, signal)
    }
  }

  // ethers answers a repeated request from a 250 ms cache, so a receipt that appeared a moment
  // ago can still read as null: ask the RPC itself each round, then let ethers format it (until
  // the cache lets it; a reorg in between takes the receipt back, and then it is null again)
  private async receipt(hash: string): Promise<TransactionReceipt | null> {
    for (;;) {
      if ((await this.o.provider.send('eth_getTransactionReceipt', [hash])) == null) return null
      const receipt = await this.o.provider.getTransactionReceipt(hash)
      if (receipt != null) return receipt
      await sleep(50)
    }
  }

  /** Whether the receipt's block is still the chain's block at its height, read from the RPC now. */
  private async canonical(receipt: TransactionReceipt): Promise<boolean> {
    const now = (await this.o.provider.send('eth_getTransactionReceipt', [receipt.hash])) as {
      blockHash?: string
    } | null
    if (now?.blockHash == null) return false
    const block = (await this.o.provider.send('eth_getBlockByNumber', [
      '0x' + receipt.blockNumber.toString(16),
      false,
    ])) as { hash?: string } | null
    return block?.hash != null && block.hash === now.blockHash && now.blockHash === receipt.blockHash
  }

  /** True when the node knows none of these hashes (not mined, not in its pool). */
  private async unknownToNode(hashes: string[]): Promise<boolean> {
    for (const h of hashes) {
      const tx = (await this.o.provider.send('eth_getTransactionByHash', [h]).catch(() => 'error')) as unknown
      if (tx != null) return false // known, or the RPC failed: assume known
    }
    return true
  }

  private async anyReceipt(hashes: string[]): Promise<boolean> {
    for (const h of hashes) if ((await this.o.provider.send('eth_getTransactionReceipt', [h])) != null) return true
    return false
  }

  private async confirm(receipt: TransactionReceipt, signal: AbortSignal | undefined, deadline: number): Promise<void> {
    const need = this.o.confirmations ?? 1
    while (
      Number(BigInt((await this.o.provider.send('eth_blockNumber', [])) as string)) <
      receipt.blockNumber + need - 1
    ) {
      if (Date.now() > deadline)
        throw new TxError(
          'TX_TIMEOUT',
          `transaction ${receipt.hash} was mined but did not reach ${need} confirmations in time`,
          { hash: receipt.hash },
        )
      await sleep(this.o.pollMs ?? this.o.provider.pollingInterval, signal)
    }
  }

  private async revertedAfterMining(
    s: { req: TxRequest; label: string },
    receipt: TransactionReceipt,
  ): Promise<TxError> {
    // replay the call on the block before to learn why (best effort: state may differ)
    try {
      await this.o.provider.call({
        from: this.address,
        to: s.req.to,
        data: s.req.data,
        value: s.req.value,
        blockTag: receipt.blockNumber - 1,
      })
    } catch (err) {
      const e = revertError(err, s.req.iface, s.label)
      return new TxError('TX_REVERTED', e.message, { ...e.details, hash: receipt.hash })
    }
    return new TxError('TX_REVERTED', `${s.label} was mined but reverted (transaction ${receipt.hash})`, {
      hash: receipt.hash,
    })
  }
}

/** A revert as a TxError naming the contract's custom error and its arguments when the ABI knows it. */
export function revertError(err: unknown, iface: Interface | undefined, label: string): TxError | ChainError {
  if (isError(err, 'CALL_EXCEPTION')) {
    const data = err.data ?? undefined
    const decoded = data != null && iface !== undefined ? iface.parseError(data) : null
    if (decoded != null) {
      const args = decoded.args.map((a: unknown) => String(a)).join(', ')
      return new TxError('TX_REVERTED', `${label} would revert: ${decoded.name}(${args})`, {
        error: decoded.name,
        args,
      })
    }
    return new TxError('TX_REVERTED', `${label} would revert: ${err.reason ?? shortReason(err)}`, {
      reason: err.reason ?? shortReason(err),
    })
  }
  if (isError(err, 'INSUFFICIENT_FUNDS'))
    return new TxError('INSUFFICIENT_FUNDS', `${label}: not enough ETH to pay for gas`, {})
  return new ChainError(
    'RPC_ERROR',
    `${label}: the RPC failed (${shortReason(err)})`,
    { reason: shortReason(err) },
    { cause: err },
  )
}

function errorText(err: unknown): string {
  const e = err as { message?: unknown; error?: { message?: unknown }; info?: { error?: { message?: unknown } } }
  return [e?.message, e?.error?.message, e?.info?.error?.message].filter((m) => typeof m === 'string').join(' | ')
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
