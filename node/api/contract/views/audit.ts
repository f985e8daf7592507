// The audit trail's anchoring state as the API returns it (node/audit/anchorer.ts produces it).
// Types only, so that node/audit and the route table can both import them without a cycle.

export interface AnchorResult {
  anchored: boolean
  /** hex */
  root: string
  treeSize: number
  txHash?: string
  blockNumber?: number
  /** the submitter's anchor number */
  index?: number
  /** why nothing was sent */
  reason?: string
}

export interface AnchorerStatus {
  address: string
  chainId: number
  /** the last anchor known on-chain */
  latest?: { index: number; treeSize: number; root: string; txHash?: string }
  /** entries not yet anchored */
  pending: number
  failures: number
  lastError?: string
  nextAttemptAt?: number
  /** anchors this node saw mined that later vanished from the chain (reorgs), each sent again */
  vanished?: number
}
