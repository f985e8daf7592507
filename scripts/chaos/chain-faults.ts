// Chaos scenario 5 (issue 16), chain faults: a requester and in-process providers paid on a
// Hardhat chain, every node reaching the chain through an RPC fault proxy (rpc-proxy.ts; one for
// the requester, one for the providers), in three phases:
//  1. flaky RPC: errors (before and after forwarding), timeouts and delays while jobs are paid by
//     escrow and by channel: every job completes, nothing is paid twice;
//  2. reorgs of depth 1-3 (reorg.ts) while jobs settle by escrow and an anchorer anchors an audit
//     log: the escrow transactions come back in the new branch, the anchor transactions are
//     dropped; the anchorer must notice and anchor again, the nodes' log pollers must notice;
//  3. the providers' RPC down for `outageMs` while the requester starts a unilateral close of a
//     channel: the provider's watchtower answers once the RPC is back, inside the challenge
//     period (the devnet's: a day), and the margin left is reported.
// doublePaid is counted from the JobEscrow events (payout-check.ts) plus the channels' closes
// (a channel paid out above the provider's best voucher, or closed twice).
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet, getAddress, parseEther } from 'ethers'
import { devKey } from '../../cli/devnet/chain.ts'
import { anchorWriter } from '../../node/audit/anchor-chain.ts'
import { Anchorer } from '../../node/audit/anchorer.ts'
import { AuditLog } from '../../node/audit/log.ts'
import { openChain } from '../../node/chain/client.ts'
import { LogPoller } from '../../node/chain/log-poller.ts'
import { ParamsFollower, paramKey, readParams } from '../../node/chain/params.ts'
import { WorkerPool } from '../../node/exec/index.ts'
import { runCpuBenchmark } from '../../node/hardware/index.ts'
import { openStore } from '../../node/store.ts'
import { Fleet } from './fleet.ts'
import { jobFigures, runJobs } from './job-runner.ts'
import { startPaidChain } from './paid-chain.ts'
import { checkPayouts } from './payout-check.ts'
import { startChaosRequester } from './requester-node.ts'
import { ReorgDriver } from './reorg.ts'
import { NO_FAULTS, RpcProxy } from './rpc-proxy.ts'
import { seededRandom } from './stats.ts'
import type { FaultPlan, ProxyCounts } from './rpc-proxy.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { ChainClient, ChainSettings } from '../../node/chain/client.ts'
import type { PaymentsService } from '../../node/payments/service.ts'
import type { PayoutCheck } from './payout-check.ts'

export interface ChainFaultsOptions {
  providers: number
  /** phase 1: jobs paid by escrow and by channel under a flaky RPC */
  flakyEscrowJobs: number
  flakyChannelJobs: number
  faults: FaultPlan
  /** phase 2: reorgs (depths 1, 2, 3, 1, …) and the escrow jobs settling meanwhile */
  reorgs: number
  reorgJobs: number
  /** phase 3: how long the providers' RPC is down during the requester's unilateral close */
  outageMs: number
  /** the channels' challenge period set for the run (governance parameter), seconds */
  challengePeriodSeconds: number
  holdMs: number
  bidWindowMs: number
  seed: number
  say?: (text: string) => void
}

export const CHAIN_FAULTS_DEFAULTS: ChainFaultsOptions = {
  providers: 4,
  flakyEscrowJobs: 12,
  flakyChannelJobs: 12,
  faults: { errorRate: 0.05, timeoutRate: 0.02, timeoutMs: 2_000, delayRate: 0.1, delayMs: 300 },
  reorgs: 6,
  reorgJobs: 8,
  outageMs: 60_000,
  challengePeriodSeconds: 600,
  holdMs: 500,
  bidWindowMs: 5_000,
  seed: 16,
}

export interface ChainFaultsReport {
  scenario: 'chain-faults'
  jobs: number
  completed: number
  lostJobs: number
  failures: Record<string, number>
  doublePaid: number
  /** channels the chain closed at a lower voucher nonce than the provider's best (null: none closed) */
  noncesBackwards: number | null
  chain: Omit<PayoutCheck, 'doublePaid'>
  rpc: { requester: ProxyCounts; providers: ProxyCounts }
  reorgs: number
  reorgDepths: number[]
  /** reorgs a log poller (with the parameter follower, through the requester's proxy) noticed */
  reorgsSeenByPoller: number
  /** the follower's parameters equal the chain's at the end */
  paramsCurrent: boolean
  anchorsDropped: number
  anchorsResubmitted: number
  /** the anchored log size the chain holds at the end equals the log's (nothing left unanchored) */
  anchorsCurrent: boolean
  rpcOutageMs: number
  /** from the RPC coming back to the provider's close on chain */
  watchtowerAnswerMs: number | null
  /** what was left of the challenge period when the provider's close was mined */
  watchtowerMarginMs: number | null
  challengePeriodMs: number | null
  channelClosedAtBest: boolean | null
  durationMs: number
  cpuScore: number
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const sha = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest())

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

