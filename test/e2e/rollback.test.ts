// Rollback and the deploy lock (see releases.test.ts for the history itself) through the built CLI against the emulator. Every run has its own HOME
// (= another machine): the history lives in the web app's tags, so all of them see the same list.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {encodeLock} from '../../src/core/deploy-lock.js'
import {jsonOf} from '../helpers/run-cli.js'
import {allWrites, assertExit, type ErrorDoc, mustSite, upArgs} from './e2e-common.js'
import {releaseWorld} from './release-world.js'

const {world, releases, deployed, lockTag} = releaseWorld()

describe('azdeploy rollback', () => {
  test('default, --to, undo, unknown --to, and --yes without a TTY', async () => {
    const app = world.name('rb')
    const g = ['--app', app, '-g', `rg-${app}`]
    const one = await deployed(app, world.image, '--env', 'LOG_LEVEL=info')
    const two = await deployed(app, world.image2, '--env', 'LOG_LEVEL=debug')

    world.em.resetLog()
    const noYes = await world.cli(['rollback', ...g, '--json'])
    assertExit(noYes, 2)
    assert.equal(jsonOf<ErrorDoc>(noYes).error.code, 'CONFIRMATION_REQUIRED')
    const unknown = await world.cli(['rollback', ...g, '--to', '99', '--yes', '--json'])
    assertExit(unknown, 2)
    assert.match(jsonOf<ErrorDoc>(unknown).error.message, /Release 99 /)
    assert.deepEqual(allWrites(world.em), [], 'nothing written')

    const rb = await world.cli(['rollback', ...g, '--yes', '--json'])
    assertExit(rb, 0)
    const doc = jsonOf<{from: number; to: number; release: number; undo: string; settings: {changed: string[]}}>(rb)
    assert.deepEqual([doc.from, doc.to, doc.release], [2, 1, 3])
    assert.equal(doc.undo, `azdeploy rollback --app ${app} -g rg-${app} --to 2`)
    assert.deepEqual(doc.settings.changed, ['LOG_LEVEL'], 'LOG_LEVEL differs from release 1 and is reported')
    assert.match(rb.stderr, /LOG_LEVEL/)
    const site = mustSite(world.em, `rg-${app}`, app)
    assert.ok(String(site.config.linuxFxVersion).endsWith(one.digest), String(site.config.linuxFxVersion))
    assert.equal(site.appSettings['LOG_LEVEL'], 'debug', 'setting values are not overwritten')
    let list = await releases(app)
    assert.deepEqual(
      list.map((r) => [r.id, r.kind, r.status, r.current]),
      [
        [3, 'rollback', 'succeeded', true],
        [2, 'deploy', 'rolled back', false],
        [1, 'deploy', 'succeeded', false],
      ],
    )
    assert.equal(list[0]!.digest, one.digest)

    const undo = await world.cli(['rollback', ...g, '--to', '2', '--yes'])
    assertExit(undo, 0)
    assert.match(undo.stdout, /Undo: azdeploy rollback .* --to 3/)
    list = await releases(app)
    assert.deepEqual(
      list.slice(0, 2).map((r) => [r.id, r.kind, r.status, r.current]),
      [
        [4, 'rollback', 'succeeded', true],
        [3, 'rollback', 'rolled back', false],
      ],
    )
    assert.equal(list[0]!.digest, two.digest)
    assert.equal(lockTag(app), undefined)
  })
})

describe('deploy lock', () => {
  const heldBy = (holder: string, since: number, ttlMs: number) =>
    encodeLock({holder, nonce: 'abcdefgh12', since, expiresAt: since + ttlMs})

  test('held: exit 6 naming holder and since, nothing changed; --lock-wait waits; an expired lock is taken over', async () => {
    const app = world.name('lock')
    await deployed(app, world.image)
    const site = mustSite(world.em, `rg-${app}`, app)
    const since = Date.now() - 5000
    site.tags['azdeploy.lock'] = heldBy('alice@example.com', since, 600_000)
    const fx = site.config.linuxFxVersion
    const held = await world.cli([...upArgs(app, world.image2, '--port', '8080'), '--json'])
    assertExit(held, 6)
    const err = jsonOf<ErrorDoc>(held).error
    assert.equal(err.code, 'LOCK_HELD')
    assert.match(err.message, /alice@example\.com/)
    assert.ok(err.message.includes(new Date(since).toISOString()), err.message)
    assert.equal(site.config.linuxFxVersion, fx, 'nothing changed')

    // Released by its holder while we wait: once the deploy has looked at the lock (and found it held).
    world.em.resetLog()
    const watcher = setInterval(() => {
      if (world.em.requests.some((e) => e.method === 'GET' && /\/tags\/default$/i.test(e.path))) {
        clearInterval(watcher)
        setTimeout(() => delete site.tags['azdeploy.lock'], 300)
      }
    }, 20)
    const waited = await world.cli([...upArgs(app, world.image2, '--port', '8080', '--lock-wait', '20')], {
      env: {AZDEPLOY_LOCK_POLL_MS: '100'},
    })
    assertExit(waited, 0)
    assert.match(waited.stderr, /waiting for the deploy lock: held by alice@example\.com/)
    assert.match(waited.stdout, /as release 2\./)

    const before = site.config.linuxFxVersion
    site.tags['azdeploy.lock'] = heldBy('alice@example.com', Date.now(), 600_000)
    const rbHeld = await world.cli(['rollback', '--app', app, '-g', `rg-${app}`, '--yes'])
    assertExit(rbHeld, 6)
    assert.match(rbHeld.stderr, /being deployed by alice@example\.com/)
    assert.equal(site.config.linuxFxVersion, before, 'not rolled back')

    site.tags['azdeploy.lock'] = heldBy('crashed@example.com', Date.now() - 900_000, 1000)
    const takeover = await world.cli(upArgs(app, world.image, '--port', '8080'))
    assertExit(takeover, 0)
    assert.match(takeover.stderr, /took over the deploy lock crashed@example\.com/)
    assert.equal(lockTag(app), undefined)
  })

  test('two concurrent ups never interleave: both records survive, in order', async () => {
    const app = world.name('race')
    await deployed(app, world.image)
    const env = {AZDEPLOY_LOCK_POLL_MS: '50'}
    const [a, b] = await Promise.all([
      world.cli(upArgs(app, world.image2, '--port', '8080', '--env', 'WHO=a', '--lock-wait', '60'), {env}),
      world.cli(upArgs(app, world.image, '--port', '8080', '--env', 'WHO=b', '--lock-wait', '60'), {env}),
    ])
    assertExit(a, 0)
    assertExit(b, 0)
    const list = await releases(app)
    assert.deepEqual(
      list.map((r) => [r.id, r.status]),
      [
        [3, 'succeeded'],
        [2, 'succeeded'],
        [1, 'succeeded'],
      ],
    )
    // The last record is what runs: the second deploy wrote after the first had finished.
    const site = mustSite(world.em, `rg-${app}`, app)
    assert.ok(String(site.config.linuxFxVersion).endsWith(list[0]!.digest))
    assert.equal(site.appSettings['WHO'], list[0]!.digest === list[2]!.digest ? 'b' : 'a')
    assert.ok(Date.parse(list[0]!.createdAt) > Date.parse(list[1]!.createdAt))
    assert.equal(lockTag(app), undefined)
  })
})
