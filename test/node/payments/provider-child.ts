// A provider node in its own process, for the SIGKILL test (test/e2e/payments-sigkill.test.ts):
// args <dataDir> <rpcUrl> <deploymentsDir>; the wallet key comes from HIVE_TEST_PROVIDER_KEY
// (a Hardhat dev key). Prints one JSON line when ready, then runs until killed.
import { Wallet } from 'ethers'
import { openChain } from '../../../node/chain/client.ts'
import { loadConfig } from '../../../node/config.ts'
import { createHiveNode } from '../../../node/create.ts'
import { paymentsService } from '../../../node/payments/service.ts'
import { TEST_HARDWARE } from '../market/helpers.ts'

const [dataDir, rpcUrl, deployments] = process.argv.slice(2)
const config = loadConfig({
  dataDir,
  flags: { listen: ['/ip4/127.0.0.1/tcp/0'], roles: 'provider', allowPrivateAddrs: true },
})
const client = await openChain({
  settings: { rpcUrl, deployments, maxFeeGwei: 1000, confirmations: 1 },
  wallet: new Wallet(process.env.HIVE_TEST_PROVIDER_KEY!),
  tx: { pollMs: 50 },
})
const node = await createHiveNode(config, {
  hardware: TEST_HARDWARE,
  libp2pDatastore: 'memory',
  services: { payments: paymentsService({ chain: client, options: { pollMs: 60_000, windowBits: 8 } }) },
})
const payments = node.services.payments!
await node.start()
// the jobs this provider "did" for the test's requester (HIVE_TEST_EXPECT: address:price:count):
// job ids 0x…e2e000 + i, each worth `price`
const [requesterAddress, price, count] = (process.env.HIVE_TEST_EXPECT ?? '::0').split(':')
for (let i = 0; i < Number(count); i++)
  await payments.receiver.expect({
    jobId: (0xe2e000 + i).toString(16).padStart(64, '0'),
    requesterAddress,
    price: BigInt(price),
  })
process.stdout.write(
  JSON.stringify({
    peerId: node.peerId.toString(),
    addrs: node.libp2p.getMultiaddrs().map(String),
    address: payments.address,
  }) + '\n',
)
setInterval(() => {}, 60_000)
