import type { Codec } from './types.ts'

/** Bytes as they are: for protocols whose handler validates the envelope itself (the market's). */
export const bytesCodec: Codec<Uint8Array> = {
  encode: (b) => b,
  decode: (b) => b,
}
