// A hostile provider for the payments attack tests: a real libp2p node (HiveNode, no payments
// service) that speaks /hive/voucher/1.0.0 itself with the signing helpers in protocol/. Each
// test decides how it answers; every voucher it receives is kept, and it can redeem the best
// one on chain with its own wallet, as a real thief would.
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { loadConfig } from '../../../node/config.ts'
import { createHiveNode } from '../../../node/create.ts'
import type { HiveNode } from '../../../node/node.ts'
import { VOUCHER_PROTOCOL } from '../../../node/payments/voucher-stream.ts'
import { MAX_VOUCHER_BYTES, voucherFromWire } from '../../../protocol/payments/voucher.ts'
import { VoucherStatus, signVoucherAck } from '../../../protocol/payments/ack.ts'
import { TEST_HARDWARE } from '../../node/market/helpers.ts'
import type { SignedVoucher } from '../../../protocol/payments/voucher.ts'
import type { VoucherAck } from '../../../protocol/payments/ack.ts'
import type { DevChain } from '../../support/chain.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Wallet } from 'ethers'

/** What the hostile provider answers to the n-th voucher (0-based): an ack, or 'drop' to cut the stream. */
export type HostileAnswer = (
  v: SignedVoucher,
  n: number,
  ack: (fields: Partial<VoucherAck>) => Promise<Uint8Array>,
) => Promise<Uint8Array | 'drop'>

export interface HostileProvider {
  node: HiveNode
  wallet: Wallet
  received: SignedVoucher[]
  /** the received voucher with the highest cumulative amount */
  best: () => SignedVoucher | undefined
  /** closeWithVoucher with `best()`; returns the HIVE the wallet gained */
  redeemBest: () => Promise<bigint>
  stop: () => Promise<void>
}

export async function startHostileProvider(
  chain: DevChain,
  root: string,
  name: string,
  wallet: Wallet,
  answer: HostileAnswer,
): Promise<HostileProvider> {
  const dataDir = join(root, name)
  const config = loadConfig({ dataDir, flags: { listen: ['/ip4/127.0.0.1/tcp/0'], roles: 'provider' } })
  const node = await createHiveNode(config, { hardware: TEST_HARDWARE, libp2pDatastore: 'memory' })
  const key: PrivateKey = node.privateKey
  await node.start()
  const received: SignedVoucher[] = []
  await node.libp2p.handle(VOUCHER_PROTOCOL, async (stream) => {
    const signal = AbortSignal.timeout(10_000)
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_VOUCHER_BYTES })
      const v = voucherFromWire((await lp.read({ signal })).subarray())
      received.push(v)
      const ack = async (fields: Partial<VoucherAck>): Promise<Uint8Array> =>
        await signVoucherAck(
          {
            channelId: Uint8Array.from(Buffer.from(v.channelId.slice(2), 'hex')),
            nonce: v.nonce,
            cumulativeAmount: v.cumulativeAmount.toString(),
            status: VoucherStatus.VOUCHER_ACCEPTED,
            code: '',
            message: '',
            bestNonce: v.nonce,
            bestCumulativeAmount: v.cumulativeAmount.toString(),
            timestamp: Date.now(),
            ...fields,
          } as VoucherAck,
          key,
        )
      const out = await answer(v, received.length - 1, ack)
      if (out === 'drop') {
        stream.abort(new Error('ack lost'))
        return
      }
      await lp.write(out, { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  })
  const best = (): SignedVoucher | undefined =>
    received.reduce<SignedVoucher | undefined>(
      (b, v) => (b === undefined || v.cumulativeAmount > b.cumulativeAmount ? v : b),
      undefined,
    )
  const balance = async (): Promise<bigint> => await chain.contracts.token.balanceOf.staticCall(wallet.address)
  return {
    node,
    wallet,
    received,
    best,
    redeemBest: async () => {
      const v = best()
      if (v === undefined) return 0n
      const before = await balance()
      const sender = await chain.senderFor(wallet)
      const args = [v.channelId, v.cumulativeAmount, v.nonce, v.signature]
      await sender.call(chain.contracts.channel, 'closeWithVoucher', args, { label: 'thief closes' })
      return (await balance()) - before
    },
    stop: async () => {
      await node.stop()
    },
  }
}
