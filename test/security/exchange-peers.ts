// Peers for the fair-exchange and escrow attack tests (items 2 and 6): honest HiveNodes running
// the market with payments on a real Hardhat chain, and hostile peers built from a bare HiveNode
// (a real libp2p node) that speak the wire protocols by hand with the signing helpers of
// protocol/: they sign what they like, skip what they like and serve what they like.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ContractFactory, NonceManager, parseEther } from 'ethers'
import { lpStream } from '@libp2p/utils'
import { buildExamples } from '../../examples/build.ts'
import { openChain } from '../../node/chain/client.ts'
import { DEFAULT_SETTINGS, loadConfig } from '../../node/config.ts'
import { handleDirect, sendRequest } from '../../node/market/direct.ts'
import { marketService } from '../../node/market/service.ts'
import { auditService } from '../../node/audit/index.ts'
import type { AuditLog } from '../../node/audit/log.ts'
import type { MarketService } from '../../node/market/service.ts'
import type { HiveNode } from '../../node/node.ts'
import { paymentsService } from '../../node/payments/service.ts'
import { createHiveNode } from '../../node/create.ts'
import { VOUCHER_PROTOCOL } from '../../node/payments/voucher-stream.ts'
import { cidForBytes, parseCid } from '../../protocol/cid.ts'
import { Award, BlobChunk, BlobRequest, BlobResponse, BlobStatus, MessageType } from '../../protocol/gen/market.ts'
import { parsePositiveAmount } from '../../protocol/market/amounts.ts'
import { openEnvelope } from '../../protocol/market/envelope.ts'
import { jobIdFromBytes } from '../../protocol/market/job-id.ts'
import { BLOB_CHUNK_DATA_BYTES, MAX_MESSAGE_BYTES } from '../../protocol/market/bounds.ts'
import { createJobRequest, signAcceptance, signAward, signBid } from '../../protocol/market/build.ts'
import { decodeBlobChunk, decodeBlobRequest, decodeBlobResponse, okReply } from '../../protocol/market/direct.ts'
import { validateAcceptance } from '../../protocol/market/validate-award.ts'
import { validateBid } from '../../protocol/market/validate-bid.ts'
import { validateJobRequest } from '../../protocol/market/validate-job.ts'
import { validateResult } from '../../protocol/market/validate-result.ts'
import { VoucherStatus, signVoucherAck } from '../../protocol/payments/ack.ts'
import { voucherFromWire } from '../../protocol/payments/voucher.ts'
import { PROTOCOLS, classJobTopics } from '../../protocol/topics.ts'
import { TEST_HARDWARE } from '../node/market/helpers.ts'
import type { ChainClient } from '../../node/chain/client.ts'
import type { Executor } from '../../node/exec/index.ts'
import type { JobEvent } from '../../node/market/events.ts'
import type { ProviderFaults } from '../../node/market/provider.ts'
import type { PaymentsOptions, PaymentsService } from '../../node/payments/service.ts'
import type { PaymentMode } from '../../protocol/payment-mode.ts'
import type { ValidBid } from '../../protocol/market/validate-bid.ts'
import type { ValidJobRequest } from '../../protocol/market/validate-job.ts'
import type { ValidResult } from '../../protocol/market/validate-result.ts'
import type { SignedVoucher } from '../../protocol/payments/voucher.ts'
import type { DevChain } from '../support/chain.ts'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Contract, Wallet } from 'ethers'
import { bindContract } from '../../node/chain/contracts.ts'
import type { Bound } from '../../node/chain/contracts.ts'
import type { MockFeeToken } from '../../types/ethers-contracts/index.ts'
import type { CID } from 'multiformats/cid'

const root = resolve(import.meta.dirname, '..', '..')
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

export async function wordcountModule(): Promise<Uint8Array> {
  return readFileSync((await buildExamples()).wordcount)
}

export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

// ---------------------------------------------------------------------------------------------
// honest nodes

export interface HonestPeer {
  node: HiveNode
  market: MarketService
  payments: PaymentsService
  client: ChainClient
  key: PrivateKey
  wallet: Wallet
  events: JobEvent[]
  /** with `audit: true`: the node's audit log */
  audit?: AuditLog
  stop: () => Promise<void>
}

