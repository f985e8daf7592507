// Which Ethereum address anchors a peer's audit log. AuditAnchor keys anchors by submitter
// address and knows nothing of peer ids, so the peer states the link itself: an AnchorBinding
// signed with its Ed25519 peer key. An auditor holds the peer to that statement; a peer that
// names someone else's address only gets its own log checked against roots it cannot match.
import { AnchorBinding } from '../gen/audit.ts'
import { ed25519PeerIdFromBytes, peerIdToBytes, signWithDomain, verifyWithDomain } from '../signing.ts'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { own } from './fields.ts'
import type { PrivateKey } from '@libp2p/interface'

export const BINDING_DOMAIN = 'hive/audit/binding/1'

export interface BindingFields {
  chainId: number
  /** AuditAnchor contract, 0x-hex */
  contract: string
  /** the submitter, 0x-hex */
  address: string
  issuedAt: number
}

export interface VerifiedBinding extends BindingFields {
  /** binary peer id */
  peer: Uint8Array
  peerId: string
}

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/

function addressBytes(address: string, field: string): Uint8Array<ArrayBuffer> {
  if (!HEX_ADDRESS.test(address)) throw new TypeError(`${field} must be a 0x-prefixed 20-byte address`)
  return new Uint8Array(Buffer.from(address.slice(2), 'hex'))
}

/** Lower-case 0x-hex of 20 address bytes (compare addresses lower-cased). */
export function addressHex(bytes: Uint8Array): string {
  return '0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')
}

function unsigned(b: AnchorBinding): Uint8Array {
  return AnchorBinding.encode({ ...b, signature: new Uint8Array(0) })
}

export async function signAnchorBinding(fields: BindingFields, key: PrivateKey): Promise<AnchorBinding> {
  if (!Number.isSafeInteger(fields.chainId) || fields.chainId < 1)
    throw new TypeError('chainId must be a positive integer')
  if (!Number.isSafeInteger(fields.issuedAt) || fields.issuedAt < 0) throw new TypeError('issuedAt must be unix ms')
  const b: AnchorBinding = {
    peer: own(peerIdToBytes(peerIdFromPrivateKey(key))),
    chainId: fields.chainId,
    contract: addressBytes(fields.contract, 'contract'),
    address: addressBytes(fields.address, 'address'),
    issuedAt: fields.issuedAt,
    signature: new Uint8Array(0),
  }
  return { ...b, signature: own(await signWithDomain(key, BINDING_DOMAIN, unsigned(b))) }
}

export type BindingCheck = { ok: true; binding: VerifiedBinding } | { ok: false; reason: string }

/** Checks shape and signature, and (when given) that it is `expectedPeer`'s binding. Never throws. */
export async function verifyAnchorBinding(b: AnchorBinding, expectedPeer?: Uint8Array): Promise<BindingCheck> {
  if (b.contract.length !== 20 || b.address.length !== 20)
    return { ok: false, reason: 'contract and address must be 20 bytes' }
  if (!Number.isSafeInteger(b.chainId) || b.chainId < 1) return { ok: false, reason: 'bad chain id' }
  let peerId
  try {
    peerId = ed25519PeerIdFromBytes(b.peer)
  } catch {
    return { ok: false, reason: 'the binding names no Ed25519 peer' }
  }
  if (expectedPeer !== undefined && Buffer.compare(Buffer.from(expectedPeer), Buffer.from(b.peer)) !== 0)
    return { ok: false, reason: "the binding is another peer's" }
  if (!(await verifyWithDomain(peerId.publicKey, BINDING_DOMAIN, unsigned(b), b.signature)))
    return { ok: false, reason: 'bad signature' }
  return {
    ok: true,
    binding: {
      peer: b.peer,
      peerId: peerId.toString(),
      chainId: b.chainId,
      contract: addressHex(b.contract),
      address: addressHex(b.address),
      issuedAt: b.issuedAt,
    },
  }
}

/** JSON form (export files): hex fields. */
export function bindingToJson(b: AnchorBinding): Record<string, string | number> {
  const hex = (x: Uint8Array): string => Buffer.from(x).toString('hex')
  return {
    peer: hex(b.peer),
    chainId: b.chainId,
    contract: addressHex(b.contract),
    address: addressHex(b.address),
    issuedAt: b.issuedAt,
    signature: hex(b.signature),
  }
}

export function bindingFromJson(j: unknown): AnchorBinding | undefined {
  const o = j as Record<string, unknown> | null
  const hexOk = (x: unknown, max: number): x is string =>
    typeof x === 'string' && /^([0-9a-f]{2})*$/.test(x) && x.length <= max * 2
  if (
    o === null ||
    typeof o !== 'object' ||
    !hexOk(o.peer, 64) ||
    !hexOk(o.signature, 64) ||
    typeof o.chainId !== 'number' ||
    typeof o.issuedAt !== 'number'
  )
    return undefined
  if (
    typeof o.contract !== 'string' ||
    !HEX_ADDRESS.test(o.contract) ||
    typeof o.address !== 'string' ||
    !HEX_ADDRESS.test(o.address)
  )
    return undefined
  const un = (x: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(x, 'hex'))
  return {
    peer: un(o.peer),
    chainId: o.chainId,
    contract: addressBytes(o.contract, 'contract'),
    address: addressBytes(o.address, 'address'),
    issuedAt: o.issuedAt,
    signature: un(o.signature),
  }
}
