// A JsonRpcProvider that rides out short RPC trouble: a request whose transport failed (refused,
// reset, timed out) or that the RPC answered with a transient error (an internal error, a
// gateway's "unavailable", a rate limit) is sent again a few times with backoff before the caller
// sees the error. A revert, a bad argument or any other answer about the request itself is
// returned at once. Re-sending is safe for every method the node uses: reads are idempotent, and a
// signed transaction sent twice is the same transaction ("already known", or its nonce is used
// and TxSender finds it by hash).
import { JsonRpcProvider } from 'ethers'
import type { JsonRpcError, JsonRpcPayload, JsonRpcResult } from 'ethers'
import { logger } from '../log/logger.ts'

const log = logger('hive:chain:rpc')

/** waits before each retry, ms (4 retries: about 2.3 s in all before the error is the caller's) */
export const RPC_RETRY_DELAYS_MS = [150, 300, 600, 1_200] as const

const TRANSIENT =
  /internal error|unavailable|temporar|timeout|timed out|rate limit|too many requests|header not found|hang up|ECONN|EPIPE|socket|network|fetch failed|bad response|missing response|SERVER_ERROR/i
const ABOUT_THE_REQUEST = /revert|invalid|insufficient|nonce|underpriced|already known|gas/i

function transientAnswer(e: JsonRpcError['error']): boolean {
  const text = `${e.message ?? ''} ${typeof e.data === 'string' ? e.data : ''}`
  const transient = e.code === -32603 || e.code === -32005 || e.code === 429 || TRANSIENT.test(text)
  return transient && !ABOUT_THE_REQUEST.test(text)
}

function transientThrow(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String((err as { code?: unknown }).code ?? '')}` : String(err)
  return TRANSIENT.test(text) && !ABOUT_THE_REQUEST.test(text)
}

export class RetryingJsonRpcProvider extends JsonRpcProvider {
  /** retries made since start (a node's health figure) */
  retries = 0

  // ethers types the answers as results, though error answers come through the same array
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const all = Array.isArray(payload) ? payload : [payload]
    const answers = new Map<number, JsonRpcResult | JsonRpcError>()
    let todo = all
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= RPC_RETRY_DELAYS_MS.length
      let got: Array<JsonRpcResult | JsonRpcError>
      try {
        got = (await super._send(todo.length === 1 && !Array.isArray(payload) ? todo[0] : todo)) as Array<
          JsonRpcResult | JsonRpcError
        >
      } catch (err) {
        if (last || !transientThrow(err)) throw err
        got = []
      }
      for (const a of got) answers.set(a.id, a)
      todo = todo.filter((p) => {
        const a = answers.get(p.id)
        if (a === undefined) return true
        return 'error' in a && transientAnswer(a.error)
      })
      if (todo.length === 0 || last) break
      this.retries++
      log('RPC trouble, sending %d request(s) again (attempt %d): %s', todo.length, attempt + 2, todo[0].method)
      await new Promise((resolve) => setTimeout(resolve, RPC_RETRY_DELAYS_MS[attempt]))
    }
    return all.map(
      (p): JsonRpcResult | JsonRpcError =>
        answers.get(p.id) ?? {
          id: p.id,
          error: {
            code: -32603,
            message: `no answer from the RPC for ${p.method} after ${RPC_RETRY_DELAYS_MS.length} retries`,
          },
        },
    ) as JsonRpcResult[]
  }
}
