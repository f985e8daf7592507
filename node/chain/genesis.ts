// The HIVE genesis: who holds the supply right after deployment. HiveToken mints the fixed supply
// to the deployer once; deployAll then hands it out by an explicit table, in the same run, so that
// the deployer ends with nothing but its own row (none in production). The treasury's row goes to
// the timelock, where only a governance vote can move it; vesting rows go to a HiveVesting wallet
// per beneficiary, whose unvested tokens carry no vote. The table is checked before anything is
// sent: it must add up to the supply, and no single recipient other than the treasury may get
// half of it or more, so no key can hold a governance majority.
import { getAddress, isAddress } from 'ethers'
import { UsageError } from '../../protocol/errors.ts'

/** where a row goes: an address, the treasury (the timelock unless params.treasury says otherwise), or the deployer */
export type GenesisRecipient = string | 'treasury' | 'deployer'

export interface GenesisAllocation {
  /** what the row is for (logged, recorded in the deployment) */
  name: string
  to: GenesisRecipient
  amount: bigint
  /** vest linearly over `durationSeconds`, from the deployment plus `startDelaySeconds` (a cliff-free schedule) */
  vesting?: { durationSeconds: bigint; startDelaySeconds?: bigint }
}

/** Throws a UsageError naming the first rule the table breaks. */
export function checkGenesis(
  table: readonly GenesisAllocation[],
  supply: bigint,
  opts: { deployer?: string } = {},
): void {
  const bad = (why: string): never => {
    throw new UsageError('BAD_GENESIS', `genesis table: ${why}`, {})
  }
  if (table.length === 0) bad('it is empty; every HIVE must have a row')
  const names = new Set<string>()
  const perRecipient = new Map<string, bigint>()
  let total = 0n
  for (const row of table) {
    if (row.name === '' || names.has(row.name))
      bad(`row names must be unique and non-empty (${JSON.stringify(row.name)})`)
    names.add(row.name)
    if (row.amount <= 0n) bad(`row ${row.name}: the amount must be positive`)
    if (row.to !== 'treasury' && row.to !== 'deployer' && !isAddress(row.to)) {
      bad(`row ${row.name}: ${row.to} is not an address`)
    }
    const v = row.vesting
    if (v !== undefined && (v.durationSeconds <= 0n || (v.startDelaySeconds ?? 0n) < 0n)) {
      bad(`row ${row.name}: vesting needs a positive duration and a non-negative start delay`)
    }
    if (v !== undefined && (row.to === 'treasury' || row.to === 'deployer'))
      bad(`row ${row.name}: only an address can vest`)
    total += row.amount
    const deployer = opts.deployer !== undefined ? getAddress(opts.deployer) : 'deployer'
    const key = row.to === 'treasury' ? row.to : row.to === 'deployer' ? deployer : getAddress(row.to)
    perRecipient.set(key, (perRecipient.get(key) ?? 0n) + row.amount)
  }
  if (total !== supply) bad(`the rows add up to ${total}, not the supply ${supply}`)
  for (const [to, amount] of perRecipient) {
    // vested rows count too: once vested they are votes
    if (to !== 'treasury' && amount * 2n >= supply) {
      bad(`${to} would get ${amount} of ${supply}: half or more, a governance majority`)
    }
  }
}
