// libp2p looks up the local handler of a protocol on every outbound stream (for its stream limit)
// and, on a node that only dials that protocol (a requester pushing a job, awarding it), gets an
// UnhandledProtocolError built with a stack trace, caught and dropped: 1.5 % of a job's CPU in the
// market benchmark (issue 14). This keeps, per protocol, the first such error and throws it again
// instead of building a new one; libp2p only reads its name. A protocol with a handler is looked
// up as before. Reaches into libp2p's private components, so everything is optional: if a later
// libp2p renames them this does nothing.
import type { Libp2p } from '@libp2p/interface'

interface RegistrarView {
  handlers?: { has: (protocol: string) => boolean }
  getHandler?: (protocol: string) => unknown
}

interface PrivateView {
  components?: { registrar?: RegistrarView }
}

/** protocols remembered at most (a node dials a handful; past this, libp2p's own path) */
const MAX_REMEMBERED = 256

export function reuseUnhandledProtocolErrors(libp2p: Libp2p): void {
  const registrar = (libp2p as unknown as PrivateView).components?.registrar
  const handlers = registrar?.handlers
  const original = registrar?.getHandler?.bind(registrar)
  if (registrar === undefined || handlers === undefined || original === undefined) return
  const errors = new Map<string, unknown>()
  registrar.getHandler = (protocol: string): unknown => {
    if (handlers.has(protocol)) return original(protocol)
    const known = errors.get(protocol)
    if (known !== undefined) throw known
    try {
      return original(protocol)
    } catch (err) {
      if ((err as Error).name === 'UnhandledProtocolError' && errors.size < MAX_REMEMBERED) errors.set(protocol, err)
      throw err
    }
  }
}
