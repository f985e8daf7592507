// The SSE reader is shared with the SDK: it lives with the route table (node/api/contract).
export { readSse } from '../node/api/contract/sse-reader.ts'
export type { SseMessage } from '../node/api/contract/sse-reader.ts'
