// Staking gates the market, through real HiveNodes on 127.0.0.1 and a real Hardhat JSON-RPC
// node: a requester ignores bids from unstaked and slashed providers (stake looked up by peer id
// in ProviderRegistry, cached, refreshed on registry events), and a provider under the live
// minimum stake does not bid.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Wallet, parseEther } from 'ethers'
import type { Signer } from 'ethers'
import { buildExamples } from '../../../examples/build.ts'
import { openChain } from '../../../node/chain/client.ts'
import { paramKey } from '../../../node/chain/params.ts'
import { chainService } from '../../../node/chain/service.ts'
import type { ChainService } from '../../../node/chain/service.ts'
import { depositStake } from '../../../node/chain/staking.ts'
import { DEVNET_KDF, createWallet } from '../../../node/chain/wallet.ts'
import { marketService } from '../../../node/market/service.ts'
import type { MarketService } from '../../../node/market/service.ts'
import type { HiveNode } from '../../../node/node.ts'
import { registryDomain, resultCommitmentTypedData } from '../../../protocol/eip712.ts'
import { slashCommitment } from '../../../protocol/payments/commitment.ts'
import { jobSubscribers } from '../../support/topics.ts'
import type { JobRecord } from '../../../node/market/job-record.ts'
import { waitFor } from '../market/helpers.ts'
import { startTestNode } from '../../support/node.ts'
import { startDevChain } from '../../support/chain.ts'
import type { DevChain } from '../../support/chain.ts'
import { waitFor as waitUntil } from '../../support/wait.ts'

const PASS = 'test passphrase'
const HIVE = 10n ** 18n

interface Peer {
  name: string
  node: HiveNode
  market: MarketService
  chain?: ChainService
}

