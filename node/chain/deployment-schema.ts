// What a deployments/<chainId>.json holds: the contracts a node needs, their addresses, the
// version() each must report, their ABIs and deployment blocks. Written by deploy.ts, read by
// deployments.ts (which checks it against the chain) and by every tool that talks to the contracts.
import { existsSync, readFileSync } from 'node:fs'
import type { InterfaceAbi } from 'ethers'

export const CONTRACT_NAMES = [
  'HiveToken',
  'TimelockController',
  'HiveGovernor',
  'ProtocolParams',
  'ProviderRegistry',
  'JobEscrow',
  'PaymentChannel',
  'AuditAnchor',
] as const
export type ContractName = (typeof CONTRACT_NAMES)[number]

/** The `version()` each contract must report; a node refuses a deployment that differs. */
export const EXPECTED_VERSIONS: Record<ContractName, string> = {
  HiveToken: 'hive-token/1',
  TimelockController: 'hive-timelock/1',
  HiveGovernor: 'hive-governor/1',
  ProtocolParams: 'hive-params/2',
  ProviderRegistry: 'hive-registry/2',
  JobEscrow: 'hive-escrow/3',
  PaymentChannel: 'hive-channel/2',
  AuditAnchor: 'hive-anchor/2',
}

export interface DeployedContract {
  address: string
  version: string
  /** block of the deployment transaction: where to start reading this contract's events */
  blockNumber: number
  /** Solidity contract name of the artifact */
  contractName: string
  abi: InterfaceAbi
}

export interface Deployment {
  chainId: number
  deployer: string
  /** earliest deployment block of the contracts below */
  blockNumber: number
  /** ISO time of the last run that deployed something */
  deployedAt: string
  /** the DeployParams of the last run that deployed something, as decimal strings */
  params: Record<string, string>
  contracts: Record<ContractName, DeployedContract>
}

/** Reads a deployments file, or undefined if there is none. */
export function loadDeployment(file: string): Deployment | undefined {
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')) as Deployment
}
