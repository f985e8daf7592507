// Issue 16, chain faults: the node's view of the chain through reorgs of depth 1-3 (Hardhat
// snapshots and re-mining, scripts/chaos/reorg.ts). The log poller notices that blocks it read
// were replaced and reads again from the fork; the parameter follower re-reads the parameters,
// so a change the new branch lost is undone; logs the new branch holds again are delivered again.
import { expect } from 'chai'
import { Wallet, parseEther } from 'ethers'
import { LogPoller } from '../../../node/chain/log-poller.ts'
import { ParamsFollower, paramKey } from '../../../node/chain/params.ts'
import { devnetParams } from '../../../node/chain/deploy-params.ts'
import { ReorgDriver } from '../../../scripts/chaos/reorg.ts'
import { startDevChain } from '../../support/chain.ts'
import type { Log } from 'ethers'
import type { ParamChange } from '../../../node/chain/params.ts'
import type { DevChain } from '../../support/chain.ts'

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('node/chain log poller and parameters through reorgs (issue 16)', function () {
  this.timeout(60_000)
  let chain: DevChain
  let timelock: string

  before(async function () {
    this.timeout(120_000)
    chain = await startDevChain()
    timelock = chain.deployment.contracts.TimelockController.address
    await chain.rpc('hardhat_impersonateAccount', [timelock])
    await chain.setEth(timelock, parseEther('10'))
  })
  after(async () => {
    await chain?.stop()
  })

  it('a parameter change a reorg dropped is undone within a poll or two', async () => {
    const start = await chain.provider.getBlockNumber()
    const follower = await ParamsFollower.load(chain.contracts.params, start)
    const poller = new LogPoller({ provider: chain.provider, fromBlock: start + 1, pollMs: 100 })
    const seen: ParamChange[] = []
    follower.onChange((c) => seen.push(c))
    const detach = follower.attach(poller)
    poller.start()
    try {
      const reorgs = new ReorgDriver(chain.url)
      await reorgs.begin()
      const data = chain.contracts.params.interface.encodeFunctionData('setParam', [paramKey('protocolFeeBps'), 125n])
      await chain.rpc('eth_sendTransaction', [{ from: timelock, to: chain.contracts.params.target, data }])
      await until('the change applied', () => follower.get('protocolFeeBps') === 125n)
      await reorgs.mineTo(2)
      const out = await reorgs.reorg(() => true)
      expect(out.depth).to.equal(2)
      expect(out.dropped).to.have.length(1)
      await until('the change undone', () => follower.get('protocolFeeBps') === devnetParams.protocolFeeBps)
      expect(poller.reorgs).to.equal(1)
      expect(seen.map((c) => [c.key, c.oldValue, c.newValue, c.transactionHash === ''])).to.deep.equal([
        ['protocolFeeBps', devnetParams.protocolFeeBps, 125n, false],
        ['protocolFeeBps', 125n, devnetParams.protocolFeeBps, true],
      ])
    } finally {
      detach()
      await poller.stop()
    }
  })

  // A fresh-clone CI run: the driver threw on a re-sent transaction that ran out of gas in the new
  // branch. Reproduced: a transfer priced (gas limit estimated) while its recipient already held
  // tokens needs more gas once the transfer that gave them is dropped (a zero slot written anew).
  it('a re-sent transaction the new branch cannot take is reported lost, and the reorg completes', async () => {
    const to = Wallet.createRandom().address
    const from = chain.account(7).connect(chain.provider)
    const seeder = chain.account(8).connect(chain.provider)
    await chain.giveHive(from.address, 10n)
    await chain.giveHive(seeder.address, 10n)
    const token = chain.contracts.token
    const data = token.interface.encodeFunctionData('transfer', [to, 1n])
    const reorgs = new ReorgDriver(chain.url)
    await reorgs.begin()
    const seeded = await seeder.sendTransaction({ to: token.target, data })
    await seeded.wait()
    // priced while `to` holds a token: writing its balance slot from zero costs more
    const gasLimit = await chain.provider.estimateGas({ from: from.address, to: token.target, data })
    const sent = await from.sendTransaction({ to: token.target, data, gasLimit })
    await sent.wait()
    const headBefore = await reorgs.head()
    const out = await reorgs.reorg((tx) => tx.hash === seeded.hash)
    expect(out.dropped).to.deep.equal([seeded.hash])
    expect(out.lost).to.deep.equal([sent.hash])
    expect(out.reincluded).to.deep.equal([])
    expect(out.head).to.be.above(headBefore)
    // EDR still answers the old branch's receipt after evm_revert: its block is no longer the chain's
    const stale = await chain.provider.getTransactionReceipt(sent.hash)
    if (stale !== null) expect((await chain.provider.getBlock(stale.blockNumber))?.hash).to.not.equal(stale.blockHash)
    expect(await token.balanceOf(to)).to.equal(0n)
  })

  it('a log the new branch holds again is delivered again, from its new block', async () => {
    const start = await chain.provider.getBlockNumber()
    const poller = new LogPoller({ provider: chain.provider, fromBlock: start + 1, pollMs: 100 })
    const logs: Log[] = []
    poller.subscribe(chain.contracts.token.target as string, (l) => logs.push(l))
    poller.start()
    try {
      const reorgs = new ReorgDriver(chain.url)
      await reorgs.begin()
      await chain.giveHive(chain.account(5).address, 1n)
      await until('the transfer log', () => logs.length === 1)
      await reorgs.mineTo(1)
      const out = await reorgs.reorg()
      expect(out.reincluded).to.have.length(1)
      await until('the transfer log again', () => logs.length === 2)
      expect(logs[1].transactionHash).to.equal(logs[0].transactionHash)
      expect(logs[1].blockNumber).to.be.above(logs[0].blockNumber)
      expect(poller.reorgs).to.equal(1)
    } finally {
      await poller.stop()
    }
  })
})
