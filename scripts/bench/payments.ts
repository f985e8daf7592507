// `npm run bench -- payments [--jobs N] [--escrow-jobs M]`: voucher signing and verification
// rates on one core (per second of the thread's CPU time, so a busy shared machine does not
// shrink them; the wall-clock rates are printed too), then real nodes (libp2p on 127.0.0.1, level stores with fsync)
// paying jobs
// on a local Hardhat chain: channel jobs per second and gas per job, channel vs escrow.
// Last stdout line: {"bench":"payments","voucherSignPerSec","voucherVerifyPerSec",
// "channelJobsPerSec","gasPerJobChannel","gasPerJobEscrow", …}
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet, keccak256, parseEther, toUtf8Bytes } from 'ethers'
import { runCpuBenchmark } from '../../node/hardware/benchmark.ts'
import { VoucherVerifier } from '../../protocol/payments/channel-rules.ts'
import { VoucherHasher } from '../../protocol/payments/voucher.ts'
import { startDevChain } from '../../test/support/chain.ts'
import { connect, startPayPeer, waitUntil } from '../../test/node/payments/helpers.ts'
import type { ChannelView } from '../../protocol/payments/channel-rules.ts'
import type { SignedVoucher } from '../../protocol/payments/voucher.ts'
import type { DevChain } from '../../test/support/chain.ts'

const args = process.argv.slice(2)
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const JOBS = opt('--jobs', 1000)
const ESCROW_JOBS = opt('--escrow-jobs', 5)
const note = (s: string): void => {
  process.stderr.write(s + '\n')
}

/** Rate per second of this thread's CPU time (what one core does, however many share it) and of wall time. */
function timed(n: number, fn: () => void): { cpu: number; wall: number } {
  const c = process.cpuUsage()
  const t = performance.now()
  fn()
  const wallS = (performance.now() - t) / 1000
  const used = process.cpuUsage(c)
  const cpuS = (used.user + used.system) / 1e6
  return { cpu: Math.round(n / cpuS), wall: Math.round(n / wallS) }
}

interface CryptoRates {
  voucherSignPerSec: number
  voucherVerifyPerSec: number
  voucherSignPerWallSec: number
  voucherVerifyPerWallSec: number
  voucherVerifyFirstPassPerSec: number
  verifierBuildMs: number
}

function cryptoRates(): CryptoRates {
  const wallet = new Wallet('0x' + '5a'.repeat(32))
  const contract = '0x' + '22'.repeat(20)
  const channelId = '0x' + 'ab'.repeat(32)
  const hasher = new VoucherHasher(31337n, contract)
  const n = 3000
  const vouchers: SignedVoucher[] = []
  const sign = timed(n, () => {
    for (let i = 1; i <= n; i++) {
      const amount = BigInt(i) * 1000n
      vouchers.push({
        chainId: 31337n,
        contract,
        channelId,
        cumulativeAmount: amount,
        nonce: BigInt(i),
        signature: wallet.signingKey.sign(hasher.digest(channelId, amount, BigInt(i))).serialized,
      })
    }
  })
  const channel: ChannelView = {
    chainId: 31337n,
    contract,
    channelId,
    requester: wallet.address,
    provider: contract,
    token: contract,
    deposit: 10n ** 30n,
    expiry: 0n,
    challengePeriod: 10n,
    feeBps: 0n,
    status: 'open',
  }
  // as a node's payments service builds it: 8-bit tables for the first vouchers of a key, then
  // 13-bit ones built a slice per voucher (DEFAULT_TABLE_UPGRADE)
  const verifier = new VoucherVerifier({ chainId: 31337n, contract, windowBits: 8 })
  const t = performance.now()
  verifier.verify(channel, undefined, vouchers[0])
  const verifierBuildMs = performance.now() - t
  const pass = (): { cpu: number; wall: number } =>
    timed(n - 1, () => {
      for (let i = 1; i < n; i++)
        verifier.verify(channel, { nonce: BigInt(i), cumulativeAmount: vouchers[i - 1].cumulativeAmount }, vouchers[i])
    })
  // the first pass includes the move to 13-bit tables; the second is the steady rate
  const first = pass()
  const verify = pass()
  return {
    voucherSignPerSec: sign.cpu,
    voucherVerifyPerSec: verify.cpu,
    voucherSignPerWallSec: sign.wall,
    voucherVerifyPerWallSec: verify.wall,
    voucherVerifyFirstPassPerSec: first.cpu,
    verifierBuildMs: Math.round(verifierBuildMs),
  }
}

