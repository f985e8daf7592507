import { expect } from 'chai'
import { bytesMatchCid, cidForBytes, parseCid } from '../../protocol/cid.ts'
import { isHiveError } from '../../protocol/errors.ts'

describe('protocol/cid', () => {
  it('gives the known CIDv1 raw sha2-256 of "hello"', async () => {
    // the well-known CID of the raw bytes "hello" (e.g. `ipfs add --raw-leaves --cid-version 1`)
    const cid = await cidForBytes(new TextEncoder().encode('hello'))
    expect(cid.toString()).to.equal('bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq')
  })

  it('matches bytes to their CID and rejects other bytes', async () => {
    const data = new TextEncoder().encode('some bytes')
    const cid = await cidForBytes(data)
    expect(await bytesMatchCid(data, cid)).to.equal(true)
    expect(await bytesMatchCid(new TextEncoder().encode('some byteZ'), cid)).to.equal(false)
  })

  it('parses its own output and rejects garbage with a typed error', async () => {
    const cid = await cidForBytes(new Uint8Array([1, 2, 3]))
    expect(parseCid(cid.toString()).equals(cid)).to.equal(true)
    for (const bad of ['', 'not-a-cid', 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG']) {
      try {
        parseCid(bad)
        expect.fail(`accepted ${bad}`)
      } catch (err) {
        expect(isHiveError(err)).to.equal(true)
      }
    }
  })
})
