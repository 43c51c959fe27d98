// doctor through the built CLI (human and --json output, exit codes), and `up` stopping on an image whose own
// start command would fail App Service's pings, before any write, unless --force.
import assert from 'node:assert/strict'
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {buildImage, pushImage} from '../helpers/oci-images.js'
import {e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {repoRoot} from '../helpers/tls.js'
import {assertExit, assertNoWrites, type ErrorDoc, mustSite, upArgs} from './e2e-common.js'

const world = e2eWorld()
/** The clock doctor uses for end-of-life checks, so no test depends on the real date. */
const TODAY = {AZDEPLOY_DOCTOR_TODAY: '2026-12-01'}
const fixture = (name: string) => join(repoRoot(), 'test', 'fixtures', 'dockerfiles', name)

describe('azdeploy doctor', () => {
  test('a Dockerfile bound to loopback: errors grouped first, exit 2; --json lists the findings', async () => {
    const r = await world.cli(['doctor', fixture('go-run-loopback')], {env: TODAY})
    assertExit(r, 2)
    assert.match(r.stdout + r.stderr, /Errors \(1\)[\s\S]*listen\/loopback/)
    assert.ok((r.stdout + r.stderr).indexOf('Errors') < (r.stdout + r.stderr).indexOf('Warnings'), 'errors come first')
    const j = await world.cli(['doctor', fixture('go-run-loopback'), '--json'], {env: TODAY})
    assertExit(j, 2)
    const doc = jsonOf<{findings: Array<{rule: string; severity: string; line?: number; fix: string}>}>(j)
    const loop = doc.findings.find((f) => f.rule === 'listen/loopback')
    assert.equal(loop?.severity, 'error')
    assert.equal(loop?.line, 6)
    assert.ok(loop?.fix)
  })

  test('a clean Dockerfile passes with exit 0', async () => {
    const r = await world.cli(['doctor', fixture('flask-clean'), '--json'], {env: TODAY})
    assertExit(r, 0)
    assert.deepEqual(
      jsonOf<{findings: Array<{severity: string}>}>(r).findings.filter((f) => f.severity === 'error'),
      [],
    )
  })

  test('examples/hello (the quick start) passes with no findings', async () => {
    const r = await world.cli(['doctor', join(repoRoot(), 'examples', 'hello'), '--json'], {env: TODAY})
    assertExit(r, 0)
    assert.deepEqual(jsonOf<{findings: unknown[]}>(r).findings, [])
  })

  test('says when its end-of-life table is old, by the date it is given (also in --json)', async () => {
    const fresh = await world.cli(['doctor', fixture('flask-clean'), '--json'], {env: TODAY})
    assert.equal(jsonOf<{notices?: string[]}>(fresh).notices, undefined)
    const old = {AZDEPLOY_DOCTOR_TODAY: '2030-01-01'}
    const j = await world.cli(['doctor', fixture('flask-clean'), '--json'], {env: old})
    assert.match(
      jsonOf<{notices?: string[]}>(j).notices?.[0] ?? '',
      /end-of-life dates were last checked on \d{4}-\d{2}-\d{2}/,
    )
    const h = await world.cli(['doctor', fixture('flask-clean')], {env: old})
    assert.match(h.stderr, /warning: doctor's base-image end-of-life dates were last checked/)
    const bad = await world.cli(['doctor', fixture('flask-clean')], {env: {AZDEPLOY_DOCTOR_TODAY: 'soon'}})
    assertExit(bad, 2)
    assert.match(bad.stderr, /AZDEPLOY_DOCTOR_TODAY=soon is not a date\nTry: /)
  })

  test('refuses an oversized Dockerfile with one error naming the file and the cap', async () => {
    const dir = tempDir('doctor-big')
    try {
      writeFileSync(join(dir, 'Dockerfile'), `FROM a\n${'RUN x\n'.repeat(10_001)}`)
      const r = await world.cli(['doctor', dir, '--json'], {env: TODAY})
      assertExit(r, 2)
      const err = jsonOf<ErrorDoc>(r).error
      assert.equal(err.code, 'DOCKERFILE_TOO_LARGE')
      assert.match(
        err.message,
        /Dockerfile has 10002 instructions; doctor reads Dockerfiles of up to 10000 instructions/,
      )
      assert.ok(err.hint)
      writeFileSync(join(dir, 'Dockerfile'), `FROM a\n# ${'x'.repeat(2 * 1024 * 1024)}\n`)
      const big = await world.cli(['doctor', join(dir, 'Dockerfile')])
      assertExit(big, 2)
      assert.match(big.stderr, /Dockerfile is 2\.0 MiB; doctor reads Dockerfiles up to 1\.0 MiB\nTry: /)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  test('reads an nginx.conf the Dockerfile copies from its build context', async () => {
    const r = await world.cli(['doctor', fixture('nginx-conf-daemon-on'), '--json'], {env: TODAY})
    assertExit(r, 2)
    const f = jsonOf<{findings: Array<{rule: string; message: string}>}>(r).findings.find(
      (x) => x.rule === 'foreground/daemon',
    )
    assert.match(f?.message ?? '', /`daemon on;` in nginx\.conf/)
  })

  test('up refuses an image whose start command binds 127.0.0.1, writes nothing, and --force overrides', async () => {
    const image = buildImage({
      exposedPorts: ['8000/tcp'],
      cmd: ['python', 'manage.py', 'runserver', '127.0.0.1:8000'],
    })
    await pushImage({url: world.registry.url, ca: world.registry.ca}, 'team/django', 'loopback', image)
    const app = world.name('doctor')
    const args = [...upArgs(app, `${world.registry.host}/team/django:loopback`)]
    world.em.resetLog()
    const r = await world.cli([...args, '--json'])
    assertExit(r, 2)
    const err = jsonOf<ErrorDoc>(r).error
    assert.equal(err.code, 'DOCTOR_FINDINGS')
    assert.match(err.message, /127\.0\.0\.1/)
    assert.match(err.hint ?? '', /--force/)
    assertNoWrites(world.em, r)
    const forced = await world.cli([...args, '--force', '--no-wait'])
    assertExit(forced, 0)
    assert.match(forced.stderr, /ignored with --force/)
    assert.ok(mustSite(world.em, `rg-${app}`, app))
  })
})
