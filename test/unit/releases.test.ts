// The release model's rules (ids, order, current, transitions, fingerprint) and the write plan (bound, budget,
// settings-key garbage collection).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {AzdeployError} from '../../src/core/errors.js'
import {planRecord, tagBudget, validateKeep, writerId} from '../../src/core/release-plan.js'
import {decodeTags, releaseKey, releaseTags, settingsKey} from '../../src/core/release-tags.js'
import {
  canTransition,
  currentRelease,
  effectiveStatus,
  nextReleaseId,
  type ReleaseStatus,
  releasesToDrop,
  type StoredRelease,
  settingsFingerprint,
  sortReleases,
  withStatus,
} from '../../src/core/releases.js'

const T0 = Date.parse('2026-12-01T10:00:00Z')
function rel(id: number, status: ReleaseStatus = 'succeeded', extra: Partial<StoredRelease> = {}): StoredRelease {
  return {
    key: releaseKey(id, 'w1'),
    id,
    image: `reg.azurecr.io/api:${id}`,
    digest: `sha256:${id.toString(16).padStart(64, '0')}`,
    port: 8080,
    settings: settingsFingerprint({WEBSITES_PORT: '8080'}),
    createdAt: new Date(T0 + id * 60_000).toISOString(),
    actor: 'ana@contoso.com',
    kind: 'deploy',
    status,
    ...extra,
  }
}

describe('release rules', () => {
  it('next id is one past the highest, whatever the order or gaps', () => {
    assert.equal(nextReleaseId([]), 1)
    assert.equal(nextReleaseId([rel(3), rel(9), rel(4)]), 10)
  })

  it('current = the newest succeeded; running, failed, interrupted and rolled back never are', () => {
    assert.equal(currentRelease([]), undefined)
    const rs = [rel(1), rel(2), rel(3, 'failed'), rel(4, 'running'), rel(5, 'interrupted')]
    assert.equal(currentRelease(rs)?.id, 2)
    // After a rollback to 1: the rollback record (6) is current, 2 is marked rolled back.
    const after = [rel(1), rel(2, 'rolled back'), rel(6, 'succeeded', {kind: 'rollback', restores: 1})]
    assert.equal(currentRelease(after)?.id, 6)
    assert.equal(currentRelease([rel(1, 'failed')]), undefined)
  })

  it('status moves only forward', () => {
    assert.ok(canTransition('running', 'succeeded'))
    assert.ok(canTransition('running', 'interrupted'))
    assert.ok(canTransition('failed', 'rolled back'))
    assert.ok(canTransition('succeeded', 'rolled back'))
    assert.ok(!canTransition('succeeded', 'running'))
    assert.ok(!canTransition('rolled back', 'succeeded'))
    assert.ok(!canTransition('failed', 'succeeded'))
    assert.equal(withStatus(rel(1, 'running'), 'succeeded').status, 'succeeded')
    assert.throws(() => withStatus(rel(1, 'failed'), 'succeeded'), /cannot become 'succeeded'/)
  })

  it('a running record nobody holds the lock for reads as interrupted', () => {
    assert.equal(effectiveStatus(rel(1, 'running'), false), 'interrupted')
    assert.equal(effectiveStatus(rel(1, 'running'), true), 'running')
    assert.equal(effectiveStatus(rel(1, 'failed'), false), 'failed')
  })

  it('the settings fingerprint covers names and values, holds no value, and is order-independent', () => {
    const a = settingsFingerprint({B: 'secret-value', A: '1'})
    assert.deepEqual(a.names, ['A', 'B'])
    assert.match(a.hash, /^[0-9a-f]{16}$/)
    assert.equal(settingsFingerprint({A: '1', B: 'secret-value'}).hash, a.hash)
    assert.notEqual(settingsFingerprint({A: '1', B: 'secret-valuf'}).hash, a.hash)
    // Length prefixes: moving characters between name and value changes the form.
    assert.notEqual(settingsFingerprint({AB: 'C'}).hash, settingsFingerprint({A: 'BC'}).hash)
    assert.ok(!JSON.stringify(a).includes('secret'))
  })

  it('bounding keeps the newest N and always the current one', () => {
    const rs = [rel(1), rel(2, 'failed'), rel(3, 'failed'), rel(4, 'failed')]
    assert.deepEqual(
      releasesToDrop(rs, {keep: 2}).map((r) => r.id),
      [2],
    )
    assert.deepEqual(
      releasesToDrop([rel(1), rel(2), rel(3)], {keep: 2}).map((r) => r.id),
      [1],
    )
    assert.deepEqual(
      releasesToDrop([rel(1), rel(2)], {keep: 1, protect: [rel(1).key]}).map((r) => r.id),
      [],
    )
    assert.deepEqual(
      sortReleases([rel(3), rel(1), rel(2)]).map((r) => r.id),
      [1, 2, 3],
    )
  })
})

