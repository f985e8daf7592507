// One LevelDB (classic-level) database per node, one sublevel per concern. All sublevels share
// the root, so a service can commit changes to several of them atomically with one root batch:
//   await store.batchDurable([{ type: 'put', sublevel: store.jobs, key, value }, …])
// "Durable" writes use LevelDB's sync option (fsync before resolving): use them for anything the
// node has promised to someone (a voucher, a result commitment, an audit entry).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { StoreHealth, watchWrites } from './store-health.ts'
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level'

export type RootDb = ClassicLevel<string, Uint8Array>
type Format = string | Uint8Array | Buffer
export type Sublevel<V> = AbstractSublevel<RootDb, Format, string, V>
export type BytesSublevel = Sublevel<Uint8Array>
/** JSON values: plain data only (no bigint, no Uint8Array; encode those yourself). */
export type JsonSublevel = Sublevel<unknown>
/** a root batch operation; set `sublevel` to write into one (its encoding applies) */
export type StoreBatchOp = AbstractBatchOperation<RootDb, string, unknown>

export interface HiveStore {
  /** the root database; use for atomic batches across sublevels */
  readonly root: RootDb
  readonly location: string
  /** this node's last published signed profile (key 'published', see node.ts) */
  readonly profile: BytesSublevel
  readonly jobs: JsonSublevel
  readonly bids: JsonSublevel
  readonly blobs: BytesSublevel
  readonly channels: JsonSublevel
  readonly vouchers: JsonSublevel
  readonly audit: BytesSublevel
  /** libp2p's datastore: peer store, DHT records and provider records (see node/p2p/datastore.ts) */
  readonly libp2p: BytesSublevel
  /** small bookkeeping values (schemaVersion, the CPU benchmark cache 'cpuBenchmark') */
  readonly meta: JsonSublevel
  /** a further sublevel for a service that needs its own (names must be unique per store) */
  sublevel<V = Uint8Array>(name: string, valueEncoding?: 'view' | 'json' | 'utf8'): Sublevel<V>
  /** put + fsync before resolving */
  putDurable<V>(sublevel: Sublevel<V>, key: string, value: V): Promise<void>
  /** atomic batch across sublevels, fsynced before resolving */
  batchDurable(ops: StoreBatchOp[]): Promise<void>
  /** whether the data dir can be written (store-health.ts): a node whose store fails takes no new work */
  readonly health: StoreHealth
  readonly closed: boolean
  close(): Promise<void>
}

export const STORE_DIRNAME = 'db'
const SCHEMA_VERSION = 1
const RESERVED = new Set(['profile', 'jobs', 'bids', 'blobs', 'channels', 'vouchers', 'audit', 'libp2p', 'meta'])

export interface OpenStoreOptions {
  /** LevelDB block cache in bytes (default 8 MiB; the benchmark lowers it for 30 nodes in one process) */
  cacheSize?: number
}

/** Opens (creating if needed) `<dataDir>/db`. Throws if another process holds it (LevelDB's LOCK). */
export async function openStore(dataDir: string, options: OpenStoreOptions = {}): Promise<HiveStore> {
  const location = join(dataDir, STORE_DIRNAME)
  mkdirSync(location, { recursive: true, mode: 0o700 })
  const root: RootDb = new ClassicLevel<string, Uint8Array>(location, {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
    ...(options.cacheSize !== undefined ? { cacheSize: options.cacheSize } : {}),
  })
  await root.open()
  const make = <V>(name: string, valueEncoding: 'view' | 'json' | 'utf8'): Sublevel<V> =>
    root.sublevel<string, V>(name, { keyEncoding: 'utf8', valueEncoding })
  const meta = make<unknown>('meta', 'json')
  const version = await meta.get('schemaVersion')
  if (version === undefined)
    await root.batch([{ type: 'put', sublevel: meta, key: 'schemaVersion', value: SCHEMA_VERSION }], { sync: true })
  else if (version !== SCHEMA_VERSION) {
    await root.close()
    throw new Error(
      `store at ${location} has schema version ${String(version)}; this build reads version ${SCHEMA_VERSION}`,
    )
  }
  const custom = new Set<string>()
  const health = new StoreHealth()
  watchWrites(root, health)
  return {
    health,
    root,
    location,
    profile: make('profile', 'view'),
    jobs: make('jobs', 'json'),
    bids: make('bids', 'json'),
    blobs: make('blobs', 'view'),
    channels: make('channels', 'json'),
    vouchers: make('vouchers', 'json'),
    audit: make('audit', 'view'),
    libp2p: make('libp2p', 'view'),
    meta,
    sublevel<V = Uint8Array>(name: string, valueEncoding: 'view' | 'json' | 'utf8' = 'view'): Sublevel<V> {
      if (RESERVED.has(name) || custom.has(name)) throw new Error(`sublevel "${name}" already exists in this store`)
      custom.add(name)
      return make<V>(name, valueEncoding)
    },
    async putDurable<V>(sublevel: Sublevel<V>, key: string, value: V): Promise<void> {
      // sublevel.put's typings omit classic-level's `sync`; a root batch carries it
      await root.batch([{ type: 'put', sublevel, key, value }], { sync: true })
    },
    async batchDurable(ops: StoreBatchOp[]): Promise<void> {
      await root.batch<string, unknown>(ops, { sync: true })
    },
    get closed(): boolean {
      return root.status === 'closed' || root.status === 'closing'
    },
    async close(): Promise<void> {
      if (root.status === 'open' || root.status === 'opening') await root.close()
    },
  }
}
