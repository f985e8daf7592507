// The rules a JobSpec must follow, whoever carries it. Range violations are REJECTs: the
// requester's own node builds specs with the same bounds, so an honest peer never sends one.
import { PaymentMode } from '../gen/market.ts'
import { parsePositiveAmount } from './amounts.ts'
import { JOB_BOUNDS } from './bounds.ts'
import { fail } from './errors.ts'
import { checkOptionalEthAddress, checkRange, checkText, requireCid, requirePeer } from './fields.ts'
import { checkToleranceFields } from './tolerance-spec.ts'
import type { JobSpec } from '../gen/market.ts'
import type { Ed25519PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface CheckedJobSpec {
  requester: Ed25519PeerId
  module: CID
  inputs: Array<{ name: string; cid: CID; size: number }>
  maxPrice: bigint
}

const encoder = new TextEncoder()

export function checkJobSpec(spec: JobSpec): CheckedJobSpec {
  const B = JOB_BOUNDS
  checkText(spec.executor, 'executor', 32, B.executor)
  const module = requireCid(spec.module, 'module')
  checkRange(spec.moduleSize, 'moduleSize', B.blobSize)

  const names = new Set<string>()
  const inputs = spec.inputs.map((input, i) => {
    checkText(input.name, `inputs[${i}].name`, 128, B.inputName)
    if (names.has(input.name))
      fail('INVALID_FIELD', `input name ${input.name} appears twice`, { field: `inputs[${i}].name`, value: input.name })
    names.add(input.name)
    checkRange(input.size, `inputs[${i}].size`, B.blobSize)
    return { name: input.name, cid: requireCid(input.cid, `inputs[${i}].cid`), size: input.size }
  })

  let argBytes = 0
  spec.args.forEach((arg, i) => {
    const length = encoder.encode(arg).length
    if (length > B.maxArgLength)
      fail('INVALID_FIELD', `args[${i}] is longer than ${B.maxArgLength} bytes`, { field: `args[${i}]`, length })
    argBytes += length
  })
  if (argBytes > B.maxArgsTotal)
    fail('INVALID_FIELD', `args total ${argBytes} bytes, over ${B.maxArgsTotal}`, { field: 'args', length: argBytes })

  if (spec.limits === undefined) fail('MALFORMED', 'limits are missing', { field: 'limits' })
  checkRange(spec.limits.memoryBytes, 'limits.memoryBytes', B.memoryBytes, 'LIMITS_OUT_OF_RANGE')
  checkRange(spec.limits.wallTimeMs, 'limits.wallTimeMs', B.wallTimeMs, 'LIMITS_OUT_OF_RANGE')
  checkRange(spec.limits.outputBytes, 'limits.outputBytes', B.outputBytes, 'LIMITS_OUT_OF_RANGE')
  checkToleranceFields(spec)

  if (spec.requirements !== undefined) {
    const r = spec.requirements
    checkRange(r.minMemoryBytes, 'requirements.minMemoryBytes', B.minMemoryBytes)
    checkText(r.gpuVendor, 'requirements.gpuVendor', 32, B.tag)
    checkText(r.arch, 'requirements.arch', 32, B.tag)
  }

  const maxPrice = parsePositiveAmount(spec.maxPrice, 'maxPrice')
  checkOptionalEthAddress(spec.token, 'token')
  if (spec.payment !== PaymentMode.PAYMENT_ESCROW && spec.payment !== PaymentMode.PAYMENT_CHANNEL) {
    fail('INVALID_FIELD', 'payment mode must be escrow or channel', { field: 'payment', value: spec.payment })
  }
  checkRange(spec.redundancy, 'redundancy', B.redundancy, 'REDUNDANCY_OUT_OF_RANGE')
  // pay-on-award pays before the output is verified: defensible only where one provider's price
  // is at stake (k = 1) and a voucher can pay it (a channel); with k >= 2 only the majority's
  // winners are paid, which needs the outputs compared first (docs/market-path.md)
  if (spec.payOnAward && (spec.redundancy !== 1 || spec.payment !== PaymentMode.PAYMENT_CHANNEL)) {
    fail('INVALID_FIELD', 'pay-on-award needs redundancy 1 and channel payment', {
      field: 'payOnAward',
      redundancy: spec.redundancy,
    })
  }
  checkRange(spec.bidWindowMs, 'bidWindowMs', B.bidWindowMs)
  checkRange(spec.createdAt, 'createdAt', { min: 1, max: Number.MAX_SAFE_INTEGER })
  checkRange(spec.deadline - spec.createdAt, 'deadline', B.lifetimeMs)
  if (spec.deadline <= spec.createdAt + spec.bidWindowMs) {
    fail('INVALID_FIELD', 'deadline falls inside the bid window', {
      field: 'deadline',
      deadline: spec.deadline,
      createdAt: spec.createdAt,
      bidWindowMs: spec.bidWindowMs,
    })
  }
  checkRange(spec.nonce.length, 'nonce', B.nonceBytes)
  const requester = requirePeer(spec.requester, 'requester')
  checkOptionalEthAddress(spec.requesterEthAddress, 'requesterEthAddress')
  return { requester, module, inputs, maxPrice }
}
