// Governance: the protocol parameters this node follows (ProtocolParams on its chain), the
// proposals to change them, and voting on an active one with the node's wallet. Proposing,
// queueing and executing stay with `hive gov` (they take parameters best typed on a command line).
import { useState } from 'preact/hooks'
import { api, ApiFailure } from '../api.ts'
import { useLoad } from '../hooks.ts'
import { hive, short } from '../format.ts'
import { Mono, Pending, Section, Table } from '../parts.tsx'

const TOKEN = new Set(['minProviderStake'])
const BPS = new Set(['protocolFeeBps', 'reporterShareBps', 'equivocationSlashBps', 'disputeBondBps'])
const PROPOSE = 'hive gov propose --set name=value'

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
        <Proposals />
        <p class="muted">
          New proposals: <Mono>{PROPOSE}</Mono>; after the vote, <Mono>hive gov queue</Mono> and{' '}
          <Mono>hive gov execute</Mono>.
        </p>
      </Section>
    </>
  )
}

function Proposals() {
  const list = useLoad(api.proposals, { everyMs: 10_000 })
  const [note, setNote] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const vote = async (id: string, choice: 'for' | 'against' | 'abstain') => {
    setBusy(true)
    setNote(undefined)
    try {
      const r = await api.vote(id, choice)
      setNote(`voted ${r.choice} on ${short(id, 12)} with ${hive(r.weight)}: now ${hive(r.votes.for)} for`)
      list.reload()
    } catch (err) {
      setNote(err instanceof ApiFailure ? `${err.code}: ${err.message}` : String(err))
    } finally {
      setBusy(false)
    }
  }
  if (list.data === undefined) return <Pending load={list} absent="No chain configured: no governance." />
  return (
    <>
      <Table
        caption="Proposals, newest first"
        head={['Proposal', 'State', 'For', 'Against', 'Abstain', 'Actions', 'Vote']}
        empty="No proposals yet"
        rows={list.data.proposals.map((p) => [
          <span key="d">
            <Mono title={p.id}>{short(p.id, 12)}</Mono> {p.description.split('\n')[0]}
          </span>,
          <span key="s" data-testid="proposal-state">
            {p.state}
          </span>,
          hive(p.votes.for),
          hive(p.votes.against),
          hive(p.votes.abstain),
          p.decoded.join('; '),
          p.state === 'active' ? (
            <span key="v" class="row">
              {(['for', 'against', 'abstain'] as const).map((c) => (
                <button
                  key={c}
                  type="button"
                  disabled={busy}
                  aria-label={`Vote ${c} proposal ${short(p.id, 12)}`}
                  onClick={() => void vote(p.id, c)}
                >
                  {c}
                </button>
              ))}
            </span>
          ) : (
            '–'
          ),
        ])}
      />
      {note !== undefined && <p role="status">{note}</p>}
    </>
  )
}