export async function startHonest(
  chain: DevChain,
  dir: string,
  name: string,
  roles: 'requester' | 'provider',
  wallet: Wallet,
  opts: {
    payments?: PaymentsOptions
    capacity?: number
    faults?: ProviderFaults
    price?: string
    cpuScore?: number
    audit?: boolean
    /** runs `onnx` jobs too, with this executor (a stand-in: tests attack the vote, not the runtime) */
    onnx?: Executor
  } = {},
): Promise<HonestPeer> {
  const dataDir = join(dir, name)
  const price = opts.price ?? '0.01'
  const config = loadConfig({
    dataDir,
    flags: {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      roles,
      ...(opts.onnx !== undefined
        ? { executors: ['wasm', 'onnx'], prices: { wasm: price, onnx: price } }
        : { prices: { wasm: price } }),
    },
  })
  const client = await openChain({ settings: chain.settings, wallet, tx: { pollMs: 50 }, pollingIntervalMs: 100 })
  const events: JobEvent[] = []
  const paymentOptions = { pollMs: 200, windowBits: 8, channelDeposit: parseEther('10'), ...opts.payments }
  const node = await createHiveNode(config, {
    // the benchmark score a provider claims in its bids (a liar claims what it likes)
    hardware:
      opts.cpuScore === undefined
        ? TEST_HARDWARE
        : { ...TEST_HARDWARE, benchmark: { ...TEST_HARDWARE.benchmark, cpuScore: opts.cpuScore } },
    libp2pDatastore: 'memory',
    services: {
      payments: paymentsService({ chain: client, options: paymentOptions }),
      market: marketService({
        capacity: opts.capacity,
        faults: opts.faults,
        onEvent: (e) => events.push(e),
        ...(opts.onnx !== undefined ? { executors: { onnx: opts.onnx } } : {}),
      }),
      // the audit log only (no chain given: it anchors nothing)
      ...(opts.audit === true ? { audit: auditService() } : {}),
    },
  })
  await node.start()
  const key = node.privateKey
  const payments = node.services.payments!
  const market = node.services.market!
  const audit = (node.services as { audit?: { log: AuditLog } }).audit?.log
  return {
    node,
    market,
    payments,
    client,
    key,
    wallet,
    events,
    ...(audit !== undefined ? { audit } : {}),
    stop: async () => {
      await node.stop().catch(() => {})
      client.close()
    },
  }
}

// ---------------------------------------------------------------------------------------------
// hostile peers: a bare node, every protocol by hand

export interface BlobAnswer {
  status: BlobStatus
  message: string
  bytes?: Uint8Array
}

/**
 * Connects an honest provider and a hostile one to the requester (the hostile one on every job
 * topic) and waits until the requester sees both there: the scene of the re-award attack tests.
 */
export async function joinBothProviders(
  requester: HonestPeer,
  honest: HonestPeer,
  hostile: HostilePeer,
): Promise<void> {
  await honest.node.libp2p.peerStore.merge(requester.node.peerId, {
    multiaddrs: requester.node.libp2p.getMultiaddrs(),
  })
  await honest.node.libp2p.dial(requester.node.peerId)
  hostile.subscribeJobs()
  await hostile.dial(requester.node)
  const topics = classJobTopics('wasm', DEFAULT_SETTINGS.jobShards)
  const onJobs = (id: PeerId): boolean =>
    topics.some((t) => requester.node.libp2p.services.pubsub.getSubscribers(t).some((p) => p.equals(id)))
  await waitFor('both providers on the jobs topic', () =>
    [honest.node.peerId, hostile.peerId].every(onJobs) ? true : undefined,
  )
}

export class HostilePeer {
  readonly node: HiveNode
  readonly key: PrivateKey
  /** blobs this peer serves over /hive/blob, by CID string (the bytes need not match the CID) */
  readonly blobs = new Map<string, Uint8Array>()
  /** CIDs other peers asked this one for, in order */
  readonly asked: string[] = []
  /** runs before a blob is answered (e.g. to move the chain's clock while the provider waits) */
  beforeServe?: (cid: string) => Promise<void>
  readonly bids: ValidBid[] = []
  readonly results: ValidResult[] = []
  readonly jobs: ValidJobRequest[] = []
  readonly vouchers: SignedVoucher[] = []
  /** requester role: the input blob of each job pushed (unique per job: fetching it = starting work) */
  readonly inputOf = new Map<string, string>()
  /** provider role: how to answer an award */
  acceptAwards = true

