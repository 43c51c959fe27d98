// `azdeploy up` end to end (built CLI → HTTPS ARM emulator + a real local registry): a fresh deploy, an identical
// re-run, an image change and --dry-run. Assertions look at the emulator's state and request log, not only output.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {describeRun, e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {
  assertExit,
  assertNoWrites,
  assertOneWritePerResource,
  hasGroup,
  mustSite,
  plan,
  requestLog,
  site,
  upArgs,
  writeLog,
} from './e2e-common.js'

const world = e2eWorld()

interface UpDoc {
  app: string
  resourceGroup: string
  url: string | null
  image: string
  digest: string
  release: null
  changed: boolean
  changes: Array<{action: string; resource: string; reason: string}>
}

describe('azdeploy up', () => {
  const app = world.name('fresh')
  const rg = `rg-${app}`
  const args = () => ['up', '--app', app, '-g', rg, '-l', 'westeurope', '--image', world.image, '--port', '8080']

  test('a fresh deploy creates group, plan and site, pins the digest and waits until the URL answers', async () => {
    const {em, registry, images} = world
    em.resetLog()
    const r = await world.cli([...args(), '--env', 'GREETING=hello', '--json'])
    assertExit(r, 0)
    const doc = jsonOf<UpDoc>(r)

    assert.ok(hasGroup(em, rg), 'resource group created')
    const p = plan(em, rg, `${app}-plan`)
    assert.ok(p, `plan ${app}-plan created\n${requestLog(em)}`)
    assert.equal(p.reserved, true, 'Linux plan (reserved)')
    assert.equal(p.sku.name, 'B1')
    assert.equal(p.location, 'westeurope')

    const s = mustSite(em, rg, app)
    const pinned = `DOCKER|${registry.host}/${images.repo}@${images.single.digest}`
    assert.equal(s.config.linuxFxVersion, pinned)
    assert.equal(s.reserved, true)
    assert.match(s.kind, /linux/i)
    assert.equal(s.httpsOnly, true)
    assert.equal(s.config.minTlsVersion, '1.2')
    assert.equal(s.config.ftpsState, 'Disabled')
    assert.equal(s.config.alwaysOn, true, 'alwaysOn for B1')
    assert.equal(s.appSettings.WEBSITES_PORT, '8080')
    assert.equal(s.appSettings.WEBSITES_ENABLE_APP_SERVICE_STORAGE, 'false')
    assert.equal(s.appSettings.GREETING, 'hello')
    assert.equal(s.serverFarmId.toLowerCase(), p.id.toLowerCase())
    // It waited: the new container is the one serving, and it asked the container log / the URL.
    assert.equal(s.runtime.servingImage, pinned, 'up returned before the new container served')
    assert.ok(
      em.requests.some((e) => /\/containerlogs$/i.test(e.path)),
      `read the container log while waiting\n${requestLog(em)}`,
    )
    assertOneWritePerResource(em)

    assert.equal(doc.app, app)
    assert.equal(doc.resourceGroup, rg)
    assert.equal(doc.url, `https://${s.runtime.host}`)
    assert.equal(doc.image, world.image)
    assert.equal(doc.digest, images.single.digest)
    assert.equal(doc.release, null)
    assert.equal(doc.changed, true)
    const created = doc.changes.filter((c) => c.action === 'create').map((c) => c.resource)
    for (const what of ['resource group', 'plan', 'web app']) {
      assert.ok(
        created.some((c) => c.startsWith(what)),
        `changes list a created ${what}: ${JSON.stringify(doc.changes)}`,
      )
    }
    assert.equal(r.stderr.trim(), '', `--json keeps stderr quiet on success\n${describeRun(r)}`)
  })

  test('an identical re-run writes nothing, reads at most 4 times and says so', async () => {
    const {em} = world
    const before = JSON.stringify({...mustSite(em, rg, app), runtime: undefined})
    em.resetLog()
    const r = await world.cli([...args(), '--env', 'GREETING=hello', '--json'])
    assertExit(r, 0)
    assertNoWrites(em, r)
    const reads = em.reads()
    const readLog = requestLog(em)
    const doc = jsonOf<UpDoc>(r)
    assert.equal(doc.changed, false)
    assert.deepEqual(doc.changes, [])
    assert.equal(doc.digest, world.images.single.digest)
    assert.equal(JSON.stringify({...mustSite(em, rg, app), runtime: undefined}), before)

    em.resetLog()
    const human = await world.cli([...args(), '--env', 'GREETING=hello'])
    assertExit(human, 0)
    assertNoWrites(em, human)
    assert.match(human.stdout + human.stderr, /no changes/i)
    assert.ok(reads <= 4, `at most 4 ARM reads, got ${reads}:\n${readLog}`)
  })

  test('an image change is ONE site PATCH (one write, one restart) and serves the new image', async () => {
    const {em, registry, images} = world
    const restartsBefore = em.restarts(app)
    em.resetLog()
    const r = await world.cli([
      'up',
      '--app',
      app,
      '-g',
      rg,
      '--image',
      world.image2,
      '--port',
      '8080',
      '--env',
      'GREETING=hello',
      '--json',
    ])
    assertExit(r, 0)
    assert.deepEqual(writeLog(em), [`PATCH /resourcegroups/${rg}/providers/microsoft.web/sites/${app}`])
    assert.equal(em.restarts(app), restartsBefore + 1, 'exactly one restart')
    const s = mustSite(em, rg, app)
    const pinned = `DOCKER|${registry.host}/${images.repo}@${images.v2.digest}`
    assert.equal(s.config.linuxFxVersion, pinned)
    assert.equal(s.runtime.servingImage, pinned, 'waited for the new image to serve')
    assert.equal(s.appSettings.GREETING, 'hello', 'settings kept')
    assert.equal(s.appSettings.WEBSITES_PORT, '8080')
    const doc = jsonOf<UpDoc>(r)
    assert.equal(doc.changed, true)
    assert.equal(doc.digest, images.v2.digest)
    assert.ok(
      doc.changes.every((c) => c.action === 'update'),
      JSON.stringify(doc.changes),
    )
  })

  test('--sku and --instances on an existing app write only the plan', async () => {
    const {em} = world
    em.resetLog()
    const same = ['--image', world.image2, '--port', '8080', '--env', 'GREETING=hello']
    const r = await world.cli(['up', '--app', app, '-g', rg, ...same, '--sku', 'S1', '--instances', '2'])
    assertExit(r, 0)
    assert.deepEqual(writeLog(em), [`PUT /resourcegroups/${rg}/providers/microsoft.web/serverfarms/${app}-plan`])
    const p = plan(em, rg, `${app}-plan`)
    assert.equal(p?.sku.name, 'S1')
    assert.equal(p?.sku.tier, 'Standard')
    assert.equal(p?.sku.capacity, 2)
    assert.match(r.stdout + r.stderr, /B1 → S1/)
  })

  test('--dry-run on an existing app prints the plan and writes nothing', async () => {
    const {em} = world
    const before = mustSite(em, rg, app).config.linuxFxVersion
    em.resetLog()
    const r = await world.cli([...args(), '--env', 'GREETING=bye', '--dry-run'])
    assertExit(r, 0)
    assertNoWrites(em, r)
    const out = r.stdout + r.stderr
    assert.match(out, /update web app .*image changed/, 'plan names the image change')
    assert.match(out, /set GREETING/, 'plan names the changed setting')
    assert.ok(!out.includes('bye'), 'setting values never appear in the plan')
    assert.equal(mustSite(em, rg, app).config.linuxFxVersion, before)
    assert.equal(mustSite(em, rg, app).appSettings.GREETING, 'hello')
  })

  test('--dry-run for a new app lists every resource it would create and creates none', async () => {
    const {em} = world
    const fresh = world.name('dry')
    em.resetLog()
    const r = await world.cli([...upArgs(fresh, world.image2), '--dry-run', '--json'])
    assertExit(r, 0)
    assertNoWrites(em, r)
    assert.equal(hasGroup(em, `rg-${fresh}`), false)
    assert.equal(site(em, `rg-${fresh}`, fresh), undefined)
    const doc = jsonOf<UpDoc & {dryRun?: boolean}>(r)
    assert.equal(doc.changed, true)
    assert.equal(doc.digest, world.images.v2.digest)
    assert.deepEqual(
      doc.changes.map((c) => c.action),
      ['create', 'create', 'create'],
      JSON.stringify(doc.changes),
    )
  })

  test('--no-wait returns after the writes without polling the container', async () => {
    const {em} = world
    const fresh = world.name('nowait')
    em.setSiteBehavior(fresh, {startDelayMs: 60_000})
    em.resetLog()
    const r = await world.cli([...upArgs(fresh, world.image2), '--no-wait', '--json'])
    assertExit(r, 0)
    assert.ok(site(em, `rg-${fresh}`, fresh), 'site created')
    assert.equal(mustSite(em, `rg-${fresh}`, fresh).runtime.servingImage, '', 'nothing serves yet')
    assert.ok(!em.requests.some((e) => /\/containerlogs$/i.test(e.path)), `no log polling\n${requestLog(em)}`)
    assert.equal(jsonOf<UpDoc>(r).url, `https://${mustSite(em, `rg-${fresh}`, fresh).runtime.host}`)
  })
})
