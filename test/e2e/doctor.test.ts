// doctor through the built CLI (human and --json output, exit codes), and `up` stopping on an image whose own
// start command would fail App Service's pings, before any write, unless --force.
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {buildImage, pushImage} from '../helpers/oci-images.js'
import {e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {repoRoot} from '../helpers/tls.js'
import {assertExit, assertNoWrites, type ErrorDoc, mustSite, upArgs} from './e2e-common.js'

const world = e2eWorld()
const fixture = (name: string) => join(repoRoot(), 'test', 'fixtures', 'dockerfiles', name)

describe('azdeploy doctor', () => {
  test('a Dockerfile bound to loopback: errors grouped first, exit 2; --json lists the findings', async () => {
    const r = await world.cli(['doctor', fixture('go-run-loopback')])
    assertExit(r, 2)
    assert.match(r.stdout + r.stderr, /Errors \(1\)[\s\S]*listen\/loopback/)
    assert.ok((r.stdout + r.stderr).indexOf('Errors') < (r.stdout + r.stderr).indexOf('Warnings'), 'errors come first')
    const j = await world.cli(['doctor', fixture('go-run-loopback'), '--json'])
    assertExit(j, 2)
    const doc = jsonOf<{findings: Array<{rule: string; severity: string; line?: number; fix: string}>}>(j)
    const loop = doc.findings.find((f) => f.rule === 'listen/loopback')
    assert.equal(loop?.severity, 'error')
    assert.equal(loop?.line, 6)
    assert.ok(loop?.fix)
  })

  test('a clean Dockerfile passes with exit 0', async () => {
    const r = await world.cli(['doctor', fixture('flask-clean'), '--json'])
    assertExit(r, 0)
    assert.deepEqual(
      jsonOf<{findings: Array<{severity: string}>}>(r).findings.filter((f) => f.severity === 'error'),
      [],
    )
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
