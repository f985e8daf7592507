// A public AutoNAT server for the testbed, one per first octet 11 … 18: AutoNAT (v1 and v2)
// counts one dial-back per network segment (the first IPv4 octet) and needs several before it
// classes an address, so a NATed node is never called private without servers on enough
// segments. Lighter than a full `hive node start`: libp2p with TCP, noise, yamux, identify, ping
// and both AutoNAT servers, nothing else. Usage (inside a namespace): autonat-helper.ts <ip>
// Prints its dialable multiaddr as one line on stdout, then runs until SIGTERM.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { autoNAT } from '@libp2p/autonat'
import { autoNATv2 } from '@libp2p/autonat-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'

const ip = process.argv[2]
if (ip === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) {
  process.stderr.write('usage: autonat-helper.ts <ipv4 address>\n')
  process.exit(2)
}
const node = await createLibp2p({
  addresses: { listen: [`/ip4/${ip}/tcp/4001`] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  // many NATed nodes ask at once from one router address: don't rate-limit them away
  connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 100 },
  services: {
    identify: identify(),
    ping: ping(),
    autoNAT: autoNAT({ maxInboundStreams: 32, maxOutboundStreams: 32 }),
    autoNATv2: autoNATv2(),
  },
})
await node.start()
process.stdout.write(`/ip4/${ip}/tcp/4001/p2p/${node.peerId.toString()}\n`)
const stop = (): void => {
  void Promise.resolve(node.stop()).finally(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