  private constructor(node: HiveNode, key: PrivateKey) {
    this.node = node
    this.key = key
  }

  static async start(dir: string, name: string): Promise<HostilePeer> {
    const dataDir = join(dir, name)
    const config = loadConfig({ dataDir, flags: { listen: ['/ip4/127.0.0.1/tcp/0'], roles: 'requester' } })
    const node = await createHiveNode(config, { hardware: TEST_HARDWARE, libp2pDatastore: 'memory' })
    await node.start()
    const peer = new HostilePeer(node, node.privateKey)
    await peer.handleAll()
    return peer
  }

  get peerId(): PeerId {
    return this.node.peerId
  }

  async stop(): Promise<void> {
    await this.node.stop().catch(() => {})
  }

  async dial(other: HiveNode): Promise<void> {
    await this.node.libp2p.peerStore.merge(other.peerId, { multiaddrs: other.libp2p.getMultiaddrs() })
    await this.node.libp2p.dial(other.peerId)
  }

  private async handleAll(): Promise<void> {
    const libp2p = this.node.libp2p
    // requester role: collect bids and results
    await handleDirect({
      libp2p,
      protocol: 'bid',
      handle: async (bytes, from) => {
        this.bids.push(
          await validateBid(bytes, {
            now: Date.now(),
            expectedProvider: from,
            lookupJob: () => ({ maxPrice: parseEther('1000') }),
          }),
        )
        return okReply()
      },
    })
    await handleDirect({
      libp2p,
      protocol: 'result',
      handle: async (bytes, from) => {
        this.results.push(
          await validateResult(bytes, {
            now: Date.now(),
            expectedProvider: from,
            lookupAward: () => ({ outputBytes: 64 * 1024 * 1024 }),
          }),
        )
        return okReply()
      },
    })
    // provider role: hear pushed jobs, answer awards
    await handleDirect({
      libp2p,
      protocol: 'request',
      handle: async (bytes) => {
        this.jobs.push(await validateJobRequest(bytes, { now: Date.now() }))
        return okReply()
      },
    })
    await handleDirect({
      libp2p,
      protocol: 'award',
      handle: async (bytes) => {
        const award = openEnvelope(bytes, {
          type: MessageType.AWARD,
          decode: (b) => Award.decode(b),
          maxBytes: MAX_MESSAGE_BYTES.award,
        }).message
        const acceptance = await signAcceptance(
          {
            jobId: jobIdFromBytes(award.jobId),
            price: parsePositiveAmount(award.price, 'price'),
            awardIndex: award.awardIndex,
            accepted: this.acceptAwards,
            reason: this.acceptAwards ? '' : 'NO_CAPACITY',
            timestamp: Date.now(),
          },
          this.key,
        )
        return okReply(acceptance)
      },
    })
    // vouchers: stored and acknowledged, whatever they pay
    await libp2p.handle(VOUCHER_PROTOCOL, async (stream) => {
      const signal = AbortSignal.timeout(10_000)
      const lp = lpStream(stream, { maxDataLength: 4096 })
      const v = voucherFromWire((await lp.read({ signal })).subarray())
      this.vouchers.push(v)
      const ack = await signVoucherAck(
        {
          channelId: Uint8Array.from(Buffer.from(v.channelId.slice(2), 'hex')),
          nonce: v.nonce,
          cumulativeAmount: v.cumulativeAmount.toString(),
          status: VoucherStatus.VOUCHER_ACCEPTED,
          code: '',
          message: '',
          bestNonce: v.nonce,
          bestCumulativeAmount: v.cumulativeAmount.toString(),
          bestSignature: new Uint8Array(0),
          timestamp: Date.now(),
        },
        this.key,
      )
      await lp.write(ack, { signal })
      await stream.close({ signal })
    })
    // blobs: whatever is in `this.blobs` under the CID asked for
    await libp2p.handle(PROTOCOLS.blob, async (stream) => {
      const signal = AbortSignal.timeout(30_000)
      const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES.blobRequest })
      const request = decodeBlobRequest(await lp.read({ signal }))
      const cid = request.cid.toString()
      this.asked.push(cid)
      await this.beforeServe?.(cid)
      const bytes = this.blobs.get(cid)
      if (bytes === undefined) {
        await lp.write(
          BlobResponse.encode({ status: BlobStatus.BLOB_NOT_FOUND, totalSize: 0, offset: 0, length: 0, message: '' }),
          { signal },
        )
      } else {
        await lp.write(
          BlobResponse.encode({
            status: BlobStatus.BLOB_OK,
            totalSize: bytes.byteLength,
            offset: 0,
            length: bytes.byteLength,
            message: '',
          }),
          { signal },
        )
        for (let at = 0; at < bytes.byteLength; at += BLOB_CHUNK_DATA_BYTES) {
          await lp.write(BlobChunk.encode({ data: bytes.slice(at, at + BLOB_CHUNK_DATA_BYTES) }), { signal })
        }
      }
      await stream.close({ signal })
    })
  }

  /** Asks `peer` for blob `cid` over /hive/blob; returns its answer (and bytes when OK). */
  async fetchBlob(peer: PeerId, cid: CID | string): Promise<BlobAnswer> {
    const signal = AbortSignal.timeout(15_000)
    const c = typeof cid === 'string' ? parseCid(cid) : cid
    const stream = await this.node.libp2p.dialProtocol(peer, PROTOCOLS.blob, { signal })
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES.blobChunk })
    await lp.write(BlobRequest.encode({ cid: c.bytes, offset: 0, maxBytes: 0 }), { signal })
    const head = decodeBlobResponse(await lp.read({ signal }))
    if (head.status !== BlobStatus.BLOB_OK) {
      await stream.close({ signal }).catch(() => {})
      return { status: head.status, message: head.message }
    }
    const bytes = new Uint8Array(head.length)
    let got = 0
    while (got < head.length) {
      const data = decodeBlobChunk(await lp.read({ signal }))
      bytes.set(data, got)
      got += data.length
    }
    await stream.close({ signal }).catch(() => {})
    return { status: head.status, message: head.message, bytes }
  }

  // --- requester role ---------------------------------------------------------------------

  /** Signs a wordcount job and pushes it to `provider` directly; returns its id. */
  async pushJob(
    provider: HiveNode,
    input: {
      module: Uint8Array
      payment: PaymentMode
      ethAddress: string
      maxPrice?: bigint
      timeoutMs?: number
      words?: string
    },
  ): Promise<string> {
    // unique per job, so a provider that cached an earlier job's blobs must still ask for this one
    const data = text(
      `${input.words ?? 'hostile words here'} ` +
        `${Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex')}\n`,
    )
    const moduleCid = await cidForBytes(input.module)
    const inputCid = await cidForBytes(data)
    this.blobs.set(moduleCid.toString(), input.module)
    this.blobs.set(inputCid.toString(), data)
    const now = Date.now()
    const created = await createJobRequest(
      {
        executor: 'wasm',
        module: moduleCid,
        moduleSize: input.module.byteLength,
        inputs: [{ name: 'a.txt', cid: inputCid, size: data.byteLength }],
        args: ['1'],
        limits: { memoryBytes: 64 * 1024 * 1024, wallTimeMs: 10_000, outputBytes: 1024 * 1024 },
        maxPrice: input.maxPrice ?? parseEther('1'),
        payment: input.payment,
        redundancy: 1,
        bidWindowMs: 5_000,
        deadline: now + (input.timeoutMs ?? 10 * 60_000),
        createdAt: now,
        nonce: crypto.getRandomValues(new Uint8Array(16)),
        requesterEthAddress: input.ethAddress,
      },
      this.key,
      this.node.libp2p.getMultiaddrs().map((a) => a.toString()),
    )
    this.inputOf.set(created.jobId, inputCid.toString())
    await sendRequest(this.node.libp2p, provider.peerId, 'request', created.bytes, {
      addrs: provider.libp2p.getMultiaddrs(),
    })
    return created.jobId
  }

  async bidFor(jobId: string): Promise<ValidBid> {
    return await waitFor(`a bid on ${jobId}`, () => this.bids.find((b) => b.jobId === jobId))
  }

  /** Awards `jobId` to the bidder at its price; resolves whether it accepted. */
  async award(provider: PeerId, bid: ValidBid, deadlineMs: number): Promise<boolean> {
    const bytes = await signAward(
      { jobId: bid.jobId, provider, price: bid.price, awardIndex: 0, deadline: deadlineMs, issuedAt: Date.now() },
      this.key,
    )
    const reply = await sendRequest(this.node.libp2p, provider, 'award', bytes)
    const acceptance = await validateAcceptance(reply.envelope, {
      now: Date.now(),
      award: { jobId: bid.jobId, provider, price: bid.price, awardIndex: 0 },
    })
    return acceptance.accepted
  }

  async resultFor(jobId: string, timeoutMs = 20_000): Promise<ValidResult> {
    return await waitFor(`the result of ${jobId}`, () => this.results.find((r) => r.jobId === jobId), timeoutMs)
  }

  // --- provider role ----------------------------------------------------------------------

  /**
   * Subscribes to the wasm job topics (hears jobs by gossip): every shard at the default shard
   * count and the unsharded topic. An attacker may join them all; an honest provider joins two.
   */
  subscribeJobs(): void {
    const pubsub = this.node.libp2p.services.pubsub
    const topics = new Set(classJobTopics('wasm', DEFAULT_SETTINGS.jobShards))
    for (const t of topics) pubsub.subscribe(t)
    pubsub.addEventListener('message', (evt) => {
      if (!topics.has(evt.detail.topic)) return
      void validateJobRequest(evt.detail.data, { now: Date.now() }).then(
        (j) => {
          this.jobs.push(j)
        },
        () => {},
      )
    })
  }

  async bid(job: ValidJobRequest, price: bigint, ethAddress: string): Promise<void> {
    const bytes = await signBid(
      {
        jobId: job.jobId,
        price,
        estimatedDurationMs: 1_000,
        expiresAt: job.bidsCloseAt + 30_000,
        benchmarkScore: 1000,
        providerEthAddress: ethAddress,
      },
      this.key,
    )
    await sendRequest(this.node.libp2p, job.requester, 'bid', bytes, { addrs: job.requesterAddrs })
  }
}

