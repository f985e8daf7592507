// Hostile peers for `npm run chaos -- sybil-flood`, in a process of their own (attackers in the
// victims' process would steal their thread). Argument: one JSON object
//   { count, targets: [multiaddr with /p2p/], topics, ratePerSec, oversizeBytes }
// It starts `count` libp2p nodes built with the project's own libp2p and gossip configuration
// (createHiveLibp2p), dials every target, subscribes to the jobs topic and then, at `ratePerSec`
// messages per second in total over its peers, publishes in turn garbage, oversized messages and
// replays of job messages it received; each peer opens streams on every protocol a target
// announces and never finishes them, and writes garbage records into the DHT. Prints one line
// {"ready": [peer ids]} once up; on SIGTERM prints one JSON line and exits: its counts, and
// each job message a target relayed to one of its peers as [received at, target, attacker]
// (the harness compares them with when that target hung up on that attacker).
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Stream } from '@libp2p/interface'

interface AttackerConfig {
  count: number
  targets: string[]
  /** every job topic of the class (its shards and the unsharded one): providers join only some */
  topics: string[]
  ratePerSec: number
  oversizeBytes: number
  /** which attacks to run (default all): gossip, streams, dht */
  attacks?: Array<'gossip' | 'streams' | 'dht'>
  /** the honest nodes' peer ids: only job messages they relay count as "our gossip received" */
  honest?: string[]
}

const config = JSON.parse(process.argv[2]) as AttackerConfig
const attacks = new Set(config.attacks ?? ['gossip', 'streams', 'dht'])
const honest = config.honest === undefined ? undefined : new Set(config.honest)
const counts = {
  peers: 0,
  garbage: 0,
  oversized: 0,
  replayed: 0,
  publishErrors: 0,
  streamsOpened: 0,
  streamErrors: 0,
  dhtPuts: 0,
  /** job-topic messages our peers received from honest nodes, and those in the last 10 s */
  jobMessagesReceived: 0,
  jobMessagesLast10s: 0,
}
const receivedAt: number[] = []
/** job messages relayed by the nodes this process attacked: [received at, target, attacker], the
 * latest MAX_FROM_TARGETS to 2 × that many (what came after a target hung up is what counts) */
const fromTargets: Array<[number, string, string]> = []
const MAX_FROM_TARGETS = 10_000
const targetIds = new Set(config.targets.map((t) => t.split('/p2p/')[1]))
const seen: Uint8Array[] = []
const held: Stream[] = []

const nodes: HiveLibp2p[] = []
for (let i = 0; i < config.count; i++) {
  const node = await createHiveLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
  })
  await node.start()
  for (const t of config.topics) node.services.pubsub.subscribe(t)
  node.services.pubsub.addEventListener('gossipsub:message', (e) => {
    const { msg, propagationSource } = e.detail
    if (!config.topics.includes(msg.topic)) return
    if (seen.length < 64) seen.push(msg.data)
    // attackers hear each other's replays too (they connect through the DHT): not our gossip
    if (honest !== undefined && !honest.has(propagationSource.toString())) return
    counts.jobMessagesReceived++
    receivedAt.push(Date.now())
    const from = propagationSource.toString()
    if (!targetIds.has(from)) return
    fromTargets.push([Date.now(), from, node.peerId.toString()])
    if (fromTargets.length >= 2 * MAX_FROM_TARGETS) fromTargets.splice(0, MAX_FROM_TARGETS)
  })
  nodes.push(node)
}
for (const node of nodes)
  for (const t of config.targets) await node.dial(multiaddr(t)).catch(() => counts.streamErrors++)
counts.peers = nodes.length
process.stdout.write(JSON.stringify({ ready: nodes.map((n) => n.peerId.toString()) }) + '\n')

// streams on every protocol the targets announce, opened and never finished
const targets = config.targets.map((t) => multiaddr(t))
void (async () => {
  if (!attacks.has('streams')) return
  for (const node of nodes)
    for (const t of targets) {
      const id = t.toString().split('/p2p/')[1]
      if (id === undefined) continue
      const peer = await node.peerStore.get(peerIdFromString(id)).catch(() => undefined)
      for (const protocol of peer?.protocols ?? []) {
        if (protocol.includes('kad') || protocol.includes('meshsub') || protocol.includes('identify')) continue
        try {
          const stream = await node.dialProtocol(t, protocol, { signal: AbortSignal.timeout(5_000) })
          // a first byte of a length prefix promising more, then nothing
          stream.send(Uint8Array.of(0xff))
          held.push(stream)
          counts.streamsOpened++
        } catch {
          counts.streamErrors++
        }
      }
    }
})()

// garbage into the DHT: records under the project's key space that no validator accepts
const dhtTimer = setInterval(() => {
  if (!attacks.has('dht')) return
  const node = nodes[Math.floor(Math.random() * nodes.length)]
  const key = new TextEncoder().encode(`/hive/hw/${randomBytes(16).toString('hex')}`)
  void (async () => {
    try {
      for await (const _ of node.services.dht.put(key, randomBytes(512), { signal: AbortSignal.timeout(5_000) })) {
        // drain the query
      }
    } catch {
      // refused, as it should be
    }
    counts.dhtPuts++
  })()
}, 1_000)

let turn = 0
const gossipTimer = setInterval(
  () => {
    if (!attacks.has('gossip')) return
    const node = nodes[turn % nodes.length]
    const kind = turn++ % 3
    let data: Uint8Array
    if (kind === 0) data = randomBytes(200)
    else if (kind === 1) data = randomBytes(config.oversizeBytes)
    else data = seen.length > 0 ? seen[turn % seen.length] : randomBytes(64)
    // round-robin over the topics, so every shard's providers get their share of the flood
    node.services.pubsub.publish(config.topics[turn % config.topics.length], data).then(
      () => {
        if (kind === 0) counts.garbage++
        else if (kind === 1) counts.oversized++
        else counts.replayed++
      },
      () => counts.publishErrors++,
    )
  },
  Math.max(1, Math.round(1_000 / config.ratePerSec)),
)

process.once('SIGTERM', () => {
  clearInterval(gossipTimer)
  clearInterval(dhtTimer)
  const since = Date.now() - 10_000
  counts.jobMessagesLast10s = receivedAt.filter((t) => t >= since).length
  process.stdout.write(JSON.stringify({ counts, fromTargets }) + '\n', () => process.exit(0))
})
setInterval(() => {}, 60_000)
