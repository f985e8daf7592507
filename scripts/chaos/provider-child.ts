// A provider node in a process of its own, for the chaos scenarios and the SIGKILL tests: args
// <dataDir> <price> <bootstrap multiaddr>...; jobs hold for their `hold=<ms>` argument
// (held-executor.ts). With CHAOS_CHAIN set ({settings, key}: a Hardhat dev key) its jobs are paid.
// Prints one JSON line {peerId, addrs} once started, then runs until killed.
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import { WasmExecutor } from '../../node/exec/index.ts'
import { marketService } from '../../node/market/service.ts'
import { openChain } from '../../node/chain/client.ts'
import { paymentsService } from '../../node/payments/service.ts'
import { Wallet } from 'ethers'
import { CHAOS_PAYMENT_OPTIONS } from './fleet.ts'
import type { ChainSettings } from '../../node/chain/client.ts'
import { HeldExecutor } from './held-executor.ts'
import { CHAOS_HARDWARE } from './hardware.ts'

const [dataDir, price, ...bootstrap] = process.argv.slice(2)
const config = loadConfig({
  dataDir,
  flags: {
    listen: ['/ip4/127.0.0.1/tcp/0'],
    roles: 'provider',
    mdns: false,
    allowPrivateAddrs: true,
    bootstrap,
    prices: { wasm: price },
  },
})
const paid =
  process.env.CHAOS_CHAIN === undefined
    ? undefined
    : (JSON.parse(process.env.CHAOS_CHAIN) as { settings: ChainSettings; key: string })
const client =
  paid === undefined
    ? undefined
    : await openChain({
        settings: paid.settings,
        wallet: new Wallet(paid.key),
        tx: { pollMs: 50 },
        pollingIntervalMs: 100,
      })
const node = await createHiveNode(config, {
  hardware: CHAOS_HARDWARE,
  storeCacheSize: 1024 * 1024,
  libp2pDatastore: 'memory',
  services: {
    market: marketService({ executors: { wasm: new HeldExecutor(new WasmExecutor({ poolSize: 1 })) } }),
    ...(client !== undefined ? { payments: paymentsService({ chain: client, options: CHAOS_PAYMENT_OPTIONS }) } : {}),
  },
})
await node.start()
process.stdout.write(
  JSON.stringify({ peerId: node.peerId.toString(), addrs: node.libp2p.getMultiaddrs().map(String) }) + '\n',
)
// a clean leave (chaos churn): stop the node (its connections close in order), then exit
process.once('SIGTERM', () => {
  void node
    .stop()
    .catch(() => {})
    .finally(() => process.exit(0))
})
setInterval(() => {}, 60_000)
