// Release records as ARM tags: exact round-trips, the 256-character value limit under random (seeded) input,
// truncation that never touches the digest, valid tag names, and tolerance of foreign and damaged tags.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {
  decodeRelease,
  decodeSettingsNames,
  decodeTags,
  encodeRelease,
  encodeSettingsNames,
  escapeField,
  isValidTagName,
  releaseKey,
  releaseTags,
  settingsKey,
  TAG_VALUE_MAX,
  unescapeField,
} from '../../src/core/release-tags.js'
import {type Release, type StoredRelease, settingsFingerprint} from '../../src/core/releases.js'

/** mulberry32: a small seeded PRNG so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const NASTY = [
  '|',
  '%',
  ',',
  '\n',
  '\t',
  '\u0000',
  '~',
  'é',
  '漢',
  '😀',
  ' ',
  '<',
  '&',
  '?',
  '/',
  '\\',
  '%7C',
  'a',
  'Z',
]
function gen(seed: number) {
  const r = rng(seed)
  const int = (n: number) => Math.floor(r() * n)
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!
  const text = (max: number) => Array.from({length: int(max + 1)}, () => pick(NASTY)).join('')
  const word = (max: number) =>
    Array.from({length: 1 + int(max)}, () => 'abcdefghijklmnopqrstuvwxyz0123456789-'[int(37)]).join('')
  const hex = (n: number) => Array.from({length: n}, () => '0123456789abcdef'[int(16)]).join('')
  return {r, int, pick, text, word, hex}
}

function randomRelease(seed: number, long: boolean): StoredRelease {
  const g = gen(seed)
  const names = Array.from({length: g.int(long ? 40 : 5)}, () => g.word(long ? 30 : 12).toUpperCase())
  const values = Object.fromEntries(names.map((n) => [n, g.text(20)]))
  const id = 1 + g.int(long ? 999_999_998 : 5000)
  const rel: StoredRelease = {
    key: releaseKey(id, g.word(5).replace(/-/g, 'x').slice(0, 8)),
    id,
    image: `${g.word(long ? 120 : 12)}.azurecr.io/${g.word(long ? 200 : 12)}:${g.word(long ? 128 : 8)}`,
    digest: `sha256:${g.hex(64)}`,
    port: 1 + g.int(65535),
    settings: settingsFingerprint(values),
    createdAt: new Date(Date.UTC(2020, 0, 1) + g.int(20 * 365 * 86_400_000)).toISOString(),
    actor: long ? g.text(300) : g.text(12),
    kind: g.pick(['deploy', 'rollback'] as const),
    status: g.pick(['running', 'succeeded', 'failed', 'rolled back', 'interrupted'] as const),
  }
  if (g.r() < 0.7) rel.source = long && g.r() < 0.5 ? `x${g.text(200)}` : g.hex(g.pick([7, 12, 40]))
  if (g.r() < 0.3) rel.restores = 1 + g.int(long ? 999_999_998 : 100)
  return rel
}

describe('release tag encoding', () => {
  it('every valid release round-trips exactly through its tags (500 seeded cases)', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const rel = randomRelease(seed, false)
      const tags = releaseTags(rel)
      for (const [k, v] of Object.entries(tags)) {
        assert.ok(isValidTagName(k), `seed ${seed}: ${k}`)
        assert.ok(v.length <= TAG_VALUE_MAX, `seed ${seed}: ${v.length}`)
      }
      const back = decodeTags(tags)
      assert.deepEqual(back.unreadable, [], `seed ${seed}`)
      assert.deepEqual(back.releases, [rel], `seed ${seed}`)
    }
  })

  it('no value ever passes 256 characters; long fields shrink with a marker, the digest never (500 cases)', () => {
    let truncated = 0
    for (let seed = 1; seed <= 500; seed++) {
      const rel = randomRelease(seed * 7919, true)
      const tags = releaseTags(rel)
      for (const v of Object.values(tags)) assert.ok(v.length <= TAG_VALUE_MAX, `seed ${seed}: ${v.length}`)
      const d = decodeRelease(rel.id, encodeRelease(rel))
      assert.ok(!('error' in d), `seed ${seed}`)
      if ('error' in d) continue
      assert.equal(d.digest, rel.digest)
      assert.equal(d.settings.hash, rel.settings.hash)
      for (const k of ['id', 'port', 'kind', 'status', 'createdAt', 'restores'] as const) assert.equal(d[k], rel[k])
      if (d.image !== rel.image) {
        truncated++
        assert.ok(d.image.startsWith('…') && rel.image.endsWith(d.image.slice(1)), `seed ${seed}: ${d.image}`)
      }
      if (d.actor !== rel.actor) assert.ok(d.actor.endsWith('…') && rel.actor.startsWith(d.actor.slice(0, -1)))
      if (d.source !== rel.source) assert.ok(d.source?.endsWith('…') && rel.source?.startsWith(d.source.slice(0, -1)))
      const names = decodeSettingsNames(tags[settingsKey(rel.settings.names)] ?? '1|')
      assert.ok(!('error' in names))
      if (!('error' in names)) assert.equal(names.names.length + names.omitted, rel.settings.names.length)
    }
    assert.ok(truncated > 50, `the long cases exercise truncation (${truncated})`)
  })

  it('a shortened field never splits a surrogate pair or an escape', () => {
    const rel = randomRelease(3, false)
    const actor = '😀|'.repeat(200)
    const d = decodeRelease(rel.id, encodeRelease({...rel, actor}))
    assert.ok(!('error' in d))
    if (!('error' in d)) {
      assert.ok(actor.startsWith(d.actor.slice(0, -1)))
      assert.ok(!/[\ud800-\udbff]…$/.test(d.actor))
    }
  })

  it('pins the v1 layout', () => {
    const rel: Release = {
      id: 7,
      image: 'reg.azurecr.io/api:1.4.2',
      digest: `sha256:${'a'.repeat(64)}`,
      port: 8080,
      settings: {names: ['WEBSITES_PORT'], hash: '0123456789abcdef'},
      createdAt: '2026-12-01T10:00:00.000Z',
      actor: 'Ana | Lima',
      kind: 'deploy',
      status: 'succeeded',
      source: 'abc1234',
    }
    const ms = Date.parse(rel.createdAt).toString(36)
    assert.equal(
      encodeRelease(rel),
      `1|ds|${ms}|8080|${'a'.repeat(64)}|${settingsKey(['WEBSITES_PORT']).slice(11)}|0123456789abcdef|abc1234||Ana %7c Lima|reg.azurecr.io/api:1.4.2`,
    )
    assert.equal(encodeSettingsNames(['B', 'A,1']), '1|A%2c1,B')
  })

  it('refuses a release without a sha256 digest (a bug in the caller, not a user error)', () => {
    assert.throws(() => encodeRelease({...randomRelease(1, false), digest: 'latest'}), /digest must be sha256/)
    assert.throws(() => encodeRelease({...randomRelease(1, false), port: 70000}), /bad port/)
    assert.throws(() => releaseKey(0, 'abc'), /out of range/)
    assert.throws(() => releaseKey(1, 'A/B'), /writer/)
  })

  it('escaping round-trips anything', () => {
    for (let seed = 1; seed < 100; seed++) {
      const s = gen(seed).text(50)
      assert.equal(unescapeField(escapeField(s)), s)
      assert.ok(!/[|,\n]/.test(escapeField(s)))
    }
  })

  it('settings names that do not fit keep as many as fit and count the rest', () => {
    const names = Array.from({length: 40}, (_, i) => `SETTING_NUMBER_${i}_WITH_A_LONG_NAME`)
    const v = encodeSettingsNames(names)
    assert.ok(v.length <= TAG_VALUE_MAX)
    const d = decodeSettingsNames(v)
    assert.ok(!('error' in d))
    if (!('error' in d)) {
      assert.ok(d.omitted > 0)
      assert.equal(d.names.length + d.omitted, 40)
    }
  })
})

describe('decodeTags', () => {
  const a = randomRelease(11, false)
  const b = randomRelease(12, false)

  it('counts the user tags, keeps damaged azdeploy tags aside, reads any case', () => {
    const tags = {
      ...releaseTags(a),
      [b.key.toUpperCase()]: encodeRelease(b),
      'managed-by': 'azdeploy',
      Environment: 'prod',
      'azdeploy.r.9.zz': '2|future-format',
      'azdeploy.r.10.zz': '1|garbage',
      'azdeploy.something-new': 'x',
      'azdeploy.lock': 'whatever',
    }
    const d = decodeTags(tags)
    assert.equal(d.foreign, 2)
    assert.equal(d.lockValue, 'whatever')
    assert.deepEqual(
      d.unreadable.map((u) => u.key),
      ['azdeploy.r.9.zz', 'azdeploy.r.10.zz', 'azdeploy.something-new'],
    )
    assert.match(d.unreadable[0]!.reason, /unknown format version '2'/)
    assert.equal(d.releases.length, 2)
    const bBack = d.releases.find((r) => r.key === b.key)!
    // b's settings-names key was not written: the names are unknown, the fingerprint is still there.
    if (b.settings.names.length) assert.equal(bBack.settings.incomplete, true)
    assert.equal(bBack.settings.hash, b.settings.hash)
  })

  it('two records that raced to the same id are both kept, ordered by time', () => {
    const base = randomRelease(5, false)
    const early = {...base, key: releaseKey(base.id, 'aaaa'), createdAt: '2026-12-01T10:00:00.000Z'}
    const late = {...base, key: releaseKey(base.id, 'bbbb'), createdAt: '2026-12-01T10:00:01.000Z'}
    const d = decodeTags({...releaseTags(late), ...releaseTags(early)})
    assert.deepEqual(
      d.releases.map((r) => r.key),
      [early.key, late.key],
    )
  })
})
