// Shared fixtures for the contract tests: the core contracts owned by an EOA standing in for
// governance (so unit tests can call owner functions directly), funded accounts, signing helpers.
import { expect } from 'chai'
import { Signature, toBeHex } from 'ethers'
import type { BaseContract, Signer } from 'ethers'
import type { network } from 'hardhat'
import {
  COOPERATIVE_CLOSE_TYPES,
  RELEASE_TYPES,
  RESULT_COMMITMENT_TYPES,
  VOUCHER_TYPES,
  escrowDomain,
  registryDomain,
  voucherDomain,
} from '../../protocol/eip712.ts'
import type { CreditLedger, HiveToken } from '../../types/ethers-contracts/index.ts'
import type { CooperativeClose, Release, ResultCommitment, Voucher } from '../../protocol/eip712.ts'

export type Connection = Awaited<ReturnType<typeof network.connect>>
export type Ethers = Connection['ethers']
export type Account = Awaited<ReturnType<Ethers['getSigners']>>[number]

/** `contract.connect(signer)`, keeping the contract's TypeChain type (ethers types it as BaseContract). */
export function as<T extends BaseContract>(c: T, s: Signer): T {
  return c.connect(s) as T
}

export const E18 = 10n ** 18n
export const hive = (n: number | bigint): bigint => BigInt(n) * E18

export const EscrowStatus = {
  None: 0,
  Active: 1,
  Disputed: 2,
  Released: 3,
  Claimed: 4,
  Refunded: 5,
  Resolved: 6,
} as const
export const ChannelStatus = { None: 0, Open: 1, Closing: 2, Closed: 3 } as const
export const ProviderStatus = { None: 0, Active: 1, Inactive: 2, Slashed: 3 } as const

export const TEST_PARAMS = {
  minProviderStake: hive(100),
  unbondingPeriod: 1000n,
  escrowChallengeWindow: 100n,
  channelChallengePeriod: 100n,
  protocolFeeBps: 100n, // 1%: large enough that rounding and fee paths are exercised
  reporterShareBps: 2000n,
  equivocationSlashBps: 5000n,
  disputeBondBps: 1000n, // 10%
  arbitrationWindow: 200n,
}

/** ProtocolParams' constructor minimums in the unit tests (each must exceed 60 s). */
export const TEST_MINIMUMS = {
  unbondingPeriod: 500n,
  escrowChallengeWindow: 100n,
  channelChallengePeriod: 100n,
  arbitrationWindow: 100n,
  slashMargin: 100n,
}

export async function deployCore(ethers: Ethers) {
  const [deployer, gov, treasury, arbiter, requester, provider, other, requester2, provider2] =
    await ethers.getSigners()
  const token = await ethers.deployContract('HiveToken', [deployer.address, hive(1_000_000_000)])
  // no governor: the `gov` account stands in for governance, so no governance delay bounds unbonding
  const params = await ethers.deployContract('ProtocolParams', [
    gov.address,
    { ...TEST_PARAMS, treasury: treasury.address, arbiter: arbiter.address },
    TEST_MINIMUMS,
    ethers.ZeroAddress,
  ])
  const registry = await ethers.deployContract('ProviderRegistry', [
    await token.getAddress(),
    await params.getAddress(),
    gov.address,
  ])
  const escrow = await ethers.deployContract('JobEscrow', [await params.getAddress()])
  const channel = await ethers.deployContract('PaymentChannel', [await params.getAddress()])
  for (const a of [requester, provider, other, requester2, provider2]) {
    await as(token, deployer).transfer(a.address, hive(1_000_000))
    for (const spender of [escrow, channel, registry]) {
      await as(token, a).approve(await spender.getAddress(), ethers.MaxUint256)
    }
  }
  const { chainId } = await ethers.provider.getNetwork()
  return {
    deployer,
    gov,
    treasury,
    arbiter,
    requester,
    provider,
    other,
    requester2,
    provider2,
    token,
    params,
    registry,
    escrow,
    channel,
    chainId,
  }
}
export type Core = Awaited<ReturnType<typeof deployCore>>

export async function signVoucher(signer: Signer, chainId: bigint, channel: string, v: Voucher): Promise<string> {
  return await signer.signTypedData(voucherDomain(chainId, channel), VOUCHER_TYPES, v)
}
export async function signCooperativeClose(
  signer: Signer,
  chainId: bigint,
  channel: string,
  c: CooperativeClose,
): Promise<string> {
  return await signer.signTypedData(voucherDomain(chainId, channel), COOPERATIVE_CLOSE_TYPES, c)
}
export async function signRelease(signer: Signer, chainId: bigint, escrow: string, r: Release): Promise<string> {
  return await signer.signTypedData(escrowDomain(chainId, escrow), RELEASE_TYPES, r)
}
export async function signCommitment(
  signer: Signer,
  chainId: bigint,
  registry: string,
  c: ResultCommitment,
): Promise<string> {
  return await signer.signTypedData(registryDomain(chainId, registry), RESULT_COMMITMENT_TYPES, c)
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** The other valid ECDSA signature for the same message: s -> n - s, v flipped (SWC-117). */
export function malleate(signature: string): string {
  const sig = Signature.from(signature)
  const highS = toBeHex(N - BigInt(sig.s), 32)
  const v = sig.v === 27 ? 28 : 27
  return sig.r + highS.slice(2) + v.toString(16)
}

/** A bytes32 from a label, for job ids and hashes in tests. */
export function b32(ethers: Ethers, label: string): string {
  return ethers.keccak256(ethers.toUtf8Bytes(label))
}

/**
 * Settlement credits instead of transferring (CreditLedger): `tx` leaves `ledger`'s balance of
 * `token` as it was and raises each account's credit by its delta.
 */
export async function expectCredited(
  tx: Promise<unknown> | unknown,
  token: Pick<HiveToken, 'balanceOf' | 'getAddress'>,
  ledger: Pick<CreditLedger, 'credits' | 'getAddress'>,
  accounts: Array<{ getAddress: () => Promise<string> }>,
  deltas: bigint[],
): Promise<void> {
  const sent = (await tx) as { wait: () => Promise<{ blockNumber: number } | null> }
  const receipt = await sent.wait()
  if (receipt == null) throw new Error('no receipt')
  const before = receipt.blockNumber - 1
  const at = receipt.blockNumber
  const ledgerAddress = await ledger.getAddress()
  const tokenAddress = await token.getAddress()
  const balance = async (blockTag: number): Promise<bigint> =>
    await token.balanceOf.staticCall(ledgerAddress, { blockTag })
  expect(await balance(at), "the ledger's balance").to.equal(await balance(before))
  const got = await Promise.all(
    accounts.map(async (a) => {
      const address = await a.getAddress()
      const credit = async (blockTag: number): Promise<bigint> =>
        await ledger.credits.staticCall(tokenAddress, address, { blockTag })
      return (await credit(at)) - (await credit(before))
    }),
  )
  expect(got, 'credits').to.deep.equal(deltas)
}
