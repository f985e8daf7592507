import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Voucher {
  chainId: number
  contract: Uint8Array<ArrayBuffer>
  channelId: Uint8Array<ArrayBuffer>
  cumulativeAmount: string
  nonce: bigint
  signature: Uint8Array<ArrayBuffer>
  jobId: Uint8Array<ArrayBuffer>
}

export namespace Voucher {
  let _codec: Codec<Voucher>

  export const codec = (): Codec<Voucher> => {
    if (_codec == null) {
      _codec = message<Voucher>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.chainId != null && obj.chainId !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.chainId)
        }

        if ((obj.contract != null && obj.contract.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.contract)
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.channelId)
        }

        if ((obj.cumulativeAmount != null && obj.cumulativeAmount !== '')) {
          w.uint32(34)
          w.string(obj.cumulativeAmount)
        }

        if ((obj.nonce != null && obj.nonce !== 0n)) {
          w.uint32(40)
          w.uint64(obj.nonce)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signature)
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.jobId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          chainId: 0,
          contract: uint8ArrayAlloc(0),
          channelId: uint8ArrayAlloc(0),
          cumulativeAmount: '',
          nonce: 0n,
          signature: uint8ArrayAlloc(0),
          jobId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.chainId = reader.uint64Number()
              break
            }
            case 2: {
              obj.contract = reader.bytes()
              break
            }
            case 3: {
              obj.channelId = reader.bytes()
              break
            }
            case 4: {
              obj.cumulativeAmount = reader.string()
              break
            }
            case 5: {
              obj.nonce = reader.uint64()
              break
            }
            case 6: {
              obj.signature = reader.bytes()
              break
            }
            case 7: {
              obj.jobId = reader.bytes()
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
                field: `${prefix}.chainId`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.contract`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.channelId`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.cumulativeAmount`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.uint64()
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
            case 7: {
              yield {
                field: `${prefix}.jobId`,
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

  export interface VoucherChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface VoucherContractFieldEvent {
    field: '$.contract'
    value: Uint8Array<ArrayBuffer>
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
    value: bigint
  }

  export interface VoucherSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VoucherJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Voucher>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Voucher.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Voucher>): Voucher {
    return decodeMessage(buf, Voucher.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Voucher>): Generator<VoucherChainIdFieldEvent | VoucherContractFieldEvent | VoucherChannelIdFieldEvent | VoucherCumulativeAmountFieldEvent | VoucherNonceFieldEvent | VoucherSignatureFieldEvent | VoucherJobIdFieldEvent> {
    return streamMessage(buf, Voucher.codec(), opts)
  }
}

export enum VoucherStatus {
  VOUCHER_STATUS_UNSPECIFIED = 'VOUCHER_STATUS_UNSPECIFIED',
  VOUCHER_ACCEPTED = 'VOUCHER_ACCEPTED',
  VOUCHER_REJECTED = 'VOUCHER_REJECTED'
}

enum __VoucherStatusValues {
  VOUCHER_STATUS_UNSPECIFIED = 0,
  VOUCHER_ACCEPTED = 1,
  VOUCHER_REJECTED = 2
}

export namespace VoucherStatus {
  export const codec = (): Codec<VoucherStatus> => {
    return enumeration<VoucherStatus>(__VoucherStatusValues)
  }
}

export interface VoucherAck {
  channelId: Uint8Array<ArrayBuffer>
  nonce: bigint
  cumulativeAmount: string
  status: VoucherStatus
  code: string
  message: string
  bestNonce: bigint
  bestCumulativeAmount: string
  timestamp: number
  bestSignature: Uint8Array<ArrayBuffer>
}

export namespace VoucherAck {
  let _codec: Codec<VoucherAck>

  export const codec = (): Codec<VoucherAck> => {
    if (_codec == null) {
      _codec = message<VoucherAck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.channelId != null && obj.channelId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.channelId)
        }

        if ((obj.nonce != null && obj.nonce !== 0n)) {
          w.uint32(16)
          w.uint64(obj.nonce)
        }

        if ((obj.cumulativeAmount != null && obj.cumulativeAmount !== '')) {
          w.uint32(26)
          w.string(obj.cumulativeAmount)
        }

        if (obj.status != null && __VoucherStatusValues[obj.status] !== 0) {
          w.uint32(32)
          VoucherStatus.codec().encode(obj.status, w)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(42)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(50)
          w.string(obj.message)
        }

        if ((obj.bestNonce != null && obj.bestNonce !== 0n)) {
          w.uint32(56)
          w.uint64(obj.bestNonce)
        }

        if ((obj.bestCumulativeAmount != null && obj.bestCumulativeAmount !== '')) {
          w.uint32(66)
          w.string(obj.bestCumulativeAmount)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.timestamp)
        }

        if ((obj.bestSignature != null && obj.bestSignature.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.bestSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          channelId: uint8ArrayAlloc(0),
          nonce: 0n,
          cumulativeAmount: '',
          status: VoucherStatus.VOUCHER_STATUS_UNSPECIFIED,
          code: '',
          message: '',
          bestNonce: 0n,
          bestCumulativeAmount: '',
          timestamp: 0,
          bestSignature: uint8ArrayAlloc(0)
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
              obj.nonce = reader.uint64()
              break
            }
            case 3: {
              obj.cumulativeAmount = reader.string()
              break
            }
            case 4: {
              obj.status = VoucherStatus.codec().decode(reader)
              break
            }
            case 5: {
              obj.code = reader.string()
              break
            }
            case 6: {
              obj.message = reader.string()
              break
            }
            case 7: {
              obj.bestNonce = reader.uint64()
              break
            }
            case 8: {
              obj.bestCumulativeAmount = reader.string()
              break
            }
            case 9: {
              obj.timestamp = reader.uint64Number()
              break
            }
            case 10: {
              obj.bestSignature = reader.bytes()
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
                field: `${prefix}.nonce`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.cumulativeAmount`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.status`,
                value: VoucherStatus.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.bestNonce`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.bestCumulativeAmount`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64Number()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.bestSignature`,
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

  export interface VoucherAckChannelIdFieldEvent {
    field: '$.channelId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VoucherAckNonceFieldEvent {
    field: '$.nonce'
    value: bigint
  }

  export interface VoucherAckCumulativeAmountFieldEvent {
    field: '$.cumulativeAmount'
    value: string
  }

  export interface VoucherAckStatusFieldEvent {
    field: '$.status'
    value: VoucherStatus
  }

  export interface VoucherAckCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface VoucherAckMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface VoucherAckBestNonceFieldEvent {
    field: '$.bestNonce'
    value: bigint
  }

  export interface VoucherAckBestCumulativeAmountFieldEvent {
    field: '$.bestCumulativeAmount'
    value: string
  }

  export interface VoucherAckTimestampFieldEvent {
    field: '$.timestamp'
    value: number
  }

  export interface VoucherAckBestSignatureFieldEvent {
    field: '$.bestSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<VoucherAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VoucherAck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VoucherAck>): VoucherAck {
    return decodeMessage(buf, VoucherAck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VoucherAck>): Generator<VoucherAckChannelIdFieldEvent | VoucherAckNonceFieldEvent | VoucherAckCumulativeAmountFieldEvent | VoucherAckStatusFieldEvent | VoucherAckCodeFieldEvent | VoucherAckMessageFieldEvent | VoucherAckBestNonceFieldEvent | VoucherAckBestCumulativeAmountFieldEvent | VoucherAckTimestampFieldEvent | VoucherAckBestSignatureFieldEvent> {
    return streamMessage(buf, VoucherAck.codec(), opts)
  }
}

export interface SignedVoucherAck {
  payload: Uint8Array<ArrayBuffer>
  signer: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedVoucherAck {
  let _codec: Codec<SignedVoucherAck>

  export const codec = (): Codec<SignedVoucherAck> => {
    if (_codec == null) {
      _codec = message<SignedVoucherAck>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.payload)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signer)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          payload: uint8ArrayAlloc(0),
          signer: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.payload = reader.bytes()
              break
            }
            case 2: {
              obj.signer = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface SignedVoucherAckPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedVoucherAckSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedVoucherAckSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedVoucherAck>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedVoucherAck.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedVoucherAck>): SignedVoucherAck {
    return decodeMessage(buf, SignedVoucherAck.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedVoucherAck>): Generator<SignedVoucherAckPayloadFieldEvent | SignedVoucherAckSignerFieldEvent | SignedVoucherAckSignatureFieldEvent> {
    return streamMessage(buf, SignedVoucherAck.codec(), opts)
  }
}

export interface VoucherReply {
  payload: Uint8Array<ArrayBuffer>
  signer: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  errorCode: string
  errorMessage: string
}

export namespace VoucherReply {
  let _codec: Codec<VoucherReply>

  export const codec = (): Codec<VoucherReply> => {
    if (_codec == null) {
      _codec = message<VoucherReply>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.payload)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signer)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(34)
          w.string(obj.errorCode)
        }

        if ((obj.errorMessage != null && obj.errorMessage !== '')) {
          w.uint32(42)
          w.string(obj.errorMessage)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          payload: uint8ArrayAlloc(0),
          signer: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          errorCode: '',
          errorMessage: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.payload = reader.bytes()
              break
            }
            case 2: {
              obj.signer = reader.bytes()
              break
            }
            case 3: {
              obj.signature = reader.bytes()
              break
            }
            case 4: {
              obj.errorCode = reader.string()
              break
            }
            case 5: {
              obj.errorMessage = reader.string()
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
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.errorCode`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.errorMessage`,
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

  export interface VoucherReplyPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VoucherReplySignerFieldEvent {
    field: '$.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VoucherReplySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VoucherReplyErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export interface VoucherReplyErrorMessageFieldEvent {
    field: '$.errorMessage'
    value: string
  }

  export function encode (obj: Partial<VoucherReply>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VoucherReply.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VoucherReply>): VoucherReply {
    return decodeMessage(buf, VoucherReply.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VoucherReply>): Generator<VoucherReplyPayloadFieldEvent | VoucherReplySignerFieldEvent | VoucherReplySignatureFieldEvent | VoucherReplyErrorCodeFieldEvent | VoucherReplyErrorMessageFieldEvent> {
    return streamMessage(buf, VoucherReply.codec(), opts)
  }
}
