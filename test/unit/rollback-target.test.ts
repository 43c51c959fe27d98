import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {actorFromToken, githubActor, releaseSource} from '../../src/app/actor.js'
import {decodeTags} from '../../src/core/release-tags.js'
import {type StoredRelease, settingsFingerprint} from '../../src/core/releases.js'
import {releaseListOf} from '../../src/services/release-log.js'
import {chooseRollbackTarget, releaseImage, settingsReport} from '../../src/services/rollback.js'

const D = (c: string) => `sha256:${c.repeat(64)}`
const rel = (
  id: number,
  status: StoredRelease['status'],
  digest = D(String(id % 10)),
  names: string[] = [],
): StoredRelease => ({
  id,
  key: `azdeploy.r.${id}.aaaaaa`,
  image: 'reg.example.com/team/app:v1',
  digest,
  port: 8080,
  settings: settingsFingerprint(Object.fromEntries(names.map((n) => [n, 'x']))),
  createdAt: new Date(1_700_000_000_000 + id * 1000).toISOString(),
  actor: 'ana@contoso.com',
  kind: 'deploy',
  status,
})
const list = (...r: StoredRelease[]) => ({
  releases: r,
  current: [...r].reverse().find((x) => x.status === 'succeeded'),
  unreadable: [],
})

describe('rollback target', () => {
  it('defaults to the newest served release before the current one with another digest', () => {
    const l = list(rel(1, 'succeeded'), rel(2, 'succeeded'), rel(3, 'failed'), rel(4, 'succeeded'))
    assert.deepEqual(
      [chooseRollbackTarget(l, undefined, 'a').current.id, chooseRollbackTarget(l, undefined, 'a').target.id],
      [4, 2],
      'skips the failed 3',
    )
    const same = list(rel(1, 'succeeded'), rel(2, 'succeeded', D('9')), rel(3, 'succeeded', D('9')))
    assert.equal(chooseRollbackTarget(same, undefined, 'a').target.id, 1, 'skips 2: it runs what 3 runs')
    assert.equal(chooseRollbackTarget(same, 2, 'a').target.id, 2, '--to names any release')
  })
  it('an unknown --to names it and the ids there are; no current release is an error', () => {
    const l = list(rel(1, 'succeeded'), rel(2, 'succeeded'))
    assert.throws(() => chooseRollbackTarget(l, 9, 'shop'), /Release 9 is not in the history of shop \(it holds 1, 2\)/)
    assert.throws(() => chooseRollbackTarget(list(rel(1, 'failed')), undefined, 'shop'), /no succeeded release/)
    assert.throws(() => chooseRollbackTarget(list(rel(1, 'succeeded')), undefined, 'shop'), /no release before/)
  })
  it('pins the image to the digest; settings: changed, missing, added', () => {
    assert.equal(releaseImage(rel(1, 'succeeded', D('a'))), `reg.example.com/team/app:v1@${D('a')}`)
    const target = rel(1, 'succeeded', D('a'), ['A', 'B'])
    const current = rel(2, 'succeeded', D('b'), ['A', 'B', 'C'])
    assert.deepEqual(settingsReport(target, current, {A: 'x', B: 'x', C: 'y'}).changed, [])
    assert.deepEqual(settingsReport(target, current, {A: 'x', B: 'changed'}).changed, ['A', 'B'])
    const missing = settingsReport(target, current, {A: 'x'})
    assert.deepEqual([missing.missing, missing.added], [['B'], ['C']])
  })
})

describe('actor and source', () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`
  it('UPN, else display name, from the token; GitHub Actions actor and run URL; GITHUB_SHA', () => {
    assert.equal(actorFromToken(jwt({upn: 'ana@contoso.com', name: 'Ana', idtyp: 'user'})), 'ana@contoso.com')
    assert.equal(actorFromToken(jwt({app_displayname: 'deploy-bot', idtyp: 'app', appid: 'x'})), 'deploy-bot')
    assert.equal(actorFromToken('opaque'), 'unknown principal')
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTOR: 'octo',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'a/b',
      GITHUB_RUN_ID: '7',
    }
    assert.equal(githubActor(env), 'octo (https://github.com/a/b/actions/runs/7)')
    assert.equal(githubActor({GITHUB_ACTOR: 'octo'}), undefined)
    assert.equal(releaseSource({GITHUB_SHA: 'abc1234'}), 'abc1234')
    assert.equal(releaseSource({}, {shortSha: 'abc1234', dirty: true}), 'abc1234-dirty')
    assert.equal(releaseSource({}), undefined)
  })
  it('a list from site tags with no releases has no current', () => {
    assert.equal(releaseListOf(decodeTags({Environment: 'prod'}), 0).current, undefined)
  })
})