describe('planRecord', () => {
  const tagsOf = (rs: StoredRelease[], user: Record<string, string> = {}) =>
    decodeTags(Object.assign({}, user, ...rs.map(releaseTags)))

  it('writes only the new record and its settings key; drops past the bound', () => {
    const existing = [1, 2, 3].map((i) => rel(i))
    const plan = planRecord(tagsOf(existing), rel(4, 'running'), {keep: 3})
    assert.ok(plan.fits && !plan.squeezed)
    assert.deepEqual(Object.keys(plan.merge).sort(), [rel(4).key, settingsKey(['WEBSITES_PORT'])].sort())
    assert.deepEqual(plan.drop, [rel(1).key])
    assert.equal(plan.used, 3 + 1 + 1)
  })

  it('never drops the current release, even when it is older than the newest N', () => {
    const existing = [rel(1), rel(2, 'failed'), rel(3, 'failed')]
    const plan = planRecord(tagsOf(existing), rel(4, 'running'), {keep: 2})
    assert.deepEqual(plan.drop, [rel(2).key])
  })

  it('squeezes below N when the user has many tags, and refuses when nothing fits', () => {
    const user = Object.fromEntries(Array.from({length: 44}, (_, i) => [`team-tag-${i}`, 'x']))
    assert.equal(tagBudget(44), 6)
    const existing = [1, 2, 3, 4, 5].map((i) => rel(i))
    const plan = planRecord(tagsOf(existing, user), rel(6, 'running'), {keep: 20})
    assert.ok(plan.fits && plan.squeezed)
    // 6 = lock + settings key + 4 releases (the newest, 6, included).
    assert.deepEqual(
      plan.dropped.map((r) => r.id),
      [1, 2],
    )
    assert.ok(plan.used <= 6)
    const full = Object.fromEntries(Array.from({length: 49}, (_, i) => [`t${i}`, 'x']))
    const none = planRecord(tagsOf([], full), rel(1, 'running'), {keep: 20})
    assert.equal(none.fits, false)
    assert.deepEqual(none.merge, {})
  })

  it('a status update rewrites the same key; settings keys no kept release uses are dropped', () => {
    const old = rel(1, 'succeeded', {settings: settingsFingerprint({OLD_SETTING: 'x'})})
    const running = rel(2, 'running')
    const plan = planRecord(tagsOf([old, running]), withStatus(running, 'succeeded'), {keep: 1})
    assert.deepEqual(plan.drop.sort(), [old.key, settingsKey(['OLD_SETTING'])].sort())
    assert.match(plan.merge[running.key]!, /^1\|ds\|/)
  })

  it('keep must be 1..30', () => {
    assert.equal(validateKeep('20'), 20)
    for (const bad of [0, 31, 2.5, 'ten']) {
      assert.throws(
        () => validateKeep(bad),
        (e: AzdeployError) => e instanceof AzdeployError && e.exitCode === 2 && /from 1 to 30/.test(e.message),
      )
    }
  })

  it('writer ids are short base-36', () => {
    assert.match(writerId(new Uint8Array([1, 2, 3, 4])), /^[0-9a-z]{6}$/)
    assert.notEqual(writerId(new Uint8Array([1, 2, 3, 4])), writerId(new Uint8Array([4, 3, 2, 1])))
  })
})
