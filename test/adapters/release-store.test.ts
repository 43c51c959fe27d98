// The release store against nock: the Tags API paths (site and slot scope), Merge and Delete bodies that carry only
// azdeploy's own keys, the conditional lock delete, a 202 + poll on PATCH, and error translation.
import assert from 'node:assert/strict'
import {afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {createReleaseStore} from '../../src/adapters/azure/release-store.js'
import {encodeLock, newLock} from '../../src/core/deploy-lock.js'
import type {AzdeployError} from '../../src/core/errors.js'
import {LOCK_KEY, releaseKey, releaseTags} from '../../src/core/release-tags.js'
import {type StoredRelease, settingsFingerprint} from '../../src/core/releases.js'

const ARM = 'https://management.azure.com'
const SUB = '00000000-0000-0000-0000-000000000001'
const SITE_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/api`
const TAGS = `${SITE_ID}/providers/Microsoft.Resources/tags/default`
const SLOT_TAGS = `${SITE_ID}/slots/staging/providers/Microsoft.Resources/tags/default`
const API = {'api-version': '2025-04-01'}
const credential = {getToken: async () => ({token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000})}
const SITE = {resourceGroup: 'rg', site: 'api'}

function store() {
  return createReleaseStore({
    credential,
    subscriptionId: SUB,
    target: {armEndpoint: ARM, armScope: `${ARM}/.default`},
    debug: () => {},
    env: {AZDEPLOY_RETRY_DELAY_MS: '1', AZDEPLOY_MAX_RETRY_DELAY_MS: '5'},
    signal: new AbortController().signal,
    pollIntervalMs: 1,
  })
}

const tagsBody = (tags: Record<string, string>) => ({
  id: TAGS,
  name: 'default',
  type: 'Microsoft.Resources/tags',
  properties: {tags},
})

const rel: StoredRelease = {
  key: releaseKey(3, 'k3f9a1'),
  id: 3,
  image: 'reg.azurecr.io/api:1.4.2',
  digest: `sha256:${'b'.repeat(64)}`,
  port: 8080,
  settings: settingsFingerprint({WEBSITES_PORT: '8080', API_KEY: 'do-not-store'}),
  createdAt: '2026-12-01T10:00:00.000Z',
  actor: 'ana@contoso.com',
  kind: 'deploy',
  status: 'running',
  source: 'abc1234',
}

before(() => nock.disableNetConnect())
afterEach(() => {
  const pending = nock.pendingMocks()
  nock.cleanAll()
  assert.deepEqual(pending, [], 'every mocked ARM call was made')
})

describe('release store: call shapes', () => {
  it('lists the site tags through the Tags API and decodes them (user tags counted, not touched)', async () => {
    nock(ARM, {reqheaders: {authorization: 'Bearer test-token'}})
      .get(TAGS)
      .query(API)
      .reply(200, tagsBody({...releaseTags(rel), Environment: 'prod', 'managed-by': 'azdeploy'}))
    const d = await store().list(SITE)
    assert.deepEqual(d.releases, [{...rel, settings: {...rel.settings}}])
    assert.equal(d.foreign, 2)
  })

  it('uses the slot scope for a slot', async () => {
    nock(ARM).get(SLOT_TAGS).query(API).reply(200, tagsBody({}))
    const d = await store().list({...SITE, slot: 'staging'})
    assert.deepEqual(d.releases, [])
  })

  it('puts with a Merge of only the given keys; no value of a setting goes over the wire', async () => {
    const tags = releaseTags(rel)
    nock(ARM)
      .patch(TAGS, (body) => {
        assert.deepEqual(body, {operation: 'Merge', properties: {tags}})
        assert.ok(!JSON.stringify(body).includes('do-not-store'))
        return true
      })
      .query(API)
      .reply(200, tagsBody(tags))
    await store().put(SITE, tags)
  })

  it('follows a 202 on PATCH to completion', async () => {
    nock(ARM)
      .patch(TAGS)
      .query(API)
      .reply(202, '', {location: `${ARM}/subscriptions/${SUB}/operationresults/op1?api-version=2025-04-01`})
      .get(`/subscriptions/${SUB}/operationresults/op1`)
      .query(true)
      .reply(202, '')
      .get(`/subscriptions/${SUB}/operationresults/op1`)
      .query(true)
      .reply(200, tagsBody({}))
    await store().put(SITE, {'azdeploy.r.1.a': 'x'})
  })

  it('deletes only keys that exist, sending their current values (any case)', async () => {
    nock(ARM)
      .get(TAGS)
      .query(API)
      .reply(200, tagsBody({'AZDEPLOY.R.1.A': 'v1', 'azdeploy.r.2.a': 'v2', Environment: 'prod'}))
      .patch(TAGS, {operation: 'Delete', properties: {tags: {'AZDEPLOY.R.1.A': 'v1'}}})
      .query(API)
      .reply(200, tagsBody({}))
    await store().deleteKeys(SITE, ['azdeploy.r.1.a', 'azdeploy.r.9.gone'])
  })

  it('a delete of keys that are all gone makes no PATCH', async () => {
    nock(ARM)
      .get(TAGS)
      .query(API)
      .reply(200, tagsBody({Environment: 'prod'}))
    await store().deleteKeys(SITE, ['azdeploy.r.1.a'])
  })

  it('writes the lock with a Merge and deletes it only while it holds our nonce', async () => {
    const mine = newLock('Ana', 'mynonce12345', Date.parse('2026-12-01T10:00:00Z'), 60_000)
    const theirs = newLock('Bo', 'theirnonce12', Date.parse('2026-12-01T10:00:00Z'), 60_000)
    nock(ARM)
      .patch(TAGS, {operation: 'Merge', properties: {tags: {[LOCK_KEY]: encodeLock(mine)}}})
      .query(API)
      .reply(200, tagsBody({}))
      .get(TAGS)
      .query(API)
      .reply(200, tagsBody({[LOCK_KEY]: encodeLock(mine)}))
      .get(TAGS)
      .query(API)
      .reply(200, tagsBody({[LOCK_KEY]: encodeLock(mine)}))
      .patch(TAGS, {operation: 'Delete', properties: {tags: {[LOCK_KEY]: encodeLock(mine)}}})
      .query(API)
      .reply(200, tagsBody({}))
      .get(TAGS)
      .query(API)
      .reply(200, tagsBody({[LOCK_KEY]: encodeLock(theirs)}))
    const s = store()
    await s.writeLock(SITE, mine)
    assert.equal(await s.readLock(SITE), encodeLock(mine))
    assert.equal(await s.deleteLock(SITE, mine), true)
    assert.equal(await s.deleteLock(SITE, mine), false, "someone else's lock is not deleted")
  })

  it('uses a per-call signal over its own (release after Ctrl-C)', async () => {
    const aborted = new AbortController()
    aborted.abort()
    const s = createReleaseStore({
      credential,
      subscriptionId: SUB,
      target: {armEndpoint: ARM, armScope: `${ARM}/.default`},
      debug: () => {},
      env: {},
      signal: aborted.signal,
    })
    nock(ARM).get(TAGS).query(API).reply(200, tagsBody({}))
    assert.equal(await s.readLock(SITE, {signal: new AbortController().signal}), undefined)
    await assert.rejects(s.readLock(SITE), (e: AzdeployError) => e.code === 'INTERRUPTED')
  })
})

describe('release store: errors', () => {
  it('a 403 on writing tags names the permission and the roles that have it', async () => {
    nock(ARM)
      .patch(TAGS)
      .query(API)
      .reply(403, {
        error: {
          code: 'AuthorizationFailed',
          message: `The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Resources/tags/write' over scope '${SITE_ID}' or the scope is invalid.`,
        },
      })
    await assert.rejects(store().put(SITE, {'azdeploy.r.1.a': 'x'}), (e: AzdeployError) => {
      assert.equal(e.exitCode, 3)
      assert.match(e.message, /write release tags on api: missing permission 'Microsoft.Resources\/tags\/write'/)
      assert.match(e.hint ?? '', /Tag Contributor/)
      return true
    })
  })

  it('a missing site is a rejection naming it; a 500 that persists is AZURE_SERVICE_ERROR', async () => {
    nock(ARM)
      .get(TAGS)
      .query(API)
      .reply(404, {error: {code: 'ResourceNotFound', message: "The Resource 'Microsoft.Web/sites/api' was not found."}})
      .get(SLOT_TAGS)
      .query(API)
      .times(4)
      .reply(500, {error: {code: 'InternalServerError', message: 'boom'}})
    await assert.rejects(store().list(SITE), (e: AzdeployError) => {
      assert.equal(e.code, 'AZURE_RESOURCENOTFOUND')
      assert.match(e.message, /read the release tags of api/)
      return true
    })
    await assert.rejects(store().list({...SITE, slot: 'staging'}), (e: AzdeployError) => {
      assert.equal(e.code, 'AZURE_SERVICE_ERROR')
      assert.match(e.message, /api\/staging/)
      return true
    })
  })
})
