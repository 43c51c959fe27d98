// One restart per deploy and `up --slot` end to end (built CLI → HTTPS ARM emulator + a local registry): an image +
// setting change is one site write and one restart with settings merged; a slot deploy proves the slot, swaps and
// leaves production on the new image; a failing image never leaves the slot; a production that does not answer
// after the swap is swapped back; a Basic plan is refused before any write.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {assertExit, assertNoWrites, type ErrorDoc, mustSite, requestLog, upArgs, writeLog} from './e2e-common.js'

const world = e2eWorld()

interface SlotDoc {
  changed: boolean
  url: string
  health: string
  changes: Array<{action: string; resource: string; reason: string}>
  slot: {name: string; url: string; swapped: boolean; swappedBack: boolean}
}

const pinnedOf = (digest: string) => `DOCKER|${world.registry.host}/${world.images.repo}@${digest}`

/** A production app on a Standard plan, serving image 1 with GREETING=hello. */
async function standardApp(prefix: string): Promise<{app: string; rg: string}> {
  const app = world.name(prefix)
  const r = await world.cli([...upArgs(app, world.image, '--port', '8080', '--sku', 'S1', '--env', 'GREETING=hello')])
  assertExit(r, 0)
  return {app, rg: `rg-${app}`}
}

describe('one restart per deploy', () => {
  test('image + a new setting: one site PATCH, one restart, settings merged, never the value in output', async () => {
    const {em} = world
    const app = world.name('onerestart')
    const rg = `rg-${app}`
    assertExit(await world.cli(upArgs(app, world.image, '--port', '8080', '--env', 'GREETING=hello')), 0)
    const before = em.restarts(app)
    em.resetLog()
    const r = await world.cli([
      ...upArgs(app, world.image2, '--port', '8080', '--env', 'GREETING=hello', '--env', 'API_KEY=s3cr3t-v4lue'),
      '--json',
    ])
    assertExit(r, 0)
    assert.deepEqual(writeLog(em), [`PATCH /resourcegroups/${rg}/providers/microsoft.web/sites/${app}`], requestLog(em))
    assert.equal(em.restarts(app), before + 1, 'the app restarted exactly once')
    const s = mustSite(em, rg, app)
    assert.equal(s.runtime.servingImage, pinnedOf(world.images.v2.digest))
    assert.equal(s.appSettings.GREETING, 'hello', 'an existing setting is kept')
    assert.equal(s.appSettings.API_KEY, 's3cr3t-v4lue')
    assert.equal(s.appSettings.WEBSITES_PORT, '8080')
    const doc = jsonOf<SlotDoc>(r)
    assert.equal(doc.changes.length, 1, JSON.stringify(doc.changes))
    assert.match(doc.changes[0]!.reason, /image changed; .*set API_KEY/)
    assert.ok(!(r.stdout + r.stderr).includes('s3cr3t-v4lue'), 'a setting value reached the output')
  })
})

