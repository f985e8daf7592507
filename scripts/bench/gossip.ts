// `npm run bench -- gossip [--messages N]`
// What one gossip message costs the peer that receives it, measured on this machine: the inputs
// of docs/gossip-scale.md. Two kinds of figures:
// - the validators alone (one thread, N distinct messages each): a job request, a clearing, a
//   profile announcement (decode + Ed25519 verify + checks), and the content message id (sha-256);
// - the real path over TCP on 127.0.0.1 between two gossipsub peers in this process: N distinct
//   job requests published by one peer and validated by the other (first deliveries), then the
//   same N byte strings sent again by a third peer (duplicates, dropped by message id before any
//   validator). The CPU there is both ends together (one process), an upper bound for the
//   receiver's share.
// Prints one JSON line with the machine's CPU score (the machine may be shared: see loadAvg1m).
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import { runCpuBenchmark } from '../../node/hardware/benchmark.ts'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import { cidForBytes } from '../../protocol/cid.ts'
import { createJobRequest, signClearing } from '../../protocol/market/build.ts'
import { validateClearing } from '../../protocol/market/validate-clearing.ts'
import { validateJobRequest } from '../../protocol/market/validate-job.ts'
import { signProfile, verifyProfile } from '../../protocol/profile-signing.ts'
import { PROFILE_VERSION } from '../../protocol/profile.ts'
import { gossipMessageId, jobsTopic } from '../../protocol/topics.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'
import type { JobSpecInput } from '../../protocol/market/build.ts'
import type { PrivateKey } from '@libp2p/interface'

const args = process.argv.slice(2)
const at = args.indexOf('--messages')
const N = at >= 0 ? Number(args[at + 1]) : 2000
if (!Number.isInteger(N) || N < 10) {
  console.error(`--messages needs a whole number of at least 10, got ${String(args[at + 1])}`)
  process.exit(2)
}
const say = (text: string): void => {
  process.stderr.write(text + '\n')
}
const TOPIC = jobsTopic('wasm')
const round1 = (x: number): number => Math.round(x * 10) / 10

async function jobSpec(): Promise<JobSpecInput> {
  const now = Date.now()
  const module = randomBytes(64)
  return {
    executor: 'wasm',
    module: await cidForBytes(module),
    moduleSize: module.byteLength,
    limits: { memoryBytes: 64 * 1024 * 1024, wallTimeMs: 1000, outputBytes: 1024 },
    requirements: {},
    maxPrice: 10n ** 18n,
    payment: 'channel',
    redundancy: 1,
    bidWindowMs: 60_000,
    deadline: now + 600_000,
    createdAt: now,
    nonce: randomBytes(16),
  }
}

/** CPU µs per call of `fn` over the items (user + system, this process). */
async function cpuPerCall<T>(items: T[], fn: (item: T) => unknown): Promise<number> {
  const start = process.cpuUsage()
  for (const item of items) await fn(item)
  const used = process.cpuUsage(start)
  return (used.user + used.system) / items.length
}

