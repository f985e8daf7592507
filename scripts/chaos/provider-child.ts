// A provider node in a process of its own, for the chaos scenarios and the SIGKILL tests: args
// <dataDir> <price> <bootstrap multiaddr>...; jobs hold for their `hold=<ms>` argument
// (held-executor.ts). Prints one JSON line {peerId, addrs} once started, then runs until killed.
import { loadConfig } from '../../node/config.ts'
import { createHiveNode } from '../../node/create.ts'
import { WasmExecutor } from '../../node/exec/index.ts'
import { marketService } from '../../node/market/service.ts'
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
const node = await createHiveNode(config, {
  hardware: CHAOS_HARDWARE,
  storeCacheSize: 1024 * 1024,
  libp2pDatastore: 'memory',
  services: { market: marketService({ executors: { wasm: new HeldExecutor(new WasmExecutor({ poolSize: 1 })) } }) },
})
await node.start()
process.stdout.write(
  JSON.stringify({ peerId: node.peerId.toString(), addrs: node.libp2p.getMultiaddrs().map(String) }) + '\n',
)
setInterval(() => {}, 60_000)
