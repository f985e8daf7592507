// The node's live event stream (GET /v1/events, server-sent) shared by every page: the last few
// hundred events, and listeners told of each new one. EventSource reconnects by itself.
import type { RouteReply } from '../node/api/contract/index.ts'

export type NodeEvent = RouteReply<'node.events'>

const MAX_KEPT = 500
export const recent: NodeEvent[] = []
const listeners = new Set<(e: NodeEvent) => void>()
let source: EventSource | undefined
export const stream = { connected: false }

export function startEvents(): void {
  if (source !== undefined) return
  source = new EventSource('/v1/events')
  source.onopen = () => {
    stream.connected = true
  }
  source.onerror = () => {
    stream.connected = false
  }
  source.onmessage = (m: MessageEvent<string>) => {
    let e: NodeEvent
    try {
      e = JSON.parse(m.data) as NodeEvent
    } catch {
      return
    }
    recent.push(e)
    if (recent.length > MAX_KEPT) recent.splice(0, recent.length - MAX_KEPT)
    for (const l of listeners) l(e)
  }
}

export function onNodeEvent(listener: (e: NodeEvent) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
