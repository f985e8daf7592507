// /hive/audit/1.0.0 as the request/response layer sees it, shared by the server and the client:
// the id, the codecs and the frame limits. Each side adds its own limits and handler.
import {
  AUDIT_WIRE_LIMITS,
  decodeAuditRequest,
  encodeAuditRequest,
  type AuditQuery,
} from '../../protocol/audit/wire.ts'
import { isHiveError } from '../../protocol/errors.ts'
import { PROTOCOLS } from '../../protocol/topics.ts'
import { ReqRespError, bytesCodec } from '../p2p/reqresp/index.ts'
import type { ProtocolDescriptor } from '../p2p/reqresp/index.ts'

type Sided = Pick<ProtocolDescriptor<AuditQuery, Uint8Array>, 'handler' | 'errorResponse' | 'timeouts' | 'inbound'> &
  Partial<Pick<ProtocolDescriptor<AuditQuery, Uint8Array>, 'rateLimit' | 'classifyError'>>

/** The response stays an encoded AuditResponse: the client decodes and checks it itself. */
export function auditProtocol(side: Sided): ProtocolDescriptor<AuditQuery, Uint8Array> {
  return {
    id: PROTOCOLS.audit,
    name: 'audit',
    request: {
      encode: encodeAuditRequest,
      decode: (bytes) => {
        try {
          return decodeAuditRequest(bytes)
        } catch (err) {
          const why = isHiveError(err) ? err.message : 'malformed request'
          throw new ReqRespError('MALFORMED', why, { protocol: 'audit' })
        }
      },
    },
    response: bytesCodec,
    maxRequestBytes: AUDIT_WIRE_LIMITS.maxRequestBytes,
    maxResponseFrameBytes: AUDIT_WIRE_LIMITS.maxResponseBytes,
    ...side,
  }
}
