// Releases, rollback and the deploy lock through the built CLI against the emulator. Every run has its own HOME
// (= another machine): the history lives in the web app's tags, so all of them see the same list.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {describe, test} from 'node:test'
import {CLI_ENTRY, cliEnv, describeRun, jsonOf, tempDir} from '../helpers/run-cli.js'
import {allWrites, assertExit, type ErrorDoc, mustSite, upArgs} from './e2e-common.js'
import {releaseWorld, TOKEN} from './release-world.js'

const {world, releases, deployed, lockTag} = releaseWorld()

describe('azdeploy releases', () => {
  test('up records releases every machine sees; a no-op up records nothing and reports the current one', async () => {
    const app = world.name('rel')
    const first = await deployed(app, world.image)
    assert.equal(first.release, 1)
    const second = await deployed(app, world.image2)
    assert.equal(second.release, 2)
    const list = await releases(app)
    assert.deepEqual(
      list.map((r) => [r.id, r.kind, r.status, r.current]),
      [
        [2, 'deploy', 'succeeded', true],
        [1, 'deploy', 'succeeded', false],
      ],
    )
    assert.equal(list[0]!.digest, second.digest)
    assert.equal(list[1]!.digest, first.digest)
    assert.equal(list[0]!.port, 8080)
    assert.equal(list[0]!.actor, 'dev@example.com')
    assert.match(list[0]!.image, /team\/app:v2$/)
    assert.equal(lockTag(app), undefined, 'the lock is released')

    world.em.resetLog()
    const noop = await deployed(app, world.image2)
    assert.equal(noop.changed, false)
    assert.equal(noop.release, 2, 'reports the current release')
    assert.deepEqual(allWrites(world.em), [], 'no lock, no record, no write')

    const status = await world.cli(['status', '--app', app, '-g', `rg-${app}`, '--json'])
    assertExit(status, 0)
    assert.equal(jsonOf<{release: {id: number}}>(status).release.id, 2)
    const human = await world.cli(['releases', '--app', app, '-g', `rg-${app}`, '-n', '1'])
    assertExit(human, 0)
    assert.match(human.stdout, /^\* 2 /m)
    assert.doesNotMatch(human.stdout, /^ {2}1 /m, '-n 1 shows one')
  })

  test('a GitHub Actions run records the actor, the run URL and the commit', async () => {
    const app = world.name('gha')
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '42',
      GITHUB_SHA: 'a'.repeat(40),
    }
    const r = await world.cli([...upArgs(app, world.image, '--port', '8080'), '--json'], {env})
    assertExit(r, 0)
    const [row] = await releases(app)
    assert.equal(row!.actor, 'octocat (https://github.com/acme/shop/actions/runs/42)')
    const tags = mustSite(world.em, `rg-${app}`, app).tags
    assert.ok(
      Object.values(tags).some((v) => v.includes('a'.repeat(40))),
      'the source SHA is recorded',
    )
  })

  test('releases of an app that does not exist: exit 2 naming it', async () => {
    const r = await world.cli(['releases', '--app', 'nope-app-x', '-g', 'rg-nope', '--json'])
    assertExit(r, 2)
    assert.match(jsonOf<ErrorDoc>(r).error.message, /nope-app-x/)
  })

  test('an image that never serves is recorded as failed; the current release stays', async () => {
    const app = world.name('fail')
    await deployed(app, world.image)
    world.em.setSiteBehavior(app, {failure: 'exited'})
    const r = await world.cli([
      ...upArgs(app, world.image2, '--port', '8080', '--timeout', '2'),
      '--no-rollback',
      '--json',
    ])
    assert.notEqual(r.code, 0, describeRun(r))
    assert.match(r.stderr, /--no-rollback: .* stays on the release that failed/)
    const list = await releases(app)
    assert.deepEqual(
      list.map((x) => [x.id, x.status, x.current]),
      [
        [2, 'failed', false],
        [1, 'succeeded', true],
      ],
    )
    assert.equal(lockTag(app), undefined)
    world.em.setSiteBehavior(app, {})
  })
})

describe('automatic rollback', () => {
  test('a new image that does not start is rolled back: the previous release serves again, exit 5', async () => {
    const app = world.name('auto')
    await deployed(app, world.image)
    const before = mustSite(world.em, `rg-${app}`, app).config['linuxFxVersion']
    world.em.setSiteBehavior(app, {failure: 'exited', failureImage: world.images.v2.digest})
    const r = await world.cli([...upArgs(app, world.image2, '--port', '8080', '--timeout', '20'), '--json'])
    assertExit(r, 5)
    assert.match(r.stderr, /Error \(UNHEALTHY\): [\s\S]*Rolled back: release 1 serves again \(as release 3\)/)
    assert.equal(mustSite(world.em, `rg-${app}`, app).config['linuxFxVersion'], before, 'the old image is configured')
    const list = await releases(app)
    assert.deepEqual(
      list.map((x) => [x.id, x.kind, x.status, x.current]),
      [
        [3, 'rollback', 'succeeded', true],
        [2, 'deploy', 'rolled back', false],
        [1, 'deploy', 'succeeded', false],
      ],
    )
    world.em.setSiteBehavior(app, {})
  })

  test('a first deploy that does not start has nothing to roll back to', async () => {
    const app = world.name('first')
    world.em.setSiteBehavior(app, {failure: 'exited'})
    const r = await world.cli([...upArgs(app, world.image, '--port', '8080', '--timeout', '20')])
    assertExit(r, 5)
    assert.match(r.stderr, /first deploy: there is no previous release to roll back to/)
    world.em.setSiteBehavior(app, {})
  })
})

describe('Ctrl-C', () => {
  test('during the health wait: exit 130, the release is interrupted, the lock released', async () => {
    const app = world.name('int')
    await deployed(app, world.image)
    // The new container stays warming up (the old one keeps answering): the wait goes on until Ctrl-C.
    world.em.setSiteBehavior(app, {startDelayMs: 120_000})
    const home = tempDir('int')
    try {
      const args = [...upArgs(app, world.image2, '--port', '8080', '--timeout', '120')]
      const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
        cwd: home,
        env: cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home, {FAKE_AZ_TOKEN: TOKEN}),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      const code = await new Promise<number | null>((resolve) => {
        const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          if (!stderr.includes('waiting for the container') && (stderr + c).includes('waiting for the container'))
            child.kill('SIGINT')
          stderr += c
        })
        child.on('close', (c) => {
          clearTimeout(killer)
          resolve(c)
        })
      })
      assert.equal(code, 130, `exit ${code}\n${stderr}`)
    } finally {
      rmSync(home, {recursive: true, force: true})
      world.em.setSiteBehavior(app, {})
    }
    const list = await releases(app)
    assert.deepEqual(
      list.map((r) => [r.id, r.status, r.current]),
      [
        [2, 'interrupted', false],
        [1, 'succeeded', true],
      ],
    )
    assert.equal(lockTag(app), undefined, 'Ctrl-C released the lock')
  })
})
