// The node's event feed as log lines: job steps at info with their job id as a field (so a log
// search by job finds its whole story), the node's own warnings and errors at their level,
// connections at debug. Events carry ids, prices and reasons; never keys or tokens.
import { logStructured } from './logger.ts'
import type { NodeEvent } from '../controller.ts'

export function logNodeEvent(event: NodeEvent): void {
  const { type, at: _at, ...fields } = event
  switch (event.type) {
    case 'log':
      logStructured(event.level, 'hive:node', event.message, event.data ?? {})
      return
    case 'peer:connected':
    case 'peer:disconnected':
      logStructured('debug', 'hive:node', type, { remotePeer: event.peerId })
      return
    case 'node:started':
    case 'node:stopping':
    case 'profile:published':
    case 'reach:changed':
      logStructured('info', 'hive:node', type, fields)
      return
    default:
      // job:* (requester) and provider:* events: every one names its job
      logStructured(
        type === 'job:failed' ? 'warn' : 'info',
        type.startsWith('provider:') ? 'hive:provider' : 'hive:requester',
        type,
        fields,
      )
  }
}