async function gasOf(chain: DevChain, hashes: string[]): Promise<bigint> {
  let total = 0n
  for (const h of hashes) total += (await chain.provider.getTransactionReceipt(h))!.gasUsed
  return total
}

async function main(): Promise<void> {
  const cpuScore = runCpuBenchmark().score
  note('voucher sign/verify on one core …')
  const rates = cryptoRates()
  note(JSON.stringify(rates))
  note('starting a Hardhat node and deploying …')
  const chain = await startDevChain({ params: { protocolFeeBps: 0n } })
  const root = mkdtempSync(join(tmpdir(), 'hive-bench-pay-'))
  try {
    await chain.giveHive(chain.account(1).address, parseEther('100000'))
    const price = parseEther('0.001')
    const requester = await startPayPeer(chain, root, 'requester', chain.account(1), {
      channelDeposit: price * BigInt(JOBS),
      windowBits: 12,
    })
    const provider = await startPayPeer(chain, root, 'provider', chain.account(2), { windowBits: 12 })
    try {
      await connect(requester, provider)
      note(`paying ${JOBS} jobs through one channel …`)
      // the provider did these jobs: it takes only vouchers that pay for jobs it expects
      for (let i = 0; i < JOBS; i++)
        await provider.payments.receiver.expect({
          jobId: keccak256(toUtf8Bytes(`bench-${i}`)),
          requesterAddress: requester.payments.address,
          price,
        })
      const t = performance.now()
      for (let i = 0; i < JOBS; i++) {
        await requester.payments.payJob({
          jobId: keccak256(toUtf8Bytes(`bench-${i}`)),
          payment: 'channel',
          providerPeer: provider.node.peerId,
          providerAddress: provider.payments.address,
          price,
          resultHash: '0x',
        })
      }
      const channelJobsPerSec = JOBS / ((performance.now() - t) / 1000)
      await waitUntil(
        'the provider closed the spent channel',
        async () => (await provider.payments.channels.list({ status: ['closed'] })).length === 1,
        60_000,
      )
      const [opened] = await requester.payments.channels.list()
      const [closed] = await provider.payments.channels.list()
      const channelGas = await gasOf(chain, [opened.openTx!, closed.closeTx!])
      note(`channel: open + close = ${channelGas} gas for ${JOBS} jobs; paid out ${closed.payout}`)

      note(`${ESCROW_JOBS} escrow jobs (approve + create, commit, release) …`)
      const escrowHashes: string[] = []
      for (let i = 0; i < ESCROW_JOBS; i++) {
        const jobId = keccak256(toUtf8Bytes(`escrow-${i}`))
        const deadline = BigInt(await chain.now()) + 600n
        const created = await requester.payments.escrow.create(jobId, provider.payments.address, price, deadline)
        await provider.payments.escrow.waitFunded(jobId, requester.payments.address, price)
        const committed = await provider.payments.escrow.commit(
          jobId,
          requester.payments.address,
          keccak256(toUtf8Bytes(`out-${i}`)),
        )
        const released = await requester.payments.escrow.release(
          jobId,
          provider.payments.address,
          keccak256(toUtf8Bytes(`out-${i}`)),
        )
        escrowHashes.push(...Object.values(created.txs), committed.txs.commit!, released.txs.release!)
      }
      const escrowGas = await gasOf(chain, escrowHashes)
      const gasPerJobChannel = Number(channelGas) / JOBS
      const gasPerJobEscrow = Number(escrowGas) / ESCROW_JOBS
      console.log(
        JSON.stringify({
          bench: 'payments',
          cpuScore,
          voucherSignPerSec: rates.voucherSignPerSec,
          voucherVerifyPerSec: rates.voucherVerifyPerSec,
          voucherSignPerWallSec: rates.voucherSignPerWallSec,
          voucherVerifyPerWallSec: rates.voucherVerifyPerWallSec,
          voucherVerifyFirstPassPerSec: rates.voucherVerifyFirstPassPerSec,
          channelJobsPerSec: Math.round(channelJobsPerSec * 10) / 10,
          gasPerJobChannel: Math.round(gasPerJobChannel * 10) / 10,
          gasPerJobEscrow: Math.round(gasPerJobEscrow),
          escrowToChannelGasRatio: Math.round(gasPerJobEscrow / gasPerJobChannel),
          channelJobs: JOBS,
          escrowJobs: ESCROW_JOBS,
          verifierBuildMs: rates.verifierBuildMs,
          // the rates are per core; on a shared machine read them against the load
          loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
          cpus: cpus().length,
        }),
      )
    } finally {
      await requester.stop()
      await provider.stop()
    }
  } finally {
    await chain.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

await main()
