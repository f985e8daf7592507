// Governance: the protocol parameters this node follows, read from ProtocolParams on its chain.
// Proposals and votes are made with `hive gov` (they sign with the node's wallet from the CLI).
import { api } from '../api.ts'
import { useLoad } from '../hooks.ts'
import { hive } from '../format.ts'
import { Mono, Pending, Section, Table } from '../parts.tsx'

const TOKEN = new Set(['minProviderStake'])
const BPS = new Set(['protocolFeeBps', 'reporterShareBps', 'equivocationSlashBps', 'disputeBondBps'])

function show(name: string, value: string): string {
  if (TOKEN.has(name)) return hive(value)
  if (BPS.has(name)) return `${Number(value) / 100}% (${value} bps)`
  if (/^\d+$/.test(value)) return `${value} s`
  return value
}

export function Governance() {
  const params = useLoad(api.params, { everyMs: 30_000 })
  const p = params.data
  return (
    <>
      <Section title="Protocol parameters">
        {p === undefined ? (
          <Pending load={params} absent="No chain configured: this node follows no on-chain parameters." />
        ) : (
          <>
            <p class="muted">
              Chain {p.chainId}, read at block {p.block}.
            </p>
            <Table
              caption="ProtocolParams"
              head={['Parameter', 'Value']}
              empty="none"
              rows={Object.entries(p.params).map(([k, v]) => [
                k,
                /^0x/.test(String(v)) ? <Mono key="v">{String(v)}</Mono> : show(k, String(v)),
              ])}
            />
          </>
        )}
      </Section>
      <Section title="Proposals and votes">
        <p>
          Token holders change these parameters through the governor: <Mono>hive gov propose --set name=value</Mono>,{' '}
          <Mono>hive gov list</Mono>, <Mono>hive gov vote &lt;id&gt; for</Mono>, then <Mono>queue</Mono> and{' '}
          <Mono>execute</Mono>.
        </p>
      </Section>
    </>
  )
}
