// Chain reorgs on a Hardhat (EDR) node, which has no forks of its own: `begin()` takes an
// evm_snapshot at the head; after some blocks were mined on top, `reorg()` reads those blocks'
// transactions, evm_reverts to the snapshot (EDR forgets the reverted transactions, none go back
// to its pool), mines an empty block and sends them again, signed as they were, so they land in
// later blocks with new hashes, as a real reorg's transactions come back in the winning branch. Then it mines until the
// new branch is longer than the old one. A transaction `drop` picks stays out: a reorg that lost
// it (only safe for the last transaction of its sender in the window, or later ones wait behind
// the freed nonce).
import { Transaction } from 'ethers'

export interface RpcTx {
  hash: string
  from: string
  to: string | null
  nonce: string
  type: string
  chainId: string
  gas: string
  gasPrice?: string
  maxFeePerGas?: string
  maxPriorityFeePerGas?: string
  value: string
  input: string
  accessList?: Array<{ address: string; storageKeys: string[] }>
  v: string
  r: string
  s: string
  yParity?: string
}

export interface ReorgOutcome {
  /** blocks replaced */
  depth: number
  /** the last block both branches share */
  forkBlock: number
  /** transactions of the replaced blocks sent again (by hash: unchanged, signed as they were) */
  reincluded: string[]
  dropped: string[]
  /**
   * transactions whose nonce a node had used again before the driver re-sent them (the node saw its
   * transaction gone and sent another in its place, as it would after a real reorg): not re-sent
   */
  replaced: string[]
  /**
   * transactions the new branch could not take: they ran out of gas or reverted there (its state
   * differs: a transaction dropped before them, or one that reached the node between the revert and
   * the re-sends), or an earlier nonce of their sender was lost so. Gone, like dropped ones: their
   * senders must notice and send again. (Hardhat refuses a failing transaction while automining.)
   */
  lost: string[]
  /** the new branch's head (above the old one's) */
  head: number
}

async function call(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

/** the raw signed form of a transaction as eth_getBlockByNumber returns it */
export function rawOf(t: RpcTx): string {
  const type = Number(t.type)
  const tx = Transaction.from({
    type,
    chainId: BigInt(t.chainId),
    nonce: Number(t.nonce),
    gasLimit: BigInt(t.gas),
    to: t.to,
    value: BigInt(t.value),
    data: t.input,
    ...(type === 2
      ? { maxFeePerGas: BigInt(t.maxFeePerGas!), maxPriorityFeePerGas: BigInt(t.maxPriorityFeePerGas!) }
      : { gasPrice: BigInt(t.gasPrice!) }),
    ...(type >= 1 ? { accessList: t.accessList ?? [] } : {}),
    signature: { r: t.r, s: t.s, v: type === 0 ? Number(t.v) : 27 + Number(t.yParity ?? t.v) },
  })
  if (tx.hash !== t.hash) throw new Error(`re-encoding transaction ${t.hash} gave ${String(tx.hash)}`)
  return tx.serialized
}

export class ReorgDriver {
  private readonly url: string
  private snapshot: { id: string; block: number } | undefined
  /** reorgs done, and their depths */
  readonly depths: number[] = []

  constructor(url: string) {
    this.url = url
  }

  async head(): Promise<number> {
    return Number(BigInt((await call(this.url, 'eth_blockNumber')) as string))
  }

  /** Marks the current head as the fork point of the next reorg. */
  async begin(): Promise<number> {
    const block = await this.head()
    this.snapshot = { id: (await call(this.url, 'evm_snapshot')) as string, block }
    return block
  }

  /** Blocks mined since `begin()`. */
  async depth(): Promise<number> {
    if (this.snapshot === undefined) return 0
    return (await this.head()) - this.snapshot.block
  }

  /** Mines empty blocks until `depth` blocks lie on top of the fork point. */
  async mineTo(depth: number): Promise<void> {
    while ((await this.depth()) < depth) await call(this.url, 'evm_mine')
  }

  /** Replaces every block since `begin()` with a new, longer branch holding the same transactions but `drop`'s. */
  async reorg(drop: (tx: RpcTx) => boolean = () => false): Promise<ReorgOutcome> {
    const snap = this.snapshot
    if (snap === undefined) throw new Error('reorg() without begin()')
    this.snapshot = undefined
    const oldHead = await this.head()
    const txs: RpcTx[] = []
    for (let n = snap.block + 1; n <= oldHead; n++) {
      const block = (await call(this.url, 'eth_getBlockByNumber', ['0x' + n.toString(16), true])) as {
        transactions: RpcTx[]
      }
      txs.push(...block.transactions)
    }
    if (!((await call(this.url, 'evm_revert', [snap.id])) as boolean)) throw new Error('evm_revert refused')
    // the new branch starts with an empty block: re-sent at once, the same transactions on the
    // same parent in the same second would make the very same blocks (no reorg at all)
    await call(this.url, 'evm_mine')
    const reincluded: string[] = []
    const dropped: string[] = []
    const replaced: string[] = []
    const lost: string[] = []
    for (const tx of txs) {
      if (drop(tx)) {
        dropped.push(tx.hash)
        continue
      }
      try {
        await call(this.url, 'eth_sendRawTransaction', [rawOf(tx)])
        reincluded.push(tx.hash)
      } catch (err) {
        const message = (err as Error).message
        // between evm_revert and this re-send the node noticed its transaction gone and sent
        // another under the same nonce (automining mines it at once): the old one cannot come back
        if (/nonce too low|already known|known transaction/i.test(message)) replaced.push(tx.hash)
        // a fresh-clone CI run crashed here: "Transaction ran out of gas" on a re-sent escrow transaction
        else if (/ran out of gas|revert|nonce too high/i.test(message)) lost.push(tx.hash)
        else throw err
      }
    }
    while ((await this.head()) <= oldHead) await call(this.url, 'evm_mine')
    const depth = oldHead - snap.block
    this.depths.push(depth)
    return { depth, forkBlock: snap.block, reincluded, dropped, replaced, lost, head: await this.head() }
  }
}
