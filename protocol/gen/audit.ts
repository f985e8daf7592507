/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum Direction {
  DIRECTION_UNSPECIFIED = 'DIRECTION_UNSPECIFIED',
  SENT = 'SENT',
  RECEIVED = 'RECEIVED'
}

enum __DirectionValues {
  DIRECTION_UNSPECIFIED = 0,
  SENT = 1,
  RECEIVED = 2
}

export namespace Direction {
  export const codec = (): Codec<Direction> => {
    return enumeration<Direction>(__DirectionValues)
  }
}

export enum AuditPaymentMode {
  AUDIT_PAYMENT_MODE_UNSPECIFIED = 'AUDIT_PAYMENT_MODE_UNSPECIFIED',
  AUDIT_PAYMENT_ESCROW = 'AUDIT_PAYMENT_ESCROW',
  AUDIT_PAYMENT_CHANNEL = 'AUDIT_PAYMENT_CHANNEL'
}

enum __AuditPaymentModeValues {
  AUDIT_PAYMENT_MODE_UNSPECIFIED = 0,
  AUDIT_PAYMENT_ESCROW = 1,
  AUDIT_PAYMENT_CHANNEL = 2
}

export namespace AuditPaymentMode {
  export const codec = (): Codec<AuditPaymentMode> => {
    return enumeration<AuditPaymentMode>(__AuditPaymentModeValues)
  }
}

export interface JobPosted {
  messageHash: Uint8Array<ArrayBuffer>
  maxPrice: string
  payment: AuditPaymentMode
  redundancy: number
  envelope: Uint8Array<ArrayBuffer>
}

export namespace JobPosted {
  let _codec: Codec<JobPosted>

  export const codec = (): Codec<JobPosted> => {
    if (_codec == null) {
      _codec = message<JobPosted>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.messageHash != null && obj.messageHash.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.messageHash)
        }

        if ((obj.maxPrice != null && obj.maxPrice !== '')) {
          w.uint32(18)
          w.string(obj.maxPrice)
        }

        if (obj.payment != null && __AuditPaymentModeValues[obj.payment] !== 0) {
          w.uint32(24)
          AuditPaymentMode.codec().encode(obj.payment, w)
        }

        if ((obj.redundancy != null && obj.redundancy !== 0)) {
          w.uint32(32)
          w.uint32(obj.redundancy)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.envelope)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          messageHash: uint8ArrayAlloc(0),
          maxPrice: '',
          payment: AuditPaymentMode.AUDIT_PAYMENT_MODE_UNSPECIFIED,
          redundancy: 0,
          envelope: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.messageHash = reader.bytes()
              break
            }
            case 2: {
              obj.maxPrice = reader.string()
              break
            }
            case 3: {
              obj.payment = AuditPaymentMode.codec().decode(reader)
              break
            }
            case 4: {
              obj.redundancy = reader.uint32()
              break
            }
            case 5: {
              obj.envelope = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.messageHash`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.maxPrice`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.payment`,
                value: AuditPaymentMode.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.redundancy`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface JobPostedMessageHashFieldEvent {
    field: '$.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobPostedMaxPriceFieldEvent {
    field: '$.maxPrice'
    value: string
  }

  export interface JobPostedPaymentFieldEvent {
    field: '$.payment'
    value: AuditPaymentMode
  }

  export interface JobPostedRedundancyFieldEvent {
    field: '$.redundancy'
    value: number
  }

  export interface JobPostedEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JobPosted>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobPosted.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobPosted>): JobPosted {
    return decodeMessage(buf, JobPosted.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobPosted>): Generator<JobPostedMessageHashFieldEvent | JobPostedMaxPriceFieldEvent | JobPostedPaymentFieldEvent | JobPostedRedundancyFieldEvent | JobPostedEnvelopeFieldEvent> {
    return streamMessage(buf, JobPosted.codec(), opts)
  }
}

export interface MessageRecord {
  direction: Direction
  counterparty: Uint8Array<ArrayBuffer>
  messageHash: Uint8Array<ArrayBuffer>
  price: string
  awardIndex: number
  envelope: Uint8Array<ArrayBuffer>
}

export namespace MessageRecord {
  let _codec: Codec<MessageRecord>

