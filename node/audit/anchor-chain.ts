// AuditAnchor as the audit code needs it: reading a submitter's anchors (auditors) and sending
// this node's anchors through the chain layer's one TxSender per account (the anchorer).
import { ZeroAddress, getAddress } from 'ethers'
import type { EventLog } from 'ethers'
import { deploymentBlock } from '../chain/contracts.ts'
import { requireSender } from '../chain/client.ts'
import { HiveError } from '../../protocol/errors.ts'
import type { ChainClient } from '../chain/client.ts'
import type { AnchorRecord } from '../../protocol/audit/log-check.ts'
import type { PeerBindingRecord } from '../../protocol/audit/peer-binding.ts'

export type { AnchorRecord, PeerBindingRecord }

export interface AnchorReader {
  readonly chainId: number
  /** the AuditAnchor contract, checksummed */
  readonly contract: string
  /** every anchor of `submitter`, ascending */
  anchors: (submitter: string) => Promise<AnchorRecord[]>
  latest: (submitter: string) => Promise<AnchorRecord | undefined>
  /** the transaction that made anchor `index` of `submitter`, when the RPC still has its log */
  anchorTx: (submitter: string, index: number) => Promise<string | undefined>
  /** AuditAnchor's binding history of a peer id (binary), oldest first, signatures unchecked */
  peerBindings: (peer: Uint8Array) => Promise<PeerBindingRecord[]>
  /** the newest record of that history, if any */
  lastPeerBinding: (peer: Uint8Array) => Promise<PeerBindingRecord | undefined>
  /** the peer ids (binary) `account` ever recorded a binding to (from PeerBound logs; unchecked) */
  boundPeers: (account: string) => Promise<Uint8Array[]>
  /** ProviderRegistry's address for a staked peer id (binary), if any */
  registeredAddress: (peer: Uint8Array) => Promise<string | undefined>
  /** ProviderRegistry's peer id (binary) for a staked address, if any */
  registeredPeer: (address: string) => Promise<Uint8Array | undefined>
}

export interface AnchorWriter extends AnchorReader {
  /** the submitter: this node's account */
  readonly address: string
  /** sends anchor(root, size) and resolves once it is mined */
  anchor: (root: Uint8Array, treeSize: number, signal?: AbortSignal) => Promise<{ txHash: string; blockNumber: number }>
  /** sends bindPeer(peer, nonce, signature): this account anchors `peer`'s log from now on */
  bindPeer: (
    peer: Uint8Array,
    nonce: bigint,
    signature: Uint8Array,
    signal?: AbortSignal,
  ) => Promise<{ txHash: string }>
  /** after a mined anchor vanished in a reorg: count this account's nonce from the chain again */
  resyncNonce?: () => Promise<void>
}

const hex32 = (b: Uint8Array): string => '0x' + Buffer.from(b).toString('hex')
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.slice(2), 'hex'))

interface AnchorStruct {
  root: string
  treeSize: bigint
  timestamp: bigint
}
interface BindingStruct {
  account: string
  nonce: bigint
  since: bigint
  fromAnchor: bigint
  untilAnchor: bigint
  signature: string
}

const CURRENT = 2n ** 64n - 1n
const MAX_BINDINGS = 4096

function bindingRecord(index: number, b: BindingStruct): PeerBindingRecord {
  return {
    index,
    account: getAddress(b.account),
    nonce: b.nonce,
    since: Number(b.since),
    fromAnchor: Number(b.fromAnchor),
    ...(b.untilAnchor !== CURRENT ? { untilAnchor: Number(b.untilAnchor) } : {}),
    signature: unhex(b.signature),
  }
}

function record(index: number, a: AnchorStruct): AnchorRecord {
  return { index, root: unhex(a.root), treeSize: Number(a.treeSize), timestamp: Number(a.timestamp) }
}

