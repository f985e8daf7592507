import { expect } from 'chai'
import { closeTo, outputsCloseTo, tensorCloseTo, voteByTolerance } from '../../../protocol/inference/tolerance.ts'
import { parseTolerances } from '../../../protocol/market/tolerance-spec.ts'
import type { TensorView, VoteCandidate } from '../../../protocol/inference/tolerance.ts'

const TOL = { atol: 0.1, rtol: 0 }

function tensor(values: number[], dtype = '<f4', shape = [values.length]): TensorView {
  return { dtype, shape, data: Float64Array.from(values) }
}

function answer(provider: string, y: number[], cid = `cid-${provider}`): VoteCandidate {
  return { provider, cid, outputs: new Map([['y', tensor(y)]]) }
}

const tol = parseTolerances([{ output: '', atol: '0.1', rtol: '0' }])

describe('protocol/inference tolerance vote (issue 18)', () => {
  it('elements: |a − b| ≤ atol + rtol·|b| with b the reference', () => {
    expect(closeTo(1.05, 1, TOL)).to.equal(true)
    expect(closeTo(1.2, 1, TOL)).to.equal(false)
    // rtol scales with the reference, not the candidate
    expect(closeTo(110, 100, { atol: 0, rtol: 0.1 })).to.equal(true)
    expect(closeTo(100, 110, { atol: 0, rtol: 0.095 })).to.equal(true)
    expect(closeTo(110, 100, { atol: 0, rtol: 0.095 })).to.equal(false)
    expect(closeTo(-0, 0, { atol: 0, rtol: 0 })).to.equal(true)
  })

  it('NaN agrees only with NaN, ±Inf only with the same Inf, whatever the tolerance', () => {
    const huge = { atol: 1e30, rtol: 1e30 }
    expect(closeTo(NaN, NaN, { atol: 0, rtol: 0 })).to.equal(true)
    expect(closeTo(NaN, 0, huge)).to.equal(false)
    expect(closeTo(0, NaN, huge)).to.equal(false)
    expect(closeTo(Infinity, Infinity, { atol: 0, rtol: 0 })).to.equal(true)
    expect(closeTo(-Infinity, -Infinity, { atol: 0, rtol: 0 })).to.equal(true)
    expect(closeTo(Infinity, -Infinity, huge)).to.equal(false)
    expect(closeTo(Infinity, 1e308, huge)).to.equal(false)
    expect(closeTo(1e308, Infinity, huge)).to.equal(false)
    expect(closeTo(NaN, Infinity, huge)).to.equal(false)
  })

  it('tensors: dtype, shape and length must match exactly', () => {
    expect(tensorCloseTo(tensor([1, 2]), tensor([1.01, 2]), TOL)).to.equal(true)
    expect(tensorCloseTo(tensor([1, 2], '<f8'), tensor([1, 2], '<f4'), TOL)).to.equal(false)
    expect(tensorCloseTo(tensor([1, 2], '<f4', [1, 2]), tensor([1, 2], '<f4', [2, 1]), TOL)).to.equal(false)
    expect(tensorCloseTo(tensor([1, 2]), tensor([1, 2, 3]), TOL)).to.equal(false)
    // int64 with no tolerance compares exactly, beyond a double's 53 bits
    const big = (v: bigint): TensorView => ({ dtype: '<i8', shape: [1], data: [v] })
    expect(tensorCloseTo(big(2n ** 60n), big(2n ** 60n + 1n), { atol: 0, rtol: 0 })).to.equal(false)
    expect(tensorCloseTo(big(2n ** 60n), big(2n ** 60n), { atol: 0, rtol: 0 })).to.equal(true)
  })

  it('answers: the same names are required, and each output takes its own tolerance', () => {
    const perOutput = parseTolerances([
      { output: '', atol: '0', rtol: '0' },
      { output: 'loose', atol: '0.5', rtol: '0' },
    ])
    const mk = (p: string, loose: number, tight: number): VoteCandidate => ({
      provider: p,
      cid: p,
      outputs: new Map([
        ['loose', tensor([loose])],
        ['tight', tensor([tight])],
      ]),
    })
    expect(outputsCloseTo(mk('a', 1.4, 2), mk('b', 1, 2), perOutput)).to.equal(true)
    expect(outputsCloseTo(mk('a', 1, 2.0001), mk('b', 1, 2), perOutput)).to.equal(false)
    const missing: VoteCandidate = { provider: 'c', cid: 'c', outputs: new Map([['loose', tensor([1])]]) }
    expect(outputsCloseTo(missing, mk('b', 1, 2), perOutput)).to.equal(false)
    const renamed: VoteCandidate = {
      provider: 'd',
      cid: 'd',
      outputs: new Map([
        ['loose', tensor([1])],
        ['other', tensor([2])],
      ]),
    }
    expect(outputsCloseTo(renamed, mk('b', 1, 2), perOutput)).to.equal(false)
  })

  it('k = 3, non-transitive (A~B, B~C, A≁C): B represents and all three win', () => {
    const a = answer('A', [1.0])
    const b = answer('B', [1.08])
    const c = answer('C', [1.16])
    expect(outputsCloseTo(a, c, tol)).to.equal(false)
    const vote = voteByTolerance([a, c, b], 3, tol)
    expect(vote.representative?.provider).to.equal('B')
    expect(vote.winners).to.have.members(['A', 'B', 'C'])
    expect(vote.dissenters).to.deep.equal([])
    expect(vote.decided).to.equal(true)
  })

  it('k = 3, one perturbed beyond tolerance: it dissents, the two others decide', () => {
    const vote = voteByTolerance([answer('A', [1, 2]), answer('B', [1.01, 2.02]), answer('X', [1.5, 2])], 3, tol)
    expect(vote.winners).to.have.members(['A', 'B'])
    expect(vote.dissenters).to.deep.equal(['X'])
    expect(vote.decided).to.equal(true)
  })

  it('ties break on the lowest CID, the same for every order of the answers', () => {
    // two answers far apart, k = 2: each agrees only with itself
    const p = answer('P', [0], 'bbb')
    const q = answer('Q', [5], 'aaa')
    for (const order of [
      [p, q],
      [q, p],
    ]) {
      const vote = voteByTolerance(order, 2, tol)
      expect(vote.representative?.provider).to.equal('Q')
      expect(vote.decided).to.equal(false)
      expect(vote.winners).to.deep.equal(['Q'])
      expect(vote.dissenters).to.deep.equal(['P'])
    }
  })

  it('no strict majority: 2 of 4 agreeing do not decide; identical CIDs agree without decoding', () => {
    const vote = voteByTolerance([answer('A', [0]), answer('B', [0.05]), answer('C', [3]), answer('D', [3.05])], 4, tol)
    expect(vote.winners).to.have.length(2)
    expect(vote.decided).to.equal(false)
    const same = voteByTolerance(
      [
        { provider: 'A', cid: 'x', outputs: new Map() },
        { provider: 'B', cid: 'x', outputs: new Map() },
      ],
      2,
      tol,
    )
    expect(same.decided).to.equal(true)
    expect(voteByTolerance([], 3, tol)).to.deep.equal({ winners: [], dissenters: [], decided: false })
  })

  it('NaN outputs vote together only with NaN at the same place', () => {
    const vote = voteByTolerance([answer('A', [NaN, 1]), answer('B', [NaN, 1.01]), answer('C', [0, 1])], 3, tol)
    expect(vote.winners).to.have.members(['A', 'B'])
    expect(vote.dissenters).to.deep.equal(['C'])
  })
})