describe('node/chain staking gates the market (real nodes, Hardhat JSON-RPC)', function () {
  this.timeout(90_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-stake-market-'))
  const peers: Peer[] = []
  let chain: DevChain
  let wordcount: Uint8Array
  let requester: Peer
  let honest: Peer // staked, follows its own stake (chain attached)
  let unstaked: Peer // no chain hooks: bids whatever the registry says
  let staked: Peer // staked from an outside wallet, no chain hooks: bids regardless
  let idle: Peer // chain attached, never staked: must not bid
  let stakedWallet: Wallet

  async function startPeer(
    name: string,
    opts: { roles: string; price: string; withChain: boolean; bootstrap?: Peer },
  ): Promise<Peer> {
    if (opts.withChain) {
      mkdirSync(join(root, name), { recursive: true, mode: 0o700 })
      const { address } = await createWallet(join(root, name), PASS, { kdf: DEVNET_KDF })
      await chain.setEth(address, parseEther('10'))
    }
    // look at every bid of the window, so an ignored one is really ignored
    const marketFactory = marketService({ policy: { reserve: 99 } })
    const node = await startTestNode(name, {
      root,
      roles: opts.roles,
      price: opts.price,
      ...(opts.bootstrap !== undefined ? { bootstrap: opts.bootstrap.node } : {}),
      ...(opts.withChain
        ? {
            settings: { rpcUrl: chain.url, deployments: chain.deploymentsDir },
            services: { chain: chainService({ passphrase: PASS }), market: marketFactory },
          }
        : { services: { market: marketFactory } }),
    })
    const services: { chain?: ChainService; market?: MarketService } = node.services
    const service = services.chain
    const market = services.market!
    const peer = { name, node, market, ...(service !== undefined ? { chain: service } : {}) }
    peers.push(peer)
    return peer
  }

  async function postJob(): Promise<JobRecord> {
    const r = requester.market.requester!
    // the requester's policy is reserve 99: the award waits for the whole window, and the tests
    // assert on every bid of it. Early award cannot stand in (unstaked bids count for nothing),
    // so the window must hold the slowest bid: ~100 ms idle, 800 ms left little margin under load
    const { jobId } = await r.post({
      module: wordcount,
      inputs: [{ name: 'a.txt', data: new TextEncoder().encode('one two\n') }],
      maxPrice: HIVE,
      bidWindowMs: 3000,
    })
    try {
      return await r.wait(jobId, { signal: AbortSignal.timeout(30_000) })
    } catch (err) {
      // a bare "aborted due to timeout" told a failed CI run nothing: say where the job stood
      const record = await r.get(jobId)
      const { phase, failure, bids, awards, reopens } = record ?? {}
      throw new Error(`job not final within 30 s: ${JSON.stringify({ phase, failure, bids, awards, reopens })}`, {
        cause: err,
      })
    }
  }
  const bidders = (r: JobRecord): string[] => r.bids.map((b) => b.provider).sort()
  const winners = (r: JobRecord): string[] => r.awards.map((a) => a.provider)
  const id = (p: Peer): string => p.node.peerId.toString()

  before(async function () {
    this.timeout(180_000)
    chain = await startDevChain()
    wordcount = readFileSync((await buildExamples()).wordcount)
    requester = await startPeer('requester', { roles: 'requester', price: '0.001', withChain: true })
    honest = await startPeer('honest', { roles: 'provider', price: '0.004', withChain: true, bootstrap: requester })
    unstaked = await startPeer('unstaked', {
      roles: 'provider',
      price: '0.001',
      withChain: false,
      bootstrap: requester,
    })
    staked = await startPeer('staked', { roles: 'provider', price: '0.002', withChain: false, bootstrap: requester })
    idle = await startPeer('idle', { roles: 'provider', price: '0.0005', withChain: true, bootstrap: requester })
    // the honest node stakes through its own chain service (its one TxSender)
    await chain.giveHive(honest.chain!.address, 1000n * HIVE)
    await depositStake(honest.chain!.client, honest.node.peerId, 150n * HIVE)
    // "staked" stakes from a wallet outside any node, under its peer id
    stakedWallet = new Wallet(Wallet.createRandom().privateKey, chain.provider)
    await chain.setEth(stakedWallet.address, parseEther('10'))
    await chain.giveHive(stakedWallet.address, 1000n * HIVE)
    const outside = await openChain({ settings: chain.settings, wallet: stakedWallet })
    try {
      await depositStake(outside, staked.node.peerId, 200n * HIVE)
    } finally {
      outside.close()
    }
    await waitFor('the honest provider sees its stake', () => honest.chain!.canBid(), 20_000)
    // a job posted before a provider's subscription reached the requester would not be gossiped to it
    const pubsub = requester.node.libp2p.services.pubsub
    const subscribed = (p: Peer): boolean => jobSubscribers(pubsub).some((s) => s.equals(p.node.peerId))
    await waitUntil(() => [honest, unstaked, staked, idle].every(subscribed), {
      what: 'every provider subscribed to the jobs topic, as the requester sees it',
      timeoutMs: 30_000,
    })
  })

  after(async () => {
    for (const p of peers) await p.node.stop().catch(() => {})
    await chain?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it("an unstaked provider's bids are ignored, and an unstaked node does not bid", async () => {
    expect(idle.chain!.canBid()).to.equal(false)
    expect(idle.chain!.ownStake.reason).to.equal('NOT_STAKED')
    const record = await postJob()
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    // the unstaked provider bid (and was cheapest), the idle one did not bid at all
    expect(bidders(record)).to.deep.equal([id(honest), id(unstaked), id(staked)].sort())
    expect(winners(record)).to.deep.equal([id(staked)])
    expect(await requester.chain!.stakeOf(unstaked.node.peerId, '')).to.deep.equal({ stake: 0n, slashed: false })
    expect(await requester.chain!.stakeOf(staked.node.peerId, '')).to.deep.equal({
      stake: 200n * HIVE,
      slashed: false,
      owner: stakedWallet.address,
    })
    // a bidder claiming another address than the registry's gets nothing
    expect((await requester.chain!.stakeOf(staked.node.peerId, Wallet.createRandom().address)).stake).to.equal(0n)
  })

  it("a slashed provider stops receiving work (the requester's cache follows the Slashed event)", async () => {
    // two result commitments for one job with different outputs, signed by the staked provider
    const domain = registryDomain(chain.chainId, chain.deployment.contracts.ProviderRegistry.address)
    const sign = async (
      signer: Signer,
      outputHash: string,
    ): Promise<[{ jobId: string; provider: string; outputHash: string }, string]> => {
      const c = { jobId: '0x' + '11'.repeat(32), provider: stakedWallet.address, outputHash }
      const td = resultCommitmentTypedData(domain, c)
      return [c, await signer.signTypedData(td.domain, td.types, td.value)]
    }
    const [a, sigA] = await sign(stakedWallet, '0x' + 'aa'.repeat(32))
    const [b, sigB] = await sign(stakedWallet, '0x' + 'bb'.repeat(32))
    const reporter = await chain.senderFor(chain.account(5))
    // commit–reveal: the reveal pays only a reporter that committed in an earlier block
    const salt = '0x' + '5a'.repeat(32)
    await reporter.call(chain.contracts.registry, 'commitSlash', [
      slashCommitment(reporter.address, a.provider, a.jobId, salt),
    ])
    const sent = await reporter.call(chain.contracts.registry, 'slashEquivocation', [a.jobId, a, sigA, b, sigB, salt])
    const minedAt = Date.now()
    let seen = false
    const until = minedAt + 2_000
    while (Date.now() < until && !seen) {
      seen = (await requester.chain!.stakeOf(staked.node.peerId, '')).slashed
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(seen, `slash in block ${sent.receipt.blockNumber} seen within 2 s`).to.equal(true)
    const record = await postJob()
    expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
    expect(bidders(record)).to.include(id(staked)) // it still bids (it has no chain hooks) …
    expect(winners(record)).to.deep.equal([id(honest)]) // … but gets no work
  })

  it(
    'a provider under a raised minimum stake stops bidding' + ' within 2 s, and bids again after staking more',
    async () => {
      // the timelock owns ProtocolParams; impersonate it here (the governance path is tested end to end)
      const timelock = chain.deployment.contracts.TimelockController.address
      await chain.rpc('hardhat_impersonateAccount', [timelock])
      await chain.setEth(timelock, parseEther('1'))
      const data = chain.contracts.params.interface.encodeFunctionData('setParam', [
        paramKey('minProviderStake'),
        300n * HIVE,
      ])
      const hash = (await chain.rpc('eth_sendTransaction', [
        { from: timelock, to: chain.deployment.contracts.ProtocolParams.address, data },
      ])) as string
      // automine: the receipt exists once eth_sendTransaction has answered
      const receipt = (await chain.rpc('eth_getTransactionReceipt', [hash])) as { status: string }
      const minedAt = Date.now()
      expect(receipt.status).to.equal('0x1')
      await waitFor('the honest provider to stop bidding', () => !honest.chain!.canBid(), 2_000)
      expect(Date.now() - minedAt).to.be.below(2_000)
      expect(honest.chain!.ownStake.reason).to.equal('BELOW_MINIMUM')
      // the requester follows the chain with its own log poller, which need not have polled yet
      // just because the provider's has: asserting its view at once was a race (it read 100 HIVE)
      await waitUntil(() => requester.chain!.params.get('minProviderStake') === 300n * HIVE, {
        what: 'the requester to see the new minimum stake',
        timeoutMs: 10_000,
      })
      // the requester ignores it too (150 < 300), even if it bid
      expect((await requester.chain!.stakeOf(honest.node.peerId, '')).stake).to.equal(0n)
      const none = await postJob()
      expect(none.phase).to.equal('failed')
      expect(bidders(none)).to.not.include(id(honest))

      await depositStake(honest.chain!.client, honest.node.peerId, 150n * HIVE)
      // no latency promised here
      await waitFor('the honest provider to bid again', () => honest.chain!.canBid(), 10_000)
      // the requester learns of the new stake from the same event, at its own next poll
      await waitUntil(async () => (await requester.chain!.stakeOf(honest.node.peerId, '')).stake !== 0n, {
        what: "the requester to see the honest provider's new stake",
        timeoutMs: 10_000,
        intervalMs: 50,
      })
      expect((await requester.chain!.stakeOf(honest.node.peerId, '')).stake).to.equal(300n * HIVE)
      const record = await postJob()
      expect(record.phase, JSON.stringify(record.failure)).to.equal('completed')
      expect(winners(record)).to.deep.equal([id(honest)])
      await chain.rpc('hardhat_stopImpersonatingAccount', [timelock])
    },
  )
})
