// Issue 11 item 7: job output must not bypass the memory cap. A requester node posts jobs to a
// real provider node over TCP on 127.0.0.1; everything is seen from the wire (the provider's
// signed Result status, its bids, its verdict on a pushed request), never from its classes.
//   - a module that writes a file, truncates it and moves on to the next, many times, must end in
//     EXEC_OUTPUT_LIMIT: before the fix the provider answered EXEC_OK while its worker held
//     files × outputBytes (truncation gave the budget back, the buffers kept their capacity);
//   - a job asking for more output than the provider's own cap gets no bid from it;
//   - output is priced: a larger outputBytes is quoted a higher price;
//   - outputBytes over the protocol maximum is refused by the request validator.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { loadConfig } from '../../node/config.ts'
import { WasmExecutor, WorkerPool } from '../../node/exec/index.ts'
import { sendRequest } from '../../node/market/direct.ts'
import { marketService } from '../../node/market/service.ts'
import type { MarketService } from '../../node/market/service.ts'
import { createHiveNode } from '../../node/create.ts'
import type { HiveNode } from '../../node/node.ts'
import { createHiveLibp2p } from '../../node/p2p/create.ts'
import { cidForBytes } from '../../protocol/cid.ts'
import { JobRequest, MessageType, ReplyStatus } from '../../protocol/gen/market.ts'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { buildJobSpec } from '../../protocol/market/build.ts'
import { sealEnvelope } from '../../protocol/market/envelope.ts'
import { ownBytes } from '../../protocol/market/fields.ts'
import { computeJobId, jobIdToBytes } from '../../protocol/market/job-id.ts'
import { jobsTopic } from '../../protocol/topics.ts'
import { TEST_HARDWARE, waitFor } from '../node/market/helpers.ts'
import { helloWat, wat } from '../node/exec/wat.ts'
import type { JobEvent } from '../../node/market/events.ts'
import type { JobRecord } from '../../node/market/job-record.ts'
import type { PostJobInput } from '../../node/market/requester.ts'
import type { HiveLibp2p } from '../../node/p2p/create.ts'
import type { CID } from '../../protocol/cid.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'

const HIVE = 10n ** 18n
const MiB = 1024 * 1024
/** the provider's own cap on a job's outputBytes (its executor's configuration) */
const PROVIDER_OUTPUT_CAP = 16 * MiB

interface Peer {
  node: HiveNode
  market: MarketService
  events: JobEvent[]
  accepted: () => number
}

/**
 * A WASI command that, for i in 0..files-1, creates /output/fNN, writes `size` bytes to it in one
 * write, truncates it to 0 and closes it; exits 0, or 100 + errno when a call fails.
 */
function truncateAndMoveOnWat(files: number, size: number): string {
  const pages = Math.ceil((65536 + size) / 65536)
  return `(module
    (import "wasi_snapshot_preview1" "path_open"
      (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $set_size (param i32 i64) (result i32)))
    (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") ${pages})
    (data (i32.const 16) "f00")
    (func $check (param $errno i32)
      (if (local.get $errno) (then (call $exit (i32.add (i32.const 100) (local.get $errno))))))
    (func (export "_start") (local $i i32) (local $fd i32)
      (i32.store (i32.const 0) (i32.const 65536))
      (i32.store (i32.const 4) (i32.const ${size}))
      (loop $next
        (i32.store8 (i32.const 17) (i32.add (i32.const 48) (i32.div_u (local.get $i) (i32.const 10))))
        (i32.store8 (i32.const 18) (i32.add (i32.const 48) (i32.rem_u (local.get $i) (i32.const 10))))
        ;; fd 4 is the /output preopen; O_CREAT|O_TRUNC
        (call $check (call $path_open (i32.const 4) (i32.const 0) (i32.const 16) (i32.const 3) (i32.const 9)
          (i64.const -1) (i64.const 0) (i32.const 0) (i32.const 8)))
        (local.set $fd (i32.load (i32.const 8)))
        (call $check (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 12)))
        (call $check (call $set_size (local.get $fd) (i64.const 0)))
        (call $check (call $close (local.get $fd)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (i32.const ${files}))))
      (call $exit (i32.const 0))))`
}

