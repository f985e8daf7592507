// The payments service of a node with a chain service reads the protocol fee from the chain
// service's ProtocolParams follower, so no second poll of ProtocolParams runs; a governance
// change reaches it through that follower. (Without a chain service, with a chain client of its
// own, payments polls: test/security/15-fee-aware-price.test.ts covers that path.)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseEther } from 'ethers'
import { paramKey } from '../../../node/chain/params.ts'
import { startDevChain } from '../../support/chain.ts'
import { startChainPaymentsNode } from './helpers.ts'
import { waitFor } from '../../support/wait.ts'
import type { DevChain } from '../../support/chain.ts'

describe("node/payments protocol fee from the chain service's params follower", function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-fee-source-'))
  let chain: DevChain

  before(async () => {
    chain = await startDevChain({ params: { protocolFeeBps: 300n } })
  })
  after(async () => {
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('takes the fee from chain.params, without polling, and follows a governance change', async () => {
    const node = await startChainPaymentsNode(chain, root, 'p')
    try {
      const payments = node.services.payments!
      expect(payments.fee.polling, 'a second poll of ProtocolParams').to.equal(false)
      expect(payments.fee.feeBps).to.equal(300n)
      expect(payments.hooks().protocolFeeBps?.()).to.equal(300n)

      // the timelock owns ProtocolParams: impersonating it stands in for an executed proposal
      const timelock = chain.deployment.contracts.TimelockController.address
      await chain.rpc('hardhat_impersonateAccount', [timelock])
      await chain.setEth(timelock, parseEther('10'))
      const data = chain.contracts.params.interface.encodeFunctionData('setParam', [paramKey('protocolFeeBps'), 125n])
      await chain.rpc('eth_sendTransaction', [
        { from: timelock, to: chain.deployment.contracts.ProtocolParams.address, data },
      ])
      await waitFor(() => payments.fee.feeBps === 125n || undefined, { what: 'the new fee', timeoutMs: 15_000 })
      expect(node.services.chain!.params.get('protocolFeeBps')).to.equal(125n)
    } finally {
      await node.stop()
    }
  })
})
