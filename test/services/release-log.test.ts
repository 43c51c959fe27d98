// The release log over an ARM-tags-like memory store: ids, bound, the current release surviving the bound, two
// racing deploys both keeping their record, interrupted records, and refusing up front when the tags are full.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {encodeLock, newLock} from '../../src/core/deploy-lock.js'
import type {AzdeployError} from '../../src/core/errors.js'
import {decodeTags, LOCK_KEY, TAG_LIMIT} from '../../src/core/release-tags.js'
import {settingsFingerprint} from '../../src/core/releases.js'
import type {ReleaseStore} from '../../src/ports/releases.js'
import {finishRelease, listReleases, type NewRelease, startRelease} from '../../src/services/release-log.js'

const SITE = {resourceGroup: 'rg', site: 'api'}
const T0 = Date.parse('2026-12-01T10:00:00Z')

function memoryStore(initial: Record<string, string> = {}) {
  const tags: Record<string, string> = {...initial}
  const store: ReleaseStore = {
    list: async () => decodeTags(tags),
    put: async (_s, t) => {
      Object.assign(tags, t)
      if (Object.keys(tags).length > TAG_LIMIT) throw new Error('ARM would refuse: more than 50 tags')
    },
    deleteKeys: async (_s, keys) => {
      for (const k of keys) delete tags[k]
    },
    readLock: async () => tags[LOCK_KEY],
    writeLock: async (_s, l) => {
      tags[LOCK_KEY] = encodeLock(l)
    },
    deleteLock: async () => true,
  }
  return {tags, store}
}

const input = (n: number): NewRelease => ({
  image: `reg.azurecr.io/api:1.${n}`,
  digest: `sha256:${n.toString(16).padStart(64, '0')}`,
  port: 8080,
  settings: settingsFingerprint({WEBSITES_PORT: '8080', API_KEY: `secret-${n}`}),
  actor: 'Ana Lima (ana@contoso.com)',
  kind: 'deploy',
  source: 'abc1234',
})

describe('release log', () => {
  it('numbers releases, keeps the newest N and never a secret value', async () => {
    const m = memoryStore({Environment: 'prod'})
    for (let n = 1; n <= 5; n++) {
      const r = await startRelease(m.store, SITE, input(n), {keep: 3, now: T0 + n * 1000, writer: `w${n}`})
      assert.equal(r.id, n)
      await finishRelease(m.store, SITE, r, 'succeeded', {keep: 3})
    }
    const list = await listReleases(m.store, SITE, T0 + 10_000)
    assert.deepEqual(
      list.releases.map((r) => [r.id, r.status]),
      [
        [3, 'succeeded'],
        [4, 'succeeded'],
        [5, 'succeeded'],
      ],
    )
    assert.equal(list.current?.id, 5)
    assert.equal(m.tags.Environment, 'prod')
    assert.ok(!JSON.stringify(m.tags).includes('secret-'))
    assert.ok(Object.keys(m.tags).some((k) => k.startsWith('azdeploy.s.')))
  })

  it('the current release outlives the bound when newer deploys failed', async () => {
    const m = memoryStore()
    const good = await startRelease(m.store, SITE, input(1), {keep: 2, now: T0, writer: 'a'})
    await finishRelease(m.store, SITE, good, 'succeeded', {keep: 2})
    for (let n = 2; n <= 4; n++) {
      const r = await startRelease(m.store, SITE, input(n), {keep: 2, now: T0 + n, writer: `b${n}`})
      await finishRelease(m.store, SITE, r, 'failed', {keep: 2})
    }
    const list = await listReleases(m.store, SITE, T0 + 10)
    assert.deepEqual(
      list.releases.map((r) => r.id),
      [1, 3, 4],
    )
    assert.equal(list.current?.id, 1)
  })

  it('two deploys racing without the lock both keep their record', async () => {
    const m = memoryStore()
    // Both read the list before either writes: both pick id 1.
    const [a, b] = await Promise.all([
      startRelease(m.store, SITE, input(1), {keep: 20, now: T0, writer: 'aaaa'}),
      startRelease(m.store, SITE, input(2), {keep: 20, now: T0 + 5, writer: 'bbbb'}),
    ])
    assert.equal(a.id, b.id)
    const list = await listReleases(m.store, SITE, T0)
    assert.deepEqual(
      list.releases.map((r) => [r.id, r.image]),
      [
        [1, 'reg.azurecr.io/api:1.1'],
        [1, 'reg.azurecr.io/api:1.2'],
      ],
    )
  })

  it('a running record shows as interrupted once no deploy holds the lock', async () => {
    const m = memoryStore()
    await startRelease(m.store, SITE, input(1), {keep: 20, now: T0, writer: 'a'})
    m.tags[LOCK_KEY] = encodeLock(newLock('Ana', 'nonce1234567', T0, 60_000))
    assert.equal((await listReleases(m.store, SITE, T0 + 1000)).releases[0]?.status, 'running')
    assert.equal((await listReleases(m.store, SITE, T0 + 60_001)).releases[0]?.status, 'interrupted')
  })

  it('refuses before writing anything when the user tags leave no room, and warns when squeezed', async () => {
    const full = Object.fromEntries(Array.from({length: 48}, (_, i) => [`team-${i}`, 'x']))
    const m = memoryStore(full)
    await assert.rejects(
      startRelease(m.store, SITE, input(1), {keep: 20, now: T0, writer: 'a'}),
      (e: AzdeployError) => e.code === 'RELEASE_TAGS_FULL' && e.exitCode === 4 && /48 tags of its own/.test(e.message),
    )
    assert.equal(Object.keys(m.tags).length, 48)
    const roomy = memoryStore(Object.fromEntries(Array.from({length: 45}, (_, i) => [`team-${i}`, 'x'])))
    let squeezed = 0
    for (let n = 1; n <= 5; n++) {
      const r = await startRelease(roomy.store, SITE, input(n), {
        keep: 20,
        now: T0 + n,
        writer: `w${n}`,
        onSqueezed: () => squeezed++,
      })
      await finishRelease(roomy.store, SITE, r, 'succeeded', {keep: 20, onSqueezed: () => squeezed++})
    }
    assert.ok(squeezed > 0)
    assert.ok(Object.keys(roomy.tags).length <= TAG_LIMIT)
    assert.equal((await listReleases(roomy.store, SITE, T0)).current?.id, 5)
  })
})
