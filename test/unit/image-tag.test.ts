import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {defaultImageTag, timestampTag} from '../../src/core/image-tag.js'

const now = new Date(Date.UTC(2025, 0, 2, 3, 4, 5))

describe('defaultImageTag', () => {
  it('uses the git short SHA', () => assert.equal(defaultImageTag({shortSha: 'a1b2c3d', dirty: false}, now), 'a1b2c3d'))
  it('marks a dirty tree', () =>
    assert.equal(defaultImageTag({shortSha: 'a1b2c3d', dirty: true}, now), 'a1b2c3d-dirty'))
  it('falls back to a UTC timestamp outside git', () => {
    assert.equal(defaultImageTag(undefined, now), '20250102-030405')
    assert.equal(defaultImageTag({shortSha: ''}, now), '20250102-030405')
  })
  it('ignores something that is not a SHA', () =>
    assert.equal(defaultImageTag({shortSha: 'HEAD'}, now), '20250102-030405'))
  it('never says latest and pads the timestamp', () => {
    assert.equal(timestampTag(new Date(Date.UTC(2024, 11, 31, 23, 59, 59))), '20241231-235959')
    assert.notEqual(defaultImageTag(undefined, now), 'latest')
  })
})
