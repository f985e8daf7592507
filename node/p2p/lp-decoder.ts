// Length-prefixed decoding without an exception per chunk (issue 14).
//
// Noise reads its messages with @libp2p/utils' LengthPrefixedDecoder, whose loop asks the length
// decoder for the next prefix until the decoder throws a RangeError for "not enough bytes". Noise's
// decoder (uint16BEDecode) throws that as soon as the buffer is empty, so every TCP chunk a node
// reads, once its messages are taken out, ends in a RangeError built with a stack trace: 6 % of
// the CPU of a job in the in-process market benchmark (BENCH_CPU_PROFILE), for no information.
//
// The wrapper gives each decoder a length decoder that answers 0 for an empty buffer instead of
// throwing. The loop then needs the prefix's own length (at least one byte) to take a message out
// of an empty buffer and stops where it stopped before; anything but an empty buffer goes to the
// original decoder as before (a partial prefix still throws, and still only ends the loop).
import { LengthPrefixedDecoder } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

type LengthDecoder = (data: Uint8ArrayList) => number

interface DecoderFields {
  lengthDecoder: LengthDecoder
}

/** on the prototype: installed; on an instance: its length decoder wrapped */
const INSTALLED = Symbol.for('computehive.lpDecoder.installed')
const WRAPPED = Symbol('computehive.lpDecoder.wrapped')

/** a length decoder that answers 0 for an empty buffer instead of throwing */
export function emptyIsZero(decode: LengthDecoder): LengthDecoder {
  return (data) => (data.byteLength === 0 ? 0 : decode(data))
}

/** Installs the wrapper on LengthPrefixedDecoder (idempotent). */
export function quietLengthPrefixedDecoder(): void {
  const proto = LengthPrefixedDecoder.prototype as unknown as Record<PropertyKey, unknown> & {
    decode: (this: LengthPrefixedDecoder, buf: Uint8Array | Uint8ArrayList) => Generator<Uint8ArrayList>
  }
  if (proto[INSTALLED] === true) return
  const original = proto.decode
  proto.decode = function (this: LengthPrefixedDecoder, buf: Uint8Array | Uint8ArrayList) {
    const self = this as unknown as DecoderFields & Record<PropertyKey, unknown>
    if (!Object.hasOwn(self, WRAPPED)) {
      self.lengthDecoder = emptyIsZero(self.lengthDecoder)
      self[WRAPPED] = true
    }
    return original.call(this, buf)
  }
  proto[INSTALLED] = true
}
