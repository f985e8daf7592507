// The dashboard app: a login page that trades the one-time code for the session cookie, and the
// pages, chosen by path (/ui/, /ui/provider …) with real links (keyboard and middle-click work).
import { render } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { JSX } from 'preact'
import { api, ApiFailure, auth } from './api.ts'
import { startEvents } from './events.ts'
import { Overview } from './pages/overview.tsx'
import { Provider } from './pages/provider.tsx'
import { Requester } from './pages/requester.tsx'
import { Market } from './pages/market.tsx'
import { Audit } from './pages/audit.tsx'
import { Governance } from './pages/governance.tsx'
import './style.css'

const PAGES: Array<{ path: string; title: string; view: () => JSX.Element }> = [
  { path: '/ui/', title: 'Overview', view: Overview },
  { path: '/ui/provider', title: 'Provider', view: Provider },
  { path: '/ui/requester', title: 'Requester', view: Requester },
  { path: '/ui/market', title: 'Market', view: Market },
  { path: '/ui/audit', title: 'Audit', view: Audit },
  { path: '/ui/governance', title: 'Governance', view: Governance },
]

/** The code arrives in the fragment (never sent to a server) or, from older links, in ?code=. */
function takeLoginCode(): string | undefined {
  const fromHash = location.hash.replace(/^#/, '')
  const fromQuery = new URLSearchParams(location.search).get('code') ?? ''
  const code = fromHash !== '' ? fromHash : fromQuery
  // out of the address bar and the history at once, whatever happens next
  history.replaceState(null, '', '/ui/login')
  return code !== '' ? code : undefined
}

function Login(props: { onDone: () => void }) {
  const [state, setState] = useState<'working' | 'failed' | 'none'>('working')
  const [message, setMessage] = useState('')
  useEffect(() => {
    const code = takeLoginCode()
    if (code === undefined) {
      setState('none')
      return
    }
    api.login(code).then(
      () => props.onDone(),
      (err: unknown) => {
        setState('failed')
        setMessage(err instanceof ApiFailure ? err.message : String(err))
      },
    )
  }, [])
  return (
    <main id="main" tabIndex={-1}>
      <h1>Log in to this node</h1>
      {state === 'working' && <p role="status">Logging in…</p>}
      {state === 'failed' && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      {state !== 'working' && (
        <p>
          Run <code class="mono">hive dashboard</code> (or{' '}
          <code class="mono">hive --node &lt;data dir&gt; dashboard</code>) and open the one-time URL it prints within a
          minute.
        </p>
      )}
    </main>
  )
}

function App() {
  const [path, setPath] = useState(location.pathname)
  const [lost, setLost] = useState(auth.lost)
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    const onPop = () => setPath(location.pathname)
    addEventListener('popstate', onPop)
    const onLost = () => setLost(true)
    auth.listeners.add(onLost)
    return () => {
      removeEventListener('popstate', onPop)
      auth.listeners.delete(onLost)
    }
  }, [])
  const page = PAGES.find((p) => p.path === path || p.path === path + '/') ?? PAGES[0]
  useEffect(() => {
    document.title = `${page.title} · ComputeHive`
    if (path !== '/ui/login' && !lost) startEvents()
  }, [page, lost])
  const go = (to: string) => (ev: MouseEvent) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return
    ev.preventDefault()
    history.pushState(null, '', to)
    setPath(to)
    // a screen reader user hears the new page; keyboard focus starts at its heading
    requestAnimationFrame(() => heading.current?.focus())
  }
  if (path === '/ui/login')
    return (
      <Login
        onDone={() => {
          auth.lost = false
          setLost(false)
          history.replaceState(null, '', '/ui/')
          setPath('/ui/')
        }}
      />
    )
  if (lost) {
    history.replaceState(null, '', '/ui/login')
    return <Login onDone={() => location.assign('/ui/')} />
  }
  const View = page.view
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <p class="brand">ComputeHive</p>
        <nav aria-label="Dashboard pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={p.path} onClick={go(p.path)} aria-current={p === page ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="logout"
          onClick={() => void api.logout().finally(() => location.assign('/ui/login'))}
        >
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <h1 ref={heading} tabIndex={-1}>
          {page.title}
        </h1>
        <View key={page.path} />
      </main>
    </>
  )
}

// the static "Loading…" placeholder goes: Preact would keep it beside the app
const container = document.getElementById('app')!
container.textContent = ''
render(<App />, container)
