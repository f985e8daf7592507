import { expect } from 'chai'

describe('test harness', () => {
  it('runs TypeScript tests under Node >= 22.13', () => {
    const [major, minor] = process.versions.node.split('.').map(Number)
    expect(major > 22 || (major === 22 && minor >= 13)).to.equal(true)
  })
})
