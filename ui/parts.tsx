// Shared pieces: a titled section, a loading/error line, a key-value list and a table. All text
// goes through Preact's text nodes (escaped); nothing here sets HTML.
import type { ComponentChildren } from 'preact'
import type { Loaded } from './hooks.ts'

export function Section(props: { title: string; children: ComponentChildren; id?: string }) {
  const id = props.id ?? 'sec-' + props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </section>
  )
}

/** What to show instead of data that is loading, failed, or that this node does not have. */
export function Pending<T>(props: { load: Loaded<T>; absent?: string }) {
  if (props.load.absent) return <p class="muted">{props.absent ?? 'This node does not serve this.'}</p>
  if (props.load.error !== undefined)
    return (
      <p class="error" role="alert">
        {props.load.error}
      </p>
    )
  return <p class="muted">Loading…</p>
}

export function Facts(props: { items: Array<[string, ComponentChildren]>; label?: string }) {
  return (
    <dl class="facts" aria-label={props.label}>
      {props.items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}

export function Table(props: { caption: string; head: string[]; rows: ComponentChildren[][]; empty: string }) {
  if (props.rows.length === 0) return <p class="muted">{props.empty}</p>
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function Mono(props: { children: ComponentChildren; title?: string }) {
  return (
    <code class="mono" title={props.title}>
      {props.children}
    </code>
  )
}
