// How a job is paid: one on-chain escrow per job, or vouchers over a payment channel. The one
// definition of the name every layer uses; on the wire it is the PaymentMode enum of market.proto
// (and AuditPaymentMode of audit.proto).
export type PaymentMode = 'escrow' | 'channel'
