// TxSender against a real Hardhat JSON-RPC node: contiguous nonces under concurrency, the fee
// cap, replacement of a stuck transaction, and decoded reverts.
import { expect } from 'chai'
import { parseEther, parseUnits } from 'ethers'
import { TxSender } from '../../../node/chain/tx.ts'
import { TxError } from '../../../node/chain/errors.ts'
import { startDevChain } from '../../support/chain.ts'
import type { DevChain } from '../../support/chain.ts'
import { waitFor } from '../../support/wait.ts'

describe('node/chain TxSender (Hardhat JSON-RPC)', function () {
  this.timeout(60_000)
  let chain: DevChain

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain()
  })
  after(async () => {
    await chain?.stop()
  })

  const newSender = async (
    index: number,
    o: { maxFeeGwei?: number; replaceAfterMs?: number } = {},
  ): Promise<TxSender> => {
    const wallet = chain.account(index)
    return await TxSender.create({
      signer: wallet,
      provider: chain.provider,
      chainId: chain.chainId,
      maxFeePerGas: parseUnits(String(o.maxFeeGwei ?? 100), 'gwei'),
      pollMs: 50,
      ...(o.replaceAfterMs !== undefined ? { replaceAfterMs: o.replaceAfterMs } : {}),
    })
  }

  it('sends 10 transactions at once with contiguous nonces, all mined', async () => {
    const sender = await newSender(11)
    // raw RPC: ethers caches getTransactionCount for a moment, and ten sends can be faster than that
    const count = async (): Promise<number> =>
      Number(BigInt((await chain.rpc('eth_getTransactionCount', [sender.address, 'latest'])) as string))
    const start = await count()
    const to = chain.account(12).address
    const balance = async (): Promise<bigint> => BigInt((await chain.rpc('eth_getBalance', [to, 'latest'])) as string)
    const before = await balance()
    const sent = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => await sender.send({ to, value: BigInt(i + 1), label: `pay ${i}` })),
    )
    const nonces = sent.map((s) => s.nonce).sort((a, b) => a - b)
    expect(nonces).to.deep.equal(Array.from({ length: 10 }, (_, i) => start + i))
    for (const s of sent) expect(s.receipt.status).to.equal(1)
    const onChain = await Promise.all(sent.map(async (s) => (await chain.provider.getTransaction(s.hash))!.nonce))
    expect(onChain.sort((a, b) => a - b)).to.deep.equal(nonces)
    expect(await count()).to.equal(start + 10)
    expect((await balance()) - before).to.equal(55n)
  })

  it('refuses to send above the fee cap, and does not burn the nonce', async () => {
    const sender = await newSender(13, { maxFeeGwei: 5 })
    const start = await sender.nextNonce()
    await chain.rpc('hardhat_setNextBlockBaseFeePerGas', ['0x' + parseUnits('20', 'gwei').toString(16)])
    let err: unknown
    try {
      await sender.send({ to: chain.account(12).address, value: 1n })
    } catch (e) {
      err = e
    }
    expect(err).to.be.instanceOf(TxError)
    expect((err as TxError).code).to.equal('FEE_ABOVE_CAP')
    expect((err as TxError).message).to.match(/base fee is 20\.0 gwei.*cap of 5\.0 gwei.*nothing was sent/)
    // fees fall (mine a few empty blocks after resetting the base fee): the next send gets the same nonce
    await chain.rpc('hardhat_setNextBlockBaseFeePerGas', ['0x' + parseUnits('1', 'gwei').toString(16)])
    await chain.mine(2)
    const ok = await sender.send({ to: chain.account(12).address, value: 1n })
    expect(ok.nonce).to.equal(start)
  })

  it('replaces a transaction that is not mined in time with fees at least 12.5% higher', async () => {
    const sender = await newSender(14, { replaceAfterMs: 300 })
    await chain.rpc('evm_setAutomine', [false])
    try {
      const pending = sender.send({ to: chain.account(12).address, value: 7n, label: 'stuck' })
      // nothing is mined meanwhile: after 300 ms the sender must re-broadcast with higher fees.
      // Wait until the pool has held two hashes for the nonce (a fixed 1.2 s was a bet on the load)
      const inPool = new Set<string>()
      const pool = await waitFor(
        async () => {
          const p = (await chain.rpc('eth_getBlockByNumber', ['pending', false])) as { transactions: string[] }
          for (const h of p.transactions) inPool.add(h)
          return inPool.size >= 2 ? p : undefined
        },
        { what: 'a replacement of the stuck transaction in the pool', timeoutMs: 15_000, intervalMs: 50 },
      )
      expect(pool.transactions.length, 'one transaction for the nonce in the pool').to.equal(1)
      await chain.rpc('evm_setAutomine', [true])
      await chain.mine(1)
      const sent = await pending
      expect(sent.replacements).to.be.at.least(1)
      expect(sent.hashes.length).to.equal(sent.replacements + 1)
      expect(sent.hash).to.equal(sent.hashes[sent.hashes.length - 1])
      // the sender may replace once more between our look at the pool and the mining
      expect(sent.hashes).to.include(pool.transactions[0])
      expect(sent.hashes).to.include.members([...inPool])
      expect(await chain.provider.getTransaction(sent.hashes[0]), 'the replaced transaction is gone').to.equal(null)
      const [first, last] = [sent.hashes[0], sent.hash]
      expect(first).to.not.equal(last)
      const mined = (await chain.provider.getTransaction(sent.hash))!
      expect(mined.nonce).to.equal(sent.nonce)
      // the bump rule, checked on what was mined against what the sender first offered
      expect(mined.maxFeePerGas! * 1000n >= sent.fees.maxFeePerGas * 1000n).to.equal(true)
      expect(sent.receipt.status).to.equal(1)
    } finally {
      await chain.rpc('evm_setAutomine', [true])
    }
  })

  it('sends again at once a transaction a reorg dropped; returns only a receipt the chain still holds', async () => {
    // confirmations 3 and a replacement delay of 2 minutes: without the drop check the sender
    // would return the reorged receipt, or wait the whole delay before sending again
    const sender = await TxSender.create({
      signer: chain.account(17),
      provider: chain.provider,
      chainId: chain.chainId,
      maxFeePerGas: parseUnits('100', 'gwei'),
      pollMs: 50,
      confirmations: 3,
      replaceAfterMs: 120_000,
    })
    const to = chain.account(12).address
    const snapshot = (await chain.rpc('evm_snapshot')) as string
    const started = Date.now()
    const pending = sender.send({ to, value: 3n, label: 'reorged' })
    let settled = false
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    )
    // automine puts it in a block at once; wait for it there, then take that block back
    const first = await waitFor(
      async () => {
        const b = (await chain.rpc('eth_getBlockByNumber', ['latest', true])) as {
          transactions: { hash: string; from: string }[]
        }
        return b.transactions.find((t) => t.from.toLowerCase() === sender.address.toLowerCase())?.hash
      },
      { what: 'the transaction in a block', timeoutMs: 15_000, intervalMs: 20 },
    )
    expect(await chain.rpc('evm_revert', [snapshot])).to.equal(true)
    expect(await chain.rpc('eth_getTransactionByHash', [first]), 'the reorg forgot it').to.equal(null)
    // the new branch grows past the old one; the sender must notice and send again
    while (!settled) {
      await chain.mine(1)
      await new Promise((r) => setTimeout(r, 50))
      if (Date.now() - started > 30_000) break
    }
    const sent = await pending
    const elapsed = Date.now() - started
    expect(elapsed, 'sent again long before the 120 s replacement delay').to.be.below(30_000)
    expect(sender.stats.dropped, 'noticed the drop').to.be.at.least(1)
    const now = (await chain.rpc('eth_getTransactionReceipt', [sent.hash])) as { blockHash: string } | null
    expect(now, 'the returned receipt is on the chain').to.not.equal(null)
    expect(now!.blockHash).to.equal(sent.receipt.blockHash)
    const head = Number(BigInt((await chain.rpc('eth_blockNumber')) as string))
    expect(head - sent.receipt.blockNumber + 1).to.be.at.least(3)
    expect(sent.nonce).to.equal(
      Number(BigInt((await chain.rpc('eth_getTransactionCount', [sender.address, 'latest'])) as string)) - 1,
    )
  })

  it("names the contract's custom error when a call would revert", async () => {
    const sender = await newSender(15)
    const nonce = await sender.nextNonce()
    let err: unknown
    try {
      await sender.call(chain.contracts.registry, 'stake', [0n, '0x01'])
    } catch (e) {
      err = e
    }
    expect((err as TxError).code).to.equal('TX_REVERTED')
    expect((err as TxError).message).to.match(/ProviderRegistryZeroAmount/)
    expect(await sender.nextNonce()).to.equal(nonce)
  })

  it('refuses an account without ETH for gas clearly', async () => {
    const sender = await newSender(16)
    await chain.setEth(sender.address, 0n)
    let err: unknown
    try {
      await sender.send({ to: chain.account(12).address, value: parseEther('1') })
    } catch (e) {
      err = e
    }
    expect((err as TxError).code).to.equal('INSUFFICIENT_FUNDS')
  })
})