describe('azdeploy up --slot', () => {
  test('creates the slot, proves it serves, swaps: production serves the new image, settings carried', async () => {
    const {em} = world
    const {app, rg} = await standardApp('slot')
    em.resetLog()
    const dry = await world.cli([
      'up',
      '--app',
      app,
      '-g',
      rg,
      '--image',
      world.image2,
      '--slot',
      'staging',
      '--dry-run',
    ])
    assertExit(dry, 0)
    assertNoWrites(em, dry)
    assert.match(dry.stdout + dry.stderr, /create web app .*\/staging/, 'the plan names the slot it creates')
    assert.equal(em.site(app, 'staging'), undefined, 'no slot created by --dry-run')
    em.resetLog()
    const r = await world.cli(['up', '--app', app, '-g', rg, '--image', world.image2, '--slot', 'staging', '--json'])
    assertExit(r, 0)
    const doc = jsonOf<SlotDoc>(r)
    const prod = mustSite(em, rg, app)
    assert.equal(prod.runtime.servingImage, pinnedOf(world.images.v2.digest), 'production serves the new image')
    assert.equal(prod.config.linuxFxVersion, pinnedOf(world.images.v2.digest))
    assert.equal(prod.appSettings.GREETING, 'hello', "production's settings survived the swap")
    assert.equal(prod.appSettings.WEBSITES_PORT, '8080')
    assert.equal(prod.appSettings.WEBSITE_SWAP_WARMUP_PING_PATH, '/')
    assert.match(prod.appSettings.WEBSITE_SWAP_WARMUP_PING_STATUSES ?? '', /^200,/)
    const slot = em.site(app, 'staging')
    assert.ok(slot, 'the slot was created')
    assert.equal(slot.runtime.servingImage, pinnedOf(world.images.single.digest), 'the slot holds the old image')
    assert.equal(slot.serverFarmId.toLowerCase(), prod.serverFarmId.toLowerCase(), "on the app's plan")
    const writes = writeLog(em)
    const slotPut = writes.indexOf(`PUT /resourcegroups/${rg}/providers/microsoft.web/sites/${app}/slots/staging`)
    const swap = writes.findIndex((w) => w.endsWith(`/sites/${app}/slots/staging/slotsswap`))
    assert.ok(slotPut >= 0 && swap > slotPut, `slot written, then swapped:\n${requestLog(em)}`)
    assert.ok(
      !writes.some((w) => /\/sites\/[^/]+$/.test(w.split(' ')[1]!) && w.startsWith('P')),
      `production itself is never written:\n${writes.join('\n')}`,
    )
    assert.equal(doc.slot.name, 'staging')
    assert.equal(doc.slot.swapped, true)
    assert.equal(doc.slot.swappedBack, false)
    assert.equal(doc.health, 'serving')
    assert.ok(doc.changes.some((c) => c.action === 'swap'))

    // The same deploy again: production already runs it, nothing is written or swapped.
    em.resetLog()
    const again = await world.cli([
      'up',
      '--app',
      app,
      '-g',
      rg,
      '--image',
      world.image2,
      '--slot',
      'staging',
      '--json',
    ])
    assertExit(again, 0)
    assertNoWrites(em, again)
    assert.equal(jsonOf<SlotDoc>(again).changed, false)
  })

  test('a failing image stays in the slot: production keeps the old image, exit 5, no swap', async () => {
    const {em} = world
    const {app, rg} = await standardApp('slotfail')
    em.setSiteBehavior(`${app}/staging`, {failure: 'exited'})
    em.resetLog()
    const r = await world.cli(['up', '--app', app, '-g', rg, '--image', world.image2, '--slot', 'staging', '--json'])
    assertExit(r, 5)
    const err = jsonOf<ErrorDoc>(r).error
    assert.match(err.message, /Slot 'staging'[\s\S]*Production was not swapped/)
    assert.equal(mustSite(em, rg, app).runtime.servingImage, pinnedOf(world.images.single.digest))
    assert.ok(!writeLog(em).some((w) => w.endsWith('/slotsswap')), 'never swapped')
  })

  test('production that does not answer after the swap is swapped back (exit 5, old image serving)', async () => {
    const {em} = world
    const {app, rg} = await standardApp('slotback')
    // Production's URL answers 500 on /health whatever container serves it; the slot answers 200.
    em.setSiteBehavior(app, {healthPath: '/health', status: 500})
    em.setSiteBehavior(`${app}/staging`, {startDelayMs: 10})
    em.resetLog()
    const r = await world.cli([
      'up',
      '--app',
      app,
      '-g',
      rg,
      '--image',
      world.image2,
      '--slot',
      'staging',
      '--health-path',
      '/health',
      '--timeout',
      '2',
      '--json',
    ])
    assertExit(r, 5)
    assert.match(jsonOf<ErrorDoc>(r).error.message, /swapped back/)
    assert.equal(
      writeLog(em).filter((w) => w.endsWith('/slots/staging/slotsswap')).length,
      2,
      `swapped in, then back:\n${requestLog(em)}`,
    )
    assert.equal(mustSite(em, rg, app).runtime.servingImage, pinnedOf(world.images.single.digest))
    assert.equal(em.site(app, 'staging')?.runtime.servingImage, pinnedOf(world.images.v2.digest))
  })

  test('a Basic plan is refused before any write, naming the slot and the SKU (exit 2)', async () => {
    const {em} = world
    const app = world.name('slotbasic')
    assertExit(await world.cli(upArgs(app, world.image, '--port', '8080')), 0)
    em.resetLog()
    const r = await world.cli(['up', '--app', app, '-g', `rg-${app}`, '--image', world.image2, '--slot', 'staging'])
    assertExit(r, 2)
    assertNoWrites(em, r)
    assert.match(r.stderr, /Slot 'staging' cannot be used: .*SKU B1/)
    assert.match(r.stderr, /Try:.*--sku S1/)
  })

  test('a bad slot name is refused before sign-in, naming it', async () => {
    world.em.resetLog()
    const r = await world.cli(['up', '--app', 'slot-name-app', '--image', world.image, '--slot', 'bad_name!'])
    assertExit(r, 2)
    assert.match(r.stderr, /Slot name 'bad_name!' is not valid/)
    assert.match(r.stderr, /Try: Pass --slot like --slot staging/)
    assert.equal(world.em.requests.length, 0, 'nothing reached ARM')
    const prod = await world.cli(['up', '--app', 'slot-name-app', '--image', world.image, '--slot', 'production'])
    assertExit(prod, 2)
    assert.match(prod.stderr, /Slot name 'production' is not valid/)
  })
})
