// The provider's in-memory cache of job modules (WASM binaries, ONNX models) by CID (issue 18):
// a model used by many jobs is fetched once per provider, not once per job, and a warm model
// skips the blob store's disk read too. Bounded by bytes, least recently used out first; a
// module larger than the whole budget is passed through uncached. Concurrent jobs that need the
// same missing module share one fetch.
import type { CID } from 'multiformats/cid'

export const DEFAULT_MODEL_CACHE_BYTES = 256 * 1024 * 1024

export interface ModelCacheStats {
  /** modules that had to be loaded (fetched from the requester, or read from the blob store) */
  modelFetches: number
  hits: number
  entries: number
  bytes: number
}

export class ModelCache {
  private readonly maxBytes: number
  /** insertion order is recency: a hit moves its entry to the end */
  private readonly entries = new Map<string, Uint8Array>()
  private readonly loading = new Map<string, Promise<Uint8Array>>()
  private bytes = 0
  private fetches = 0
  private hits = 0

  constructor(opts: { maxBytes?: number } = {}) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_MODEL_CACHE_BYTES
  }

  /** the module `cid`, from the cache or `load` (whose bytes the caller has checked against the CID) */
  async get(cid: CID, load: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const key = cid.toString()
    const hit = this.entries.get(key)
    if (hit !== undefined) {
      this.hits++
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit
    }
    const pending = this.loading.get(key)
    if (pending !== undefined) {
      this.hits++
      return await pending
    }
    this.fetches++
    const loading = load()
    this.loading.set(key, loading)
    try {
      const bytes = await loading
      this.insert(key, bytes)
      return bytes
    } finally {
      this.loading.delete(key)
    }
  }

  stats(): ModelCacheStats {
    return { modelFetches: this.fetches, hits: this.hits, entries: this.entries.size, bytes: this.bytes }
  }

  private insert(key: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxBytes || this.entries.has(key)) return
    this.entries.set(key, bytes)
    this.bytes += bytes.byteLength
    for (const [old, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(old)
      this.bytes -= value.byteLength
    }
  }
}
