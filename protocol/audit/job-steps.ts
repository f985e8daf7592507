// The shape of one job's history as each side should log it, for checkJobHistory.
import type { AuditEntry, AuditEventType, Direction } from './types.ts'

export type Side = 'requester' | 'provider'

/** Steps exchanged between the two sides: who sends them. */
export const SENDER: Partial<Record<AuditEventType, Side>> = {
  bid: 'provider',
  awarded: 'requester',
  accepted: 'provider',
  result: 'provider',
  paid: 'requester',
  revoked: 'requester',
}

/** Each side's steps in protocol order; a later step implies every earlier one. */
export const CHAIN: Record<Side, readonly AuditEventType[]> = {
  requester: ['posted', 'bid', 'awarded', 'accepted', 'result', 'verified', 'paid'],
  provider: ['bid', 'awarded', 'accepted', 'result', 'paid'],
}

export function expectedDirection(side: Side, type: AuditEventType): Direction | undefined {
  const sender = SENDER[type]
  if (sender === undefined) return undefined
  return sender === side ? 'sent' : 'received'
}

export function other(side: Side): Side {
  return side === 'requester' ? 'provider' : 'requester'
}

export function counterpartyOf(e: AuditEntry): Uint8Array | undefined {
  return e.type === 'posted' || e.type === 'anchored' || e.type === 'reopened' ? undefined : e.counterparty
}

export function directionOf(e: AuditEntry): Direction | undefined {
  return 'direction' in e ? e.direction : undefined
}

/** The hash two sides compare for a step: the message's hash (none for payments). */
export function messageHashOf(e: AuditEntry): Uint8Array | undefined {
  return 'messageHash' in e ? e.messageHash : undefined
}

export function priceOf(e: AuditEntry): bigint | undefined {
  return e.type === 'bid' || e.type === 'awarded' || e.type === 'accepted' ? e.price : undefined
}
