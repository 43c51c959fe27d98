// `up --dry-run` always shows the plan with doctor's findings beside it (human and --json `findings`), even when an
// error-level finding would stop the real deploy; `up --json` always carries `dryRun`. Built CLI → HTTPS ARM
// emulator + a real local registry; nothing is written.
import assert from 'node:assert/strict'
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {before, describe, test} from 'node:test'
import {buildImage, pushImage} from '../helpers/oci-images.js'
import {describeRun, e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {assertExit, assertNoWrites, type ErrorDoc, upArgs} from './e2e-common.js'

const world = e2eWorld()

interface DryDoc {
  dryRun: boolean
  changed: boolean
  changes: Array<{action: string; resource: string}>
  findings: Array<{source: string; subject: string; rule: string; severity: string; message: string; fix: string}>
}

describe('up --dry-run with doctor findings', () => {
  let loopback = ''
  before(async () => {
    const image = buildImage({exposedPorts: ['8000/tcp'], cmd: ['python', 'manage.py', 'runserver', '127.0.0.1:8000']})
    await pushImage({url: world.registry.url, ca: world.registry.ca}, 'team/dry', 'loopback', image)
    loopback = `${world.registry.host}/team/dry:loopback`
  })

  test('an image with an error-level finding: --json has the plan and the findings, exit 0, no writes', async () => {
    const app = world.name('dryfind')
    world.em.resetLog()
    const r = await world.cli([...upArgs(app, loopback), '--dry-run', '--json'])
    assertExit(r, 0)
    assertNoWrites(world.em, r)
    const doc = jsonOf<DryDoc>(r)
    assert.equal(doc.dryRun, true)
    assert.deepEqual(
      doc.changes.map((c) => c.action),
      ['create', 'create', 'create'],
    )
    const bind = doc.findings.find((f) => f.severity === 'error' && /127\.0\.0\.1/.test(f.message))
    assert.ok(bind, JSON.stringify(doc.findings))
    assert.equal(bind.source, 'image')
    assert.equal(bind.subject, loopback)
    assert.ok(bind.fix.length > 0)
    assert.match(r.stderr, /warning: 1 error-level finding would stop this deploy \(--force deploys anyway\)/)
  })

  test('human output: the plan, then the findings with their fixes, and what would stop the deploy', async () => {
    const app = world.name('dryhuman')
    const r = await world.cli([...upArgs(app, loopback), '--dry-run'])
    assertExit(r, 0)
    const out = r.stderr
    const plan = out.search(/create web app/)
    const findings = out.indexOf(`Doctor's findings on image ${loopback}:`)
    assert.ok(plan >= 0 && findings > plan, `plan, then findings\n${describeRun(r)}`)
    assert.match(out, /Errors \(1\)/)
    assert.match(out, /fix: /)
    assert.match(r.stdout, /Dry run: 3 changes planned, nothing written\./)
  })

  test('the same image without --dry-run still stops on the finding (exit 2), so the dry run told the truth', async () => {
    const app = world.name('drystop')
    const r = await world.cli([...upArgs(app, loopback), '--json'])
    assertExit(r, 2)
    assert.equal(jsonOf<ErrorDoc>(r).error.code, 'DOCTOR_FINDINGS')
  })

  test('a clean image: findings is a list (maybe empty) and dryRun is there, true and false', async () => {
    const app = world.name('dryclean')
    const dry = await world.cli([...upArgs(app, world.image2), '--dry-run', '--json'])
    assertExit(dry, 0)
    const d = jsonOf<DryDoc>(dry)
    assert.equal(d.dryRun, true)
    assert.ok(Array.isArray(d.findings))
    assert.equal(d.findings.filter((f) => f.severity === 'error').length, 0, JSON.stringify(d.findings))
    const real = await world.cli([...upArgs(app, world.image2), '--json'])
    assertExit(real, 0)
    const doc = jsonOf<DryDoc>(real)
    assert.equal(doc.dryRun, false)
    assert.ok(Array.isArray(doc.findings))
  })
})

describe('up --dry-run without --image (a Dockerfile in play)', () => {
  // Any docker call fails: a dry run builds nothing (the labelling shim runs AZDEPLOY_TEST_DOCKER).
  const noDocker = {AZDEPLOY_TEST_DOCKER: '/nonexistent/docker'}
  const context = () => {
    const dir = tempDir('dry-src')
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM python:3.12-slim\nUSER 1000\nEXPOSE 8000\nCMD ["python", "manage.py", "runserver", "127.0.0.1:8000"]\n',
    )
    return dir
  }

  test('registry missing: the plan with the Dockerfile findings; nothing built, pushed or created', async () => {
    const app = world.name('drysrc')
    const dir = context()
    try {
      world.em.resetLog()
      const args = ['up', '--app', app, '-g', `rg-${app}`, '-l', 'westeurope', '--registry', 'drynewreg']
      const r = await world.cli([...args, '--context', dir, '--dry-run', '--json'], {env: noDocker})
      assertExit(r, 0)
      assertNoWrites(world.em, r)
      assert.equal([...world.em.state.registries.values()].filter((x) => x.name === 'drynewreg').length, 0)
      const doc = jsonOf<DryDoc & {image: string; digest: string}>(r)
      assert.equal(doc.dryRun, true)
      assert.match(doc.image, new RegExp(`^drynewreg\\.azurecr\\.io/${app}:[\\w.-]+$`))
      assert.equal(doc.digest, 'not built (dry run)')
      assert.ok(
        doc.changes.some((c) => c.action === 'create' && /web app/.test(c.resource)),
        JSON.stringify(doc),
      )
      const loop = doc.findings.find((f) => f.rule === 'listen/loopback')
      assert.ok(loop, JSON.stringify(doc.findings))
      assert.equal(loop.source, 'dockerfile')
      assert.equal(loop.severity, 'error')
      assert.match(r.stderr, /would stop this deploy/)

      const human = await world.cli([...args, '--context', dir, '--dry-run'], {env: noDocker})
      assertExit(human, 0)
      assert.match(human.stderr, /registry drynewreg does not exist: `up` would create it/)
      assert.match(human.stderr, /Doctor's findings on .*Dockerfile:/)
      assert.match(human.stdout, /Dry run: \d+ changes planned, nothing written\./)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  test('registry present: planned with its pull identity and role', async () => {
    const app = world.name('dryacr')
    const rg = `rg-${app}`
    world.em.state.addRegistry({rg, name: 'dryacrreg', loginServer: 'dryacrreg.azurecr.io'})
    const dir = context()
    try {
      world.em.resetLog()
      const args = ['up', '--app', app, '-g', rg, '-l', 'westeurope', '--registry', 'dryacrreg', '--context', dir]
      const r = await world.cli([...args, '--port', '8000', '--dry-run', '--json'], {env: noDocker})
      assertExit(r, 0)
      assertNoWrites(world.em, r)
      const doc = jsonOf<DryDoc & {image: string; port: number}>(r)
      assert.match(doc.image, new RegExp(`^dryacrreg\\.azurecr\\.io/${app}:`))
      assert.equal(doc.port, 8000)
      // An explicit port the Dockerfile does not EXPOSE wins, with a warning naming both (not an error finding).
      const other = await world.cli([...args, '--port', '9000', '--dry-run', '--json'], {env: noDocker})
      assertExit(other, 0)
      assert.match(
        other.stderr,
        /warning: --port 9000 wins over the Dockerfile's EXPOSE at \S*Dockerfile:3 \(EXPOSE 8000\)/,
      )
      const otherDoc = jsonOf<DryDoc & {port: number}>(other)
      assert.equal(otherDoc.port, 9000)
      assert.ok(!otherDoc.findings.some((f) => f.rule === 'port/expose-mismatch'), JSON.stringify(otherDoc.findings))
      const resources = doc.changes.map((c) => `${c.action} ${c.resource}`).join('\n')
      assert.match(resources, /identity/, resources)
      assert.match(resources, /AcrPull|role/, resources)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
