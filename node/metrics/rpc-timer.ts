// JSON-RPC latency from ethers' debug events: a request's payload and its result carry the same
// id, so the round trip is the time between them. A request whose answer never comes (an error
// reply carries no id) is forgotten once the table is full, oldest first.
import type { JsonRpcProvider } from 'ethers'
import type { Histogram } from 'prom-client'

const MAX_IN_FLIGHT = 512
/** method names become label values: only JSON-RPC shaped ones, anything else 'other' */
const METHOD = /^[a-z]{2,10}_[A-Za-z]{2,40}$/

interface Payload {
  id?: unknown
  method?: unknown
}

interface DebugEvent {
  action?: string
  payload?: Payload | Payload[]
  result?: Array<{ id?: unknown }> | { id?: unknown }
}

export class RpcTimer {
  private readonly provider: JsonRpcProvider
  private readonly histogram: Histogram<'method'>
  private readonly inFlight = new Map<unknown, { method: string; at: number }>()
  private readonly listener = (event: DebugEvent): void => {
    this.onDebug(event)
  }

  constructor(provider: JsonRpcProvider, histogram: Histogram<'method'>) {
    this.provider = provider
    this.histogram = histogram
  }

  start(): void {
    void this.provider.on('debug', this.listener)
  }

  stop(): void {
    void this.provider.off('debug', this.listener)
    this.inFlight.clear()
  }

  private onDebug(event: DebugEvent): void {
    const now = performance.now()
    if (event.action === 'sendRpcPayload' && event.payload !== undefined) {
      for (const p of Array.isArray(event.payload) ? event.payload : [event.payload]) {
        const method = typeof p.method === 'string' && METHOD.test(p.method) ? p.method : 'other'
        this.inFlight.set(p.id, { method, at: now })
        if (this.inFlight.size > MAX_IN_FLIGHT) this.inFlight.delete(this.inFlight.keys().next().value)
      }
    } else if (event.action === 'receiveRpcResult' && event.result !== undefined) {
      for (const r of Array.isArray(event.result) ? event.result : [event.result]) {
        const sent = this.inFlight.get(r.id)
        if (sent === undefined) continue
        this.inFlight.delete(r.id)
        this.histogram.observe({ method: sent.method }, (now - sent.at) / 1000)
      }
    }
  }
}