  export const codec = (): Codec<MessageRecord> => {
    if (_codec == null) {
      _codec = message<MessageRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.direction != null && __DirectionValues[obj.direction] !== 0) {
          w.uint32(8)
          Direction.codec().encode(obj.direction, w)
        }

        if ((obj.counterparty != null && obj.counterparty.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.counterparty)
        }

        if ((obj.messageHash != null && obj.messageHash.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.messageHash)
        }

        if ((obj.price != null && obj.price !== '')) {
          w.uint32(34)
          w.string(obj.price)
        }

        if ((obj.awardIndex != null && obj.awardIndex !== 0)) {
          w.uint32(40)
          w.uint32(obj.awardIndex)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.envelope)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          direction: Direction.DIRECTION_UNSPECIFIED,
          counterparty: uint8ArrayAlloc(0),
          messageHash: uint8ArrayAlloc(0),
          price: '',
          awardIndex: 0,
          envelope: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.direction = Direction.codec().decode(reader)
              break
            }
            case 2: {
              obj.counterparty = reader.bytes()
              break
            }
            case 3: {
              obj.messageHash = reader.bytes()
              break
            }
            case 4: {
              obj.price = reader.string()
              break
            }
            case 5: {
              obj.awardIndex = reader.uint32()
              break
            }
            case 6: {
              obj.envelope = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.direction`,
                value: Direction.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.counterparty`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.messageHash`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.price`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.awardIndex`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MessageRecordDirectionFieldEvent {
    field: '$.direction'
    value: Direction
  }

  export interface MessageRecordCounterpartyFieldEvent {
    field: '$.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MessageRecordMessageHashFieldEvent {
    field: '$.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MessageRecordPriceFieldEvent {
    field: '$.price'
    value: string
  }

  export interface MessageRecordAwardIndexFieldEvent {
    field: '$.awardIndex'
    value: number
  }

  export interface MessageRecordEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MessageRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MessageRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MessageRecord>): MessageRecord {
    return decodeMessage(buf, MessageRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MessageRecord>): Generator<MessageRecordDirectionFieldEvent | MessageRecordCounterpartyFieldEvent | MessageRecordMessageHashFieldEvent | MessageRecordPriceFieldEvent | MessageRecordAwardIndexFieldEvent | MessageRecordEnvelopeFieldEvent> {
    return streamMessage(buf, MessageRecord.codec(), opts)
  }
}

export interface ResultRecord {
  direction: Direction
  counterparty: Uint8Array<ArrayBuffer>
  messageHash: Uint8Array<ArrayBuffer>
  outputCid: Uint8Array<ArrayBuffer>
  commitmentSignature: Uint8Array<ArrayBuffer>
  envelope: Uint8Array<ArrayBuffer>
}

export namespace ResultRecord {
  let _codec: Codec<ResultRecord>

  export const codec = (): Codec<ResultRecord> => {
    if (_codec == null) {
      _codec = message<ResultRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.direction != null && __DirectionValues[obj.direction] !== 0) {
          w.uint32(8)
          Direction.codec().encode(obj.direction, w)
        }

        if ((obj.counterparty != null && obj.counterparty.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.counterparty)
        }

        if ((obj.messageHash != null && obj.messageHash.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.messageHash)
        }

        if ((obj.outputCid != null && obj.outputCid.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.outputCid)
        }

        if ((obj.commitmentSignature != null && obj.commitmentSignature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.commitmentSignature)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.envelope)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          direction: Direction.DIRECTION_UNSPECIFIED,
          counterparty: uint8ArrayAlloc(0),
          messageHash: uint8ArrayAlloc(0),
          outputCid: uint8ArrayAlloc(0),
          commitmentSignature: uint8ArrayAlloc(0),
          envelope: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.direction = Direction.codec().decode(reader)
              break
            }
            case 2: {
              obj.counterparty = reader.bytes()
              break
            }
            case 3: {
              obj.messageHash = reader.bytes()
              break
            }
            case 4: {
              obj.outputCid = reader.bytes()
              break
            }
            case 5: {
              obj.commitmentSignature = reader.bytes()
              break
            }
            case 6: {
              obj.envelope = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.direction`,
                value: Direction.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.counterparty`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.messageHash`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.outputCid`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.commitmentSignature`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ResultRecordDirectionFieldEvent {
    field: '$.direction'
    value: Direction
  }

  export interface ResultRecordCounterpartyFieldEvent {
    field: '$.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultRecordMessageHashFieldEvent {
    field: '$.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultRecordOutputCidFieldEvent {
    field: '$.outputCid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultRecordCommitmentSignatureFieldEvent {
    field: '$.commitmentSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultRecordEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ResultRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ResultRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultRecord>): ResultRecord {
    return decodeMessage(buf, ResultRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultRecord>): Generator<ResultRecordDirectionFieldEvent | ResultRecordCounterpartyFieldEvent | ResultRecordMessageHashFieldEvent | ResultRecordOutputCidFieldEvent | ResultRecordCommitmentSignatureFieldEvent | ResultRecordEnvelopeFieldEvent> {
    return streamMessage(buf, ResultRecord.codec(), opts)
  }
}

export interface Verification {
  counterparty: Uint8Array<ArrayBuffer>
  resultHash: Uint8Array<ArrayBuffer>
  outputCid: Uint8Array<ArrayBuffer>
  accepted: boolean
  reason: string
}

export namespace Verification {
  let _codec: Codec<Verification>

  export const codec = (): Codec<Verification> => {
    if (_codec == null) {
      _codec = message<Verification>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.counterparty != null && obj.counterparty.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.counterparty)
        }

        if ((obj.resultHash != null && obj.resultHash.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.resultHash)
        }

        if ((obj.outputCid != null && obj.outputCid.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.outputCid)
        }

        if ((obj.accepted != null && obj.accepted !== false)) {
          w.uint32(32)
          w.bool(obj.accepted)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(42)
          w.string(obj.reason)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          counterparty: uint8ArrayAlloc(0),
          resultHash: uint8ArrayAlloc(0),
          outputCid: uint8ArrayAlloc(0),
          accepted: false,
          reason: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.counterparty = reader.bytes()
              break
            }
            case 2: {
              obj.resultHash = reader.bytes()
              break
            }
            case 3: {
              obj.outputCid = reader.bytes()
              break
            }
            case 4: {
              obj.accepted = reader.bool()
              break
            }
            case 5: {
              obj.reason = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.counterparty`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.resultHash`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.outputCid`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.accepted`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface VerificationCounterpartyFieldEvent {
    field: '$.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VerificationResultHashFieldEvent {
    field: '$.resultHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VerificationOutputCidFieldEvent {
    field: '$.outputCid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VerificationAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface VerificationReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export function encode (obj: Partial<Verification>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Verification.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Verification>): Verification {
    return decodeMessage(buf, Verification.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Verification>): Generator<VerificationCounterpartyFieldEvent | VerificationResultHashFieldEvent | VerificationOutputCidFieldEvent | VerificationAcceptedFieldEvent | VerificationReasonFieldEvent> {
    return streamMessage(buf, Verification.codec(), opts)
  }
}

export interface Voucher {
  channelId: Uint8Array<ArrayBuffer>
  cumulativeAmount: string
  nonce: string
  signature: Uint8Array<ArrayBuffer>
}

export namespace Voucher {
  let _codec: Codec<Voucher>

  export const codec = (): Codec<Voucher> => {
    if (_codec == null) {
      _codec = message<Voucher>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if ((obj.cumulativeAmount != null && obj.cumulativeAmount !== '')) {
          w.uint32(18)
          w.string(obj.cumulativeAmount)
        }

        if ((obj.nonce != null && obj.nonce !== '')) {
          w.uint32(26)
          w.string(obj.nonce)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          cumulativeAmount: '',
          nonce: '',
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.channelId = reader.bytes()
              break
            }
            case 2: {
              obj.cumulativeAmount = reader.string()
              break
            }
            case 3: {
              obj.nonce = reader.string()
              break
            }
            case 4: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cumulativeAmount`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface VoucherChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VoucherCumulativeAmountFieldEvent {
    field: '$.cumulativeAmount'
    value: string
  }

  export interface VoucherNonceFieldEvent {
    field: '$.nonce'
    value: string
  }

  export interface VoucherSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Voucher>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Voucher.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Voucher>): Voucher {
    return decodeMessage(buf, Voucher.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Voucher>): Generator<VoucherChannelIdFieldEvent | VoucherCumulativeAmountFieldEvent | VoucherNonceFieldEvent | VoucherSignatureFieldEvent> {
    return streamMessage(buf, Voucher.codec(), opts)
  }
}

export interface EscrowRelease {
  txHash: Uint8Array<ArrayBuffer>
}

export namespace EscrowRelease {
  let _codec: Codec<EscrowRelease>

  export const codec = (): Codec<EscrowRelease> => {
    if (_codec == null) {
      _codec = message<EscrowRelease>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.txHash != null && obj.txHash.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.txHash)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          txHash: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.txHash = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.txHash`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EscrowReleaseTxHashFieldEvent {
    field: '$.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<EscrowRelease>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EscrowRelease.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EscrowRelease>): EscrowRelease {
    return decodeMessage(buf, EscrowRelease.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EscrowRelease>): Generator<EscrowReleaseTxHashFieldEvent> {
    return streamMessage(buf, EscrowRelease.codec(), opts)
  }
}

export interface Payment {
  direction: Direction
  counterparty: Uint8Array<ArrayBuffer>
  amount: string
  voucher?: Voucher
  escrow?: EscrowRelease
}

export namespace Payment {
  let _codec: Codec<Payment>

  export const codec = (): Codec<Payment> => {
    if (_codec == null) {
      _codec = message<Payment>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.escrow != null) {
          obj.voucher = undefined
        }

        if (obj.voucher != null) {
          obj.escrow = undefined
        }

        if (obj.direction != null && __DirectionValues[obj.direction] !== 0) {
          w.uint32(8)
          Direction.codec().encode(obj.direction, w)
        }

        if ((obj.counterparty != null && obj.counterparty.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.counterparty)
        }

        if ((obj.amount != null && obj.amount !== '')) {
          w.uint32(26)
          w.string(obj.amount)
        }

        if (obj.voucher != null) {
          w.uint32(34)
          Voucher.codec().encode(obj.voucher, w)
        }

        if (obj.escrow != null) {
          w.uint32(42)
          EscrowRelease.codec().encode(obj.escrow, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          direction: Direction.DIRECTION_UNSPECIFIED,
          counterparty: uint8ArrayAlloc(0),
          amount: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.direction = Direction.codec().decode(reader)
              break
            }
            case 2: {
              obj.counterparty = reader.bytes()
              break
            }
            case 3: {
              obj.amount = reader.string()
              break
            }
            case 4: {
              obj.voucher = Voucher.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.voucher
              })
              break
            }
            case 5: {
              obj.escrow = EscrowRelease.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.escrow
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.escrow != null) {
          delete obj.voucher
        }

        if (obj.voucher != null) {
          delete obj.escrow
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.direction`,
                value: Direction.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.counterparty`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.amount`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield * Voucher.codec().stream(reader, reader.uint32(), `${prefix}.voucher`, {
                limits: opts.limits?.voucher
              })

              break
            }
            case 5: {
              yield * EscrowRelease.codec().stream(reader, reader.uint32(), `${prefix}.escrow`, {
                limits: opts.limits?.escrow
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface PaymentDirectionFieldEvent {
    field: '$.direction'
    value: Direction
  }

  export interface PaymentCounterpartyFieldEvent {
    field: '$.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PaymentAmountFieldEvent {
    field: '$.amount'
    value: string
  }

  export interface PaymentVoucherChannelIdFieldEvent {
    field: '$.voucher.channelId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PaymentVoucherCumulativeAmountFieldEvent {
    field: '$.voucher.cumulativeAmount'
    value: string
  }

  export interface PaymentVoucherNonceFieldEvent {
    field: '$.voucher.nonce'
    value: string
  }

  export interface PaymentVoucherSignatureFieldEvent {
    field: '$.voucher.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PaymentEscrowTxHashFieldEvent {
    field: '$.escrow.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Payment>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Payment.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Payment>): Payment {
    return decodeMessage(buf, Payment.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Payment>): Generator<PaymentDirectionFieldEvent | PaymentCounterpartyFieldEvent | PaymentAmountFieldEvent | PaymentVoucherChannelIdFieldEvent | PaymentVoucherCumulativeAmountFieldEvent | PaymentVoucherNonceFieldEvent | PaymentVoucherSignatureFieldEvent | PaymentEscrowTxHashFieldEvent> {
    return streamMessage(buf, Payment.codec(), opts)
  }
}

export interface Dispute {
  direction: Direction
  counterparty: Uint8Array<ArrayBuffer>
  reason: string
  txHash: Uint8Array<ArrayBuffer>
}

export namespace Dispute {
  let _codec: Codec<Dispute>

  export const codec = (): Codec<Dispute> => {
    if (_codec == null) {
      _codec = message<Dispute>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.direction != null && __DirectionValues[obj.direction] !== 0) {
          w.uint32(8)
          Direction.codec().encode(obj.direction, w)
        }

        if ((obj.counterparty != null && obj.counterparty.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.counterparty)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(26)
          w.string(obj.reason)
        }

        if ((obj.txHash != null && obj.txHash.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.txHash)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          direction: Direction.DIRECTION_UNSPECIFIED,
          counterparty: uint8ArrayAlloc(0),
          reason: '',
          txHash: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.direction = Direction.codec().decode(reader)
              break
            }
            case 2: {
              obj.counterparty = reader.bytes()
              break
            }
            case 3: {
              obj.reason = reader.string()
              break
            }
            case 4: {
              obj.txHash = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.direction`,
                value: Direction.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.counterparty`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.txHash`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DisputeDirectionFieldEvent {
    field: '$.direction'
    value: Direction
  }

  export interface DisputeCounterpartyFieldEvent {
    field: '$.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DisputeReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface DisputeTxHashFieldEvent {
    field: '$.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Dispute>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Dispute.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Dispute>): Dispute {
    return decodeMessage(buf, Dispute.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Dispute>): Generator<DisputeDirectionFieldEvent | DisputeCounterpartyFieldEvent | DisputeReasonFieldEvent | DisputeTxHashFieldEvent> {
    return streamMessage(buf, Dispute.codec(), opts)
  }
}

export interface Refund {
  direction: Direction
  counterparty: Uint8Array<ArrayBuffer>
  amount: string
  txHash: Uint8Array<ArrayBuffer>
}

export namespace Refund {
  let _codec: Codec<Refund>

  export const codec = (): Codec<Refund> => {
    if (_codec == null) {
      _codec = message<Refund>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.direction != null && __DirectionValues[obj.direction] !== 0) {
          w.uint32(8)
          Direction.codec().encode(obj.direction, w)
        }

        if ((obj.counterparty != null && obj.counterparty.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.counterparty)
        }

        if ((obj.amount != null && obj.amount !== '')) {
          w.uint32(26)
          w.string(obj.amount)
        }

        if ((obj.txHash != null && obj.txHash.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.txHash)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          direction: Direction.DIRECTION_UNSPECIFIED,
          counterparty: uint8ArrayAlloc(0),
          amount: '',
          txHash: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.direction = Direction.codec().decode(reader)
              break
            }
            case 2: {
              obj.counterparty = reader.bytes()
              break
            }
            case 3: {
              obj.amount = reader.string()
              break
            }
            case 4: {
              obj.txHash = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.direction`,
                value: Direction.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.counterparty`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.amount`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.txHash`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RefundDirectionFieldEvent {
    field: '$.direction'
    value: Direction
  }

  export interface RefundCounterpartyFieldEvent {
    field: '$.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RefundAmountFieldEvent {
    field: '$.amount'
    value: string
  }

  export interface RefundTxHashFieldEvent {
    field: '$.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Refund>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Refund.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Refund>): Refund {
    return decodeMessage(buf, Refund.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Refund>): Generator<RefundDirectionFieldEvent | RefundCounterpartyFieldEvent | RefundAmountFieldEvent | RefundTxHashFieldEvent> {
    return streamMessage(buf, Refund.codec(), opts)
  }
}

export interface Revocation {
  direction: Direction
  counterparty: Uint8Array<ArrayBuffer>
  messageHash: Uint8Array<ArrayBuffer>
  awardIndex: number
  reason: string
  envelope: Uint8Array<ArrayBuffer>
}

export namespace Revocation {
  let _codec: Codec<Revocation>

  export const codec = (): Codec<Revocation> => {
    if (_codec == null) {
      _codec = message<Revocation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.direction != null && __DirectionValues[obj.direction] !== 0) {
          w.uint32(8)
          Direction.codec().encode(obj.direction, w)
        }

        if ((obj.counterparty != null && obj.counterparty.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.counterparty)
        }

        if ((obj.messageHash != null && obj.messageHash.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.messageHash)
        }

        if ((obj.awardIndex != null && obj.awardIndex !== 0)) {
          w.uint32(32)
          w.uint32(obj.awardIndex)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(42)
          w.string(obj.reason)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.envelope)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          direction: Direction.DIRECTION_UNSPECIFIED,
          counterparty: uint8ArrayAlloc(0),
          messageHash: uint8ArrayAlloc(0),
          awardIndex: 0,
          reason: '',
          envelope: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.direction = Direction.codec().decode(reader)
              break
            }
            case 2: {
              obj.counterparty = reader.bytes()
              break
            }
            case 3: {
              obj.messageHash = reader.bytes()
              break
            }
            case 4: {
              obj.awardIndex = reader.uint32()
              break
            }
            case 5: {
              obj.reason = reader.string()
              break
            }
            case 6: {
              obj.envelope = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.direction`,
                value: Direction.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.counterparty`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.messageHash`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.awardIndex`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RevocationDirectionFieldEvent {
    field: '$.direction'
    value: Direction
  }

  export interface RevocationCounterpartyFieldEvent {
    field: '$.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RevocationMessageHashFieldEvent {
    field: '$.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RevocationAwardIndexFieldEvent {
    field: '$.awardIndex'
    value: number
  }

  export interface RevocationReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface RevocationEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Revocation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Revocation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Revocation>): Revocation {
    return decodeMessage(buf, Revocation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Revocation>): Generator<RevocationDirectionFieldEvent | RevocationCounterpartyFieldEvent | RevocationMessageHashFieldEvent | RevocationAwardIndexFieldEvent | RevocationReasonFieldEvent | RevocationEnvelopeFieldEvent> {
    return streamMessage(buf, Revocation.codec(), opts)
  }
}

export interface Reopen {
  direction: Direction
  messageHash: Uint8Array<ArrayBuffer>
  sequence: number
  bidsCloseAt: number
  asked: number
  envelope: Uint8Array<ArrayBuffer>
}

export namespace Reopen {
  let _codec: Codec<Reopen>

  export const codec = (): Codec<Reopen> => {
    if (_codec == null) {
      _codec = message<Reopen>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.direction != null && __DirectionValues[obj.direction] !== 0) {
          w.uint32(8)
          Direction.codec().encode(obj.direction, w)
        }

        if ((obj.messageHash != null && obj.messageHash.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.messageHash)
        }

        if ((obj.sequence != null && obj.sequence !== 0)) {
          w.uint32(24)
          w.uint32(obj.sequence)
        }

        if ((obj.bidsCloseAt != null && obj.bidsCloseAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.bidsCloseAt)
        }

        if ((obj.asked != null && obj.asked !== 0)) {
          w.uint32(40)
          w.uint32(obj.asked)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.envelope)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          direction: Direction.DIRECTION_UNSPECIFIED,
          messageHash: uint8ArrayAlloc(0),
          sequence: 0,
          bidsCloseAt: 0,
          asked: 0,
          envelope: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.direction = Direction.codec().decode(reader)
              break
            }
            case 2: {
              obj.messageHash = reader.bytes()
              break
            }
            case 3: {
              obj.sequence = reader.uint32()
              break
            }
            case 4: {
              obj.bidsCloseAt = reader.uint64Number()
              break
            }
            case 5: {
              obj.asked = reader.uint32()
              break
            }
            case 6: {
              obj.envelope = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.direction`,
                value: Direction.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.messageHash`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sequence`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.bidsCloseAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.asked`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ReopenDirectionFieldEvent {
    field: '$.direction'
    value: Direction
  }

  export interface ReopenMessageHashFieldEvent {
    field: '$.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReopenSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface ReopenBidsCloseAtFieldEvent {
    field: '$.bidsCloseAt'
    value: number
  }

  export interface ReopenAskedFieldEvent {
    field: '$.asked'
    value: number
  }

  export interface ReopenEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Reopen>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Reopen.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reopen>): Reopen {
    return decodeMessage(buf, Reopen.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reopen>): Generator<ReopenDirectionFieldEvent | ReopenMessageHashFieldEvent | ReopenSequenceFieldEvent | ReopenBidsCloseAtFieldEvent | ReopenAskedFieldEvent | ReopenEnvelopeFieldEvent> {
    return streamMessage(buf, Reopen.codec(), opts)
  }
}

export interface Anchor {
  treeSize: number
  root: Uint8Array<ArrayBuffer>
  chainId: number
  txHash: Uint8Array<ArrayBuffer>
}

export namespace Anchor {
  let _codec: Codec<Anchor>

  export const codec = (): Codec<Anchor> => {
    if (_codec == null) {
      _codec = message<Anchor>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.treeSize != null && obj.treeSize !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.treeSize)
        }

        if ((obj.root != null && obj.root.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.root)
        }

        if ((obj.chainId != null && obj.chainId !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.chainId)
        }

        if ((obj.txHash != null && obj.txHash.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.txHash)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          treeSize: 0,
          root: uint8ArrayAlloc(0),
          chainId: 0,
          txHash: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.treeSize = reader.uint64Number()
              break
            }
            case 2: {
              obj.root = reader.bytes()
              break
            }
            case 3: {
              obj.chainId = reader.uint64Number()
              break
            }
            case 4: {
              obj.txHash = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.treeSize`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.root`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chainId`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.txHash`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AnchorTreeSizeFieldEvent {
    field: '$.treeSize'
    value: number
  }

  export interface AnchorRootFieldEvent {
    field: '$.root'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnchorChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface AnchorTxHashFieldEvent {
    field: '$.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Anchor>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Anchor.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Anchor>): Anchor {
    return decodeMessage(buf, Anchor.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Anchor>): Generator<AnchorTreeSizeFieldEvent | AnchorRootFieldEvent | AnchorChainIdFieldEvent | AnchorTxHashFieldEvent> {
    return streamMessage(buf, Anchor.codec(), opts)
  }
}

export interface AuditEntry {
  index: number
  prevHash: Uint8Array<ArrayBuffer>
  timestamp: number
  peer: Uint8Array<ArrayBuffer>
  jobId: Uint8Array<ArrayBuffer>
  posted?: JobPosted
  bid?: MessageRecord
  awarded?: MessageRecord
  accepted?: MessageRecord
  result?: ResultRecord
  verified?: Verification
  paid?: Payment
  disputed?: Dispute
  refunded?: Refund
  anchored?: Anchor
  revoked?: Revocation
  reopened?: Reopen
}

export namespace AuditEntry {
  let _codec: Codec<AuditEntry>

  export const codec = (): Codec<AuditEntry> => {
    if (_codec == null) {
      _codec = message<AuditEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.reopened != null) {
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.revoked != null) {
          obj.reopened = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.anchored != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.refunded != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.disputed != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.paid != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.verified != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.result != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.accepted != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.awarded = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.awarded != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.bid = undefined
          obj.posted = undefined
        }

        if (obj.bid != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.posted = undefined
        }

        if (obj.posted != null) {
          obj.reopened = undefined
          obj.revoked = undefined
          obj.anchored = undefined
          obj.refunded = undefined
          obj.disputed = undefined
          obj.paid = undefined
          obj.verified = undefined
          obj.result = undefined
          obj.accepted = undefined
          obj.awarded = undefined
          obj.bid = undefined
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.index)
        }

        if ((obj.prevHash != null && obj.prevHash.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.prevHash)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.timestamp)
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.peer)
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.jobId)
        }

        if (obj.posted != null) {
          w.uint32(130)
          JobPosted.codec().encode(obj.posted, w)
        }

        if (obj.bid != null) {
          w.uint32(138)
          MessageRecord.codec().encode(obj.bid, w)
        }

        if (obj.awarded != null) {
          w.uint32(146)
          MessageRecord.codec().encode(obj.awarded, w)
        }

        if (obj.accepted != null) {
          w.uint32(154)
          MessageRecord.codec().encode(obj.accepted, w)
        }

        if (obj.result != null) {
          w.uint32(162)
          ResultRecord.codec().encode(obj.result, w)
        }

        if (obj.verified != null) {
          w.uint32(170)
          Verification.codec().encode(obj.verified, w)
        }

        if (obj.paid != null) {
          w.uint32(178)
          Payment.codec().encode(obj.paid, w)
        }

        if (obj.disputed != null) {
          w.uint32(186)
          Dispute.codec().encode(obj.disputed, w)
        }

        if (obj.refunded != null) {
          w.uint32(194)
          Refund.codec().encode(obj.refunded, w)
        }

        if (obj.anchored != null) {
          w.uint32(202)
          Anchor.codec().encode(obj.anchored, w)
        }

        if (obj.revoked != null) {
          w.uint32(210)
          Revocation.codec().encode(obj.revoked, w)
        }

        if (obj.reopened != null) {
          w.uint32(242)
          Reopen.codec().encode(obj.reopened, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          index: 0,
          prevHash: uint8ArrayAlloc(0),
          timestamp: 0,
          peer: uint8ArrayAlloc(0),
          jobId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.index = reader.uint64Number()
              break
            }
            case 2: {
              obj.prevHash = reader.bytes()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64Number()
              break
            }
            case 4: {
              obj.peer = reader.bytes()
              break
            }
            case 5: {
              obj.jobId = reader.bytes()
              break
            }
            case 16: {
              obj.posted = JobPosted.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.posted
              })
              break
            }
            case 17: {
              obj.bid = MessageRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.bid
              })
              break
            }
            case 18: {
              obj.awarded = MessageRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.awarded
              })
              break
            }
            case 19: {
              obj.accepted = MessageRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.accepted
              })
              break
            }
            case 20: {
              obj.result = ResultRecord.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.result
              })
              break
            }
            case 21: {
              obj.verified = Verification.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.verified
              })
              break
            }
            case 22: {
              obj.paid = Payment.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.paid
              })
              break
            }
            case 23: {
              obj.disputed = Dispute.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.disputed
              })
              break
            }
            case 24: {
              obj.refunded = Refund.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.refunded
              })
              break
            }
            case 25: {
              obj.anchored = Anchor.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.anchored
              })
              break
            }
            case 26: {
              obj.revoked = Revocation.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.revoked
              })
              break
            }
            case 30: {
              obj.reopened = Reopen.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.reopened
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.reopened != null) {
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.revoked != null) {
          delete obj.reopened
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.anchored != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.refunded != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.disputed != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.paid != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.verified != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.result != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.accepted != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.awarded
          delete obj.bid
          delete obj.posted
        }

        if (obj.awarded != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.bid
          delete obj.posted
        }

        if (obj.bid != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.posted
        }

        if (obj.posted != null) {
          delete obj.reopened
          delete obj.revoked
          delete obj.anchored
          delete obj.refunded
          delete obj.disputed
          delete obj.paid
          delete obj.verified
          delete obj.result
          delete obj.accepted
          delete obj.awarded
          delete obj.bid
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.prevHash`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.peer`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.jobId`,
                value: reader.bytes()
              }
              break
            }
            case 16: {
              yield * JobPosted.codec().stream(reader, reader.uint32(), `${prefix}.posted`, {
                limits: opts.limits?.posted
              })

              break
            }
            case 17: {
              yield * MessageRecord.codec().stream(reader, reader.uint32(), `${prefix}.bid`, {
                limits: opts.limits?.bid
              })

              break
            }
            case 18: {
              yield * MessageRecord.codec().stream(reader, reader.uint32(), `${prefix}.awarded`, {
                limits: opts.limits?.awarded
              })

              break
            }
            case 19: {
              yield * MessageRecord.codec().stream(reader, reader.uint32(), `${prefix}.accepted`, {
                limits: opts.limits?.accepted
              })

              break
            }
            case 20: {
              yield * ResultRecord.codec().stream(reader, reader.uint32(), `${prefix}.result`, {
                limits: opts.limits?.result
              })

              break
            }
            case 21: {
              yield * Verification.codec().stream(reader, reader.uint32(), `${prefix}.verified`, {
                limits: opts.limits?.verified
              })

              break
            }
            case 22: {
              yield * Payment.codec().stream(reader, reader.uint32(), `${prefix}.paid`, {
                limits: opts.limits?.paid
              })

              break
            }
            case 23: {
              yield * Dispute.codec().stream(reader, reader.uint32(), `${prefix}.disputed`, {
                limits: opts.limits?.disputed
              })

              break
            }
            case 24: {
              yield * Refund.codec().stream(reader, reader.uint32(), `${prefix}.refunded`, {
                limits: opts.limits?.refunded
              })

              break
            }
            case 25: {
              yield * Anchor.codec().stream(reader, reader.uint32(), `${prefix}.anchored`, {
                limits: opts.limits?.anchored
              })

              break
            }
            case 26: {
              yield * Revocation.codec().stream(reader, reader.uint32(), `${prefix}.revoked`, {
                limits: opts.limits?.revoked
              })

              break
            }
            case 30: {
              yield * Reopen.codec().stream(reader, reader.uint32(), `${prefix}.reopened`, {
                limits: opts.limits?.reopened
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AuditEntryIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface AuditEntryPrevHashFieldEvent {
    field: '$.prevHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryTimestampFieldEvent {
    field: '$.timestamp'
    value: number
  }

  export interface AuditEntryPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryPostedMessageHashFieldEvent {
    field: '$.posted.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryPostedMaxPriceFieldEvent {
    field: '$.posted.maxPrice'
    value: string
  }

  export interface AuditEntryPostedPaymentFieldEvent {
    field: '$.posted.payment'
    value: AuditPaymentMode
  }

  export interface AuditEntryPostedRedundancyFieldEvent {
    field: '$.posted.redundancy'
    value: number
  }

  export interface AuditEntryPostedEnvelopeFieldEvent {
    field: '$.posted.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryBidDirectionFieldEvent {
    field: '$.bid.direction'
    value: Direction
  }

  export interface AuditEntryBidCounterpartyFieldEvent {
    field: '$.bid.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryBidMessageHashFieldEvent {
    field: '$.bid.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryBidPriceFieldEvent {
    field: '$.bid.price'
    value: string
  }

  export interface AuditEntryBidAwardIndexFieldEvent {
    field: '$.bid.awardIndex'
    value: number
  }

  export interface AuditEntryBidEnvelopeFieldEvent {
    field: '$.bid.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryAwardedDirectionFieldEvent {
    field: '$.awarded.direction'
    value: Direction
  }

  export interface AuditEntryAwardedCounterpartyFieldEvent {
    field: '$.awarded.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryAwardedMessageHashFieldEvent {
    field: '$.awarded.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryAwardedPriceFieldEvent {
    field: '$.awarded.price'
    value: string
  }

  export interface AuditEntryAwardedAwardIndexFieldEvent {
    field: '$.awarded.awardIndex'
    value: number
  }

  export interface AuditEntryAwardedEnvelopeFieldEvent {
    field: '$.awarded.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryAcceptedDirectionFieldEvent {
    field: '$.accepted.direction'
    value: Direction
  }

  export interface AuditEntryAcceptedCounterpartyFieldEvent {
    field: '$.accepted.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryAcceptedMessageHashFieldEvent {
    field: '$.accepted.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryAcceptedPriceFieldEvent {
    field: '$.accepted.price'
    value: string
  }

  export interface AuditEntryAcceptedAwardIndexFieldEvent {
    field: '$.accepted.awardIndex'
    value: number
  }

  export interface AuditEntryAcceptedEnvelopeFieldEvent {
    field: '$.accepted.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryResultDirectionFieldEvent {
    field: '$.result.direction'
    value: Direction
  }

  export interface AuditEntryResultCounterpartyFieldEvent {
    field: '$.result.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryResultMessageHashFieldEvent {
    field: '$.result.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryResultOutputCidFieldEvent {
    field: '$.result.outputCid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryResultCommitmentSignatureFieldEvent {
    field: '$.result.commitmentSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryResultEnvelopeFieldEvent {
    field: '$.result.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryVerifiedCounterpartyFieldEvent {
    field: '$.verified.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryVerifiedResultHashFieldEvent {
    field: '$.verified.resultHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryVerifiedOutputCidFieldEvent {
    field: '$.verified.outputCid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryVerifiedAcceptedFieldEvent {
    field: '$.verified.accepted'
    value: boolean
  }

  export interface AuditEntryVerifiedReasonFieldEvent {
    field: '$.verified.reason'
    value: string
  }

  export interface AuditEntryPaidDirectionFieldEvent {
    field: '$.paid.direction'
    value: Direction
  }

  export interface AuditEntryPaidCounterpartyFieldEvent {
    field: '$.paid.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryPaidAmountFieldEvent {
    field: '$.paid.amount'
    value: string
  }

  export interface AuditEntryPaidVoucherChannelIdFieldEvent {
    field: '$.paid.voucher.channelId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryPaidVoucherCumulativeAmountFieldEvent {
    field: '$.paid.voucher.cumulativeAmount'
    value: string
  }

  export interface AuditEntryPaidVoucherNonceFieldEvent {
    field: '$.paid.voucher.nonce'
    value: string
  }

  export interface AuditEntryPaidVoucherSignatureFieldEvent {
    field: '$.paid.voucher.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryPaidEscrowTxHashFieldEvent {
    field: '$.paid.escrow.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryDisputedDirectionFieldEvent {
    field: '$.disputed.direction'
    value: Direction
  }

  export interface AuditEntryDisputedCounterpartyFieldEvent {
    field: '$.disputed.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryDisputedReasonFieldEvent {
    field: '$.disputed.reason'
    value: string
  }

  export interface AuditEntryDisputedTxHashFieldEvent {
    field: '$.disputed.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryRefundedDirectionFieldEvent {
    field: '$.refunded.direction'
    value: Direction
  }

  export interface AuditEntryRefundedCounterpartyFieldEvent {
    field: '$.refunded.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryRefundedAmountFieldEvent {
    field: '$.refunded.amount'
    value: string
  }

  export interface AuditEntryRefundedTxHashFieldEvent {
    field: '$.refunded.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryAnchoredTreeSizeFieldEvent {
    field: '$.anchored.treeSize'
    value: number
  }

  export interface AuditEntryAnchoredRootFieldEvent {
    field: '$.anchored.root'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryAnchoredChainIdFieldEvent {
    field: '$.anchored.chainId'
    value: number
  }

  export interface AuditEntryAnchoredTxHashFieldEvent {
    field: '$.anchored.txHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryRevokedDirectionFieldEvent {
    field: '$.revoked.direction'
    value: Direction
  }

  export interface AuditEntryRevokedCounterpartyFieldEvent {
    field: '$.revoked.counterparty'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryRevokedMessageHashFieldEvent {
    field: '$.revoked.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryRevokedAwardIndexFieldEvent {
    field: '$.revoked.awardIndex'
    value: number
  }

  export interface AuditEntryRevokedReasonFieldEvent {
    field: '$.revoked.reason'
    value: string
  }

  export interface AuditEntryRevokedEnvelopeFieldEvent {
    field: '$.revoked.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryReopenedDirectionFieldEvent {
    field: '$.reopened.direction'
    value: Direction
  }

  export interface AuditEntryReopenedMessageHashFieldEvent {
    field: '$.reopened.messageHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditEntryReopenedSequenceFieldEvent {
    field: '$.reopened.sequence'
    value: number
  }

  export interface AuditEntryReopenedBidsCloseAtFieldEvent {
    field: '$.reopened.bidsCloseAt'
    value: number
  }

  export interface AuditEntryReopenedAskedFieldEvent {
    field: '$.reopened.asked'
    value: number
  }

  export interface AuditEntryReopenedEnvelopeFieldEvent {
    field: '$.reopened.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AuditEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AuditEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuditEntry>): AuditEntry {
    return decodeMessage(buf, AuditEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuditEntry>): Generator<AuditEntryIndexFieldEvent | AuditEntryPrevHashFieldEvent | AuditEntryTimestampFieldEvent | AuditEntryPeerFieldEvent | AuditEntryJobIdFieldEvent | AuditEntryPostedMessageHashFieldEvent | AuditEntryPostedMaxPriceFieldEvent | AuditEntryPostedPaymentFieldEvent | AuditEntryPostedRedundancyFieldEvent | AuditEntryPostedEnvelopeFieldEvent | AuditEntryBidDirectionFieldEvent | AuditEntryBidCounterpartyFieldEvent | AuditEntryBidMessageHashFieldEvent | AuditEntryBidPriceFieldEvent | AuditEntryBidAwardIndexFieldEvent | AuditEntryBidEnvelopeFieldEvent | AuditEntryAwardedDirectionFieldEvent | AuditEntryAwardedCounterpartyFieldEvent | AuditEntryAwardedMessageHashFieldEvent | AuditEntryAwardedPriceFieldEvent | AuditEntryAwardedAwardIndexFieldEvent | AuditEntryAwardedEnvelopeFieldEvent | AuditEntryAcceptedDirectionFieldEvent | AuditEntryAcceptedCounterpartyFieldEvent | AuditEntryAcceptedMessageHashFieldEvent | AuditEntryAcceptedPriceFieldEvent | AuditEntryAcceptedAwardIndexFieldEvent | AuditEntryAcceptedEnvelopeFieldEvent | AuditEntryResultDirectionFieldEvent | AuditEntryResultCounterpartyFieldEvent | AuditEntryResultMessageHashFieldEvent | AuditEntryResultOutputCidFieldEvent | AuditEntryResultCommitmentSignatureFieldEvent | AuditEntryResultEnvelopeFieldEvent | AuditEntryVerifiedCounterpartyFieldEvent | AuditEntryVerifiedResultHashFieldEvent | AuditEntryVerifiedOutputCidFieldEvent | AuditEntryVerifiedAcceptedFieldEvent | AuditEntryVerifiedReasonFieldEvent | AuditEntryPaidDirectionFieldEvent | AuditEntryPaidCounterpartyFieldEvent | AuditEntryPaidAmountFieldEvent | AuditEntryPaidVoucherChannelIdFieldEvent | AuditEntryPaidVoucherCumulativeAmountFieldEvent | AuditEntryPaidVoucherNonceFieldEvent | AuditEntryPaidVoucherSignatureFieldEvent | AuditEntryPaidEscrowTxHashFieldEvent | AuditEntryDisputedDirectionFieldEvent | AuditEntryDisputedCounterpartyFieldEvent | AuditEntryDisputedReasonFieldEvent | AuditEntryDisputedTxHashFieldEvent | AuditEntryRefundedDirectionFieldEvent | AuditEntryRefundedCounterpartyFieldEvent | AuditEntryRefundedAmountFieldEvent | AuditEntryRefundedTxHashFieldEvent | AuditEntryAnchoredTreeSizeFieldEvent | AuditEntryAnchoredRootFieldEvent | AuditEntryAnchoredChainIdFieldEvent | AuditEntryAnchoredTxHashFieldEvent | AuditEntryRevokedDirectionFieldEvent | AuditEntryRevokedCounterpartyFieldEvent | AuditEntryRevokedMessageHashFieldEvent | AuditEntryRevokedAwardIndexFieldEvent | AuditEntryRevokedReasonFieldEvent | AuditEntryRevokedEnvelopeFieldEvent | AuditEntryReopenedDirectionFieldEvent | AuditEntryReopenedMessageHashFieldEvent | AuditEntryReopenedSequenceFieldEvent | AuditEntryReopenedBidsCloseAtFieldEvent | AuditEntryReopenedAskedFieldEvent | AuditEntryReopenedEnvelopeFieldEvent> {
    return streamMessage(buf, AuditEntry.codec(), opts)
  }
}

export interface AnchorBinding {
  peer: Uint8Array<ArrayBuffer>
  chainId: number
  contract: Uint8Array<ArrayBuffer>
  address: Uint8Array<ArrayBuffer>
  issuedAt: number
  signature: Uint8Array<ArrayBuffer>
}

export namespace AnchorBinding {
  let _codec: Codec<AnchorBinding>

  export const codec = (): Codec<AnchorBinding> => {
    if (_codec == null) {
      _codec = message<AnchorBinding>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peer != null && obj.peer.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peer)
        }

        if ((obj.chainId != null && obj.chainId !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.chainId)
        }

        if ((obj.contract != null && obj.contract.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.contract)
        }

        if ((obj.address != null && obj.address.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.address)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.issuedAt)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peer: uint8ArrayAlloc(0),
          chainId: 0,
          contract: uint8ArrayAlloc(0),
          address: uint8ArrayAlloc(0),
          issuedAt: 0,
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peer = reader.bytes()
              break
            }
            case 2: {
              obj.chainId = reader.uint64Number()
              break
            }
            case 3: {
              obj.contract = reader.bytes()
              break
            }
            case 4: {
              obj.address = reader.bytes()
              break
            }
            case 5: {
              obj.issuedAt = reader.uint64Number()
              break
            }
            case 6: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peer`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.chainId`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.contract`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.address`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AnchorBindingPeerFieldEvent {
    field: '$.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnchorBindingChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface AnchorBindingContractFieldEvent {
    field: '$.contract'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnchorBindingAddressFieldEvent {
    field: '$.address'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AnchorBindingIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export interface AnchorBindingSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AnchorBinding>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AnchorBinding.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AnchorBinding>): AnchorBinding {
    return decodeMessage(buf, AnchorBinding.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AnchorBinding>): Generator<AnchorBindingPeerFieldEvent | AnchorBindingChainIdFieldEvent | AnchorBindingContractFieldEvent | AnchorBindingAddressFieldEvent | AnchorBindingIssuedAtFieldEvent | AnchorBindingSignatureFieldEvent> {
    return streamMessage(buf, AnchorBinding.codec(), opts)
  }
}

export interface HeadQuery {}

export namespace HeadQuery {
  let _codec: Codec<HeadQuery>

  export const codec = (): Codec<HeadQuery> => {
    if (_codec == null) {
      _codec = message<HeadQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export function encode (obj: Partial<HeadQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HeadQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HeadQuery>): HeadQuery {
    return decodeMessage(buf, HeadQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HeadQuery>): Generator<{}> {
    return streamMessage(buf, HeadQuery.codec(), opts)
  }
}

export interface JobQuery {
  jobId: Uint8Array<ArrayBuffer>
  proofSize: number
  fromIndex: number
}

export namespace JobQuery {
  let _codec: Codec<JobQuery>

  export const codec = (): Codec<JobQuery> => {
    if (_codec == null) {
      _codec = message<JobQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.proofSize != null && obj.proofSize !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.proofSize)
        }

        if ((obj.fromIndex != null && obj.fromIndex !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.fromIndex)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          proofSize: 0,
          fromIndex: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.jobId = reader.bytes()
              break
            }
            case 2: {
              obj.proofSize = reader.uint64Number()
              break
            }
            case 3: {
              obj.fromIndex = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.jobId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.proofSize`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.fromIndex`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface JobQueryJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobQueryProofSizeFieldEvent {
    field: '$.proofSize'
    value: number
  }

  export interface JobQueryFromIndexFieldEvent {
    field: '$.fromIndex'
    value: number
  }

  export function encode (obj: Partial<JobQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobQuery>): JobQuery {
    return decodeMessage(buf, JobQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobQuery>): Generator<JobQueryJobIdFieldEvent | JobQueryProofSizeFieldEvent | JobQueryFromIndexFieldEvent> {
    return streamMessage(buf, JobQuery.codec(), opts)
  }
}

export interface RangeQuery {
  start: number
  end: number
  proofSize: number
}

export namespace RangeQuery {
  let _codec: Codec<RangeQuery>

  export const codec = (): Codec<RangeQuery> => {
    if (_codec == null) {
      _codec = message<RangeQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.start != null && obj.start !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.start)
        }

        if ((obj.end != null && obj.end !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.end)
        }

        if ((obj.proofSize != null && obj.proofSize !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.proofSize)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          start: 0,
          end: 0,
          proofSize: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.start = reader.uint64Number()
              break
            }
            case 2: {
              obj.end = reader.uint64Number()
              break
            }
            case 3: {
              obj.proofSize = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.start`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.end`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.proofSize`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RangeQueryStartFieldEvent {
    field: '$.start'
    value: number
  }

  export interface RangeQueryEndFieldEvent {
    field: '$.end'
    value: number
  }

  export interface RangeQueryProofSizeFieldEvent {
    field: '$.proofSize'
    value: number
  }

  export function encode (obj: Partial<RangeQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RangeQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RangeQuery>): RangeQuery {
    return decodeMessage(buf, RangeQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RangeQuery>): Generator<RangeQueryStartFieldEvent | RangeQueryEndFieldEvent | RangeQueryProofSizeFieldEvent> {
    return streamMessage(buf, RangeQuery.codec(), opts)
  }
}

export interface RootsQuery {
  sizes: number[]
}

export namespace RootsQuery {
  let _codec: Codec<RootsQuery>

  export const codec = (): Codec<RootsQuery> => {
    if (_codec == null) {
      _codec = message<RootsQuery>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.sizes != null && obj.sizes.length > 0) {
          for (const value of obj.sizes) {
            w.uint32(8)
            w.uint64Number(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          sizes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.sizes != null && obj.sizes.length === opts.limits.sizes) {
                throw new MaxLengthError('Decode error - repeated field "sizes" had too many elements')
              }

              obj.sizes.push(reader.uint64Number())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          sizes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.sizes != null && obj.sizes === opts.limits.sizes) {
                throw new MaxLengthError('Streaming decode error - repeated field "sizes" had too many elements')
              }

              yield {
                field: `${prefix}.sizes[]`,
                index: obj.sizes,
                value: reader.uint64Number()
              }

              obj.sizes++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RootsQuerySizesFieldEvent {
    field: '$.sizes[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<RootsQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RootsQuery.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RootsQuery>): RootsQuery {
    return decodeMessage(buf, RootsQuery.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RootsQuery>): Generator<RootsQuerySizesFieldEvent> {
    return streamMessage(buf, RootsQuery.codec(), opts)
  }
}

export interface AuditRequest {
  head?: HeadQuery
  job?: JobQuery
  range?: RangeQuery
  roots?: RootsQuery
}

export namespace AuditRequest {
  let _codec: Codec<AuditRequest>

  export const codec = (): Codec<AuditRequest> => {
    if (_codec == null) {
      _codec = message<AuditRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.roots != null) {
          obj.range = undefined
          obj.job = undefined
          obj.head = undefined
        }

        if (obj.range != null) {
          obj.roots = undefined
          obj.job = undefined
          obj.head = undefined
        }

        if (obj.job != null) {
          obj.roots = undefined
          obj.range = undefined
          obj.head = undefined
        }

        if (obj.head != null) {
          obj.roots = undefined
          obj.range = undefined
          obj.job = undefined
        }

        if (obj.head != null) {
          w.uint32(10)
          HeadQuery.codec().encode(obj.head, w)
        }

        if (obj.job != null) {
          w.uint32(18)
          JobQuery.codec().encode(obj.job, w)
        }

        if (obj.range != null) {
          w.uint32(26)
          RangeQuery.codec().encode(obj.range, w)
        }

        if (obj.roots != null) {
          w.uint32(34)
          RootsQuery.codec().encode(obj.roots, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.head = HeadQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.head
              })
              break
            }
            case 2: {
              obj.job = JobQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.job
              })
              break
            }
            case 3: {
              obj.range = RangeQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.range
              })
              break
            }
            case 4: {
              obj.roots = RootsQuery.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.roots
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.roots != null) {
          delete obj.range
          delete obj.job
          delete obj.head
        }

        if (obj.range != null) {
          delete obj.roots
          delete obj.job
          delete obj.head
        }

        if (obj.job != null) {
          delete obj.roots
          delete obj.range
          delete obj.head
        }

        if (obj.head != null) {
          delete obj.roots
          delete obj.range
          delete obj.job
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * HeadQuery.codec().stream(reader, reader.uint32(), `${prefix}.head`, {
                limits: opts.limits?.head
              })

              break
            }
            case 2: {
              yield * JobQuery.codec().stream(reader, reader.uint32(), `${prefix}.job`, {
                limits: opts.limits?.job
              })

              break
            }
            case 3: {
              yield * RangeQuery.codec().stream(reader, reader.uint32(), `${prefix}.range`, {
                limits: opts.limits?.range
              })

              break
            }
            case 4: {
              yield * RootsQuery.codec().stream(reader, reader.uint32(), `${prefix}.roots`, {
                limits: opts.limits?.roots
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AuditRequestJobJobIdFieldEvent {
    field: '$.job.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditRequestJobProofSizeFieldEvent {
    field: '$.job.proofSize'
    value: number
  }

  export interface AuditRequestJobFromIndexFieldEvent {
    field: '$.job.fromIndex'
    value: number
  }

  export interface AuditRequestRangeStartFieldEvent {
    field: '$.range.start'
    value: number
  }

  export interface AuditRequestRangeEndFieldEvent {
    field: '$.range.end'
    value: number
  }

  export interface AuditRequestRangeProofSizeFieldEvent {
    field: '$.range.proofSize'
    value: number
  }

  export interface AuditRequestRootsSizesFieldEvent {
    field: '$.roots.sizes[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<AuditRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AuditRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuditRequest>): AuditRequest {
    return decodeMessage(buf, AuditRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuditRequest>): Generator<AuditRequestJobJobIdFieldEvent | AuditRequestJobProofSizeFieldEvent | AuditRequestJobFromIndexFieldEvent | AuditRequestRangeStartFieldEvent | AuditRequestRangeEndFieldEvent | AuditRequestRangeProofSizeFieldEvent | AuditRequestRootsSizesFieldEvent> {
    return streamMessage(buf, AuditRequest.codec(), opts)
  }
}

export enum AuditStatus {
  AUDIT_STATUS_UNSPECIFIED = 'AUDIT_STATUS_UNSPECIFIED',
  AUDIT_OK = 'AUDIT_OK',
  AUDIT_INVALID = 'AUDIT_INVALID',
  AUDIT_OUT_OF_RANGE = 'AUDIT_OUT_OF_RANGE',
  AUDIT_RATE_LIMITED = 'AUDIT_RATE_LIMITED',
  AUDIT_INTERNAL_ERROR = 'AUDIT_INTERNAL_ERROR'
}

enum __AuditStatusValues {
  AUDIT_STATUS_UNSPECIFIED = 0,
  AUDIT_OK = 1,
  AUDIT_INVALID = 2,
  AUDIT_OUT_OF_RANGE = 3,
  AUDIT_RATE_LIMITED = 4,
  AUDIT_INTERNAL_ERROR = 5
}

export namespace AuditStatus {
  export const codec = (): Codec<AuditStatus> => {
    return enumeration<AuditStatus>(__AuditStatusValues)
  }
}

export interface ProvenEntry {
  entry: Uint8Array<ArrayBuffer>
  proof: Uint8Array<ArrayBuffer>[]
}

export namespace ProvenEntry {
  let _codec: Codec<ProvenEntry>

  export const codec = (): Codec<ProvenEntry> => {
    if (_codec == null) {
      _codec = message<ProvenEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.entry != null && obj.entry.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.entry)
        }

        if (obj.proof != null && obj.proof.length > 0) {
          for (const value of obj.proof) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          entry: uint8ArrayAlloc(0),
          proof: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.entry = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.proof != null && obj.proof.length === opts.limits.proof) {
                throw new MaxLengthError('Decode error - repeated field "proof" had too many elements')
              }

              obj.proof.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          proof: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.entry`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.proof != null && obj.proof === opts.limits.proof) {
                throw new MaxLengthError('Streaming decode error - repeated field "proof" had too many elements')
              }

              yield {
                field: `${prefix}.proof[]`,
                index: obj.proof,
                value: reader.bytes()
              }

              obj.proof++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ProvenEntryEntryFieldEvent {
    field: '$.entry'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvenEntryProofFieldEvent {
    field: '$.proof[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ProvenEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProvenEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvenEntry>): ProvenEntry {
    return decodeMessage(buf, ProvenEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvenEntry>): Generator<ProvenEntryEntryFieldEvent | ProvenEntryProofFieldEvent> {
    return streamMessage(buf, ProvenEntry.codec(), opts)
  }
}

export interface SizedRoot {
  size: number
  root: Uint8Array<ArrayBuffer>
}

export namespace SizedRoot {
  let _codec: Codec<SizedRoot>

  export const codec = (): Codec<SizedRoot> => {
    if (_codec == null) {
      _codec = message<SizedRoot>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.size)
        }

        if ((obj.root != null && obj.root.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.root)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          size: 0,
          root: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.size = reader.uint64Number()
              break
            }
            case 2: {
              obj.root = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.root`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SizedRootSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface SizedRootRootFieldEvent {
    field: '$.root'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SizedRoot>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SizedRoot.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SizedRoot>): SizedRoot {
    return decodeMessage(buf, SizedRoot.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SizedRoot>): Generator<SizedRootSizeFieldEvent | SizedRootRootFieldEvent> {
    return streamMessage(buf, SizedRoot.codec(), opts)
  }
}

export interface ConsistencyProof {
  from: number
  to: number
  proof: Uint8Array<ArrayBuffer>[]
}

export namespace ConsistencyProof {
  let _codec: Codec<ConsistencyProof>

  export const codec = (): Codec<ConsistencyProof> => {
    if (_codec == null) {
      _codec = message<ConsistencyProof>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.from != null && obj.from !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.from)
        }

        if ((obj.to != null && obj.to !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.to)
        }

        if (obj.proof != null && obj.proof.length > 0) {
          for (const value of obj.proof) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          from: 0,
          to: 0,
          proof: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.from = reader.uint64Number()
              break
            }
            case 2: {
              obj.to = reader.uint64Number()
              break
            }
            case 3: {
              if (opts.limits?.proof != null && obj.proof.length === opts.limits.proof) {
                throw new MaxLengthError('Decode error - repeated field "proof" had too many elements')
              }

              obj.proof.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          proof: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.from`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.to`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              if (opts.limits?.proof != null && obj.proof === opts.limits.proof) {
                throw new MaxLengthError('Streaming decode error - repeated field "proof" had too many elements')
              }

              yield {
                field: `${prefix}.proof[]`,
                index: obj.proof,
                value: reader.bytes()
              }

              obj.proof++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ConsistencyProofFromFieldEvent {
    field: '$.from'
    value: number
  }

  export interface ConsistencyProofToFieldEvent {
    field: '$.to'
    value: number
  }

  export interface ConsistencyProofProofFieldEvent {
    field: '$.proof[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ConsistencyProof>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ConsistencyProof.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConsistencyProof>): ConsistencyProof {
    return decodeMessage(buf, ConsistencyProof.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ConsistencyProof>): Generator<ConsistencyProofFromFieldEvent | ConsistencyProofToFieldEvent | ConsistencyProofProofFieldEvent> {
    return streamMessage(buf, ConsistencyProof.codec(), opts)
  }
}

export interface AuditResponse {
  status: AuditStatus
  code: string
  message: string
  treeSize: number
  root: Uint8Array<ArrayBuffer>
  binding?: AnchorBinding
  entries: ProvenEntry[]
  more: boolean
  nextIndex: number
  roots: SizedRoot[]
  consistency: ConsistencyProof[]
}

export namespace AuditResponse {
  let _codec: Codec<AuditResponse>

  export const codec = (): Codec<AuditResponse> => {
    if (_codec == null) {
      _codec = message<AuditResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __AuditStatusValues[obj.status] !== 0) {
          w.uint32(8)
          AuditStatus.codec().encode(obj.status, w)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(18)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if ((obj.treeSize != null && obj.treeSize !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.treeSize)
        }

        if ((obj.root != null && obj.root.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.root)
        }

        if (obj.binding != null) {
          w.uint32(50)
          AnchorBinding.codec().encode(obj.binding, w)
        }

        if (obj.entries != null && obj.entries.length > 0) {
          for (const value of obj.entries) {
            w.uint32(58)
            ProvenEntry.codec().encode(value, w)
          }
        }

        if ((obj.more != null && obj.more !== false)) {
          w.uint32(64)
          w.bool(obj.more)
        }

        if ((obj.nextIndex != null && obj.nextIndex !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.nextIndex)
        }

        if (obj.roots != null && obj.roots.length > 0) {
          for (const value of obj.roots) {
            w.uint32(82)
            SizedRoot.codec().encode(value, w)
          }
        }

        if (obj.consistency != null && obj.consistency.length > 0) {
          for (const value of obj.consistency) {
            w.uint32(90)
            ConsistencyProof.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: AuditStatus.AUDIT_STATUS_UNSPECIFIED,
          code: '',
          message: '',
          treeSize: 0,
          root: uint8ArrayAlloc(0),
          entries: [],
          more: false,
          nextIndex: 0,
          roots: [],
          consistency: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = AuditStatus.codec().decode(reader)
              break
            }
            case 2: {
              obj.code = reader.string()
              break
            }
            case 3: {
              obj.message = reader.string()
              break
            }
            case 4: {
              obj.treeSize = reader.uint64Number()
              break
            }
            case 5: {
              obj.root = reader.bytes()
              break
            }
            case 6: {
              obj.binding = AnchorBinding.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.binding
              })
              break
            }
            case 7: {
              if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
              }

              obj.entries.push(ProvenEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.entries$
              }))
              break
            }
            case 8: {
              obj.more = reader.bool()
              break
            }
            case 9: {
              obj.nextIndex = reader.uint64Number()
              break
            }
            case 10: {
              if (opts.limits?.roots != null && obj.roots.length === opts.limits.roots) {
                throw new MaxLengthError('Decode error - repeated field "roots" had too many elements')
              }

              obj.roots.push(SizedRoot.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.roots$
              }))
              break
            }
            case 11: {
              if (opts.limits?.consistency != null && obj.consistency.length === opts.limits.consistency) {
                throw new MaxLengthError('Decode error - repeated field "consistency" had too many elements')
              }

              obj.consistency.push(ConsistencyProof.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.consistency$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entries: 0,
          roots: 0,
          consistency: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.status`,
                value: AuditStatus.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.treeSize`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.root`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield * AnchorBinding.codec().stream(reader, reader.uint32(), `${prefix}.binding`, {
                limits: opts.limits?.binding
              })

              break
            }
            case 7: {
              if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
              }

              for (const evt of ProvenEntry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                limits: opts.limits?.entries$
              })) {
                yield {
                  ...evt,
                  index: obj.entries
                }
              }

              obj.entries++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.more`,
                value: reader.bool()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.nextIndex`,
                value: reader.uint64Number()
              }
              break
            }
            case 10: {
              if (opts.limits?.roots != null && obj.roots === opts.limits.roots) {
                throw new MaxLengthError('Streaming decode error - repeated field "roots" had too many elements')
              }

              for (const evt of SizedRoot.codec().stream(reader, reader.uint32(), `${prefix}.roots[]`, {
                limits: opts.limits?.roots$
              })) {
                yield {
                  ...evt,
                  index: obj.roots
                }
              }

              obj.roots++

              break
            }
            case 11: {
              if (opts.limits?.consistency != null && obj.consistency === opts.limits.consistency) {
                throw new MaxLengthError('Streaming decode error - repeated field "consistency" had too many elements')
              }

              for (const evt of ConsistencyProof.codec().stream(reader, reader.uint32(), `${prefix}.consistency[]`, {
                limits: opts.limits?.consistency$
              })) {
                yield {
                  ...evt,
                  index: obj.consistency
                }
              }

              obj.consistency++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AuditResponseStatusFieldEvent {
    field: '$.status'
    value: AuditStatus
  }

  export interface AuditResponseCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface AuditResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface AuditResponseTreeSizeFieldEvent {
    field: '$.treeSize'
    value: number
  }

  export interface AuditResponseRootFieldEvent {
    field: '$.root'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditResponseBindingPeerFieldEvent {
    field: '$.binding.peer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditResponseBindingChainIdFieldEvent {
    field: '$.binding.chainId'
    value: number
  }

  export interface AuditResponseBindingContractFieldEvent {
    field: '$.binding.contract'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditResponseBindingAddressFieldEvent {
    field: '$.binding.address'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditResponseBindingIssuedAtFieldEvent {
    field: '$.binding.issuedAt'
    value: number
  }

  export interface AuditResponseBindingSignatureFieldEvent {
    field: '$.binding.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditResponseEntriesEntryFieldEvent {
    field: '$.entries[].entry'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AuditResponseEntriesProofFieldEvent {
    field: '$.entries[].proof[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface AuditResponseMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export interface AuditResponseNextIndexFieldEvent {
    field: '$.nextIndex'
    value: number
  }

  export interface AuditResponseRootsSizeFieldEvent {
    field: '$.roots[].size'
    value: number
    index: number
  }

  export interface AuditResponseRootsRootFieldEvent {
    field: '$.roots[].root'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AuditResponseConsistencyFromFieldEvent {
    field: '$.consistency[].from'
    value: number
    index: number
  }

  export interface AuditResponseConsistencyToFieldEvent {
    field: '$.consistency[].to'
    value: number
    index: number
  }

  export interface AuditResponseConsistencyProofFieldEvent {
    field: '$.consistency[].proof[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AuditResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AuditResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuditResponse>): AuditResponse {
    return decodeMessage(buf, AuditResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AuditResponse>): Generator<AuditResponseStatusFieldEvent | AuditResponseCodeFieldEvent | AuditResponseMessageFieldEvent | AuditResponseTreeSizeFieldEvent | AuditResponseRootFieldEvent | AuditResponseBindingPeerFieldEvent | AuditResponseBindingChainIdFieldEvent | AuditResponseBindingContractFieldEvent | AuditResponseBindingAddressFieldEvent | AuditResponseBindingIssuedAtFieldEvent | AuditResponseBindingSignatureFieldEvent | AuditResponseEntriesEntryFieldEvent | AuditResponseEntriesProofFieldEvent | AuditResponseMoreFieldEvent | AuditResponseNextIndexFieldEvent | AuditResponseRootsSizeFieldEvent | AuditResponseRootsRootFieldEvent | AuditResponseConsistencyFromFieldEvent | AuditResponseConsistencyToFieldEvent | AuditResponseConsistencyProofFieldEvent> {
    return streamMessage(buf, AuditResponse.codec(), opts)
  }
}
