import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {readKnobs} from '../../src/core/knobs.js'
import {
  checkDue,
  distTagsUrl,
  isNewer,
  parseUpdateCache,
  UPDATE_CHECK_EVERY_MS,
  updateNotice,
  updateNoticeAllowed,
} from '../../src/core/update-notice.js'

describe('update notice rules', () => {
  it('offers only a newer x.y.z release', () => {
    assert.equal(isNewer('0.2.0', '0.1.0'), true)
    assert.equal(isNewer('0.1.10', '0.1.9'), true)
    assert.equal(isNewer('1.0.0', '0.9.9'), true)
    assert.equal(isNewer('0.1.0', '0.1.0'), false)
    assert.equal(isNewer('0.0.9', '0.1.0'), false)
    assert.equal(isNewer('0.2.0-beta.1', '0.1.0'), false, 'no pre-release')
    assert.equal(isNewer('latest', '0.1.0'), false)
  })

  it('asks at most once a day, and again when the clock went back', () => {
    const now = 10 * UPDATE_CHECK_EVERY_MS
    assert.equal(checkDue(undefined, now), true)
    assert.equal(checkDue({checkedAt: now - 1000}, now), false)
    assert.equal(checkDue({checkedAt: now - UPDATE_CHECK_EVERY_MS}, now), true)
    assert.equal(checkDue({checkedAt: now + 60_000}, now), true)
  })

  it('only for a person at a terminal: not in CI, GitHub Actions, --json, or when turned off', () => {
    assert.equal(updateNoticeAllowed('human', {}), true)
    assert.equal(updateNoticeAllowed('human', {CI: 'false'}), true)
    assert.equal(updateNoticeAllowed('ci', {}), false)
    assert.equal(updateNoticeAllowed('json', {}), false)
    assert.equal(updateNoticeAllowed('human', {CI: '1'}), false)
    assert.equal(updateNoticeAllowed('human', {GITHUB_ACTIONS: 'true'}), false)
    assert.equal(updateNoticeAllowed('human', {AZDEPLOY_NO_UPDATE_NOTIFIER: '1'}), false)
  })

  it('reads only a well-formed cache and words the notice', () => {
    assert.deepEqual(parseUpdateCache('{"checkedAt": 5, "latest": "0.2.0"}'), {checkedAt: 5, latest: '0.2.0'})
    assert.deepEqual(parseUpdateCache('{"checkedAt": 5, "latest": "\\u001b[31m9.9.9"}'), {checkedAt: 5})
    assert.equal(parseUpdateCache('{"latest": "0.2.0"}'), undefined)
    assert.equal(parseUpdateCache('not json'), undefined)
    assert.equal(
      updateNotice('azdeploy', '0.1.0', {checkedAt: 1, latest: '0.2.0'}),
      'azdeploy 0.2.0 is available: npm i -g azdeploy',
    )
    assert.equal(updateNotice('azdeploy', '0.2.0', {checkedAt: 1, latest: '0.2.0'}), undefined)
    assert.equal(updateNotice('azdeploy', '0.1.0', {checkedAt: 1}), undefined)
    assert.equal(
      distTagsUrl('http://127.0.0.1:9/npm/', 'azdeploy'),
      'http://127.0.0.1:9/npm/-/package/azdeploy/dist-tags',
    )
  })

  it('the registry knob is an http(s) URL without credentials', () => {
    assert.equal(readKnobs({}).updateRegistry, 'https://registry.npmjs.org')
    assert.equal(readKnobs({AZDEPLOY_UPDATE_REGISTRY: 'http://127.0.0.1:8/'}).updateRegistry, 'http://127.0.0.1:8/')
    assert.throws(
      () => readKnobs({AZDEPLOY_UPDATE_REGISTRY: 'ftp://x'}),
      /AZDEPLOY_UPDATE_REGISTRY='ftp:\/\/x' is not valid/,
    )
    assert.throws(
      () => readKnobs({AZDEPLOY_UPDATE_REGISTRY: 'https://u:hunter2@r.example'}),
      (e: Error) => /with credentials/.test(e.message) && !e.message.includes('hunter2'),
    )
  })
})
