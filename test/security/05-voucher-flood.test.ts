// Item 5: voucher floods. A hostile requester (a real node with a real channel to the provider)
// floods the provider's voucher protocol: same-amount vouchers with ever higher nonces, vouchers
// naming jobs the provider never did, and vouchers for random channel ids. None may be acked,
// none may reach the provider's audit log, and random ids must not each cost an RPC read.
import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { id, parseEther } from 'ethers'
import { VoucherStatus, openVoucherAck } from '../../protocol/payments/ack.ts'
import { VoucherHasher, voucherToWire } from '../../protocol/payments/voucher.ts'
import { sendVoucher } from '../../node/payments/voucher-stream.ts'
import { startDevChain } from '../support/chain.ts'
import { connect, startPayPeer } from '../node/payments/helpers.ts'
import { startRpcCounter } from './support/rpc-counter.ts'
import type { DevChain } from '../support/chain.ts'
import type { PayPeer } from '../node/payments/helpers.ts'
import type { RpcCounter } from './support/rpc-counter.ts'

describe('security 05: voucher floods', function () {
  this.timeout(120_000)
  let chain: DevChain
  let root: string
  let rpc: RpcCounter
  const peers: PayPeer[] = []

  before(async function () {
    chain = await startDevChain({ params: { protocolFeeBps: 0n } })
    root = mkdtempSync(join(tmpdir(), 'hive-sec05-'))
    rpc = await startRpcCounter(chain.url)
    await chain.giveHive(chain.account(1).address, parseEther('1000'))
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await rpc?.stop()
    await chain?.stop()
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
  })

  it(
    'acks none of 40 same-amount, 40 unknown-job and 40 random-channel vouchers, logs none, ' +
      'and reads the chain a bounded number of times',
    async () => {
      const attacker = await startPayPeer(chain, root, 'attacker', chain.account(1))
      // the provider reads the chain through the counting proxy
      const counted = { ...chain, settings: { ...chain.settings, rpcUrl: rpc.url } }
      const provider = await startPayPeer(counted, root, 'provider', chain.account(2), {}, { audit: true })
      peers.push(attacker, provider)
      await connect(attacker, provider)
      const price = parseEther('1')
      const channel = await attacker.payments.payer.open(
        provider.payments.address,
        provider.node.peerId,
        parseEther('10'),
      )
      // one job really done for the attacker, at 1 HIVE: the provider expects its payment
      const jobId = '0x' + '5a'.repeat(32)
      await provider.payments.receiver.expect({ jobId, requesterAddress: attacker.payments.address, price })
      const hasher = new VoucherHasher(31337n, chain.deployment.contracts.PaymentChannel.address)
      type Forged = { nonce: bigint; amount: bigint; jobId?: string; channelId?: string }
      const send = async (o: Forged): Promise<VoucherStatus> => {
        const channelId = o.channelId ?? channel.channelId
        const signature = chain.account(1).signingKey.sign(hasher.digest(channelId, o.amount, o.nonce)).serialized
        const wire = voucherToWire({
          chainId: 31337n,
          contract: hasher.contract,
          channelId,
          cumulativeAmount: o.amount,
          nonce: o.nonce,
          signature,
          ...(o.jobId !== undefined ? { jobId: o.jobId } : {}),
        })
        const ack = await sendVoucher(attacker.node.libp2p, provider.node.peerId, wire)
        return (await openVoucherAck(ack, provider.node.peerId)).status
      }
      expect(await send({ nonce: 1n, amount: price, jobId })).to.equal(VoucherStatus.VOUCHER_ACCEPTED)
      const auditSize = provider.audit!.size()
      let acked = 0
      const accepted = async (o: Forged): Promise<number> =>
        (await send(o)) === VoucherStatus.VOUCHER_ACCEPTED ? 1 : 0
      const randomId = (): string => '0x' + randomBytes(32).toString('hex')
      for (let i = 0; i < 40; i++) acked += await accepted({ nonce: 2n + BigInt(i), amount: price, jobId })
      expect(acked, 'same-amount vouchers acked').to.equal(0)
      for (let i = 0; i < 40; i++) {
        acked += await accepted({ nonce: 100n + BigInt(i), amount: price + BigInt(i + 1), jobId: randomId() })
      }
      expect(acked, 'vouchers for jobs never done acked').to.equal(0)
      // reads of the contract's channel(bytes32) record (other reads are the node's own polling)
      const channelRead = id('channel(bytes32)').slice(0, 10)
      const readsBefore = rpc.calls('eth_call', channelRead)
      for (let i = 0; i < 40; i++) acked += await accepted({ nonce: 1n, amount: 1n, jobId, channelId: randomId() })
      expect(acked, 'random-channel vouchers acked').to.equal(0)
      expect(rpc.calls('eth_call', channelRead) - readsBefore, 'chain reads for 40 random channel ids').to.be.at.most(4)
      expect(provider.audit!.size(), 'audit entries added by the flood').to.equal(auditSize)
      expect((await provider.payments.channels.best(channel.channelId))?.nonce).to.equal('1')
    },
  )
})
