// Requester: post a job from the page (module, inputs, arguments, limits, k, payment, max price),
// follow its bids, awards and results live, and download the verified output. Output is other
// people's bytes: decoded as text into text nodes, or saved as a file, never rendered as HTML.
// A followed job's live output (its stderr, docs/job-logs.md) is shown the same way, as text.
import { useState } from 'preact/hooks'
import { api, ApiFailure } from '../api.ts'
import { useLoad } from '../hooks.ts'
import { hive, parseHive, short, time } from '../format.ts'
import { Facts, Mono, Pending, Section, Table } from '../parts.tsx'

// a job's record changes with every job event but its live output (job:log, up to 4 a second)
const jobEvent = (id?: string) => (e: { type: string; jobId?: string }) =>
  e.type.startsWith('job:') && e.type !== 'job:log' && (id === undefined || e.jobId === id)
const logEvent = (id: string) => (e: { type: string; jobId?: string }) => e.type === 'job:log' && e.jobId === id

async function base64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

function fromBase64(data: string): Uint8Array {
  const bin = atob(data)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function save(name: string, data: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

function PostForm(props: { onPosted: (jobId: string) => void }) {
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const submit = async (ev: Event) => {
    ev.preventDefault()
    const form = ev.currentTarget as HTMLFormElement
    const f = new FormData(form)
    const module = (form.elements.namedItem('module') as HTMLInputElement).files?.[0]
    const inputFiles = [...((form.elements.namedItem('inputs') as HTMLInputElement).files ?? [])]
    const maxPrice = parseHive(String(f.get('maxPrice')))
    if (module === undefined) return setProblem('choose a WebAssembly module (.wasm)')
    if (maxPrice === undefined) return setProblem('max price: a number of HIVE, e.g. 1 or 0.5')
    const num = (name: string): number => Number(f.get(name))
    setBusy(true)
    setProblem(undefined)
    try {
      const { jobId } = await api.postJob({
        module: await base64(module),
        inputs: await Promise.all(inputFiles.map(async (i) => ({ name: i.name, data: await base64(i) }))),
        args: String(f.get('args'))
          .split('\n')
          .map((a) => a.trim())
          .filter((a) => a !== ''),
        redundancy: num('k'),
        payment: f.get('payment') === 'channel' ? 'channel' : 'escrow',
        maxPrice,
        bidWindowMs: num('bidWindow') * 1000,
        limits: { memoryBytes: num('memory') * 2 ** 20, wallTimeMs: num('wallTime') * 1000 },
      })
      props.onPosted(jobId)
    } catch (err) {
      setProblem(err instanceof ApiFailure ? `${err.code}: ${err.message}` : String(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="post" onSubmit={(e) => void submit(e)} aria-describedby="post-help">
      <p id="post-help" class="muted">
        The job is gossiped to providers, placed by their bids, run, verified, and paid.
      </p>
      <label>
        Module (.wasm) <input name="module" type="file" accept=".wasm,application/wasm" required />
      </label>
      <label>
        Input files <input name="inputs" type="file" multiple />
      </label>
      <label>
        Arguments (one per line) <textarea name="args" rows={2} />
      </label>
      <div class="row">
        <label>
          Memory (MiB) <input name="memory" type="number" min={1} max={4096} value={64} required />
        </label>
        <label>
          Wall time (s) <input name="wallTime" type="number" min={1} max={3600} value={30} required />
        </label>
        <label>
          k (providers) <input name="k" type="number" min={1} max={5} value={1} required />
        </label>
        <label>
          Bid window (s) <input name="bidWindow" type="number" min={1} max={60} value={2} required />
        </label>
      </div>
      <div class="row">
        <label>
          Payment{' '}
          <select name="payment">
            <option value="escrow">escrow (per job)</option>
            <option value="channel">channel (vouchers)</option>
          </select>
        </label>
        <label>
          Max price (HIVE) <input name="maxPrice" inputMode="decimal" value="1" required />
        </label>
      </div>
      <button type="submit" disabled={busy}>
        {busy ? 'Posting…' : 'Post job'}
      </button>
      {problem !== undefined && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  )
}

function Output(props: { jobId: string }) {
  const result = useLoad(() => api.result(props.jobId))
  if (result.data === undefined) return <Pending load={result} />
  const r = result.data
  const text = new TextDecoder().decode(fromBase64(r.stdout))
  return (
    <div class="output">
      <Facts
        items={[
          ['Exit code', String(r.exitCode)],
          ['Output CID', <Mono key="c">{r.outputCid}</Mono>],
        ]}
      />
      <h4>stdout</h4>
      <pre data-testid="stdout">{text}</pre>
      <button type="button" onClick={() => save(`${props.jobId.slice(0, 12)}-stdout.txt`, fromBase64(r.stdout))}>
        Download stdout
      </button>
      {r.files.map((f) => (
        <div key={f.name}>
          <h4>{f.name}</h4>
          <pre class="file">{new TextDecoder().decode(fromBase64(f.data).subarray(0, 65536))}</pre>
          <button type="button" onClick={() => save(f.name, fromBase64(f.data))}>
            Download {f.name}
          </button>
        </div>
      ))}
    </div>
  )
}

function LiveLog(props: { jobId: string }) {
  const logs = useLoad(() => api.logs(props.jobId), { when: logEvent(props.jobId) })
  if (logs.data === undefined) return <Pending load={logs} />
  if (logs.data.logs.length === 0) return <p class="muted">No output from the job yet (stderr streams here).</p>
  return (
    <>
      {logs.data.logs.map((l) => (
        <div key={l.provider}>
          <h4>
            stderr from <Mono>{short(l.provider, 14)}</Mono>
            {l.progress !== undefined ? ` — ${Math.round(l.progress * 100)}%` : ''}
            {l.droppedBytes > 0 ? ` (${l.droppedBytes} bytes dropped)` : ''}
          </h4>
          <pre class="file" data-testid="job-log">
            {l.text}
          </pre>
        </div>
      ))}
    </>
  )
}

function JobDetail(props: { jobId: string }) {
  const job = useLoad(() => api.job(props.jobId), { when: jobEvent(props.jobId) })
  const j = job.data
  if (j === undefined) return <Pending load={job} />
  return (
    <div class="job-detail" aria-live="polite">
      <Facts
        items={[
          ['Job', <Mono key="j">{j.jobId}</Mono>],
          [
            'Phase',
            <strong key="p" data-testid="phase">
              {j.phase}
            </strong>,
          ],
          ['k', String(j.redundancy)],
          ['Payment', j.payment],
          ['Max price', hive(j.maxPrice)],
          ['Bids', String(j.bidsReceived ?? j.bids.length)],
          ...(j.failure !== undefined
            ? [['Failure', `${j.failure.reason}: ${j.failure.message}`] as [string, string]]
            : []),
        ]}
      />
      <Table
        caption="Bids"
        head={['Provider', 'Price', 'Score', 'At']}
        empty="No bids yet"
        rows={j.bids.map((b) => [
          <Mono key="p">{short(b.provider, 14)}</Mono>,
          hive(b.price),
          String(b.benchmarkScore),
          time(b.receivedAt),
        ])}
      />
      <Table
        caption="Awards and results"
        head={['Provider', 'Price', 'Slot', 'Status', 'Output']}
        empty="No awards yet"
        rows={j.awards.map((a) => [
          <Mono key="p">{short(a.provider, 14)}</Mono>,
          hive(a.price),
          String(a.slot),
          a.failure !== undefined ? `${a.status} (${a.failure})` : a.status,
          a.outputCid !== undefined ? <Mono key="o">{short(a.outputCid, 16)}</Mono> : '–',
        ])}
      />
      <h4>Live output</h4>
      <LiveLog jobId={j.jobId} />
      {j.phase === 'completed' && <Output jobId={j.jobId} />}
    </div>
  )
}

export function Requester() {
  const [selected, setSelected] = useState<string | undefined>(undefined)
  const jobs = useLoad(api.jobs, { when: jobEvent() })
  return (
    <>
      <Section title="Post a job">
        <PostForm onPosted={(id) => setSelected(id)} />
      </Section>
      <Section title="Jobs">
        {jobs.data === undefined ? (
          <Pending load={jobs} absent="This node is not a requester." />
        ) : (
          <Table
            caption="Jobs this node posted"
            head={['Job', 'Phase', 'Posted', 'Bids', 'Winners', '']}
            empty="No jobs posted yet"
            rows={[...jobs.data.jobs].reverse().map((j) => [
              <Mono key="j" title={j.jobId}>
                {short(j.jobId)}
              </Mono>,
              j.phase,
              time(j.postedAt),
              String(j.bids),
              j.winners.map((w) => `${short(w.provider, 10)} @ ${hive(w.price)}`).join(', ') || '–',
              <button key="b" type="button" onClick={() => setSelected(j.jobId)} aria-pressed={selected === j.jobId}>
                Follow
              </button>,
            ])}
          />
        )}
      </Section>
      {selected !== undefined && (
        <Section title="Job" id="job-detail">
          <JobDetail key={selected} jobId={selected} />
        </Section>
      )}
    </>
  )
}
