// A node with channel payments on a chain, in a process of its own, for the chaos scenarios that
// kill a node at a payment step (crash-steps): the harness SIGKILLs it (or a failpoint does) and
// starts it again on the same data dir. Configured by the HIVE_CHAOS_CHILD environment variable
// (JSON, ChildSpec); talks JSON lines: one {ev:'ready'} line once started, then one reply per
// command line read from stdin ({id, cmd, ...} -> {ev:'reply', id, ...} or {ev:'reply', id, error}),
// and, for a requester, {ev:'job', event} for every job event. Jobs hold for `hold=<ms>`.
import { createInterface } from 'node:readline'
import { Wallet } from 'ethers'
import { openChain } from '../../node/chain/client.ts'
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import { WasmExecutor } from '../../node/exec/index.ts'
import { marketService } from '../../node/market/service.ts'
import { paymentsService } from '../../node/payments/service.ts'
import { classJobTopics } from '../../protocol/topics.ts'
import { DEFAULT_SETTINGS } from '../../node/config.ts'
import { armFailpoints } from '../../node/util/failpoints.ts'
import type { Failpoint } from '../../node/util/failpoints.ts'
import { CHAOS_HARDWARE } from './hardware.ts'
import { HeldExecutor } from './held-executor.ts'
import { helloModule } from './held-executor.ts'
import { summarize } from './paid-summary.ts'
import type { ChildCommand, ChildSpec } from './paid-summary.ts'

const spec = JSON.parse(process.env.HIVE_CHAOS_CHILD ?? '{}') as ChildSpec
const out = (line: object): void => {
  process.stdout.write(JSON.stringify(line, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n')
}

const chain = await openChain({
  settings: { rpcUrl: spec.rpcUrl, deployments: spec.deployments, maxFeeGwei: 1000, confirmations: 1 },
  wallet: new Wallet(spec.key),
  tx: { pollMs: 50 },
  pollingIntervalMs: 100,
})
const config = loadConfig({
  dataDir: spec.dataDir,
  flags: {
    listen: [`/ip4/127.0.0.1/tcp/${spec.port ?? 0}`],
    roles: spec.role,
    mdns: false,
    allowPrivateAddrs: true,
    bootstrap: spec.bootstrap,
    ...(spec.price !== undefined ? { prices: { wasm: spec.price } } : {}),
  },
})
const node = await createHiveNode(config, {
  hardware: CHAOS_HARDWARE,
  storeCacheSize: 1024 * 1024,
  libp2pDatastore: 'memory',
  services: {
    payments: paymentsService({
      chain,
      // retries by command (the harness asks after a restart), not on a timer of its own
      options: { pollMs: 200, windowBits: 8, retryMs: 600_000, fundingWaitMs: 30_000 },
    }),
    market: marketService({
      ...(spec.role === 'provider' ? { executors: { wasm: new HeldExecutor(new WasmExecutor({ poolSize: 1 })) } } : {}),
      onEvent: (event) => {
        if (spec.role === 'requester') out({ ev: 'job', event })
      },
    }),
  },
})
await node.start()
const market = node.services.market!
const payments = node.services.payments!
out({ ev: 'ready', peerId: node.peerId.toString(), addrs: node.libp2p.getMultiaddrs().map(String) })

async function answer(c: ChildCommand): Promise<object> {
  const requester = market.requester
  switch (c.cmd) {
    case 'post': {
      if (requester === undefined) throw new Error('not a requester')
      return await requester.post({
        module: await helloModule('done\n'),
        args: [`hold=${c.holdMs}`],
        maxPrice: 10n ** 18n,
        bidWindowMs: c.bidWindowMs,
        payment: 'channel',
        timeoutMs: 120_000,
        limits: { wallTimeMs: 30_000 },
      })
    }
    case 'wait': {
      if (requester === undefined) throw new Error('not a requester')
      return { record: summarize(await requester.wait(c.jobId, { signal: AbortSignal.timeout(150_000) })) }
    }
    case 'jobs': {
      if (requester === undefined) throw new Error('not a requester')
      return { records: (await requester.list()).map(summarize) }
    }
    case 'arm':
      armFailpoints(c.failpoints as Failpoint[], c.on)
      return {}
    case 'subscribers': {
      // distinct peers on any shard of the wasm job topics (a provider joins only some shards)
      const pubsub = node.libp2p.services.pubsub
      const topics = classJobTopics('wasm', DEFAULT_SETTINGS.jobShards)
      return { count: new Set(topics.flatMap((t) => pubsub.getSubscribers(t).map((p) => p.toString()))).size }
    }
    case 'retry':
      return { retried: await payments.retryPending() }
    case 'vouchers': {
      const list = await payments.channels.list({ role: spec.role })
      const rows = []
      for (const r of list) {
        const v =
          spec.role === 'requester'
            ? await payments.channels.sent(r.channelId)
            : await payments.channels.best(r.channelId)
        rows.push({
          channelId: r.channelId,
          provider: r.provider,
          status: r.status,
          nonce: v?.nonce ?? '0',
          cumulativeAmount: v?.cumulativeAmount ?? '0',
          acked: v?.acked === true,
        })
      }
      return { channels: rows }
    }
    case 'close': {
      const closed = []
      for (const r of await payments.channels.list({ role: spec.role })) {
        if (r.status === 'closed') continue
        closed.push((await payments.closeChannel(r.channelId)).status)
      }
      return { closed }
    }
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const c = JSON.parse(line) as ChildCommand & { id: number }
  answer(c).then(
    (r) => {
      out({ ev: 'reply', id: c.id, ...r })
    },
    (err: Error) => {
      out({ ev: 'reply', id: c.id, error: err.message })
    },
  )
})
// a clean leave (chaos requester-churn): stop the node (its connections close in order), then exit
process.once('SIGTERM', () => {
  void node
    .stop()
    .catch(() => {})
    .finally(() => process.exit(0))
})
setInterval(() => {}, 60_000)
