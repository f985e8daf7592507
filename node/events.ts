// The node's live event feed (node/controller.ts NodeEvent): the local API streams it to the
// CLI (`hive job post` follows a job with it). A listener that throws is logged and kept: it
// can't break the node.
import { logger } from './log/logger.ts'
import type { NodeEvent } from './controller.ts'

const log = logger('hive:events')

export type NodeEventListener = (event: NodeEvent) => void

export class NodeEvents {
  private readonly listeners = new Set<NodeEventListener>()

  emit(event: NodeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event)
      } catch (err) {
        log.error('event listener failed on %s - %e', event.type, err)
      }
    }
  }

  /** Subscribe; the returned function unsubscribes (calling it twice is harmless). */
  on(listener: NodeEventListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  get listenerCount(): number {
    return this.listeners.size
  }
}
