import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum MessageType {
  MESSAGE_TYPE_UNSPECIFIED = 'MESSAGE_TYPE_UNSPECIFIED',
  JOB_REQUEST = 'JOB_REQUEST',
  BID = 'BID',
  AWARD = 'AWARD',
  ACCEPTANCE = 'ACCEPTANCE',
  RESULT = 'RESULT',
  CLEARING = 'CLEARING',
  HEARTBEAT = 'HEARTBEAT',
  AWARD_REVOCATION = 'AWARD_REVOCATION',
  BID_REOPEN = 'BID_REOPEN'
}

enum __MessageTypeValues {
  MESSAGE_TYPE_UNSPECIFIED = 0,
  JOB_REQUEST = 1,
  BID = 2,
  AWARD = 3,
  ACCEPTANCE = 4,
  RESULT = 5,
  CLEARING = 6,
  HEARTBEAT = 20,
  AWARD_REVOCATION = 21,
  BID_REOPEN = 30
}

export namespace MessageType {
  export const codec = (): Codec<MessageType> => {
    return enumeration<MessageType>(__MessageTypeValues)
  }
}

export interface SignedEnvelope {
  type: MessageType
  payload: Uint8Array<ArrayBuffer>
  signer: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedEnvelope {
  let _codec: Codec<SignedEnvelope>

  export const codec = (): Codec<SignedEnvelope> => {
    if (_codec == null) {
      _codec = message<SignedEnvelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __MessageTypeValues[obj.type] !== 0) {
          w.uint32(8)
          MessageType.codec().encode(obj.type, w)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.payload)
        }

        if ((obj.signer != null && obj.signer.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signer)
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
          type: MessageType.MESSAGE_TYPE_UNSPECIFIED,
          payload: uint8ArrayAlloc(0),
          signer: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = MessageType.codec().decode(reader)
              break
            }
            case 2: {
              obj.payload = reader.bytes()
              break
            }
            case 3: {
              obj.signer = reader.bytes()
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
                field: `${prefix}.type`,
                value: MessageType.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signer`,
                value: reader.bytes()
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

  export interface SignedEnvelopeTypeFieldEvent {
    field: '$.type'
    value: MessageType
  }

  export interface SignedEnvelopePayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedEnvelopeSignerFieldEvent {
    field: '$.signer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedEnvelopeSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedEnvelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEnvelope>): SignedEnvelope {
    return decodeMessage(buf, SignedEnvelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEnvelope>): Generator<SignedEnvelopeTypeFieldEvent | SignedEnvelopePayloadFieldEvent | SignedEnvelopeSignerFieldEvent | SignedEnvelopeSignatureFieldEvent> {
    return streamMessage(buf, SignedEnvelope.codec(), opts)
  }
}

export enum PaymentMode {
  PAYMENT_MODE_UNSPECIFIED = 'PAYMENT_MODE_UNSPECIFIED',
  PAYMENT_ESCROW = 'PAYMENT_ESCROW',
  PAYMENT_CHANNEL = 'PAYMENT_CHANNEL'
}

enum __PaymentModeValues {
  PAYMENT_MODE_UNSPECIFIED = 0,
  PAYMENT_ESCROW = 1,
  PAYMENT_CHANNEL = 2
}

export namespace PaymentMode {
  export const codec = (): Codec<PaymentMode> => {
    return enumeration<PaymentMode>(__PaymentModeValues)
  }
}

export interface JobInput {
  name: string
  cid: Uint8Array<ArrayBuffer>
  size: number
}

export namespace JobInput {
  let _codec: Codec<JobInput>

  export const codec = (): Codec<JobInput> => {
    if (_codec == null) {
      _codec = message<JobInput>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.cid != null && obj.cid.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.cid)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.size)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          cid: uint8ArrayAlloc(0),
          size: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.cid = reader.bytes()
              break
            }
            case 3: {
              obj.size = reader.uint64Number()
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
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cid`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.size`,
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

  export interface JobInputNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface JobInputCidFieldEvent {
    field: '$.cid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobInputSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export function encode (obj: Partial<JobInput>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobInput.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobInput>): JobInput {
    return decodeMessage(buf, JobInput.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobInput>): Generator<JobInputNameFieldEvent | JobInputCidFieldEvent | JobInputSizeFieldEvent> {
    return streamMessage(buf, JobInput.codec(), opts)
  }
}

export interface JobLimits {
  memoryBytes: number
  wallTimeMs: number
  outputBytes: number
  threads: number
}

export namespace JobLimits {
  let _codec: Codec<JobLimits>

  export const codec = (): Codec<JobLimits> => {
    if (_codec == null) {
      _codec = message<JobLimits>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.memoryBytes != null && obj.memoryBytes !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.memoryBytes)
        }

        if ((obj.wallTimeMs != null && obj.wallTimeMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.wallTimeMs)
        }

        if ((obj.outputBytes != null && obj.outputBytes !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.outputBytes)
        }

        if ((obj.threads != null && obj.threads !== 0)) {
          w.uint32(32)
          w.uint32(obj.threads)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          memoryBytes: 0,
          wallTimeMs: 0,
          outputBytes: 0,
          threads: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.memoryBytes = reader.uint64Number()
              break
            }
            case 2: {
              obj.wallTimeMs = reader.uint64Number()
              break
            }
            case 3: {
              obj.outputBytes = reader.uint64Number()
              break
            }
            case 4: {
              obj.threads = reader.uint32()
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
                field: `${prefix}.memoryBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.wallTimeMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.outputBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.threads`,
                value: reader.uint32()
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

  export interface JobLimitsMemoryBytesFieldEvent {
    field: '$.memoryBytes'
    value: number
  }

  export interface JobLimitsWallTimeMsFieldEvent {
    field: '$.wallTimeMs'
    value: number
  }

  export interface JobLimitsOutputBytesFieldEvent {
    field: '$.outputBytes'
    value: number
  }

  export interface JobLimitsThreadsFieldEvent {
    field: '$.threads'
    value: number
  }

  export function encode (obj: Partial<JobLimits>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobLimits.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobLimits>): JobLimits {
    return decodeMessage(buf, JobLimits.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobLimits>): Generator<JobLimitsMemoryBytesFieldEvent | JobLimitsWallTimeMsFieldEvent | JobLimitsOutputBytesFieldEvent | JobLimitsThreadsFieldEvent> {
    return streamMessage(buf, JobLimits.codec(), opts)
  }
}

export interface OutputTolerance {
  output: string
  atol: string
  rtol: string
}

export namespace OutputTolerance {
  let _codec: Codec<OutputTolerance>

  export const codec = (): Codec<OutputTolerance> => {
    if (_codec == null) {
      _codec = message<OutputTolerance>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.output != null && obj.output !== '')) {
          w.uint32(10)
          w.string(obj.output)
        }

        if ((obj.atol != null && obj.atol !== '')) {
          w.uint32(18)
          w.string(obj.atol)
        }

        if ((obj.rtol != null && obj.rtol !== '')) {
          w.uint32(26)
          w.string(obj.rtol)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          output: '',
          atol: '',
          rtol: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.output = reader.string()
              break
            }
            case 2: {
              obj.atol = reader.string()
              break
            }
            case 3: {
              obj.rtol = reader.string()
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
                field: `${prefix}.output`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.atol`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.rtol`,
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

  export interface OutputToleranceOutputFieldEvent {
    field: '$.output'
    value: string
  }

  export interface OutputToleranceAtolFieldEvent {
    field: '$.atol'
    value: string
  }

  export interface OutputToleranceRtolFieldEvent {
    field: '$.rtol'
    value: string
  }

  export function encode (obj: Partial<OutputTolerance>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OutputTolerance.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OutputTolerance>): OutputTolerance {
    return decodeMessage(buf, OutputTolerance.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OutputTolerance>): Generator<OutputToleranceOutputFieldEvent | OutputToleranceAtolFieldEvent | OutputToleranceRtolFieldEvent> {
    return streamMessage(buf, OutputTolerance.codec(), opts)
  }
}

export interface JobRequirements {
  minMemoryBytes: number
  gpuVendor: string
  arch: string
  minCpuScore: number
}

export namespace JobRequirements {
  let _codec: Codec<JobRequirements>

  export const codec = (): Codec<JobRequirements> => {
    if (_codec == null) {
      _codec = message<JobRequirements>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.minMemoryBytes != null && obj.minMemoryBytes !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.minMemoryBytes)
        }

        if ((obj.gpuVendor != null && obj.gpuVendor !== '')) {
          w.uint32(18)
          w.string(obj.gpuVendor)
        }

        if ((obj.arch != null && obj.arch !== '')) {
          w.uint32(26)
          w.string(obj.arch)
        }

        if ((obj.minCpuScore != null && obj.minCpuScore !== 0)) {
          w.uint32(32)
          w.uint32(obj.minCpuScore)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          minMemoryBytes: 0,
          gpuVendor: '',
          arch: '',
          minCpuScore: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.minMemoryBytes = reader.uint64Number()
              break
            }
            case 2: {
              obj.gpuVendor = reader.string()
              break
            }
            case 3: {
              obj.arch = reader.string()
              break
            }
            case 4: {
              obj.minCpuScore = reader.uint32()
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
                field: `${prefix}.minMemoryBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.gpuVendor`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.arch`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.minCpuScore`,
                value: reader.uint32()
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

  export interface JobRequirementsMinMemoryBytesFieldEvent {
    field: '$.minMemoryBytes'
    value: number
  }

  export interface JobRequirementsGpuVendorFieldEvent {
    field: '$.gpuVendor'
    value: string
  }

  export interface JobRequirementsArchFieldEvent {
    field: '$.arch'
    value: string
  }

  export interface JobRequirementsMinCpuScoreFieldEvent {
    field: '$.minCpuScore'
    value: number
  }

  export function encode (obj: Partial<JobRequirements>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobRequirements.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobRequirements>): JobRequirements {
    return decodeMessage(buf, JobRequirements.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobRequirements>): Generator<JobRequirementsMinMemoryBytesFieldEvent | JobRequirementsGpuVendorFieldEvent | JobRequirementsArchFieldEvent | JobRequirementsMinCpuScoreFieldEvent> {
    return streamMessage(buf, JobRequirements.codec(), opts)
  }
}

export interface JobSpec {
  executor: string
  module: Uint8Array<ArrayBuffer>
  moduleSize: number
  inputs: JobInput[]
  args: string[]
  limits?: JobLimits
  requirements?: JobRequirements
  maxPrice: string
  token: string
  payment: PaymentMode
  redundancy: number
  bidWindowMs: number
  deadline: number
  createdAt: number
  nonce: Uint8Array<ArrayBuffer>
  requester: Uint8Array<ArrayBuffer>
  requesterEthAddress: string
  maxBidders: number
  providerEstimate: number
  tolerances: OutputTolerance[]
  payOnAward: boolean
}

export namespace JobSpec {
  let _codec: Codec<JobSpec>

  export const codec = (): Codec<JobSpec> => {
    if (_codec == null) {
      _codec = message<JobSpec>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.executor != null && obj.executor !== '')) {
          w.uint32(10)
          w.string(obj.executor)
        }

        if ((obj.module != null && obj.module.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.module)
        }

        if ((obj.moduleSize != null && obj.moduleSize !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.moduleSize)
        }

        if (obj.inputs != null && obj.inputs.length > 0) {
          for (const value of obj.inputs) {
            w.uint32(34)
            JobInput.codec().encode(value, w)
          }
        }

        if (obj.args != null && obj.args.length > 0) {
          for (const value of obj.args) {
            w.uint32(42)
            w.string(value)
          }
        }

        if (obj.limits != null) {
          w.uint32(50)
          JobLimits.codec().encode(obj.limits, w)
        }

        if (obj.requirements != null) {
          w.uint32(58)
          JobRequirements.codec().encode(obj.requirements, w)
        }

        if ((obj.maxPrice != null && obj.maxPrice !== '')) {
          w.uint32(66)
          w.string(obj.maxPrice)
        }

        if ((obj.token != null && obj.token !== '')) {
          w.uint32(74)
          w.string(obj.token)
        }

        if (obj.payment != null && __PaymentModeValues[obj.payment] !== 0) {
          w.uint32(80)
          PaymentMode.codec().encode(obj.payment, w)
        }

        if ((obj.redundancy != null && obj.redundancy !== 0)) {
          w.uint32(88)
          w.uint32(obj.redundancy)
        }

        if ((obj.bidWindowMs != null && obj.bidWindowMs !== 0)) {
          w.uint32(96)
          w.uint32(obj.bidWindowMs)
        }

        if ((obj.deadline != null && obj.deadline !== 0)) {
          w.uint32(104)
          w.uint64Number(obj.deadline)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(112)
          w.uint64Number(obj.createdAt)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.nonce)
        }

        if ((obj.requester != null && obj.requester.byteLength > 0)) {
          w.uint32(130)
          w.bytes(obj.requester)
        }

        if ((obj.requesterEthAddress != null && obj.requesterEthAddress !== '')) {
          w.uint32(138)
          w.string(obj.requesterEthAddress)
        }

        if ((obj.maxBidders != null && obj.maxBidders !== 0)) {
          w.uint32(144)
          w.uint32(obj.maxBidders)
        }

        if ((obj.providerEstimate != null && obj.providerEstimate !== 0)) {
          w.uint32(152)
          w.uint32(obj.providerEstimate)
        }

        if (obj.tolerances != null && obj.tolerances.length > 0) {
          for (const value of obj.tolerances) {
            w.uint32(162)
            OutputTolerance.codec().encode(value, w)
          }
        }

        if ((obj.payOnAward != null && obj.payOnAward !== false)) {
          w.uint32(200)
          w.bool(obj.payOnAward)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          executor: '',
          module: uint8ArrayAlloc(0),
          moduleSize: 0,
          inputs: [],
          args: [],
          maxPrice: '',
          token: '',
          payment: PaymentMode.PAYMENT_MODE_UNSPECIFIED,
          redundancy: 0,
          bidWindowMs: 0,
          deadline: 0,
          createdAt: 0,
          nonce: uint8ArrayAlloc(0),
          requester: uint8ArrayAlloc(0),
          requesterEthAddress: '',
          maxBidders: 0,
          providerEstimate: 0,
          tolerances: [],
          payOnAward: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.executor = reader.string()
              break
            }
            case 2: {
              obj.module = reader.bytes()
              break
            }
            case 3: {
              obj.moduleSize = reader.uint64Number()
              break
            }
            case 4: {
              if (opts.limits?.inputs != null && obj.inputs.length === opts.limits.inputs) {
                throw new MaxLengthError('Decode error - repeated field "inputs" had too many elements')
              }

              if (obj.inputs.length === 64) {
                throw new MaxLengthError('Decode error - repeated field "inputs" had too many elements')
              }

              obj.inputs.push(JobInput.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.inputs$
              }))
              break
            }
            case 5: {
              if (opts.limits?.args != null && obj.args.length === opts.limits.args) {
                throw new MaxLengthError('Decode error - repeated field "args" had too many elements')
              }

              if (obj.args.length === 64) {
                throw new MaxLengthError('Decode error - repeated field "args" had too many elements')
              }

              obj.args.push(reader.string())
              break
            }
            case 6: {
              obj.limits = JobLimits.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.limits
              })
              break
            }
            case 7: {
              obj.requirements = JobRequirements.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.requirements
              })
              break
            }
            case 8: {
              obj.maxPrice = reader.string()
              break
            }
            case 9: {
              obj.token = reader.string()
              break
            }
            case 10: {
              obj.payment = PaymentMode.codec().decode(reader)
              break
            }
            case 11: {
              obj.redundancy = reader.uint32()
              break
            }
            case 12: {
              obj.bidWindowMs = reader.uint32()
              break
            }
            case 13: {
              obj.deadline = reader.uint64Number()
              break
            }
            case 14: {
              obj.createdAt = reader.uint64Number()
              break
            }
            case 15: {
              obj.nonce = reader.bytes()
              break
            }
            case 16: {
              obj.requester = reader.bytes()
              break
            }
            case 17: {
              obj.requesterEthAddress = reader.string()
              break
            }
            case 18: {
              obj.maxBidders = reader.uint32()
              break
            }
            case 19: {
              obj.providerEstimate = reader.uint32()
              break
            }
            case 20: {
              if (opts.limits?.tolerances != null && obj.tolerances.length === opts.limits.tolerances) {
                throw new MaxLengthError('Decode error - repeated field "tolerances" had too many elements')
              }

              if (obj.tolerances.length === 64) {
                throw new MaxLengthError('Decode error - repeated field "tolerances" had too many elements')
              }

              obj.tolerances.push(OutputTolerance.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.tolerances$
              }))
              break
            }
            case 25: {
              obj.payOnAward = reader.bool()
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
          inputs: 64,
          args: 64,
          tolerances: 64
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.executor`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.module`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.moduleSize`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              if (opts.limits?.inputs != null && obj.inputs === opts.limits.inputs) {
                throw new MaxLengthError('Streaming decode error - repeated field "inputs" had too many elements')
              }

              if (obj.inputs === 64) {
                throw new MaxLengthError('Streaming decode error - repeated field "inputs" had too many elements')
              }

              for (const evt of JobInput.codec().stream(reader, reader.uint32(), `${prefix}.inputs[]`, {
                limits: opts.limits?.inputs$
              })) {
                yield {
                  ...evt,
                  index: obj.inputs
                }
              }

              obj.inputs++

              break
            }
            case 5: {
              if (opts.limits?.args != null && obj.args === opts.limits.args) {
                throw new MaxLengthError('Streaming decode error - repeated field "args" had too many elements')
              }

              if (obj.args === 64) {
                throw new MaxLengthError('Streaming decode error - repeated field "args" had too many elements')
              }

              yield {
                field: `${prefix}.args[]`,
                index: obj.args,
                value: reader.string()
              }

              obj.args++

              break
            }
            case 6: {
              yield * JobLimits.codec().stream(reader, reader.uint32(), `${prefix}.limits`, {
                limits: opts.limits?.limits
              })

              break
            }
            case 7: {
              yield * JobRequirements.codec().stream(reader, reader.uint32(), `${prefix}.requirements`, {
                limits: opts.limits?.requirements
              })

              break
            }
            case 8: {
              yield {
                field: `${prefix}.maxPrice`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.token`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.payment`,
                value: PaymentMode.codec().decode(reader)
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.redundancy`,
                value: reader.uint32()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.bidWindowMs`,
                value: reader.uint32()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.deadline`,
                value: reader.uint64Number()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 16: {
              yield {
                field: `${prefix}.requester`,
                value: reader.bytes()
              }
              break
            }
            case 17: {
              yield {
                field: `${prefix}.requesterEthAddress`,
                value: reader.string()
              }
              break
            }
            case 18: {
              yield {
                field: `${prefix}.maxBidders`,
                value: reader.uint32()
              }
              break
            }
            case 19: {
              yield {
                field: `${prefix}.providerEstimate`,
                value: reader.uint32()
              }
              break
            }
            case 20: {
              if (opts.limits?.tolerances != null && obj.tolerances === opts.limits.tolerances) {
                throw new MaxLengthError('Streaming decode error - repeated field "tolerances" had too many elements')
              }

              if (obj.tolerances === 64) {
                throw new MaxLengthError('Streaming decode error - repeated field "tolerances" had too many elements')
              }

              for (const evt of OutputTolerance.codec().stream(reader, reader.uint32(), `${prefix}.tolerances[]`, {
                limits: opts.limits?.tolerances$
              })) {
                yield {
                  ...evt,
                  index: obj.tolerances
                }
              }

              obj.tolerances++

              break
            }
            case 25: {
              yield {
                field: `${prefix}.payOnAward`,
                value: reader.bool()
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

  export interface JobSpecExecutorFieldEvent {
    field: '$.executor'
    value: string
  }

  export interface JobSpecModuleFieldEvent {
    field: '$.module'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobSpecModuleSizeFieldEvent {
    field: '$.moduleSize'
    value: number
  }

  export interface JobSpecInputsNameFieldEvent {
    field: '$.inputs[].name'
    value: string
    index: number
  }

  export interface JobSpecInputsCidFieldEvent {
    field: '$.inputs[].cid'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface JobSpecInputsSizeFieldEvent {
    field: '$.inputs[].size'
    value: number
    index: number
  }

  export interface JobSpecArgsFieldEvent {
    field: '$.args[]'
    index: number
    value: string
  }

  export interface JobSpecLimitsMemoryBytesFieldEvent {
    field: '$.limits.memoryBytes'
    value: number
  }

  export interface JobSpecLimitsWallTimeMsFieldEvent {
    field: '$.limits.wallTimeMs'
    value: number
  }

  export interface JobSpecLimitsOutputBytesFieldEvent {
    field: '$.limits.outputBytes'
    value: number
  }

  export interface JobSpecLimitsThreadsFieldEvent {
    field: '$.limits.threads'
    value: number
  }

  export interface JobSpecRequirementsMinMemoryBytesFieldEvent {
    field: '$.requirements.minMemoryBytes'
    value: number
  }

  export interface JobSpecRequirementsGpuVendorFieldEvent {
    field: '$.requirements.gpuVendor'
    value: string
  }

  export interface JobSpecRequirementsArchFieldEvent {
    field: '$.requirements.arch'
    value: string
  }

  export interface JobSpecRequirementsMinCpuScoreFieldEvent {
    field: '$.requirements.minCpuScore'
    value: number
  }

  export interface JobSpecMaxPriceFieldEvent {
    field: '$.maxPrice'
    value: string
  }

  export interface JobSpecTokenFieldEvent {
    field: '$.token'
    value: string
  }

  export interface JobSpecPaymentFieldEvent {
    field: '$.payment'
    value: PaymentMode
  }

  export interface JobSpecRedundancyFieldEvent {
    field: '$.redundancy'
    value: number
  }

  export interface JobSpecBidWindowMsFieldEvent {
    field: '$.bidWindowMs'
    value: number
  }

  export interface JobSpecDeadlineFieldEvent {
    field: '$.deadline'
    value: number
  }

  export interface JobSpecCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export interface JobSpecNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobSpecRequesterFieldEvent {
    field: '$.requester'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobSpecRequesterEthAddressFieldEvent {
    field: '$.requesterEthAddress'
    value: string
  }

  export interface JobSpecMaxBiddersFieldEvent {
    field: '$.maxBidders'
    value: number
  }

  export interface JobSpecProviderEstimateFieldEvent {
    field: '$.providerEstimate'
    value: number
  }

  export interface JobSpecTolerancesOutputFieldEvent {
    field: '$.tolerances[].output'
    value: string
    index: number
  }

  export interface JobSpecTolerancesAtolFieldEvent {
    field: '$.tolerances[].atol'
    value: string
    index: number
  }

  export interface JobSpecTolerancesRtolFieldEvent {
    field: '$.tolerances[].rtol'
    value: string
    index: number
  }

  export interface JobSpecPayOnAwardFieldEvent {
    field: '$.payOnAward'
    value: boolean
  }

  export function encode (obj: Partial<JobSpec>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobSpec.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobSpec>): JobSpec {
    return decodeMessage(buf, JobSpec.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobSpec>): Generator<JobSpecExecutorFieldEvent | JobSpecModuleFieldEvent | JobSpecModuleSizeFieldEvent | JobSpecInputsNameFieldEvent | JobSpecInputsCidFieldEvent | JobSpecInputsSizeFieldEvent | JobSpecArgsFieldEvent | JobSpecLimitsMemoryBytesFieldEvent | JobSpecLimitsWallTimeMsFieldEvent | JobSpecLimitsOutputBytesFieldEvent | JobSpecLimitsThreadsFieldEvent | JobSpecRequirementsMinMemoryBytesFieldEvent | JobSpecRequirementsGpuVendorFieldEvent | JobSpecRequirementsArchFieldEvent | JobSpecRequirementsMinCpuScoreFieldEvent | JobSpecMaxPriceFieldEvent | JobSpecTokenFieldEvent | JobSpecPaymentFieldEvent | JobSpecRedundancyFieldEvent | JobSpecBidWindowMsFieldEvent | JobSpecDeadlineFieldEvent | JobSpecCreatedAtFieldEvent | JobSpecNonceFieldEvent | JobSpecRequesterFieldEvent | JobSpecRequesterEthAddressFieldEvent | JobSpecMaxBiddersFieldEvent | JobSpecProviderEstimateFieldEvent | JobSpecTolerancesOutputFieldEvent | JobSpecTolerancesAtolFieldEvent | JobSpecTolerancesRtolFieldEvent | JobSpecPayOnAwardFieldEvent> {
    return streamMessage(buf, JobSpec.codec(), opts)
  }
}

export interface JobRequest {
  jobId: Uint8Array<ArrayBuffer>
  spec?: JobSpec
  requesterAddrs: string[]
}

export namespace JobRequest {
  let _codec: Codec<JobRequest>

  export const codec = (): Codec<JobRequest> => {
    if (_codec == null) {
      _codec = message<JobRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if (obj.spec != null) {
          w.uint32(18)
          JobSpec.codec().encode(obj.spec, w)
        }

        if (obj.requesterAddrs != null && obj.requesterAddrs.length > 0) {
          for (const value of obj.requesterAddrs) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          requesterAddrs: []
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
              obj.spec = JobSpec.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.spec
              })
              break
            }
            case 3: {
              if (opts.limits?.requesterAddrs != null && obj.requesterAddrs.length === opts.limits.requesterAddrs) {
                throw new MaxLengthError('Decode error - repeated field "requesterAddrs" had too many elements')
              }

              if (obj.requesterAddrs.length === 16) {
                throw new MaxLengthError('Decode error - repeated field "requesterAddrs" had too many elements')
              }

              obj.requesterAddrs.push(reader.string())
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
          requesterAddrs: 16
        }

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
              yield * JobSpec.codec().stream(reader, reader.uint32(), `${prefix}.spec`, {
                limits: opts.limits?.spec
              })

              break
            }
            case 3: {
              if (opts.limits?.requesterAddrs != null && obj.requesterAddrs === opts.limits.requesterAddrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "requesterAddrs" had too many elements')
              }

              if (obj.requesterAddrs === 16) {
                throw new MaxLengthError('Streaming decode error - repeated field "requesterAddrs" had too many elements')
              }

              yield {
                field: `${prefix}.requesterAddrs[]`,
                index: obj.requesterAddrs,
                value: reader.string()
              }

              obj.requesterAddrs++

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

  export interface JobRequestJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobRequestSpecExecutorFieldEvent {
    field: '$.spec.executor'
    value: string
  }

  export interface JobRequestSpecModuleFieldEvent {
    field: '$.spec.module'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobRequestSpecModuleSizeFieldEvent {
    field: '$.spec.moduleSize'
    value: number
  }

  export interface JobRequestSpecInputsNameFieldEvent {
    field: '$.spec.inputs[].name'
    value: string
    index: number
  }

  export interface JobRequestSpecInputsCidFieldEvent {
    field: '$.spec.inputs[].cid'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface JobRequestSpecInputsSizeFieldEvent {
    field: '$.spec.inputs[].size'
    value: number
    index: number
  }

  export interface JobRequestSpecArgsFieldEvent {
    field: '$.spec.args[]'
    index: number
    value: string
  }

  export interface JobRequestSpecLimitsMemoryBytesFieldEvent {
    field: '$.spec.limits.memoryBytes'
    value: number
  }

  export interface JobRequestSpecLimitsWallTimeMsFieldEvent {
    field: '$.spec.limits.wallTimeMs'
    value: number
  }

  export interface JobRequestSpecLimitsOutputBytesFieldEvent {
    field: '$.spec.limits.outputBytes'
    value: number
  }

  export interface JobRequestSpecLimitsThreadsFieldEvent {
    field: '$.spec.limits.threads'
    value: number
  }

  export interface JobRequestSpecRequirementsMinMemoryBytesFieldEvent {
    field: '$.spec.requirements.minMemoryBytes'
    value: number
  }

  export interface JobRequestSpecRequirementsGpuVendorFieldEvent {
    field: '$.spec.requirements.gpuVendor'
    value: string
  }

  export interface JobRequestSpecRequirementsArchFieldEvent {
    field: '$.spec.requirements.arch'
    value: string
  }

  export interface JobRequestSpecRequirementsMinCpuScoreFieldEvent {
    field: '$.spec.requirements.minCpuScore'
    value: number
  }

  export interface JobRequestSpecMaxPriceFieldEvent {
    field: '$.spec.maxPrice'
    value: string
  }

  export interface JobRequestSpecTokenFieldEvent {
    field: '$.spec.token'
    value: string
  }

  export interface JobRequestSpecPaymentFieldEvent {
    field: '$.spec.payment'
    value: PaymentMode
  }

  export interface JobRequestSpecRedundancyFieldEvent {
    field: '$.spec.redundancy'
    value: number
  }

  export interface JobRequestSpecBidWindowMsFieldEvent {
    field: '$.spec.bidWindowMs'
    value: number
  }

  export interface JobRequestSpecDeadlineFieldEvent {
    field: '$.spec.deadline'
    value: number
  }

  export interface JobRequestSpecCreatedAtFieldEvent {
    field: '$.spec.createdAt'
    value: number
  }

  export interface JobRequestSpecNonceFieldEvent {
    field: '$.spec.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobRequestSpecRequesterFieldEvent {
    field: '$.spec.requester'
    value: Uint8Array<ArrayBuffer>
  }

  export interface JobRequestSpecRequesterEthAddressFieldEvent {
    field: '$.spec.requesterEthAddress'
    value: string
  }

  export interface JobRequestSpecMaxBiddersFieldEvent {
    field: '$.spec.maxBidders'
    value: number
  }

  export interface JobRequestSpecProviderEstimateFieldEvent {
    field: '$.spec.providerEstimate'
    value: number
  }

  export interface JobRequestSpecTolerancesOutputFieldEvent {
    field: '$.spec.tolerances[].output'
    value: string
    index: number
  }

  export interface JobRequestSpecTolerancesAtolFieldEvent {
    field: '$.spec.tolerances[].atol'
    value: string
    index: number
  }

  export interface JobRequestSpecTolerancesRtolFieldEvent {
    field: '$.spec.tolerances[].rtol'
    value: string
    index: number
  }

  export interface JobRequestSpecPayOnAwardFieldEvent {
    field: '$.spec.payOnAward'
    value: boolean
  }

  export interface JobRequestRequesterAddrsFieldEvent {
    field: '$.requesterAddrs[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<JobRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JobRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobRequest>): JobRequest {
    return decodeMessage(buf, JobRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JobRequest>): Generator<JobRequestJobIdFieldEvent | JobRequestSpecExecutorFieldEvent | JobRequestSpecModuleFieldEvent | JobRequestSpecModuleSizeFieldEvent | JobRequestSpecInputsNameFieldEvent | JobRequestSpecInputsCidFieldEvent | JobRequestSpecInputsSizeFieldEvent | JobRequestSpecArgsFieldEvent | JobRequestSpecLimitsMemoryBytesFieldEvent | JobRequestSpecLimitsWallTimeMsFieldEvent | JobRequestSpecLimitsOutputBytesFieldEvent | JobRequestSpecLimitsThreadsFieldEvent | JobRequestSpecRequirementsMinMemoryBytesFieldEvent | JobRequestSpecRequirementsGpuVendorFieldEvent | JobRequestSpecRequirementsArchFieldEvent | JobRequestSpecRequirementsMinCpuScoreFieldEvent | JobRequestSpecMaxPriceFieldEvent | JobRequestSpecTokenFieldEvent | JobRequestSpecPaymentFieldEvent | JobRequestSpecRedundancyFieldEvent | JobRequestSpecBidWindowMsFieldEvent | JobRequestSpecDeadlineFieldEvent | JobRequestSpecCreatedAtFieldEvent | JobRequestSpecNonceFieldEvent | JobRequestSpecRequesterFieldEvent | JobRequestSpecRequesterEthAddressFieldEvent | JobRequestSpecMaxBiddersFieldEvent | JobRequestSpecProviderEstimateFieldEvent | JobRequestSpecTolerancesOutputFieldEvent | JobRequestSpecTolerancesAtolFieldEvent | JobRequestSpecTolerancesRtolFieldEvent | JobRequestSpecPayOnAwardFieldEvent | JobRequestRequesterAddrsFieldEvent> {
    return streamMessage(buf, JobRequest.codec(), opts)
  }
}

export interface Bid {
  jobId: Uint8Array<ArrayBuffer>
  provider: Uint8Array<ArrayBuffer>
  price: string
  estimatedDurationMs: number
  providerEthAddress: string
  expiresAt: number
  stakeHint: string
  benchmarkScore: number
  lotteryEstimate: number
  freeSlots: number
  slotsHeldForRequester: number
}

export namespace Bid {
  let _codec: Codec<Bid>

  export const codec = (): Codec<Bid> => {
    if (_codec == null) {
      _codec = message<Bid>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.provider != null && obj.provider.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.provider)
        }

        if ((obj.price != null && obj.price !== '')) {
          w.uint32(26)
          w.string(obj.price)
        }

        if ((obj.estimatedDurationMs != null && obj.estimatedDurationMs !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.estimatedDurationMs)
        }

        if ((obj.providerEthAddress != null && obj.providerEthAddress !== '')) {
          w.uint32(42)
          w.string(obj.providerEthAddress)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.stakeHint != null && obj.stakeHint !== '')) {
          w.uint32(58)
          w.string(obj.stakeHint)
        }

        if ((obj.benchmarkScore != null && obj.benchmarkScore !== 0)) {
          w.uint32(64)
          w.uint32(obj.benchmarkScore)
        }

        if ((obj.lotteryEstimate != null && obj.lotteryEstimate !== 0)) {
          w.uint32(72)
          w.uint32(obj.lotteryEstimate)
        }

        if ((obj.freeSlots != null && obj.freeSlots !== 0)) {
          w.uint32(80)
          w.uint32(obj.freeSlots)
        }

        if ((obj.slotsHeldForRequester != null && obj.slotsHeldForRequester !== 0)) {
          w.uint32(88)
          w.uint32(obj.slotsHeldForRequester)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          provider: uint8ArrayAlloc(0),
          price: '',
          estimatedDurationMs: 0,
          providerEthAddress: '',
          expiresAt: 0,
          stakeHint: '',
          benchmarkScore: 0,
          lotteryEstimate: 0,
          freeSlots: 0,
          slotsHeldForRequester: 0
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
              obj.provider = reader.bytes()
              break
            }
            case 3: {
              obj.price = reader.string()
              break
            }
            case 4: {
              obj.estimatedDurationMs = reader.uint64Number()
              break
            }
            case 5: {
              obj.providerEthAddress = reader.string()
              break
            }
            case 6: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 7: {
              obj.stakeHint = reader.string()
              break
            }
            case 8: {
              obj.benchmarkScore = reader.uint32()
              break
            }
            case 9: {
              obj.lotteryEstimate = reader.uint32()
              break
            }
            case 10: {
              obj.freeSlots = reader.uint32()
              break
            }
            case 11: {
              obj.slotsHeldForRequester = reader.uint32()
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
                field: `${prefix}.provider`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.price`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.estimatedDurationMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.providerEthAddress`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.stakeHint`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.benchmarkScore`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.lotteryEstimate`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.freeSlots`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.slotsHeldForRequester`,
                value: reader.uint32()
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

  export interface BidJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BidProviderFieldEvent {
    field: '$.provider'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BidPriceFieldEvent {
    field: '$.price'
    value: string
  }

  export interface BidEstimatedDurationMsFieldEvent {
    field: '$.estimatedDurationMs'
    value: number
  }

  export interface BidProviderEthAddressFieldEvent {
    field: '$.providerEthAddress'
    value: string
  }

  export interface BidExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface BidStakeHintFieldEvent {
    field: '$.stakeHint'
    value: string
  }

  export interface BidBenchmarkScoreFieldEvent {
    field: '$.benchmarkScore'
    value: number
  }

  export interface BidLotteryEstimateFieldEvent {
    field: '$.lotteryEstimate'
    value: number
  }

  export interface BidFreeSlotsFieldEvent {
    field: '$.freeSlots'
    value: number
  }

  export interface BidSlotsHeldForRequesterFieldEvent {
    field: '$.slotsHeldForRequester'
    value: number
  }

  export function encode (obj: Partial<Bid>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Bid.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Bid>): Bid {
    return decodeMessage(buf, Bid.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Bid>): Generator<BidJobIdFieldEvent | BidProviderFieldEvent | BidPriceFieldEvent | BidEstimatedDurationMsFieldEvent | BidProviderEthAddressFieldEvent | BidExpiresAtFieldEvent | BidStakeHintFieldEvent | BidBenchmarkScoreFieldEvent | BidLotteryEstimateFieldEvent | BidFreeSlotsFieldEvent | BidSlotsHeldForRequesterFieldEvent> {
    return streamMessage(buf, Bid.codec(), opts)
  }
}

export interface Award {
  jobId: Uint8Array<ArrayBuffer>
  requester: Uint8Array<ArrayBuffer>
  provider: Uint8Array<ArrayBuffer>
  price: string
  awardIndex: number
  deadline: number
  issuedAt: number
}

export namespace Award {
  let _codec: Codec<Award>

  export const codec = (): Codec<Award> => {
    if (_codec == null) {
      _codec = message<Award>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.requester != null && obj.requester.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.requester)
        }

        if ((obj.provider != null && obj.provider.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.provider)
        }

        if ((obj.price != null && obj.price !== '')) {
          w.uint32(34)
          w.string(obj.price)
        }

        if ((obj.awardIndex != null && obj.awardIndex !== 0)) {
          w.uint32(40)
          w.uint32(obj.awardIndex)
        }

        if ((obj.deadline != null && obj.deadline !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.deadline)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.issuedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          requester: uint8ArrayAlloc(0),
          provider: uint8ArrayAlloc(0),
          price: '',
          awardIndex: 0,
          deadline: 0,
          issuedAt: 0
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
              obj.requester = reader.bytes()
              break
            }
            case 3: {
              obj.provider = reader.bytes()
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
              obj.deadline = reader.uint64Number()
              break
            }
            case 7: {
              obj.issuedAt = reader.uint64Number()
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
                field: `${prefix}.requester`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.provider`,
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
                field: `${prefix}.deadline`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.issuedAt`,
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

  export interface AwardJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardRequesterFieldEvent {
    field: '$.requester'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardProviderFieldEvent {
    field: '$.provider'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardPriceFieldEvent {
    field: '$.price'
    value: string
  }

  export interface AwardAwardIndexFieldEvent {
    field: '$.awardIndex'
    value: number
  }

  export interface AwardDeadlineFieldEvent {
    field: '$.deadline'
    value: number
  }

  export interface AwardIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export function encode (obj: Partial<Award>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Award.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Award>): Award {
    return decodeMessage(buf, Award.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Award>): Generator<AwardJobIdFieldEvent | AwardRequesterFieldEvent | AwardProviderFieldEvent | AwardPriceFieldEvent | AwardAwardIndexFieldEvent | AwardDeadlineFieldEvent | AwardIssuedAtFieldEvent> {
    return streamMessage(buf, Award.codec(), opts)
  }
}

export interface AwardWithData {
  envelope: Uint8Array<ArrayBuffer>
  blobs: InlineBlob[]
  voucher: Uint8Array<ArrayBuffer>
}

export namespace AwardWithData {
  let _codec: Codec<AwardWithData>

  export const codec = (): Codec<AwardWithData> => {
    if (_codec == null) {
      _codec = message<AwardWithData>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.envelope)
        }

        if (obj.blobs != null && obj.blobs.length > 0) {
          for (const value of obj.blobs) {
            w.uint32(18)
            InlineBlob.codec().encode(value, w)
          }
        }

        if ((obj.voucher != null && obj.voucher.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.voucher)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          envelope: uint8ArrayAlloc(0),
          blobs: [],
          voucher: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.envelope = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.blobs != null && obj.blobs.length === opts.limits.blobs) {
                throw new MaxLengthError('Decode error - repeated field "blobs" had too many elements')
              }

              obj.blobs.push(InlineBlob.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.blobs$
              }))
              break
            }
            case 3: {
              obj.voucher = reader.bytes()
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
          blobs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.blobs != null && obj.blobs === opts.limits.blobs) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobs" had too many elements')
              }

              for (const evt of InlineBlob.codec().stream(reader, reader.uint32(), `${prefix}.blobs[]`, {
                limits: opts.limits?.blobs$
              })) {
                yield {
                  ...evt,
                  index: obj.blobs
                }
              }

              obj.blobs++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.voucher`,
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

  export interface AwardWithDataEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardWithDataBlobsCidFieldEvent {
    field: '$.blobs[].cid'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AwardWithDataBlobsDataFieldEvent {
    field: '$.blobs[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AwardWithDataVoucherFieldEvent {
    field: '$.voucher'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AwardWithData>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AwardWithData.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AwardWithData>): AwardWithData {
    return decodeMessage(buf, AwardWithData.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AwardWithData>): Generator<AwardWithDataEnvelopeFieldEvent | AwardWithDataBlobsCidFieldEvent | AwardWithDataBlobsDataFieldEvent | AwardWithDataVoucherFieldEvent> {
    return streamMessage(buf, AwardWithData.codec(), opts)
  }
}

export interface InlineBlob {
  cid: Uint8Array<ArrayBuffer>
  data: Uint8Array<ArrayBuffer>
}

export namespace InlineBlob {
  let _codec: Codec<InlineBlob>

  export const codec = (): Codec<InlineBlob> => {
    if (_codec == null) {
      _codec = message<InlineBlob>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.cid != null && obj.cid.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.cid)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cid: uint8ArrayAlloc(0),
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cid = reader.bytes()
              break
            }
            case 2: {
              obj.data = reader.bytes()
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
                field: `${prefix}.cid`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
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

  export interface InlineBlobCidFieldEvent {
    field: '$.cid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface InlineBlobDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<InlineBlob>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InlineBlob.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InlineBlob>): InlineBlob {
    return decodeMessage(buf, InlineBlob.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InlineBlob>): Generator<InlineBlobCidFieldEvent | InlineBlobDataFieldEvent> {
    return streamMessage(buf, InlineBlob.codec(), opts)
  }
}

export interface ResultWithData {
  envelope: Uint8Array<ArrayBuffer>
  output: Uint8Array<ArrayBuffer>
}

export namespace ResultWithData {
  let _codec: Codec<ResultWithData>

  export const codec = (): Codec<ResultWithData> => {
    if (_codec == null) {
      _codec = message<ResultWithData>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.envelope)
        }

        if ((obj.output != null && obj.output.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.output)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          envelope: uint8ArrayAlloc(0),
          output: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.envelope = reader.bytes()
              break
            }
            case 2: {
              obj.output = reader.bytes()
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
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.output`,
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

  export interface ResultWithDataEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultWithDataOutputFieldEvent {
    field: '$.output'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ResultWithData>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ResultWithData.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultWithData>): ResultWithData {
    return decodeMessage(buf, ResultWithData.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResultWithData>): Generator<ResultWithDataEnvelopeFieldEvent | ResultWithDataOutputFieldEvent> {
    return streamMessage(buf, ResultWithData.codec(), opts)
  }
}

export interface Acceptance {
  jobId: Uint8Array<ArrayBuffer>
  provider: Uint8Array<ArrayBuffer>
  price: string
  awardIndex: number
  accepted: boolean
  reason: string
  timestamp: number
  voucherAck: Uint8Array<ArrayBuffer>
}

export namespace Acceptance {
  let _codec: Codec<Acceptance>

  export const codec = (): Codec<Acceptance> => {
    if (_codec == null) {
      _codec = message<Acceptance>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.provider != null && obj.provider.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.provider)
        }

        if ((obj.price != null && obj.price !== '')) {
          w.uint32(26)
          w.string(obj.price)
        }

        if ((obj.awardIndex != null && obj.awardIndex !== 0)) {
          w.uint32(32)
          w.uint32(obj.awardIndex)
        }

        if ((obj.accepted != null && obj.accepted !== false)) {
          w.uint32(40)
          w.bool(obj.accepted)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(50)
          w.string(obj.reason)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.timestamp)
        }

        if ((obj.voucherAck != null && obj.voucherAck.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.voucherAck)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          provider: uint8ArrayAlloc(0),
          price: '',
          awardIndex: 0,
          accepted: false,
          reason: '',
          timestamp: 0,
          voucherAck: uint8ArrayAlloc(0)
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
              obj.provider = reader.bytes()
              break
            }
            case 3: {
              obj.price = reader.string()
              break
            }
            case 4: {
              obj.awardIndex = reader.uint32()
              break
            }
            case 5: {
              obj.accepted = reader.bool()
              break
            }
            case 6: {
              obj.reason = reader.string()
              break
            }
            case 7: {
              obj.timestamp = reader.uint64Number()
              break
            }
            case 8: {
              obj.voucherAck = reader.bytes()
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
                field: `${prefix}.provider`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.price`,
                value: reader.string()
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
                field: `${prefix}.accepted`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.voucherAck`,
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

  export interface AcceptanceJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AcceptanceProviderFieldEvent {
    field: '$.provider'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AcceptancePriceFieldEvent {
    field: '$.price'
    value: string
  }

  export interface AcceptanceAwardIndexFieldEvent {
    field: '$.awardIndex'
    value: number
  }

  export interface AcceptanceAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface AcceptanceReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface AcceptanceTimestampFieldEvent {
    field: '$.timestamp'
    value: number
  }

  export interface AcceptanceVoucherAckFieldEvent {
    field: '$.voucherAck'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Acceptance>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Acceptance.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Acceptance>): Acceptance {
    return decodeMessage(buf, Acceptance.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Acceptance>): Generator<AcceptanceJobIdFieldEvent | AcceptanceProviderFieldEvent | AcceptancePriceFieldEvent | AcceptanceAwardIndexFieldEvent | AcceptanceAcceptedFieldEvent | AcceptanceReasonFieldEvent | AcceptanceTimestampFieldEvent | AcceptanceVoucherAckFieldEvent> {
    return streamMessage(buf, Acceptance.codec(), opts)
  }
}

export interface Metering {
  wallMs: number
  cpuMs: number
  peakMemoryBytes: number
}

export namespace Metering {
  let _codec: Codec<Metering>

  export const codec = (): Codec<Metering> => {
    if (_codec == null) {
      _codec = message<Metering>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.wallMs != null && obj.wallMs !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.wallMs)
        }

        if ((obj.cpuMs != null && obj.cpuMs !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.cpuMs)
        }

        if ((obj.peakMemoryBytes != null && obj.peakMemoryBytes !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.peakMemoryBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          wallMs: 0,
          cpuMs: 0,
          peakMemoryBytes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.wallMs = reader.uint64Number()
              break
            }
            case 2: {
              obj.cpuMs = reader.uint64Number()
              break
            }
            case 3: {
              obj.peakMemoryBytes = reader.uint64Number()
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
                field: `${prefix}.wallMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cpuMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.peakMemoryBytes`,
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

  export interface MeteringWallMsFieldEvent {
    field: '$.wallMs'
    value: number
  }

  export interface MeteringCpuMsFieldEvent {
    field: '$.cpuMs'
    value: number
  }

  export interface MeteringPeakMemoryBytesFieldEvent {
    field: '$.peakMemoryBytes'
    value: number
  }

  export function encode (obj: Partial<Metering>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Metering.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Metering>): Metering {
    return decodeMessage(buf, Metering.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Metering>): Generator<MeteringWallMsFieldEvent | MeteringCpuMsFieldEvent | MeteringPeakMemoryBytesFieldEvent> {
    return streamMessage(buf, Metering.codec(), opts)
  }
}

export enum ExecStatus {
  EXEC_STATUS_UNSPECIFIED = 'EXEC_STATUS_UNSPECIFIED',
  EXEC_OK = 'EXEC_OK',
  EXEC_TRAPPED = 'EXEC_TRAPPED',
  EXEC_TIMEOUT = 'EXEC_TIMEOUT',
  EXEC_MEMORY_LIMIT = 'EXEC_MEMORY_LIMIT',
  EXEC_OUTPUT_LIMIT = 'EXEC_OUTPUT_LIMIT',
  EXEC_FETCH_FAILED = 'EXEC_FETCH_FAILED',
  EXEC_INTERNAL_ERROR = 'EXEC_INTERNAL_ERROR'
}

enum __ExecStatusValues {
  EXEC_STATUS_UNSPECIFIED = 0,
  EXEC_OK = 1,
  EXEC_TRAPPED = 2,
  EXEC_TIMEOUT = 3,
  EXEC_MEMORY_LIMIT = 4,
  EXEC_OUTPUT_LIMIT = 5,
  EXEC_FETCH_FAILED = 6,
  EXEC_INTERNAL_ERROR = 7
}

export namespace ExecStatus {
  export const codec = (): Codec<ExecStatus> => {
    return enumeration<ExecStatus>(__ExecStatusValues)
  }
}

export interface Result {
  jobId: Uint8Array<ArrayBuffer>
  provider: Uint8Array<ArrayBuffer>
  status: ExecStatus
  exitCode: number
  outputCid: Uint8Array<ArrayBuffer>
  outputSize: number
  metering?: Metering
  completedAt: number
  error: string
  commitment: Uint8Array<ArrayBuffer>
  commitmentSignature: Uint8Array<ArrayBuffer>
}

export namespace Result {
  let _codec: Codec<Result>

  export const codec = (): Codec<Result> => {
    if (_codec == null) {
      _codec = message<Result>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.provider != null && obj.provider.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.provider)
        }

        if (obj.status != null && __ExecStatusValues[obj.status] !== 0) {
          w.uint32(24)
          ExecStatus.codec().encode(obj.status, w)
        }

        if ((obj.exitCode != null && obj.exitCode !== 0)) {
          w.uint32(32)
          w.sint32(obj.exitCode)
        }

        if ((obj.outputCid != null && obj.outputCid.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.outputCid)
        }

        if ((obj.outputSize != null && obj.outputSize !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.outputSize)
        }

        if (obj.metering != null) {
          w.uint32(58)
          Metering.codec().encode(obj.metering, w)
        }

        if ((obj.completedAt != null && obj.completedAt !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.completedAt)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(74)
          w.string(obj.error)
        }

        if ((obj.commitment != null && obj.commitment.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.commitment)
        }

        if ((obj.commitmentSignature != null && obj.commitmentSignature.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.commitmentSignature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          provider: uint8ArrayAlloc(0),
          status: ExecStatus.EXEC_STATUS_UNSPECIFIED,
          exitCode: 0,
          outputCid: uint8ArrayAlloc(0),
          outputSize: 0,
          completedAt: 0,
          error: '',
          commitment: uint8ArrayAlloc(0),
          commitmentSignature: uint8ArrayAlloc(0)
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
              obj.provider = reader.bytes()
              break
            }
            case 3: {
              obj.status = ExecStatus.codec().decode(reader)
              break
            }
            case 4: {
              obj.exitCode = reader.sint32()
              break
            }
            case 5: {
              obj.outputCid = reader.bytes()
              break
            }
            case 6: {
              obj.outputSize = reader.uint64Number()
              break
            }
            case 7: {
              obj.metering = Metering.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.metering
              })
              break
            }
            case 8: {
              obj.completedAt = reader.uint64Number()
              break
            }
            case 9: {
              obj.error = reader.string()
              break
            }
            case 10: {
              obj.commitment = reader.bytes()
              break
            }
            case 11: {
              obj.commitmentSignature = reader.bytes()
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
                field: `${prefix}.provider`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.status`,
                value: ExecStatus.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.exitCode`,
                value: reader.sint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.outputCid`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.outputSize`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield * Metering.codec().stream(reader, reader.uint32(), `${prefix}.metering`, {
                limits: opts.limits?.metering
              })

              break
            }
            case 8: {
              yield {
                field: `${prefix}.completedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.commitment`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.commitmentSignature`,
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

  export interface ResultJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultProviderFieldEvent {
    field: '$.provider'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultStatusFieldEvent {
    field: '$.status'
    value: ExecStatus
  }

  export interface ResultExitCodeFieldEvent {
    field: '$.exitCode'
    value: number
  }

  export interface ResultOutputCidFieldEvent {
    field: '$.outputCid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultOutputSizeFieldEvent {
    field: '$.outputSize'
    value: number
  }

  export interface ResultMeteringWallMsFieldEvent {
    field: '$.metering.wallMs'
    value: number
  }

  export interface ResultMeteringCpuMsFieldEvent {
    field: '$.metering.cpuMs'
    value: number
  }

  export interface ResultMeteringPeakMemoryBytesFieldEvent {
    field: '$.metering.peakMemoryBytes'
    value: number
  }

  export interface ResultCompletedAtFieldEvent {
    field: '$.completedAt'
    value: number
  }

  export interface ResultErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export interface ResultCommitmentFieldEvent {
    field: '$.commitment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResultCommitmentSignatureFieldEvent {
    field: '$.commitmentSignature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Result>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Result.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Result>): Result {
    return decodeMessage(buf, Result.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Result>): Generator<ResultJobIdFieldEvent | ResultProviderFieldEvent | ResultStatusFieldEvent | ResultExitCodeFieldEvent | ResultOutputCidFieldEvent | ResultOutputSizeFieldEvent | ResultMeteringWallMsFieldEvent | ResultMeteringCpuMsFieldEvent | ResultMeteringPeakMemoryBytesFieldEvent | ResultCompletedAtFieldEvent | ResultErrorFieldEvent | ResultCommitmentFieldEvent | ResultCommitmentSignatureFieldEvent> {
    return streamMessage(buf, Result.codec(), opts)
  }
}

export interface Winner {
  provider: Uint8Array<ArrayBuffer>
  price: string
}

export namespace Winner {
  let _codec: Codec<Winner>

  export const codec = (): Codec<Winner> => {
    if (_codec == null) {
      _codec = message<Winner>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.provider != null && obj.provider.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.provider)
        }

        if ((obj.price != null && obj.price !== '')) {
          w.uint32(18)
          w.string(obj.price)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          provider: uint8ArrayAlloc(0),
          price: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.provider = reader.bytes()
              break
            }
            case 2: {
              obj.price = reader.string()
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
                field: `${prefix}.provider`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.price`,
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

  export interface WinnerProviderFieldEvent {
    field: '$.provider'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WinnerPriceFieldEvent {
    field: '$.price'
    value: string
  }

  export function encode (obj: Partial<Winner>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Winner.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Winner>): Winner {
    return decodeMessage(buf, Winner.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Winner>): Generator<WinnerProviderFieldEvent | WinnerPriceFieldEvent> {
    return streamMessage(buf, Winner.codec(), opts)
  }
}

export interface Clearing {
  jobId: Uint8Array<ArrayBuffer>
  requester: Uint8Array<ArrayBuffer>
  winners: Winner[]
  timestamp: number
  executor: string
  token: string
  wallTimeMs: number
  memoryBytes: number
}

export namespace Clearing {
  let _codec: Codec<Clearing>

  export const codec = (): Codec<Clearing> => {
    if (_codec == null) {
      _codec = message<Clearing>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.requester != null && obj.requester.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.requester)
        }

        if (obj.winners != null && obj.winners.length > 0) {
          for (const value of obj.winners) {
            w.uint32(26)
            Winner.codec().encode(value, w)
          }
        }

        if ((obj.timestamp != null && obj.timestamp !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.timestamp)
        }

        if ((obj.executor != null && obj.executor !== '')) {
          w.uint32(42)
          w.string(obj.executor)
        }

        if ((obj.token != null && obj.token !== '')) {
          w.uint32(50)
          w.string(obj.token)
        }

        if ((obj.wallTimeMs != null && obj.wallTimeMs !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.wallTimeMs)
        }

        if ((obj.memoryBytes != null && obj.memoryBytes !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.memoryBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          requester: uint8ArrayAlloc(0),
          winners: [],
          timestamp: 0,
          executor: '',
          token: '',
          wallTimeMs: 0,
          memoryBytes: 0
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
              obj.requester = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.winners != null && obj.winners.length === opts.limits.winners) {
                throw new MaxLengthError('Decode error - repeated field "winners" had too many elements')
              }

              if (obj.winners.length === 16) {
                throw new MaxLengthError('Decode error - repeated field "winners" had too many elements')
              }

              obj.winners.push(Winner.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.winners$
              }))
              break
            }
            case 4: {
              obj.timestamp = reader.uint64Number()
              break
            }
            case 5: {
              obj.executor = reader.string()
              break
            }
            case 6: {
              obj.token = reader.string()
              break
            }
            case 7: {
              obj.wallTimeMs = reader.uint64Number()
              break
            }
            case 8: {
              obj.memoryBytes = reader.uint64Number()
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
          winners: 16
        }

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
                field: `${prefix}.requester`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.winners != null && obj.winners === opts.limits.winners) {
                throw new MaxLengthError('Streaming decode error - repeated field "winners" had too many elements')
              }

              if (obj.winners === 16) {
                throw new MaxLengthError('Streaming decode error - repeated field "winners" had too many elements')
              }

              for (const evt of Winner.codec().stream(reader, reader.uint32(), `${prefix}.winners[]`, {
                limits: opts.limits?.winners$
              })) {
                yield {
                  ...evt,
                  index: obj.winners
                }
              }

              obj.winners++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.executor`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.token`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.wallTimeMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.memoryBytes`,
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

  export interface ClearingJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClearingRequesterFieldEvent {
    field: '$.requester'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClearingWinnersProviderFieldEvent {
    field: '$.winners[].provider'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ClearingWinnersPriceFieldEvent {
    field: '$.winners[].price'
    value: string
    index: number
  }

  export interface ClearingTimestampFieldEvent {
    field: '$.timestamp'
    value: number
  }

  export interface ClearingExecutorFieldEvent {
    field: '$.executor'
    value: string
  }

  export interface ClearingTokenFieldEvent {
    field: '$.token'
    value: string
  }

  export interface ClearingWallTimeMsFieldEvent {
    field: '$.wallTimeMs'
    value: number
  }

  export interface ClearingMemoryBytesFieldEvent {
    field: '$.memoryBytes'
    value: number
  }

  export function encode (obj: Partial<Clearing>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Clearing.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Clearing>): Clearing {
    return decodeMessage(buf, Clearing.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Clearing>): Generator<ClearingJobIdFieldEvent | ClearingRequesterFieldEvent | ClearingWinnersProviderFieldEvent | ClearingWinnersPriceFieldEvent | ClearingTimestampFieldEvent | ClearingExecutorFieldEvent | ClearingTokenFieldEvent | ClearingWallTimeMsFieldEvent | ClearingMemoryBytesFieldEvent> {
    return streamMessage(buf, Clearing.codec(), opts)
  }
}

export enum ReplyStatus {
  REPLY_STATUS_UNSPECIFIED = 'REPLY_STATUS_UNSPECIFIED',
  REPLY_OK = 'REPLY_OK',
  REPLY_INVALID = 'REPLY_INVALID',
  REPLY_IGNORED = 'REPLY_IGNORED',
  REPLY_RATE_LIMITED = 'REPLY_RATE_LIMITED',
  REPLY_BUSY = 'REPLY_BUSY',
  REPLY_INTERNAL_ERROR = 'REPLY_INTERNAL_ERROR'
}

enum __ReplyStatusValues {
  REPLY_STATUS_UNSPECIFIED = 0,
  REPLY_OK = 1,
  REPLY_INVALID = 2,
  REPLY_IGNORED = 3,
  REPLY_RATE_LIMITED = 4,
  REPLY_BUSY = 5,
  REPLY_INTERNAL_ERROR = 6
}

export namespace ReplyStatus {
  export const codec = (): Codec<ReplyStatus> => {
    return enumeration<ReplyStatus>(__ReplyStatusValues)
  }
}

export interface Reply {
  status: ReplyStatus
  code: string
  message: string
  envelope: Uint8Array<ArrayBuffer>
}

export namespace Reply {
  let _codec: Codec<Reply>

  export const codec = (): Codec<Reply> => {
    if (_codec == null) {
      _codec = message<Reply>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __ReplyStatusValues[obj.status] !== 0) {
          w.uint32(8)
          ReplyStatus.codec().encode(obj.status, w)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(18)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.envelope)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: ReplyStatus.REPLY_STATUS_UNSPECIFIED,
          code: '',
          message: '',
          envelope: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = ReplyStatus.codec().decode(reader)
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
                field: `${prefix}.status`,
                value: ReplyStatus.codec().decode(reader)
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

  export interface ReplyStatusFieldEvent {
    field: '$.status'
    value: ReplyStatus
  }

  export interface ReplyCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface ReplyMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface ReplyEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Reply>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Reply.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reply>): Reply {
    return decodeMessage(buf, Reply.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Reply>): Generator<ReplyStatusFieldEvent | ReplyCodeFieldEvent | ReplyMessageFieldEvent | ReplyEnvelopeFieldEvent> {
    return streamMessage(buf, Reply.codec(), opts)
  }
}

export interface BlobRequest {
  cid: Uint8Array<ArrayBuffer>
  offset: number
  maxBytes: number
}

export namespace BlobRequest {
  let _codec: Codec<BlobRequest>

  export const codec = (): Codec<BlobRequest> => {
    if (_codec == null) {
      _codec = message<BlobRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.cid != null && obj.cid.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.cid)
        }

        if ((obj.offset != null && obj.offset !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.offset)
        }

        if ((obj.maxBytes != null && obj.maxBytes !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.maxBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cid: uint8ArrayAlloc(0),
          offset: 0,
          maxBytes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cid = reader.bytes()
              break
            }
            case 2: {
              obj.offset = reader.uint64Number()
              break
            }
            case 3: {
              obj.maxBytes = reader.uint64Number()
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
                field: `${prefix}.cid`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.offset`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.maxBytes`,
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

  export interface BlobRequestCidFieldEvent {
    field: '$.cid'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BlobRequestOffsetFieldEvent {
    field: '$.offset'
    value: number
  }

  export interface BlobRequestMaxBytesFieldEvent {
    field: '$.maxBytes'
    value: number
  }

  export function encode (obj: Partial<BlobRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): BlobRequest {
    return decodeMessage(buf, BlobRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): Generator<BlobRequestCidFieldEvent | BlobRequestOffsetFieldEvent | BlobRequestMaxBytesFieldEvent> {
    return streamMessage(buf, BlobRequest.codec(), opts)
  }
}

export enum BlobStatus {
  BLOB_STATUS_UNSPECIFIED = 'BLOB_STATUS_UNSPECIFIED',
  BLOB_OK = 'BLOB_OK',
  BLOB_NOT_FOUND = 'BLOB_NOT_FOUND',
  BLOB_TOO_LARGE = 'BLOB_TOO_LARGE',
  BLOB_INVALID_REQUEST = 'BLOB_INVALID_REQUEST',
  BLOB_RATE_LIMITED = 'BLOB_RATE_LIMITED',
  BLOB_PAYMENT_REQUIRED = 'BLOB_PAYMENT_REQUIRED'
}

enum __BlobStatusValues {
  BLOB_STATUS_UNSPECIFIED = 0,
  BLOB_OK = 1,
  BLOB_NOT_FOUND = 2,
  BLOB_TOO_LARGE = 3,
  BLOB_INVALID_REQUEST = 4,
  BLOB_RATE_LIMITED = 5,
  BLOB_PAYMENT_REQUIRED = 6
}

export namespace BlobStatus {
  export const codec = (): Codec<BlobStatus> => {
    return enumeration<BlobStatus>(__BlobStatusValues)
  }
}

export interface BlobResponse {
  status: BlobStatus
  totalSize: number
  offset: number
  length: number
  message: string
}

export namespace BlobResponse {
  let _codec: Codec<BlobResponse>

  export const codec = (): Codec<BlobResponse> => {
    if (_codec == null) {
      _codec = message<BlobResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __BlobStatusValues[obj.status] !== 0) {
          w.uint32(8)
          BlobStatus.codec().encode(obj.status, w)
        }

        if ((obj.totalSize != null && obj.totalSize !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.totalSize)
        }

        if ((obj.offset != null && obj.offset !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.offset)
        }

        if ((obj.length != null && obj.length !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.length)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(42)
          w.string(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: BlobStatus.BLOB_STATUS_UNSPECIFIED,
          totalSize: 0,
          offset: 0,
          length: 0,
          message: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = BlobStatus.codec().decode(reader)
              break
            }
            case 2: {
              obj.totalSize = reader.uint64Number()
              break
            }
            case 3: {
              obj.offset = reader.uint64Number()
              break
            }
            case 4: {
              obj.length = reader.uint64Number()
              break
            }
            case 5: {
              obj.message = reader.string()
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
                field: `${prefix}.status`,
                value: BlobStatus.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.totalSize`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.offset`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.length`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.message`,
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

  export interface BlobResponseStatusFieldEvent {
    field: '$.status'
    value: BlobStatus
  }

  export interface BlobResponseTotalSizeFieldEvent {
    field: '$.totalSize'
    value: number
  }

  export interface BlobResponseOffsetFieldEvent {
    field: '$.offset'
    value: number
  }

  export interface BlobResponseLengthFieldEvent {
    field: '$.length'
    value: number
  }

  export interface BlobResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export function encode (obj: Partial<BlobResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobResponse>): BlobResponse {
    return decodeMessage(buf, BlobResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobResponse>): Generator<BlobResponseStatusFieldEvent | BlobResponseTotalSizeFieldEvent | BlobResponseOffsetFieldEvent | BlobResponseLengthFieldEvent | BlobResponseMessageFieldEvent> {
    return streamMessage(buf, BlobResponse.codec(), opts)
  }
}

export interface BlobChunk {
  data: Uint8Array<ArrayBuffer>
}

export namespace BlobChunk {
  let _codec: Codec<BlobChunk>

  export const codec = (): Codec<BlobChunk> => {
    if (_codec == null) {
      _codec = message<BlobChunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.data = reader.bytes()
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
                field: `${prefix}.data`,
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

  export interface BlobChunkDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BlobChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BlobChunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobChunk>): BlobChunk {
    return decodeMessage(buf, BlobChunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobChunk>): Generator<BlobChunkDataFieldEvent> {
    return streamMessage(buf, BlobChunk.codec(), opts)
  }
}

export interface Heartbeat {
  jobId: Uint8Array<ArrayBuffer>
  provider: Uint8Array<ArrayBuffer>
  requester: Uint8Array<ArrayBuffer>
  awardIndex: number
  seq: number
  sentAt: number
  stage: string
  log: Uint8Array<ArrayBuffer>
  logOffset: number
}

export namespace Heartbeat {
  let _codec: Codec<Heartbeat>

  export const codec = (): Codec<Heartbeat> => {
    if (_codec == null) {
      _codec = message<Heartbeat>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.provider != null && obj.provider.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.provider)
        }

        if ((obj.requester != null && obj.requester.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.requester)
        }

        if ((obj.awardIndex != null && obj.awardIndex !== 0)) {
          w.uint32(32)
          w.uint32(obj.awardIndex)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.seq)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.sentAt)
        }

        if ((obj.stage != null && obj.stage !== '')) {
          w.uint32(58)
          w.string(obj.stage)
        }

        if ((obj.log != null && obj.log.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.log)
        }

        if ((obj.logOffset != null && obj.logOffset !== 0)) {
          w.uint32(72)
          w.uint64Number(obj.logOffset)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          provider: uint8ArrayAlloc(0),
          requester: uint8ArrayAlloc(0),
          awardIndex: 0,
          seq: 0,
          sentAt: 0,
          stage: '',
          log: uint8ArrayAlloc(0),
          logOffset: 0
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
              obj.provider = reader.bytes()
              break
            }
            case 3: {
              obj.requester = reader.bytes()
              break
            }
            case 4: {
              obj.awardIndex = reader.uint32()
              break
            }
            case 5: {
              obj.seq = reader.uint64Number()
              break
            }
            case 6: {
              obj.sentAt = reader.uint64Number()
              break
            }
            case 7: {
              obj.stage = reader.string()
              break
            }
            case 8: {
              obj.log = reader.bytes()
              break
            }
            case 9: {
              obj.logOffset = reader.uint64Number()
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
                field: `${prefix}.provider`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.requester`,
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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.stage`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.log`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.logOffset`,
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

  export interface HeartbeatJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HeartbeatProviderFieldEvent {
    field: '$.provider'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HeartbeatRequesterFieldEvent {
    field: '$.requester'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HeartbeatAwardIndexFieldEvent {
    field: '$.awardIndex'
    value: number
  }

  export interface HeartbeatSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface HeartbeatSentAtFieldEvent {
    field: '$.sentAt'
    value: number
  }

  export interface HeartbeatStageFieldEvent {
    field: '$.stage'
    value: string
  }

  export interface HeartbeatLogFieldEvent {
    field: '$.log'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HeartbeatLogOffsetFieldEvent {
    field: '$.logOffset'
    value: number
  }

  export function encode (obj: Partial<Heartbeat>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Heartbeat.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Heartbeat>): Heartbeat {
    return decodeMessage(buf, Heartbeat.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Heartbeat>): Generator<HeartbeatJobIdFieldEvent | HeartbeatProviderFieldEvent | HeartbeatRequesterFieldEvent | HeartbeatAwardIndexFieldEvent | HeartbeatSeqFieldEvent | HeartbeatSentAtFieldEvent | HeartbeatStageFieldEvent | HeartbeatLogFieldEvent | HeartbeatLogOffsetFieldEvent> {
    return streamMessage(buf, Heartbeat.codec(), opts)
  }
}

export interface AwardRevocation {
  jobId: Uint8Array<ArrayBuffer>
  requester: Uint8Array<ArrayBuffer>
  provider: Uint8Array<ArrayBuffer>
  awardIndex: number
  reason: string
  issuedAt: number
}

export namespace AwardRevocation {
  let _codec: Codec<AwardRevocation>

  export const codec = (): Codec<AwardRevocation> => {
    if (_codec == null) {
      _codec = message<AwardRevocation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.requester != null && obj.requester.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.requester)
        }

        if ((obj.provider != null && obj.provider.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.provider)
        }

        if ((obj.awardIndex != null && obj.awardIndex !== 0)) {
          w.uint32(32)
          w.uint32(obj.awardIndex)
        }

        if ((obj.reason != null && obj.reason !== '')) {
          w.uint32(42)
          w.string(obj.reason)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.issuedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          requester: uint8ArrayAlloc(0),
          provider: uint8ArrayAlloc(0),
          awardIndex: 0,
          reason: '',
          issuedAt: 0
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
              obj.requester = reader.bytes()
              break
            }
            case 3: {
              obj.provider = reader.bytes()
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
              obj.issuedAt = reader.uint64Number()
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
                field: `${prefix}.requester`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.provider`,
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
                field: `${prefix}.issuedAt`,
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

  export interface AwardRevocationJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardRevocationRequesterFieldEvent {
    field: '$.requester'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardRevocationProviderFieldEvent {
    field: '$.provider'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AwardRevocationAwardIndexFieldEvent {
    field: '$.awardIndex'
    value: number
  }

  export interface AwardRevocationReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface AwardRevocationIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export function encode (obj: Partial<AwardRevocation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AwardRevocation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AwardRevocation>): AwardRevocation {
    return decodeMessage(buf, AwardRevocation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AwardRevocation>): Generator<AwardRevocationJobIdFieldEvent | AwardRevocationRequesterFieldEvent | AwardRevocationProviderFieldEvent | AwardRevocationAwardIndexFieldEvent | AwardRevocationReasonFieldEvent | AwardRevocationIssuedAtFieldEvent> {
    return streamMessage(buf, AwardRevocation.codec(), opts)
  }
}

export interface BidReopen {
  jobId: Uint8Array<ArrayBuffer>
  requester: Uint8Array<ArrayBuffer>
  sequence: number
  bidsCloseAt: number
  tried: Uint8Array<ArrayBuffer>[]
  issuedAt: number
}

export namespace BidReopen {
  let _codec: Codec<BidReopen>

  export const codec = (): Codec<BidReopen> => {
    if (_codec == null) {
      _codec = message<BidReopen>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.jobId)
        }

        if ((obj.requester != null && obj.requester.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.requester)
        }

        if ((obj.sequence != null && obj.sequence !== 0)) {
          w.uint32(24)
          w.uint32(obj.sequence)
        }

        if ((obj.bidsCloseAt != null && obj.bidsCloseAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.bidsCloseAt)
        }

        if (obj.tried != null && obj.tried.length > 0) {
          for (const value of obj.tried) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.issuedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          jobId: uint8ArrayAlloc(0),
          requester: uint8ArrayAlloc(0),
          sequence: 0,
          bidsCloseAt: 0,
          tried: [],
          issuedAt: 0
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
              obj.requester = reader.bytes()
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
              if (opts.limits?.tried != null && obj.tried.length === opts.limits.tried) {
                throw new MaxLengthError('Decode error - repeated field "tried" had too many elements')
              }

              obj.tried.push(reader.bytes())
              break
            }
            case 6: {
              obj.issuedAt = reader.uint64Number()
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
          tried: 0
        }

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
                field: `${prefix}.requester`,
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
              if (opts.limits?.tried != null && obj.tried === opts.limits.tried) {
                throw new MaxLengthError('Streaming decode error - repeated field "tried" had too many elements')
              }

              yield {
                field: `${prefix}.tried[]`,
                index: obj.tried,
                value: reader.bytes()
              }

              obj.tried++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.issuedAt`,
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

  export interface BidReopenJobIdFieldEvent {
    field: '$.jobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BidReopenRequesterFieldEvent {
    field: '$.requester'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BidReopenSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface BidReopenBidsCloseAtFieldEvent {
    field: '$.bidsCloseAt'
    value: number
  }

  export interface BidReopenTriedFieldEvent {
    field: '$.tried[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BidReopenIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export function encode (obj: Partial<BidReopen>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BidReopen.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BidReopen>): BidReopen {
    return decodeMessage(buf, BidReopen.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BidReopen>): Generator<BidReopenJobIdFieldEvent | BidReopenRequesterFieldEvent | BidReopenSequenceFieldEvent | BidReopenBidsCloseAtFieldEvent | BidReopenTriedFieldEvent | BidReopenIssuedAtFieldEvent> {
    return streamMessage(buf, BidReopen.codec(), opts)
  }
}

export interface BidReopenPush {
  reopen: Uint8Array<ArrayBuffer>
  request: Uint8Array<ArrayBuffer>
}

export namespace BidReopenPush {
  let _codec: Codec<BidReopenPush>

  export const codec = (): Codec<BidReopenPush> => {
    if (_codec == null) {
      _codec = message<BidReopenPush>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.reopen != null && obj.reopen.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.reopen)
        }

        if ((obj.request != null && obj.request.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.request)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          reopen: uint8ArrayAlloc(0),
          request: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.reopen = reader.bytes()
              break
            }
            case 2: {
              obj.request = reader.bytes()
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
                field: `${prefix}.reopen`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.request`,
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

  export interface BidReopenPushReopenFieldEvent {
    field: '$.reopen'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BidReopenPushRequestFieldEvent {
    field: '$.request'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BidReopenPush>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BidReopenPush.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BidReopenPush>): BidReopenPush {
    return decodeMessage(buf, BidReopenPush.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BidReopenPush>): Generator<BidReopenPushReopenFieldEvent | BidReopenPushRequestFieldEvent> {
    return streamMessage(buf, BidReopenPush.codec(), opts)
  }
}
