// Audit: this node's tamper-evident log (size, root, anchors), its latest entries, "anchor now",
// and verifying a job across its parties' logs.
import { useState } from 'preact/hooks'
import { api, ApiFailure } from '../api.ts'
import type { RouteReply } from '../../node/api/contract/index.ts'
import { useLoad } from '../hooks.ts'
import { short, time } from '../format.ts'
import { Facts, Mono, Pending, Section, Table } from '../parts.tsx'

export function Audit() {
  const status = useLoad(api.audit, { when: (e) => e.type.startsWith('job:') || e.type.startsWith('provider:') })
  const entries = useLoad(api.auditEntries, {
    when: (e) => e.type.startsWith('job:') || e.type.startsWith('provider:'),
  })
  const [anchorNote, setAnchorNote] = useState<string | undefined>(undefined)
  const [verdict, setVerdict] = useState<RouteReply<'audit.verify'> | undefined>(undefined)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const anchor = async () => {
    try {
      const r = await api.anchor()
      setAnchorNote(
        r.anchored ? `anchored ${r.treeSize} entries (tx ${r.txHash ?? '?'})` : `not anchored: ${r.reason ?? ''}`,
      )
      status.reload()
    } catch (err) {
      setAnchorNote(err instanceof ApiFailure ? `${err.code}: ${err.message}` : String(err))
    }
  }
  const verify = async (ev: Event) => {
    ev.preventDefault()
    const form = ev.currentTarget as HTMLFormElement
    const job = String(new FormData(form).get('job')).trim()
    setProblem(undefined)
    setVerdict(undefined)
    try {
      setVerdict(await api.verify(job))
    } catch (err) {
      setProblem(err instanceof ApiFailure ? `${err.code}: ${err.message}` : String(err))
    }
  }
  const s = status.data
  return (
    <>
      <Section title="Log">
        {s === undefined ? (
          <Pending load={status} absent="This node keeps no audit log." />
        ) : (
          <>
            <Facts
              items={[
                [
                  'Entries',
                  <span key="s" data-testid="audit-size">
                    {String(s.size)}
                  </span>,
                ],
                ['Root', <Mono key="r">{s.root}</Mono>],
                [
                  'Anchoring',
                  s.anchoring === null ? 'off (no chain account)' : <Mono key="a">{s.anchoring.address}</Mono>,
                ],
                [
                  'Last anchor',
                  s.anchoring?.latest !== undefined
                    ? `#${s.anchoring.latest.index} of ${s.anchoring.latest.treeSize} entries`
                    : 'none yet',
                ],
                ['Pending', String(s.anchoring?.pending ?? '–')],
              ]}
            />
            {s.anchoring !== null && (
              <button type="button" onClick={() => void anchor()}>
                Anchor now
              </button>
            )}
            {anchorNote !== undefined && <p role="status">{anchorNote}</p>}
          </>
        )}
      </Section>
      <Section title="Verify a job">
        <form onSubmit={(e) => void verify(e)} class="row">
          <label>
            Job id <input name="job" required pattern="[0-9a-f]{64}" size={66} />
          </label>
          <button type="submit">Verify</button>
        </form>
        {problem !== undefined && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        {verdict !== undefined && (
          <div role="status" data-testid="verdict">
            <p>
              Verdict: <strong>{verdict.outcome}</strong>
            </p>
            <Table
              caption={`Checks of ${verdict.subject}`}
              head={['Party', 'Role', 'Check', 'Status', 'Message']}
              empty="No checks"
              rows={verdict.rows.map((r) => [
                <Mono key="s">{short(r.subject, 14)}</Mono>,
                r.role,
                r.check,
                r.status,
                r.message,
              ])}
            />
          </div>
        )}
      </Section>
      <Section title="Latest entries">
        {entries.data === undefined ? (
          <Pending load={entries} absent="This node keeps no audit log." />
        ) : (
          <Table
            caption="Audit log entries, newest last"
            head={['#', 'Type', 'Job', 'At']}
            empty="The log is empty"
            rows={entries.data.entries.map((e) => [
              String(e.index),
              String(e.type),
              <Mono key="j">{typeof e.jobId === 'string' ? short(e.jobId) : '–'}</Mono>,
              typeof e.timestamp === 'number' ? time(e.timestamp) : '–',
            ])}
          />
        )}
      </Section>
    </>
  )
}