/** Reads AuditAnchor (and ProviderRegistry's peer bindings) through `client`. */
export function anchorReader(client: Pick<ChainClient, 'chainId' | 'contracts' | 'deployment'>): AnchorReader {
  const { anchor, registry } = client.contracts
  const fromBlock = deploymentBlock(client.deployment, 'AuditAnchor')
  const count = async (submitter: string): Promise<number> => Number(await anchor.anchorCount.staticCall(submitter))
  const at = async (submitter: string, index: number): Promise<AnchorRecord> =>
    record(index, await anchor.anchorAt.staticCall(submitter, index))
  const bindingCount = async (peer: Uint8Array): Promise<number> => Number(await anchor.bindingCount.staticCall(peer))
  const bindingAt = async (peer: Uint8Array, index: number): Promise<PeerBindingRecord> =>
    bindingRecord(index, await anchor.bindingAt.staticCall(peer, index))

  return {
    chainId: client.chainId,
    contract: getAddress(client.deployment.contracts.AuditAnchor.address),
    async anchors(submitter) {
      const n = await count(submitter)
      if (n === 0) return []
      // one log query for many anchors; the view calls when the RPC's logs are incomplete
      if (n > 16) {
        const logs = await anchor.queryFilter(anchor.filters.Anchored(submitter), fromBlock).catch(() => [])
        const out = (logs as EventLog[])
          .filter((l) => 'args' in l)
          .map((l) =>
            record(Number(l.args.index as bigint), {
              root: l.args.root as string,
              treeSize: l.args.treeSize as bigint,
              timestamp: l.args.timestamp as bigint,
            }),
          )
        out.sort((a, b) => a.index - b.index)
        if (out.length === n && out.every((a, i) => a.index === i)) return out
      }
      const out: AnchorRecord[] = []
      for (let i = 0; i < n; i += 16) {
        out.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(16, n - i) }, async (_, j) => await at(submitter, i + j)),
          )),
        )
      }
      return out
    },
    async latest(submitter) {
      const n = await count(submitter)
      return n === 0 ? undefined : await at(submitter, n - 1)
    },
    async anchorTx(submitter, index) {
      const logs = await anchor.queryFilter(anchor.filters.Anchored(submitter, index), fromBlock).catch(() => [])
      return logs[0]?.transactionHash
    },
    async lastPeerBinding(peer) {
      const n = await bindingCount(peer)
      return n === 0 ? undefined : await bindingAt(peer, n - 1)
    },
    async peerBindings(peer) {
      const n = await bindingCount(peer)
      // every record counts (skipping old ones would hide the accounts a peer left), so a history
      // padded beyond reason is refused rather than read in part
      if (n > MAX_BINDINGS) {
        const why = `${n} binding records for one peer (more than ${MAX_BINDINGS}): not read`
        throw new HiveError('BINDING_HISTORY_TOO_LONG', why)
      }
      const out: PeerBindingRecord[] = []
      for (let i = 0; i < n; i += 16) {
        const batch = Array.from({ length: Math.min(16, n - i) }, async (_, j) => await bindingAt(peer, i + j))
        out.push(...(await Promise.all(batch)))
      }
      return out
    },
    async boundPeers(account) {
      const logs = await anchor.queryFilter(anchor.filters.PeerBound(undefined, account), fromBlock).catch(() => [])
      const peers = new Map<string, Uint8Array>()
      for (const l of logs as EventLog[]) {
        if (!('args' in l)) continue
        const h = l.args.peerId as string
        if (!peers.has(h)) peers.set(h, unhex(h))
      }
      return [...peers.values()]
    },
    async registeredAddress(peer) {
      const a = await registry.providerOfPeerId.staticCall(peer)
      return a === ZeroAddress ? undefined : getAddress(a)
    },
    async registeredPeer(address) {
      const info = await registry.providerInfo.staticCall(address)
      return info.peerId === '0x' ? undefined : unhex(info.peerId)
    },
  }
}

/** Reads and writes this node's anchors: `client` must have the node's wallet (and so its TxSender). */
export function anchorWriter(client: ChainClient): AnchorWriter {
  const sender = requireSender(client)
  const reader = anchorReader(client)
  return {
    ...reader,
    address: sender.address,
    async anchor(root, treeSize, signal) {
      const tx = await sender.call(client.contracts.anchor, 'anchor', [hex32(root), treeSize], {
        label: 'audit anchor',
        ...(signal !== undefined ? { signal } : {}),
      })
      return { txHash: tx.hash, blockNumber: tx.receipt.blockNumber }
    },
    async resyncNonce() {
      await sender.resyncNonce()
    },
    async bindPeer(peer, nonce, signature, signal) {
      const tx = await sender.call(client.contracts.anchor, 'bindPeer', [peer, nonce, signature], {
        label: 'audit peer binding',
        ...(signal !== undefined ? { signal } : {}),
      })
      return { txHash: tx.hash }
    },
  }
}
