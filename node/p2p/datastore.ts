// libp2p's datastore (peer store, DHT records, provider records) kept in the node's own level
// database, in the `libp2p` sublevel: routing knowledge and the records this peer stores for
// others survive a restart, and there is still one database (one LOCK, one fsync policy) per node.
import { LevelDatastore } from 'datastore-level'
import type { BytesSublevel } from '../store.ts'
import type { Datastore } from 'interface-datastore'

/**
 * A datastore over a sublevel. datastore-level accepts any abstract-level database with utf8
 * keys and byte values; its constructor is typed for the `level` package only, hence the cast.
 * Opening is a no-op for a sublevel of an open database; closing detaches only the sublevel.
 */
export async function openSublevelDatastore(sublevel: BytesSublevel): Promise<Datastore> {
  const ds = new LevelDatastore(sublevel as unknown as ConstructorParameters<typeof LevelDatastore>[0] & object)
  await ds.open()
  return ds
}
