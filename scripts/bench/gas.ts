// `npm run bench -- gas`: gas of the settlement paths, from real transaction receipts on the
// in-process Hardhat network, after warm-up transactions so that each figure is what a node pays
// in steady state (accounts and balances already exist). Progress goes to stderr; the last
// stdout line is one JSON object.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { ContractTransactionResponse, Signer } from 'ethers'
import { network } from 'hardhat'
import { COOPERATIVE_CLOSE_TYPES, VOUCHER_TYPES, channelId, voucherDomain } from '../../protocol/eip712.ts'
import { deployAll } from '../../node/chain/deploy.ts'
import { devnetParams } from '../../node/chain/deploy-params.ts'
import type { Deployment } from '../../node/chain/deployment-schema.ts'
import { connectContracts } from '../../node/chain/contracts.ts'
import type { HiveContracts } from '../../node/chain/contracts.ts'

const root = resolve(import.meta.dirname, '..', '..')
const log = (msg: string): void => {
  console.error(`[gas] ${msg}`)
}
const JOBS_PER_CHANNEL = 1000n
const ENTRIES_PER_ANCHOR = 10_000n
const PRICE = 10n ** 15n // 0.001 HIVE per job

log('building contracts')
const build = spawnSync(join(root, 'node_modules', '.bin', 'hardhat'), ['build', '--quiet'], {
  cwd: root,
  stdio: ['ignore', 2, 2],
})
if (build.status !== 0) process.exit(build.status ?? 1)

const { ethers } = await network.connect()
const [deployer, requester, provider, submitter] = await ethers.getSigners()
const dir = mkdtempSync(join(tmpdir(), 'hive-gas-'))
let d: Deployment
try {
  d = await deployAll({ signer: deployer, params: devnetParams, deploymentsDir: dir, log })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
const { chainId } = await ethers.provider.getNetwork()
const at = (s: Signer): HiveContracts => connectContracts(d, s)
const token = at(deployer).token
const tokenAddr = d.contracts.HiveToken.address
const channelAddr = d.contracts.PaymentChannel.address
const escrowAddr = d.contracts.JobEscrow.address

async function gas(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait()
  if (receipt == null || receipt.status !== 1) throw new Error('transaction failed')
  return receipt.gasUsed
}

await gas(token.transfer(requester.address, 10n ** 24n))
for (const spender of [channelAddr, escrowAddr]) await gas(at(requester).token.approve(spender, ethers.MaxUint256))

const channel = at(requester).channel
const domain = voucherDomain(chainId, channelAddr)
const deposit = PRICE * JOBS_PER_CHANNEL
async function open(): Promise<{ id: string; gasUsed: bigint }> {
  const nonce = await channel.nonces(requester.address)
  const gasUsed = await gas(channel.open(provider.address, tokenAddr, deposit, 0n))
  const id = channelId({
    chainId,
    contract: channelAddr,
    requester: requester.address,
    provider: provider.address,
    token: tokenAddr,
    expiry: 0n,
    challengePeriod: devnetParams.channelChallengePeriod,
    feeBps: devnetParams.protocolFeeBps,
    nonce,
  })
  return { id, gasUsed }
}
async function closeWithVoucher(id: string, amount: bigint, nonce: bigint): Promise<bigint> {
  const sig = await requester.signTypedData(domain, VOUCHER_TYPES, { channelId: id, cumulativeAmount: amount, nonce })
  return await gas(at(provider).channel.closeWithVoucher(id, amount, nonce, sig))
}

log('warm-up: one channel settled (balances exist), one left open (the contract holds deposits)')
await closeWithVoucher((await open()).id, PRICE, 1n)
await open()

log(`channel: open, ${JOBS_PER_CHANNEL} vouchers off-chain, close with the last one`)
const measured = await open()
const channelOpen = measured.gasUsed
const channelCloseWithVoucher = await closeWithVoucher(measured.id, PRICE * JOBS_PER_CHANNEL, JOBS_PER_CHANNEL)

log('channel: cooperative close')
const coop = await open()
const msg = { channelId: coop.id, cumulativeAmount: PRICE * 500n, nonce: 500n }
const rs = await requester.signTypedData(domain, COOPERATIVE_CLOSE_TYPES, msg)
const ps = await provider.signTypedData(domain, COOPERATIVE_CLOSE_TYPES, msg)
const channelCooperativeClose = await gas(
  at(provider).channel.cooperativeClose(coop.id, msg.cumulativeAmount, msg.nonce, rs, ps),
)

log('escrow: warm-up job, then create + release')
const escrow = at(requester).escrow
async function escrowJob(label: string): Promise<[bigint, bigint]> {
  const jobId = ethers.id(label)
  const deadline = BigInt((await ethers.provider.getBlock('latest'))?.timestamp ?? 0) + 3600n
  const created = await gas(escrow.create(jobId, provider.address, tokenAddr, PRICE, deadline))
  const id = await escrow.escrowIdOf(jobId, requester.address, provider.address)
  return [created, await gas(escrow.release(id, ethers.id(`${label} output`)))]
}
await escrowJob('warm-up')
const [escrowCreate, escrowRelease] = await escrowJob('measured')

log('anchor: first anchor (warm-up), then a steady-state one')
const anchor = at(submitter).anchor
const firstAnchor = await gas(anchor.anchor(ethers.id('root 1'), ENTRIES_PER_ANCHOR))
const anchorGas = await gas(anchor.anchor(ethers.id('root 2'), 2n * ENTRIES_PER_ANCHOR))
log(`first anchor of a submitter: ${firstAnchor} gas (creates its list)`)

const channelGasPerJobAt1000 = Number(channelOpen + channelCloseWithVoucher) / Number(JOBS_PER_CHANNEL)
const escrowGasPerJob = Number(escrowCreate + escrowRelease)
const result = {
  channelOpen: Number(channelOpen),
  channelCloseWithVoucher: Number(channelCloseWithVoucher),
  channelCooperativeClose: Number(channelCooperativeClose),
  escrowCreate: Number(escrowCreate),
  escrowRelease: Number(escrowRelease),
  anchor: Number(anchorGas),
  channelGasPerJobAt1000: Math.round(channelGasPerJobAt1000 * 10) / 10,
  escrowGasPerJob,
  escrowToChannelRatio: Math.round((escrowGasPerJob / channelGasPerJobAt1000) * 10) / 10,
  anchorGasPerEntryAt10000: Math.round((Number(anchorGas) / Number(ENTRIES_PER_ANCHOR)) * 100) / 100,
}
const goals: Array<[string, boolean]> = [
  ['channelGasPerJobAt1000 <= 500', result.channelGasPerJobAt1000 <= 500],
  ['escrowToChannelRatio >= 100', result.escrowToChannelRatio >= 100],
  ['anchorGasPerEntryAt10000 <= 10', result.anchorGasPerEntryAt10000 <= 10],
]
for (const [goal, met] of goals) log(`${met ? 'met' : 'MISSED'}: ${goal}`)
console.log(JSON.stringify(result))
