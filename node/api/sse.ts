// Server-sent events: a route returns an EventStream and the server keeps the response open,
// writing each pushed value as one `data:` frame. Comments every heartbeatMs keep proxies and
// idle timeouts from closing the stream and let the client notice a dead node.
import type { ServerResponse } from 'node:http'
import { toJson } from './json.ts'

export type EventPush = (data: unknown) => void

/** What a route returns to stream: `subscribe` starts delivering and returns how to stop. */
export class EventStream {
  readonly subscribe: (push: EventPush) => () => void

  constructor(subscribe: (push: EventPush) => () => void) {
    this.subscribe = subscribe
  }
}

export interface SseOptions {
  heartbeatMs: number
  /** a client that lets more than this pile up unread is dropped rather than buffered forever */
  maxBufferedBytes: number
}

/** One open SSE response. Closing it (either side) unsubscribes and stops the heartbeat. */
export class SseConnection {
  private readonly res: ServerResponse
  private readonly options: SseOptions
  private readonly _onClose: Array<() => void> = []
  private timer: ReturnType<typeof setInterval> | undefined
  private nextId = 1
  private _closed = false

  constructor(res: ServerResponse, options: SseOptions) {
    this.res = res
    this.options = options
  }

  get closed(): boolean {
    return this._closed
  }

  open(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    // retry tells EventSource-style clients how long to wait before reconnecting
    this.res.write(': hive event stream\nretry: 3000\n\n')
    this.timer = setInterval(() => this.write(`: heartbeat ${Date.now()}\n\n`), this.options.heartbeatMs)
    this.timer.unref()
    this.res.on('close', () => this.close())
  }

  send(data: unknown): void {
    const lines = toJson(data)
      .split('\n')
      .map((l) => `data: ${l}`)
      .join('\n')
    this.write(`id: ${this.nextId++}\n${lines}\n\n`)
  }

  onClose(fn: () => void): void {
    if (this._closed) fn()
    else this._onClose.push(fn)
  }

  close(): void {
    if (this._closed) return
    this._closed = true
    clearInterval(this.timer)
    for (const fn of this._onClose.splice(0)) {
      try {
        fn()
      } catch {
        /* a failing unsubscribe must not keep the stream half-open */
      }
    }
    if (!this.res.writableEnded) this.res.end()
  }

  private write(chunk: string): void {
    if (this._closed) return
    if (this.res.writableLength > this.options.maxBufferedBytes) {
      this.close()
      return
    }
    this.res.write(chunk)
  }
}
