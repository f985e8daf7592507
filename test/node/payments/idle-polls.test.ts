// An idle node's chain polls: the log poller reads the head once per poll, and the payments'
// own pollers (watchtower, escrows, credit sweeper) read nothing while that head has not moved;
// once a block is mined they read again. Before, an idle node sent ~6.5 JSON-RPC requests a
// second (a head read and a block hash per poll, the watchtower's block number and block, the
// escrow manager's block, two credit reads), and a network of idle nodes kept its chain busy.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { startDevChain } from '../../support/chain.ts'
import { startChainPaymentsNode } from './helpers.ts'
import { waitFor } from '../../support/wait.ts'
import type { DevChain } from '../../support/chain.ts'

describe('node/payments polls of an idle node', function () {
  this.timeout(120_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-idle-polls-'))
  let chain: DevChain

  before(async () => {
    chain = await startDevChain()
  })
  after(async () => {
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('read only the head while no block is mined, and read again after one is', async () => {
    const node = await startChainPaymentsNode(chain, root, 'p')
    try {
      const provider = node.services.chain!.client.provider
      const sent: string[] = []
      const onDebug = (e: { action?: string; payload?: { method?: string } | Array<{ method?: string }> }): void => {
        if (e.action !== 'sendRpcPayload' || e.payload === undefined) return
        for (const p of Array.isArray(e.payload) ? e.payload : [e.payload]) sent.push(String(p.method))
      }
      await provider.on('debug', onDebug)
      try {
        // every poller has ticked at least once (their first complete read) before counting
        await waitFor(() => node.services.chain!.head !== undefined || undefined, { what: 'the first head' })
        await new Promise((resolve) => setTimeout(resolve, 2_500))
        sent.length = 0
        await new Promise((resolve) => setTimeout(resolve, 4_500)) // two payments polls, nine head polls
        const idle = [...sent]
        const others = idle.filter((m) => m !== 'eth_getBlockByNumber')
        expect(others, 'requests other than the head read while idle').to.deep.equal([])
        expect(idle.length, 'head reads in 4.5 s (one per 500 ms poll)').to.be.within(5, 11)

        sent.length = 0
        await chain.rpc('evm_mine', [])
        // each poller reads on its own tick: wait for both, in whichever order they come (a CI
        // run saw the credit sweep's two reads before the watchtower's)
        await waitFor(() => sent.filter((m) => m === 'eth_call').length >= 2 || undefined, {
          what: 'the credit sweep after the new block',
          timeoutMs: 10_000,
        })
        await waitFor(() => sent.includes('eth_blockNumber') || undefined, {
          what: 'the watchtower reading the new block',
          timeoutMs: 10_000,
        })
      } finally {
        await provider.off('debug', onDebug)
      }
    } finally {
      await node.stop()
    }
  })
})
