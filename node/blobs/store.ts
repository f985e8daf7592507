// Content-addressed blob store over one sublevel of the node's database. A blob is stored under
// its CID only after its bytes were hashed, so what comes out always matches its address.
import { bytesMatchCid, cidForBytes, parseCid } from '../../protocol/cid.ts'
import type { CID } from '../../protocol/cid.ts'
import { HiveError } from '../../protocol/errors.ts'

/** The slice of a level sublevel (string keys, binary values) that the store needs. */
export interface BlobSublevel {
  get(key: string): Promise<Uint8Array | undefined>
  has(key: string): Promise<boolean>
  put(key: string, value: Uint8Array, options?: { sync?: boolean }): Promise<void>
  del(key: string): Promise<void>
}

/**
 * Each blob's size is kept beside it under `size:<cid>` (8 bytes, big-endian), so a server can
 * check a peer's byte budget before it reads the blob. No CID string contains ':'.
 */
const SIZE_PREFIX = 'size:'

function encodeSize(size: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(size))
  return out
}

/** Default ceiling for one blob: large enough for WASM modules and job data, small enough for memory. */
export const DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024

export class BlobError extends HiveError {
  static override name = 'BlobError'
}

export interface BlobStoreInit {
  db: BlobSublevel
  maxBlobBytes?: number
}

export class BlobStore {
  readonly maxBlobBytes: number
  private readonly db: BlobSublevel

  constructor(init: BlobStoreInit) {
    this.db = init.db
    this.maxBlobBytes = init.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES
  }

  /** Stores bytes and returns their CID; storing the same bytes twice is a no-op. */
  async put(bytes: Uint8Array, options: { sync?: boolean } = {}): Promise<CID> {
    this.checkSize(bytes.byteLength)
    const cid = await cidForBytes(bytes)
    const key = cid.toString()
    if (await this.db.has(key)) return cid
    await this.db.put(key, bytes, { sync: options.sync ?? false })
    await this.db.put(SIZE_PREFIX + key, encodeSize(bytes.byteLength), { sync: options.sync ?? false })
    return cid
  }

  /** Stores bytes that claim to be `cid`, refusing them when the hash differs. */
  async putVerified(cid: CID, bytes: Uint8Array, options: { sync?: boolean } = {}): Promise<void> {
    this.checkSize(bytes.byteLength)
    if (!(await bytesMatchCid(bytes, cid))) {
      throw new BlobError('BLOB_HASH_MISMATCH', `bytes do not hash to ${cid.toString()}`, {
        cid: cid.toString(),
        size: bytes.byteLength,
      })
    }
    await this.db.put(cid.toString(), bytes, { sync: options.sync ?? false })
    await this.db.put(SIZE_PREFIX + cid.toString(), encodeSize(bytes.byteLength), { sync: options.sync ?? false })
  }

  /** The blob's size without reading it (blobs stored before the size index are read once, then indexed). */
  async size(cid: CID | string): Promise<number | undefined> {
    const key = typeof cid === 'string' ? parseCid(cid).toString() : cid.toString()
    const stored = await this.db.get(SIZE_PREFIX + key)
    if (stored !== undefined && stored.byteLength === 8) {
      return Number(new DataView(stored.buffer, stored.byteOffset, 8).getBigUint64(0))
    }
    const bytes = await this.db.get(key)
    if (bytes === undefined) return undefined
    await this.db.put(SIZE_PREFIX + key, encodeSize(bytes.byteLength))
    return bytes.byteLength
  }

  async get(cid: CID | string): Promise<Uint8Array | undefined> {
    const key = typeof cid === 'string' ? parseCid(cid).toString() : cid.toString()
    return await this.db.get(key)
  }

  async has(cid: CID | string): Promise<boolean> {
    const key = typeof cid === 'string' ? parseCid(cid).toString() : cid.toString()
    return await this.db.has(key)
  }

  async delete(cid: CID | string): Promise<void> {
    const key = typeof cid === 'string' ? parseCid(cid).toString() : cid.toString()
    await this.db.del(key)
    await this.db.del(SIZE_PREFIX + key)
  }

  private checkSize(size: number): void {
    if (size > this.maxBlobBytes) {
      throw new BlobError('BLOB_TOO_LARGE', `blob of ${size} bytes exceeds the limit of ${this.maxBlobBytes} bytes`, {
        size,
        limit: this.maxBlobBytes,
      })
    }
  }
}