/**
 * Sets the channels' challenge period as an executed governance proposal would (the timelock owns
 * ProtocolParams; Hardhat lets us act as it): the devnet's 90 s leaves too thin a margin for an
 * RPC outage of a minute on a loaded machine.
 */
async function setChallengePeriod(settings: ChainSettings, seconds: number): Promise<void> {
  const client = await openChain({ settings })
  try {
    const url = settings.rpcUrl!
    const timelock = client.deployment.contracts.TimelockController.address
    await rpc(url, 'hardhat_impersonateAccount', [timelock])
    await rpc(url, 'hardhat_setBalance', [timelock, '0x' + parseEther('10').toString(16)])
    const data = client.contracts.params.interface.encodeFunctionData('setParam', [
      paramKey('channelChallengePeriod'),
      BigInt(seconds),
    ])
    await rpc(url, 'eth_sendTransaction', [{ from: timelock, to: client.contracts.params.target, data }])
    await rpc(url, 'hardhat_stopImpersonatingAccount', [timelock])
  } finally {
    client.close()
  }
}

export async function runChainFaults(opts: ChainFaultsOptions): Promise<ChainFaultsReport> {
  const say = opts.say ?? (() => {})
  const cpuScore = runCpuBenchmark().score
  const started = Date.now()
  const root = mkdtempSync(join(tmpdir(), 'hive-chaos-chain-'))
  const random = seededRandom(opts.seed)
  const paid = await startPaidChain(root, say)
  const direct = paid.settings.rpcUrl!
  await setChallengePeriod(paid.settings, opts.challengePeriodSeconds)
  const reqProxy = await new RpcProxy(direct, seededRandom(opts.seed + 1)).start()
  const provProxy = await new RpcProxy(direct, seededRandom(opts.seed + 2)).start()
  const cleanups: Array<() => Promise<unknown>> = [
    async () => await paid.stop(),
    async () => await reqProxy.stop(),
    async () => await provProxy.stop(),
  ]
  const records: JobRecord[] = []
  try {
    const req = await startChaosRequester({
      root,
      paid: { ...paid, settings: { ...paid.settings, rpcUrl: reqProxy.url } },
    })
    cleanups.unshift(async () => await req.stop())
    const pool = new WorkerPool({ size: 2 })
    await pool.start()
    cleanups.unshift(async () => await pool.stop())
    const fleet = new Fleet({
      root,
      requester: req.node,
      mode: 'in-process',
      pool,
      paid: { settings: { ...paid.settings, rpcUrl: provProxy.url }, wallet: paid.providerWallet },
      // chaos jobs pay a thousandth of a HIVE: with gas priced at the default 1000 HIVE per ETH an
      // answer costs more than the voucher, and the watchtower rightly lets the close pass; gas
      // priced near nothing makes every voucher worth defending
      paymentOptions: { hivePerEth: '0.001' },
    })
    cleanups.unshift(async () => await fleet.stop())
    say(`starting ${opts.providers} providers`)
    await fleet.spawnMany(opts.providers)
    const jobs = (n: number, payment?: 'escrow'): Promise<JobRecord[]> =>
      runJobs({
        requester: req.requester,
        k1Jobs: n,
        k2Jobs: 0,
        holdMs: opts.holdMs,
        concurrency: 2,
        bidWindowMs: opts.bidWindowMs,
        ...(payment !== undefined ? { payment } : {}),
        random,
        say,
      })

    // 1. flaky RPC while jobs are paid
    say(`phase 1: flaky RPC, ${opts.flakyEscrowJobs} escrow + ${opts.flakyChannelJobs} channel jobs`)
    reqProxy.faults(opts.faults)
    provProxy.faults(opts.faults)
    const [escrowFlaky, channelFlaky] = await Promise.all([
      jobs(opts.flakyEscrowJobs, 'escrow'),
      jobs(opts.flakyChannelJobs),
    ])
    records.push(...escrowFlaky, ...channelFlaky)
    reqProxy.faults(NO_FAULTS)
    provProxy.faults(NO_FAULTS)

    // 2. reorgs while escrows settle and an anchorer anchors
    say(`phase 2: ${opts.reorgs} reorgs of depth 1-3 during escrow settlement and anchoring`)
    const anchorWallet = new Wallet(devKey(19))
    await fetch(direct, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'hardhat_setBalance',
        params: [anchorWallet.address, '0x' + parseEther('100').toString(16)],
      }),
    })
    // the anchorer and the log poller have a proxy of their own: it stays open while the nodes'
    // are held, so the reorg window holds the anchor and whatever the nodes sent meanwhile
    const anchorProxy = await new RpcProxy(direct).start()
    cleanups.unshift(async () => await anchorProxy.stop())
    const anchorClient = await openChain({
      settings: { ...paid.settings, rpcUrl: anchorProxy.url },
      wallet: anchorWallet,
      tx: { pollMs: 50 },
      pollingIntervalMs: 100,
    })
    cleanups.unshift(async () => {
      anchorClient.close()
    })
    const store = await openStore(join(root, 'audit'))
    const auditLog = await AuditLog.open({ db: store.audit, peer: req.node.peerId.toMultihash().bytes })
    cleanups.unshift(async () => {
      await auditLog.close()
      await store.close()
    })
    const writer = anchorWriter(anchorClient)
    const anchorer = new Anchorer(auditLog, writer, { everyEntries: 4, intervalMs: 3_600_000, recheckMs: 250 })
    anchorer.start()
    cleanups.unshift(async () => await anchorer.stop())
    let entries = 0
    const writeEntries = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++, entries++) {
        await auditLog.append({
          type: 'bid',
          jobId: sha(`job ${entries}`),
          direction: 'sent',
          counterparty: req.node.peerId.toMultihash().bytes,
          messageHash: sha(`bid ${entries}`),
          price: BigInt(entries),
          timestamp: Date.now(),
        })
      }
    }
    // the parameter follower as a node's chain service runs it, through the requester's proxy
    const pollFrom = await anchorClient.provider.getBlockNumber()
    const params = await ParamsFollower.load(anchorClient.contracts.params, pollFrom)
    const poller = new LogPoller({ provider: anchorClient.provider, fromBlock: pollFrom + 1, pollMs: 200 })
    const detachParams = params.attach(poller)
    poller.start()
    cleanups.unshift(async () => {
      detachParams()
      await poller.stop()
    })
    const reorgs = new ReorgDriver(direct)
    const anchorAddress = getAddress(anchorWallet.address)
    let anchorsDropped = 0
    const settling = jobs(opts.reorgJobs, 'escrow')
    for (let i = 0; i < opts.reorgs; i++) {
      const depth = 1 + (i % 3)
      await reorgs.begin()
      // an anchor in the doomed branch: 4 entries make the anchorer send one
      const anchorsBefore = (await writer.anchors(writer.address)).length
      await writeEntries(4)
      // mined and seen mined by the anchorer (a reorg before it read the receipt is TxSender's
      // case: it sends the transaction again after replaceAfterMs)
      await until('an anchor mined', () => (anchorer.status().latest?.index ?? -1) >= anchorsBefore, 60_000)
      // nodes quiet while the branch is swapped (a reorg is atomic to an RPC client)
      await reqProxy.hold()
      await provProxy.hold()
      try {
        // the log poller has read the doomed blocks (else it never saw what the reorg replaces)
        const head = await reorgs.head()
        await until('the poller at the head', () => poller.syncedBlock >= head, 30_000)
        await reorgs.mineTo(depth)
        const out = await reorgs.reorg((tx) => getAddress(tx.from) === anchorAddress)
        anchorsDropped += out.dropped.length
        say(
          `reorg ${i + 1}: depth ${out.depth},` +
            ` ${out.reincluded.length} re-included,` +
            ` ${out.replaced.length} replaced by their sender,` +
            ` ${out.lost.length} the new branch could not take,` +
            ` ${out.dropped.length} anchor(s) dropped`,
        )
      } finally {
        reqProxy.release()
        provProxy.release()
      }
      await until(
        'the dropped anchor sent again',
        async () =>
          (anchorer.status().vanished ?? 0) >= anchorsDropped &&
          (await writer.latest(writer.address))?.treeSize === auditLog.size() - 1,
        60_000,
      )
    }
    records.push(...(await settling))
    const anchorsResubmitted = anchorer.status().vanished ?? 0
    const lastAnchor = (await writer.anchors(writer.address)).at(-1)
    const anchorsCurrent = lastAnchor !== undefined && lastAnchor.treeSize >= auditLog.size() - 1
    await poller.poll()
    const reorgsSeenByPoller = poller.reorgs
    const paramsCurrent =
      JSON.stringify(await readParams(anchorClient.contracts.params), (_, v: unknown) =>
        typeof v === 'bigint' ? v.toString() : v,
      ) === JSON.stringify(params.current, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))

    // 3. the providers' RPC down during the requester's unilateral close
    const payments = req.node.services.payments as unknown as PaymentsService
    const open = (await payments.channels.list({ status: ['open'] })).filter((c) => c.role === 'requester')
    let watchtowerAnswerMs: number | null = null
    let watchtowerMarginMs: number | null = null
    let challengePeriodMs: number | null = null
    let channelClosedAtBest: boolean | null = null
    let noncesBackwards: number | null = null
    let closedTwice = 0
    // a channel its provider holds a voucher of (something to defend)
    const bestOf = async (channelId: string, peer: string | undefined): Promise<{ nonce: string } | undefined> => {
      const node = fleet.nodesById.get(peer ?? '')
      return await (node?.services.payments as unknown as PaymentsService | undefined)?.channels.best(channelId)
    }
    const defended: typeof open = []
    for (const c of open) if ((await bestOf(c.channelId, c.peer)) !== undefined) defended.push(c)
    if (defended.length > 0) {
      const target = defended[0]
      const provider = fleet.nodesById.get(target.peer ?? '')
      say(
        `phase 3: providers' RPC down for ${opts.outageMs} ms during a` +
          ` unilateral close of ${target.channelId.slice(0, 10)}`,
      )
      await provProxy.down()
      const closing = await payments.closeChannel(target.channelId)
      challengePeriodMs = Number(closing.challengePeriod) * 1000
      await new Promise((resolve) => setTimeout(resolve, opts.outageMs))
      const back = Date.now()
      await provProxy.up()
      const viewer: ChainClient = await openChain({ settings: paid.settings, pollingIntervalMs: 100 })
      try {
        const channel = viewer.contracts.channel
        await until(
          "the provider's answer on chain",
          async () => (await channel.queryFilter(channel.filters.ChannelClosed(target.channelId), 0)).length > 0,
          120_000,
        )
        watchtowerAnswerMs = Date.now() - back
        const closes = await channel.queryFilter(channel.filters.ChannelClosed(target.channelId), 0)
        closedTwice = closes.length > 1 ? 1 : 0
        const ev = closes[0] as unknown as { blockNumber: number; args: { payout: bigint; nonce: bigint } }
        const block = await viewer.provider.getBlock(ev.blockNumber)
        watchtowerMarginMs = (Number(closing.closesAt) - (block?.timestamp ?? 0)) * 1000
        const providerPayments = provider?.services.payments as unknown as PaymentsService | undefined
        const best = await providerPayments?.channels.best(target.channelId)
        if (best !== undefined) {
          noncesBackwards = BigInt(ev.args.nonce) < BigInt(best.nonce) ? 1 : 0
          channelClosedAtBest = BigInt(ev.args.nonce) === BigInt(best.nonce)
        }
      } finally {
        viewer.close()
      }
    } else {
      say('phase 3 skipped: no open channel (no channel job completed)')
    }

    const figures = jobFigures(records)
    const escrowJobs = records.filter((r) => r.payment === 'escrow')
    const check = checkPayouts(escrowJobs, await paid.escrows(), (a) => fleet.peerByAddress.get(getAddress(a)))
    const { doublePaid, ...chain } = check
    return {
      scenario: 'chain-faults',
      jobs: figures.jobs,
      completed: figures.completed,
      lostJobs: figures.lostJobs,
      failures: figures.failures,
      doublePaid: doublePaid + closedTwice,
      noncesBackwards,
      chain,
      rpc: { requester: { ...reqProxy.counts }, providers: { ...provProxy.counts } },
      reorgs: reorgs.depths.length,
      reorgDepths: reorgs.depths,
      reorgsSeenByPoller,
      paramsCurrent,
      anchorsDropped,
      anchorsResubmitted,
      anchorsCurrent,
      rpcOutageMs: provProxy.counts.downMs,
      watchtowerAnswerMs,
      watchtowerMarginMs,
      challengePeriodMs,
      channelClosedAtBest,
      durationMs: Date.now() - started,
      cpuScore,
    }
  } finally {
    for (const c of cleanups) await c().catch(() => {})
    rmSync(root, { recursive: true, force: true })
  }
}
