import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ProfileCpu {
  model: string
  cores: number
  threads: number
  arch: string
  speedMhz: number
}

export namespace ProfileCpu {
  let _codec: Codec<ProfileCpu>

  export const codec = (): Codec<ProfileCpu> => {
    if (_codec == null) {
      _codec = message<ProfileCpu>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(10)
          w.string(obj.model)
        }

        if ((obj.cores != null && obj.cores !== 0)) {
          w.uint32(16)
          w.uint32(obj.cores)
        }

        if ((obj.threads != null && obj.threads !== 0)) {
          w.uint32(24)
          w.uint32(obj.threads)
        }

        if ((obj.arch != null && obj.arch !== '')) {
          w.uint32(34)
          w.string(obj.arch)
        }

        if ((obj.speedMhz != null && obj.speedMhz !== 0)) {
          w.uint32(40)
          w.uint32(obj.speedMhz)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          model: '',
          cores: 0,
          threads: 0,
          arch: '',
          speedMhz: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.model = reader.string()
              break
            }
            case 2: {
              obj.cores = reader.uint32()
              break
            }
            case 3: {
              obj.threads = reader.uint32()
              break
            }
            case 4: {
              obj.arch = reader.string()
              break
            }
            case 5: {
              obj.speedMhz = reader.uint32()
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
                field: `${prefix}.model`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.cores`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.threads`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.arch`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.speedMhz`,
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

  export interface ProfileCpuModelFieldEvent {
    field: '$.model'
    value: string
  }

  export interface ProfileCpuCoresFieldEvent {
    field: '$.cores'
    value: number
  }

  export interface ProfileCpuThreadsFieldEvent {
    field: '$.threads'
    value: number
  }

  export interface ProfileCpuArchFieldEvent {
    field: '$.arch'
    value: string
  }

  export interface ProfileCpuSpeedMhzFieldEvent {
    field: '$.speedMhz'
    value: number
  }

  export function encode (obj: Partial<ProfileCpu>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProfileCpu.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileCpu>): ProfileCpu {
    return decodeMessage(buf, ProfileCpu.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileCpu>): Generator<ProfileCpuModelFieldEvent | ProfileCpuCoresFieldEvent | ProfileCpuThreadsFieldEvent | ProfileCpuArchFieldEvent | ProfileCpuSpeedMhzFieldEvent> {
    return streamMessage(buf, ProfileCpu.codec(), opts)
  }
}

export interface ProfileGpu {
  vendor: string
  model: string
  vramMib: number
}

export namespace ProfileGpu {
  let _codec: Codec<ProfileGpu>

  export const codec = (): Codec<ProfileGpu> => {
    if (_codec == null) {
      _codec = message<ProfileGpu>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.vendor != null && obj.vendor !== '')) {
          w.uint32(10)
          w.string(obj.vendor)
        }

        if ((obj.model != null && obj.model !== '')) {
          w.uint32(18)
          w.string(obj.model)
        }

        if ((obj.vramMib != null && obj.vramMib !== 0)) {
          w.uint32(24)
          w.uint32(obj.vramMib)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          vendor: '',
          model: '',
          vramMib: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.vendor = reader.string()
              break
            }
            case 2: {
              obj.model = reader.string()
              break
            }
            case 3: {
              obj.vramMib = reader.uint32()
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
                field: `${prefix}.vendor`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.model`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.vramMib`,
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

  export interface ProfileGpuVendorFieldEvent {
    field: '$.vendor'
    value: string
  }

  export interface ProfileGpuModelFieldEvent {
    field: '$.model'
    value: string
  }

  export interface ProfileGpuVramMibFieldEvent {
    field: '$.vramMib'
    value: number
  }

  export function encode (obj: Partial<ProfileGpu>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProfileGpu.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileGpu>): ProfileGpu {
    return decodeMessage(buf, ProfileGpu.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileGpu>): Generator<ProfileGpuVendorFieldEvent | ProfileGpuModelFieldEvent | ProfileGpuVramMibFieldEvent> {
    return streamMessage(buf, ProfileGpu.codec(), opts)
  }
}

export interface ProfileOs {
  platform: string
  distro: string
  release: string
  kernel: string
}

export namespace ProfileOs {
  let _codec: Codec<ProfileOs>

  export const codec = (): Codec<ProfileOs> => {
    if (_codec == null) {
      _codec = message<ProfileOs>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.platform != null && obj.platform !== '')) {
          w.uint32(10)
          w.string(obj.platform)
        }

        if ((obj.distro != null && obj.distro !== '')) {
          w.uint32(18)
          w.string(obj.distro)
        }

        if ((obj.release != null && obj.release !== '')) {
          w.uint32(26)
          w.string(obj.release)
        }

        if ((obj.kernel != null && obj.kernel !== '')) {
          w.uint32(34)
          w.string(obj.kernel)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          platform: '',
          distro: '',
          release: '',
          kernel: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.platform = reader.string()
              break
            }
            case 2: {
              obj.distro = reader.string()
              break
            }
            case 3: {
              obj.release = reader.string()
              break
            }
            case 4: {
              obj.kernel = reader.string()
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
                field: `${prefix}.platform`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.distro`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.release`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.kernel`,
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

  export interface ProfileOsPlatformFieldEvent {
    field: '$.platform'
    value: string
  }

  export interface ProfileOsDistroFieldEvent {
    field: '$.distro'
    value: string
  }

  export interface ProfileOsReleaseFieldEvent {
    field: '$.release'
    value: string
  }

  export interface ProfileOsKernelFieldEvent {
    field: '$.kernel'
    value: string
  }

  export function encode (obj: Partial<ProfileOs>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProfileOs.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileOs>): ProfileOs {
    return decodeMessage(buf, ProfileOs.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileOs>): Generator<ProfileOsPlatformFieldEvent | ProfileOsDistroFieldEvent | ProfileOsReleaseFieldEvent | ProfileOsKernelFieldEvent> {
    return streamMessage(buf, ProfileOs.codec(), opts)
  }
}

export interface ProfileBenchmark {
  cpuScore: number
  durationMs: number
}

export namespace ProfileBenchmark {
  let _codec: Codec<ProfileBenchmark>

  export const codec = (): Codec<ProfileBenchmark> => {
    if (_codec == null) {
      _codec = message<ProfileBenchmark>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.cpuScore != null && obj.cpuScore !== 0)) {
          w.uint32(8)
          w.uint32(obj.cpuScore)
        }

        if ((obj.durationMs != null && obj.durationMs !== 0)) {
          w.uint32(16)
          w.uint32(obj.durationMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          cpuScore: 0,
          durationMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.cpuScore = reader.uint32()
              break
            }
            case 2: {
              obj.durationMs = reader.uint32()
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
                field: `${prefix}.cpuScore`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.durationMs`,
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

  export interface ProfileBenchmarkCpuScoreFieldEvent {
    field: '$.cpuScore'
    value: number
  }

  export interface ProfileBenchmarkDurationMsFieldEvent {
    field: '$.durationMs'
    value: number
  }

  export function encode (obj: Partial<ProfileBenchmark>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProfileBenchmark.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileBenchmark>): ProfileBenchmark {
    return decodeMessage(buf, ProfileBenchmark.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileBenchmark>): Generator<ProfileBenchmarkCpuScoreFieldEvent | ProfileBenchmarkDurationMsFieldEvent> {
    return streamMessage(buf, ProfileBenchmark.codec(), opts)
  }
}

export interface ProfilePrice {
  executor: string
  price: string
}

export namespace ProfilePrice {
  let _codec: Codec<ProfilePrice>

  export const codec = (): Codec<ProfilePrice> => {
    if (_codec == null) {
      _codec = message<ProfilePrice>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.executor != null && obj.executor !== '')) {
          w.uint32(10)
          w.string(obj.executor)
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
          executor: '',
          price: ''
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
                field: `${prefix}.executor`,
                value: reader.string()
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

  export interface ProfilePriceExecutorFieldEvent {
    field: '$.executor'
    value: string
  }

  export interface ProfilePricePriceFieldEvent {
    field: '$.price'
    value: string
  }

  export function encode (obj: Partial<ProfilePrice>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProfilePrice.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfilePrice>): ProfilePrice {
    return decodeMessage(buf, ProfilePrice.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfilePrice>): Generator<ProfilePriceExecutorFieldEvent | ProfilePricePriceFieldEvent> {
    return streamMessage(buf, ProfilePrice.codec(), opts)
  }
}

export interface HardwareProfileBody {
  version: number
  peerId: Uint8Array<ArrayBuffer>
  cpu?: ProfileCpu
  memoryBytes: number
  gpus: ProfileGpu[]
  os?: ProfileOs
  executors: string[]
  benchmark?: ProfileBenchmark
  prices: ProfilePrice[]
  ethAddress: Uint8Array<ArrayBuffer>
  ethBinding: Uint8Array<ArrayBuffer>
  issuedAt: number
  expiresAt: number
  addrs: Uint8Array<ArrayBuffer>[]
}

export namespace HardwareProfileBody {
  let _codec: Codec<HardwareProfileBody>

  export const codec = (): Codec<HardwareProfileBody> => {
    if (_codec == null) {
      _codec = message<HardwareProfileBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.peerId)
        }

        if (obj.cpu != null) {
          w.uint32(26)
          ProfileCpu.codec().encode(obj.cpu, w)
        }

        if ((obj.memoryBytes != null && obj.memoryBytes !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.memoryBytes)
        }

        if (obj.gpus != null && obj.gpus.length > 0) {
          for (const value of obj.gpus) {
            w.uint32(42)
            ProfileGpu.codec().encode(value, w)
          }
        }

        if (obj.os != null) {
          w.uint32(50)
          ProfileOs.codec().encode(obj.os, w)
        }

        if (obj.executors != null && obj.executors.length > 0) {
          for (const value of obj.executors) {
            w.uint32(58)
            w.string(value)
          }
        }

        if (obj.benchmark != null) {
          w.uint32(66)
          ProfileBenchmark.codec().encode(obj.benchmark, w)
        }

        if (obj.prices != null && obj.prices.length > 0) {
          for (const value of obj.prices) {
            w.uint32(74)
            ProfilePrice.codec().encode(value, w)
          }
        }

        if ((obj.ethAddress != null && obj.ethAddress.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.ethAddress)
        }

        if ((obj.ethBinding != null && obj.ethBinding.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.ethBinding)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0)) {
          w.uint32(96)
          w.uint64Number(obj.issuedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(104)
          w.uint64Number(obj.expiresAt)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(114)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          peerId: uint8ArrayAlloc(0),
          memoryBytes: 0,
          gpus: [],
          executors: [],
          prices: [],
          ethAddress: uint8ArrayAlloc(0),
          ethBinding: uint8ArrayAlloc(0),
          issuedAt: 0,
          expiresAt: 0,
          addrs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.peerId = reader.bytes()
              break
            }
            case 3: {
              obj.cpu = ProfileCpu.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.cpu
              })
              break
            }
            case 4: {
              obj.memoryBytes = reader.uint64Number()
              break
            }
            case 5: {
              if (opts.limits?.gpus != null && obj.gpus.length === opts.limits.gpus) {
                throw new MaxLengthError('Decode error - repeated field "gpus" had too many elements')
              }

              obj.gpus.push(ProfileGpu.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.gpus$
              }))
              break
            }
            case 6: {
              obj.os = ProfileOs.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.os
              })
              break
            }
            case 7: {
              if (opts.limits?.executors != null && obj.executors.length === opts.limits.executors) {
                throw new MaxLengthError('Decode error - repeated field "executors" had too many elements')
              }

              obj.executors.push(reader.string())
              break
            }
            case 8: {
              obj.benchmark = ProfileBenchmark.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.benchmark
              })
              break
            }
            case 9: {
              if (opts.limits?.prices != null && obj.prices.length === opts.limits.prices) {
                throw new MaxLengthError('Decode error - repeated field "prices" had too many elements')
              }

              obj.prices.push(ProfilePrice.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.prices$
              }))
              break
            }
            case 10: {
              obj.ethAddress = reader.bytes()
              break
            }
            case 11: {
              obj.ethBinding = reader.bytes()
              break
            }
            case 12: {
              obj.issuedAt = reader.uint64Number()
              break
            }
            case 13: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 14: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
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
          gpus: 0,
          executors: 0,
          prices: 0,
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield * ProfileCpu.codec().stream(reader, reader.uint32(), `${prefix}.cpu`, {
                limits: opts.limits?.cpu
              })

              break
            }
            case 4: {
              yield {
                field: `${prefix}.memoryBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              if (opts.limits?.gpus != null && obj.gpus === opts.limits.gpus) {
                throw new MaxLengthError('Streaming decode error - repeated field "gpus" had too many elements')
              }

              for (const evt of ProfileGpu.codec().stream(reader, reader.uint32(), `${prefix}.gpus[]`, {
                limits: opts.limits?.gpus$
              })) {
                yield {
                  ...evt,
                  index: obj.gpus
                }
              }

              obj.gpus++

              break
            }
            case 6: {
              yield * ProfileOs.codec().stream(reader, reader.uint32(), `${prefix}.os`, {
                limits: opts.limits?.os
              })

              break
            }
            case 7: {
              if (opts.limits?.executors != null && obj.executors === opts.limits.executors) {
                throw new MaxLengthError('Streaming decode error - repeated field "executors" had too many elements')
              }

              yield {
                field: `${prefix}.executors[]`,
                index: obj.executors,
                value: reader.string()
              }

              obj.executors++

              break
            }
            case 8: {
              yield * ProfileBenchmark.codec().stream(reader, reader.uint32(), `${prefix}.benchmark`, {
                limits: opts.limits?.benchmark
              })

              break
            }
            case 9: {
              if (opts.limits?.prices != null && obj.prices === opts.limits.prices) {
                throw new MaxLengthError('Streaming decode error - repeated field "prices" had too many elements')
              }

              for (const evt of ProfilePrice.codec().stream(reader, reader.uint32(), `${prefix}.prices[]`, {
                limits: opts.limits?.prices$
              })) {
                yield {
                  ...evt,
                  index: obj.prices
                }
              }

              obj.prices++

              break
            }
            case 10: {
              yield {
                field: `${prefix}.ethAddress`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.ethBinding`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 14: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

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

  export interface HardwareProfileBodyVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface HardwareProfileBodyPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HardwareProfileBodyCpuModelFieldEvent {
    field: '$.cpu.model'
    value: string
  }

  export interface HardwareProfileBodyCpuCoresFieldEvent {
    field: '$.cpu.cores'
    value: number
  }

  export interface HardwareProfileBodyCpuThreadsFieldEvent {
    field: '$.cpu.threads'
    value: number
  }

  export interface HardwareProfileBodyCpuArchFieldEvent {
    field: '$.cpu.arch'
    value: string
  }

  export interface HardwareProfileBodyCpuSpeedMhzFieldEvent {
    field: '$.cpu.speedMhz'
    value: number
  }

  export interface HardwareProfileBodyMemoryBytesFieldEvent {
    field: '$.memoryBytes'
    value: number
  }

  export interface HardwareProfileBodyGpusVendorFieldEvent {
    field: '$.gpus[].vendor'
    value: string
    index: number
  }

  export interface HardwareProfileBodyGpusModelFieldEvent {
    field: '$.gpus[].model'
    value: string
    index: number
  }

  export interface HardwareProfileBodyGpusVramMibFieldEvent {
    field: '$.gpus[].vramMib'
    value: number
    index: number
  }

  export interface HardwareProfileBodyOsPlatformFieldEvent {
    field: '$.os.platform'
    value: string
  }

  export interface HardwareProfileBodyOsDistroFieldEvent {
    field: '$.os.distro'
    value: string
  }

  export interface HardwareProfileBodyOsReleaseFieldEvent {
    field: '$.os.release'
    value: string
  }

  export interface HardwareProfileBodyOsKernelFieldEvent {
    field: '$.os.kernel'
    value: string
  }

  export interface HardwareProfileBodyExecutorsFieldEvent {
    field: '$.executors[]'
    index: number
    value: string
  }

  export interface HardwareProfileBodyBenchmarkCpuScoreFieldEvent {
    field: '$.benchmark.cpuScore'
    value: number
  }

  export interface HardwareProfileBodyBenchmarkDurationMsFieldEvent {
    field: '$.benchmark.durationMs'
    value: number
  }

  export interface HardwareProfileBodyPricesExecutorFieldEvent {
    field: '$.prices[].executor'
    value: string
    index: number
  }

  export interface HardwareProfileBodyPricesPriceFieldEvent {
    field: '$.prices[].price'
    value: string
    index: number
  }

  export interface HardwareProfileBodyEthAddressFieldEvent {
    field: '$.ethAddress'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HardwareProfileBodyEthBindingFieldEvent {
    field: '$.ethBinding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HardwareProfileBodyIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export interface HardwareProfileBodyExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface HardwareProfileBodyAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<HardwareProfileBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HardwareProfileBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HardwareProfileBody>): HardwareProfileBody {
    return decodeMessage(buf, HardwareProfileBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HardwareProfileBody>): Generator<HardwareProfileBodyVersionFieldEvent | HardwareProfileBodyPeerIdFieldEvent | HardwareProfileBodyCpuModelFieldEvent | HardwareProfileBodyCpuCoresFieldEvent | HardwareProfileBodyCpuThreadsFieldEvent | HardwareProfileBodyCpuArchFieldEvent | HardwareProfileBodyCpuSpeedMhzFieldEvent | HardwareProfileBodyMemoryBytesFieldEvent | HardwareProfileBodyGpusVendorFieldEvent | HardwareProfileBodyGpusModelFieldEvent | HardwareProfileBodyGpusVramMibFieldEvent | HardwareProfileBodyOsPlatformFieldEvent | HardwareProfileBodyOsDistroFieldEvent | HardwareProfileBodyOsReleaseFieldEvent | HardwareProfileBodyOsKernelFieldEvent | HardwareProfileBodyExecutorsFieldEvent | HardwareProfileBodyBenchmarkCpuScoreFieldEvent | HardwareProfileBodyBenchmarkDurationMsFieldEvent | HardwareProfileBodyPricesExecutorFieldEvent | HardwareProfileBodyPricesPriceFieldEvent | HardwareProfileBodyEthAddressFieldEvent | HardwareProfileBodyEthBindingFieldEvent | HardwareProfileBodyIssuedAtFieldEvent | HardwareProfileBodyExpiresAtFieldEvent | HardwareProfileBodyAddrsFieldEvent> {
    return streamMessage(buf, HardwareProfileBody.codec(), opts)
  }
}

export interface SignedHardwareProfile {
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedHardwareProfile {
  let _codec: Codec<SignedHardwareProfile>

  export const codec = (): Codec<SignedHardwareProfile> => {
    if (_codec == null) {
      _codec = message<SignedHardwareProfile>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
              break
            }
            case 2: {
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
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
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

  export interface SignedHardwareProfileBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedHardwareProfileSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedHardwareProfile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedHardwareProfile.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedHardwareProfile>): SignedHardwareProfile {
    return decodeMessage(buf, SignedHardwareProfile.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedHardwareProfile>): Generator<SignedHardwareProfileBodyFieldEvent | SignedHardwareProfileSignatureFieldEvent> {
    return streamMessage(buf, SignedHardwareProfile.codec(), opts)
  }
}
