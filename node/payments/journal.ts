// What payments asks of the journal (implemented by audit/market-hook.ts): one call per payment
// event, with the state change it comes with (voucher, channel or escrow record) in the same
// fsynced batch. Declared here so that audit depends on payments' types, not the other way round.
import type { PeerId } from '@libp2p/interface'
import type { EscrowPayment, VoucherPayment } from '../../protocol/audit/index.ts'
import type { StoreBatchOp } from '../store.ts'

interface PaymentEntryBase {
  jobId: string
  direction: 'sent' | 'received'
  counterparty: PeerId | Uint8Array
}

export type PaymentJournalEntry =
  | (PaymentEntryBase & { type: 'paid'; amount: bigint; method: VoucherPayment | EscrowPayment })
  | (PaymentEntryBase & { type: 'refunded'; amount: bigint; txHash: Uint8Array })
  | (PaymentEntryBase & { type: 'disputed'; reason: string; txHash?: Uint8Array })

export interface PaymentJournal {
  /**
   * Journals `entry` with `extraOps` atomically; when the journal fails, `extraOps` are written
   * alone (the payment is never lost for want of its entry). True when journaled.
   */
  record: (entry: PaymentJournalEntry, options?: { extraOps?: StoreBatchOp[] }) => Promise<boolean>
}
