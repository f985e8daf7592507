// HIVE amounts for people: 18 decimals, no trailing ".0" (150 HIVE, 0.25 HIVE).
import { formatUnits } from 'ethers'

export const HIVE_DECIMALS = 18

export function formatHive(units: bigint): string {
  return `${formatUnits(units, HIVE_DECIMALS).replace(/\.0$/, '')} HIVE`
}
