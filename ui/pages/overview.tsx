// Overview: who this node is, how reachable, whom it is connected to, and the providers the
// network knows (their profiles are other people's text: shown as text only).
import { api } from '../api.ts'
import { useLoad } from '../hooks.ts'
import { bytes, short, time } from '../format.ts'
import { Facts, Mono, Pending, Section, Table } from '../parts.tsx'

export function Overview() {
  const info = useLoad(api.info, { when: (e) => e.type === 'reach:changed' || e.type === 'node:started' })
  const peers = useLoad(api.peers, { when: (e) => e.type === 'peer:connected' || e.type === 'peer:disconnected' })
  const providers = useLoad(api.providers, { when: (e) => e.type === 'peer:connected', everyMs: 15_000 })
  const i = info.data
  return (
    <>
      <Section title="This node">
        {i === undefined ? (
          <Pending load={info} />
        ) : (
          <Facts
            label="node facts"
            items={[
              ['Peer id', <Mono key="p">{i.peerId}</Mono>],
              ['Roles', i.roles.join(', ')],
              ['Version', i.version],
              ['Started', time(i.startedAt)],
              ['Reachability', i.reach?.status ?? 'unknown'],
              ['Relays', String(i.reach?.relays.length ?? 0)],
              [
                'Peers',
                <span key="n" data-testid="peer-count">
                  {String(peers.data?.peers.length ?? '…')}
                </span>,
              ],
            ]}
          />
        )}
        {i !== undefined && (
          <details>
            <summary>Addresses ({i.addresses.length})</summary>
            <ul>
              {i.addresses.map((a) => (
                <li key={a}>
                  <Mono>{a}</Mono>
                </li>
              ))}
            </ul>
          </details>
        )}
      </Section>
      <Section title="Connections">
        {peers.data === undefined ? (
          <Pending load={peers} />
        ) : (
          <Table
            caption="Connected peers"
            head={['Peer', 'Round trip', 'Address']}
            empty="No connected peers (is a bootstrap peer configured?)"
            rows={peers.data.peers.map((p) => [
              <Mono key="p" title={p.peerId}>
                {short(p.peerId, 14)}
              </Mono>,
              p.rttMs !== undefined ? `${p.rttMs} ms` : '–',
              <Mono key="a">{p.addresses[0] ?? '–'}</Mono>,
            ])}
          />
        )}
      </Section>
      <Section title="Providers in the network">
        {providers.data === undefined ? (
          <Pending load={providers} />
        ) : (
          <Table
            caption="Providers found in the DHT"
            head={['Provider', 'CPU', 'Memory', 'GPUs', 'Score', 'Price (wasm)']}
            empty="No providers found yet"
            rows={providers.data.providers.map((p) => [
              <Mono key="p" title={p.peerId}>
                {short(p.peerId, 14)}
              </Mono>,
              `${p.hardware.cpu.model} (${p.hardware.cpu.threads} threads)`,
              bytes(p.hardware.memoryBytes),
              <span key="g" class="gpu">
                {p.hardware.gpus.length === 0
                  ? 'none'
                  : p.hardware.gpus.map((g) => `${g.vendor} ${g.model}`).join(', ')}
              </span>,
              String(p.hardware.benchmark.cpuScore),
              p.prices?.wasm !== undefined ? `${p.prices.wasm} HIVE/unit` : '–',
            ])}
          />
        )}
      </Section>
    </>
  )
}
