// Fixtures for the PaymentChannel tests: the core deployment plus one open channel from
// `requester` to `provider`.
import { channelId as channelIdOf } from '../../../protocol/eip712.ts'
import { as, deployCore, hive, signCooperativeClose, signVoucher } from '../helpers.ts'
import type { Account, Core, Ethers } from '../helpers.ts'

export const DEPOSIT = hive(100)
export const PERIOD = 100n // TEST_PARAMS.channelChallengePeriod
export const FEE_BPS = 100n

export interface Opened {
  channelId: string
  expiry: bigint
  nonce: bigint
}

export async function openChannel(
  c: Core,
  opts: { expiry?: bigint; requester?: Account; provider?: Account; deposit?: bigint } = {},
): Promise<Opened> {
  const requester = opts.requester ?? c.requester
  const provider = opts.provider ?? c.provider
  const expiry = opts.expiry ?? 0n
  const nonce = await c.channel.nonces(requester.address)
  await (
    await as(c.channel, requester).open(provider.address, await c.token.getAddress(), opts.deposit ?? DEPOSIT, expiry)
  ).wait()
  const channelId = channelIdOf({
    chainId: c.chainId,
    contract: await c.channel.getAddress(),
    requester: requester.address,
    provider: provider.address,
    token: await c.token.getAddress(),
    expiry,
    challengePeriod: PERIOD,
    feeBps: FEE_BPS,
    nonce,
  })
  return { channelId, expiry, nonce }
}

export async function channelFixture(ethers: Ethers) {
  const core = await deployCore(ethers)
  return { ...core, ...(await openChannel(core)) }
}

export function channelAs(c: Core, who: 'requester' | 'provider' | 'other'): Core['channel'] {
  return as(c.channel, c[who])
}

export async function voucher(
  c: Core & Opened,
  cumulativeAmount: bigint,
  nonce: bigint,
  signer: Account = c.requester,
): Promise<string> {
  return await signVoucher(signer, c.chainId, await c.channel.getAddress(), {
    channelId: c.channelId,
    cumulativeAmount,
    nonce,
  })
}

export async function coSigned(c: Core & Opened, cumulativeAmount: bigint, nonce: bigint): Promise<[string, string]> {
  const msg = { channelId: c.channelId, cumulativeAmount, nonce }
  const addr = await c.channel.getAddress()
  return [
    await signCooperativeClose(c.requester, c.chainId, addr, msg),
    await signCooperativeClose(c.provider, c.chainId, addr, msg),
  ]
}

/** Provider payout, fee and requester refund when `gross` is paid out of `deposit`. */
export function settlement(gross: bigint, deposit = DEPOSIT): { payout: bigint; fee: bigint; refund: bigint } {
  const paid = gross < deposit ? gross : deposit
  const fee = (paid * FEE_BPS) / 10_000n
  return { payout: paid - fee, fee, refund: deposit - paid }
}