// ---------------------------------------------------------------------------------------------
// chain

/** A plain ERC20 that is not HIVE (MockFeeToken with its fee off), `amount` minted to `to`. */
export async function deployOtherToken(chain: DevChain, to: string, amount: bigint): Promise<Bound<MockFeeToken>> {
  const artifact = JSON.parse(
    readFileSync(join(root, 'artifacts', 'contracts', 'test', 'MockFeeToken.sol', 'MockFeeToken.json'), 'utf8'),
  ) as { abi: unknown[]; bytecode: string }
  // an account no TxSender of the test uses, with its own nonce bookkeeping
  const signer = new NonceManager(chain.account(7))
  const deployed = await new ContractFactory(artifact.abi as never, artifact.bytecode, signer).deploy()
  await deployed.waitForDeployment()
  const token = bindContract<MockFeeToken>(await deployed.getAddress(), artifact.abi as never, signer)
  await (await token.setFeeOn(false)).wait()
  await (await token.mint(to, amount)).wait()
  return token
}

/** The hostile requester's own escrow, straight on the contract: any token, amount and deadline. */
export async function createEscrow(
  chain: DevChain,
  wallet: Wallet,
  e: { jobId: string; provider: string; token: Contract; amount: bigint; deadline: bigint },
): Promise<void> {
  const sender = await chain.senderFor(wallet)
  const escrowAddress = await chain.contracts.escrow.getAddress()
  await sender.call(e.token, 'approve', [escrowAddress, e.amount])
  await sender.call(chain.contracts.escrow, 'create', [
    `0x${e.jobId}`,
    e.provider,
    await e.token.getAddress(),
    e.amount,
    e.deadline,
  ])
}