async function until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const nodes: HiveLibp2p[] = []
try {
  const loadStart = loadavg()[0]
  const key: PrivateKey = await generateKeyPair('Ed25519')
  say(`signing ${N} job requests, clearings and profiles …`)
  const jobs = await Promise.all(Array.from({ length: N }, async () => await createJobRequest(await jobSpec(), key)))
  const now = Date.now()
  const { peerIdFromPrivateKey } = await import('@libp2p/peer-id')
  const peer = peerIdFromPrivateKey(key)
  const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const clearings = await Promise.all(
    jobs.map(
      async (j) =>
        await signClearing(
          {
            jobId: j.jobId,
            winners: [
              { provider: peer, price: 5n },
              { provider: other, price: 6n },
            ],
            timestamp: now,
            executor: 'wasm',
            wallTimeMs: 1000,
            memoryBytes: 64 * 1024 * 1024,
          },
          key,
        ),
    ),
  )
  const profiles = await Promise.all(
    Array.from(
      { length: Math.min(N, 500) },
      async (_, i) =>
        await signProfile(
          {
            version: PROFILE_VERSION,
            peerId: peer.toString(),
            cpu: { model: 'Bench CPU', cores: 4, threads: 8, arch: 'x64', speedMhz: 3000 },
            memoryBytes: 16 * 1024 ** 3,
            gpus: [],
            os: { platform: 'linux', distro: 'bench', release: '1', kernel: '6' },
            benchmark: { cpuScore: 1000, durationMs: 1000 },
            executors: ['wasm'],
            prices: { wasm: '0.001' },
            issuedAt: now - i,
            expiresAt: now + 3_600_000,
          },
          key,
        ),
    ),
  )
  const jobBytes = jobs.map((j) => j.bytes)
  const avgJobBytes = Math.round(jobBytes.reduce((a, b) => a + b.length, 0) / N)

  say('timing the validators …')
  // warm the JIT on a few first
  for (const b of jobBytes.slice(0, 50)) await validateJobRequest(b, { now })
  const validateJobUs = await cpuPerCall(jobBytes, async (b) => await validateJobRequest(b, { now: Date.now() }))
  const validateClearingUs = await cpuPerCall(clearings, async (b) => await validateClearing(b, { now: Date.now() }))
  const verifyProfileUs = await cpuPerCall(profiles, async (b) => await verifyProfile(b, { now: Date.now() }))
  const messageIdUs = await cpuPerCall(jobBytes, (b) => gossipMessageId(b))

  say('gossip over TCP: first deliveries, then duplicates …')
  const make = async (): Promise<HiveLibp2p> => {
    const n = await createHiveLibp2p({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'] })
    nodes.push(n)
    await n.start()
    return n
  }
  const [publisher, receiver, relay] = [await make(), await make(), await make()]
  let validated = 0
  receiver.services.pubsub.topicValidators.set(TOPIC, async (_from, msg) => {
    await validateJobRequest(msg.data, { now: Date.now() })
    validated++
    return TopicValidatorResult.Accept
  })
  receiver.services.pubsub.subscribe(TOPIC)
  for (const n of [publisher, relay]) {
    await n.dial(multiaddr(receiver.getMultiaddrs()[0]))
    await until("the receiver's subscription", () =>
      n.services.pubsub.getSubscribers(TOPIC).some((p) => p.equals(receiver.peerId)),
    )
  }
  const fresh = await Promise.all(
    Array.from({ length: N }, async () => (await createJobRequest(await jobSpec(), key)).bytes),
  )
  const t1 = process.cpuUsage()
  const w1 = performance.now()
  for (const b of fresh) await publisher.services.pubsub.publish(TOPIC, b)
  await until('every first delivery validated', () => validated >= N)
  const c1 = process.cpuUsage(t1)
  const firstDeliveryUs = (c1.user + c1.system) / N
  const firstWallMs = performance.now() - w1

  // the relay never saw them (not subscribed), so it sends every one: all are duplicates at the receiver
  const receivedBefore = validated
  const t2 = process.cpuUsage()
  let sent = 0
  for (const b of fresh) sent += (await relay.services.pubsub.publish(TOPIC, b)).recipients.length
  // a final fresh message on the same connection: once it is validated, every duplicate before it was handled
  await relay.services.pubsub.publish(TOPIC, (await createJobRequest(await jobSpec(), key)).bytes)
  await until('the sentinel', () => validated >= receivedBefore + 1)
  const c2 = process.cpuUsage(t2)
  const duplicateUs = (c2.user + c2.system) / N
  const duplicatesValidated = validated - receivedBefore - 1

  for (const n of nodes.splice(0)) await n.stop()
  const cpuScore = runCpuBenchmark().score
  console.log(
    JSON.stringify({
      bench: 'gossip',
      messages: N,
      avgJobRequestBytes: avgJobBytes,
      validateJobRequestUs: round1(validateJobUs),
      validateClearingUs: round1(validateClearingUs),
      verifyProfileUs: round1(verifyProfileUs),
      contentMessageIdUs: round1(messageIdUs),
      firstDeliveryPairUs: round1(firstDeliveryUs),
      firstDeliveryMsgsPerSec: Math.round(N / (firstWallMs / 1000)),
      duplicatePairUs: round1(duplicateUs),
      duplicatesSent: sent,
      duplicatesValidated,
      method:
        'validators: CPU per call on one thread; *PairUs: publisher + receiver CPU per message over TCP, one process',
      cpuScore,
      loadAvg1m: { start: round1(loadStart), end: round1(loadavg()[0]) },
    }),
  )
} catch (err) {
  say(`benchmark failed: ${(err as Error).stack ?? String(err)}`)
  for (const n of nodes.splice(0)) await Promise.resolve(n.stop()).catch(() => {})
  process.exitCode = 1
}