describe('security 07: job output cannot bypass the memory cap', function () {
  this.timeout(60_000)
  const root = mkdtempSync(join(tmpdir(), 'hive-sec07-'))
  const pool = new WorkerPool({ size: 2 })
  const peers: Peer[] = []
  let requester: Peer
  let provider: Peer
  let hostile: HiveLibp2p | undefined
  let hello: Uint8Array

  async function startPeer(name: string, roles: 'requester' | 'provider', bootstrap?: Peer): Promise<Peer> {
    const dataDir = join(root, name)
    const config = loadConfig({
      dataDir,
      flags: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: bootstrap?.node.info().addresses ?? [],
        roles,
        prices: { wasm: '0.001' },
        // one unsharded jobs topic: the test counts what the provider accepts by gossip on it
        jobShards: 1,
      },
    })
    const events: JobEvent[] = []
    let accepted = 0
    // the provider operator's own output cap, as its executor is configured
    const executorInit = { pool, maxOutputBytes: PROVIDER_OUTPUT_CAP }
    const node = await createHiveNode(config, {
      hardware: TEST_HARDWARE,
      services: {
        market: marketService({
          executors: { wasm: new WasmExecutor(executorInit) },
          onEvent: (e) => events.push(e),
          onGossipOutcome: (outcome, _code, topic) => {
            if (outcome === 'accept' && topic === jobsTopic('wasm')) accepted++
          },
        }),
      },
    })
    await node.start()
    const market = node.services.market!
    const peer = { node, market, events, accepted: () => accepted }
    peers.push(peer)
    return peer
  }

  const providerId = (): string => provider.node.peerId.toString()
  const post = async (input: Omit<PostJobInput, 'maxPrice'>): Promise<string> =>
    (await requester.market.requester!.post({ maxPrice: HIVE, bidWindowMs: 1000, ...input })).jobId
  const bidFromProvider = (jobId: string): JobEvent | undefined =>
    requester.events.find((e) => e.type === 'job:bid' && e.jobId === jobId && e.provider === providerId())
  const waitFinal = async (jobId: string): Promise<JobRecord> =>
    await requester.market.requester!.wait(jobId, { signal: AbortSignal.timeout(30_000) })
  /** the provider is idle again: nothing running that would move its load-dependent price */
  const providerIdle = async (): Promise<void> => {
    await waitFor('the provider to be idle', () => provider.market.provider!.load === 0)
  }

  before(async () => {
    hello = await wat(helloWat('ok\n'))
    requester = await startPeer('requester', 'requester')
    provider = await startPeer('provider', 'provider', requester)
    // the requester's gossip reaches the provider once it knows the provider subscribes
    const subscribers = (): PeerId[] => requester.node.libp2p.services.pubsub.getSubscribers(jobsTopic('wasm'))
    await waitFor(
      'the provider subscribed to the jobs topic, as the requester sees it',
      () => subscribers().some((p) => p.equals(provider.node.peerId)),
      20_000,
    )
  })

  after(async () => {
    await hostile?.stop()
    for (const p of peers) await p.node.stop().catch(() => {})
    await pool.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('a module that writes, truncates and moves on to the next output file gets EXEC_OUTPUT_LIMIT', async () => {
    // 64 files of outputBytes each: before the fix the worker held 64 MiB with 0 bytes of budget used
    const module = await wat(truncateAndMoveOnWat(64, 1 * MiB))
    await providerIdle()
    const jobId = await post({ module, limits: { outputBytes: 1 * MiB } })
    const resultOf = (): JobEvent | undefined =>
      requester.events.find((e) => e.type === 'job:result' && e.jobId === jobId)
    await waitFor("the provider's result", () => resultOf() !== undefined, 30_000)
    const result = resultOf()
    expect(result).to.include({ provider: providerId(), status: 'EXEC_OUTPUT_LIMIT' })
  })

  it("a job asking for more output than the provider's own cap gets no bid from it", async () => {
    await providerIdle()
    const heard = provider.accepted()
    const over = await post({ module: hello, limits: { outputBytes: 2 * PROVIDER_OUTPUT_CAP } })
    const within = await post({ module: hello, limits: { outputBytes: PROVIDER_OUTPUT_CAP } })
    // the provider validated both requests, and bid on the one within its cap
    await waitFor('the provider to accept both requests', () => provider.accepted() >= heard + 2, 20_000)
    await waitFor('a bid on the job within the cap', () => bidFromProvider(within) !== undefined, 20_000)
    const record = await waitFinal(over)
    expect(record.bids.map((b) => b.provider)).to.not.include(providerId())
    expect(record.failure?.reason).to.equal('NO_BIDS')
    expect((await waitFinal(within)).phase).to.equal('completed')
  })

  it('a job with a larger outputBytes is quoted a higher price', async () => {
    await providerIdle()
    // both bid on before either is awarded (reserve: 99 waits for the whole window), so the
    // provider's load and market estimate are the same for both quotes
    const policy = { reserve: 99 }
    const [small, large] = await Promise.all([
      post({ module: hello, limits: { outputBytes: 1 * MiB }, policy }),
      post({ module: hello, limits: { outputBytes: PROVIDER_OUTPUT_CAP }, policy }),
    ])
    const bothBid = (): boolean => bidFromProvider(small) !== undefined && bidFromProvider(large) !== undefined
    await waitFor('bids on both jobs', bothBid, 20_000)
    const price = (jobId: string): bigint => BigInt((bidFromProvider(jobId) as { price: string }).price)
    expect(price(large) > price(small), `${price(large)} > ${price(small)}`).to.equal(true)
    await Promise.all([waitFinal(small), waitFinal(large)])
  })

  it('a JobRequest whose outputBytes is over the protocol maximum (256 MiB) is refused as invalid', async () => {
    const key = await generateKeyPair('Ed25519')
    hostile = await createHiveLibp2p({ privateKey: key, listen: ['/ip4/127.0.0.1/tcp/0'] })
    await hostile.start()
    await hostile.dial(multiaddr(provider.node.info().addresses[0]))
    // an honest builder refuses it (checkJobSpec); the hostile peer signs one by hand
    const bytes = await oversizedRequestBytes(key, await cidForBytes(hello), hello.byteLength, Date.now())
    const reply = await sendRequest(hostile, provider.node.peerId, 'request', bytes)
    expect(`${ReplyStatus[reply.status]} ${reply.code}`).to.equal('REPLY_INVALID LIMITS_OUT_OF_RANGE')
  })
})

/** A signed JobRequest with outputBytes 512 MiB, built without the builder's own checks. */
async function oversizedRequestBytes(
  key: PrivateKey,
  module: CID,
  moduleSize: number,
  now: number,
): Promise<Uint8Array> {
  const spec = buildJobSpec(
    {
      executor: 'wasm',
      module,
      moduleSize,
      limits: { memoryBytes: 64 * MiB, wallTimeMs: 1000, outputBytes: 512 * MiB },
      // a requirement no provider meets: were it accepted, nobody would bid or dial back
      requirements: { minMemoryBytes: 512 * 1024 * MiB },
      maxPrice: HIVE,
      payment: 'channel',
      redundancy: 1,
      bidWindowMs: 1000,
      deadline: now + 60_000,
      createdAt: now,
      nonce: randomBytes(16),
    },
    peerIdFromPrivateKey(key),
  )
  const request = { jobId: ownBytes(jobIdToBytes(computeJobId(spec))), spec, requesterAddrs: [] }
  return await sealEnvelope(MessageType.JOB_REQUEST, JobRequest.encode(request), key)
}
