// Overlapped recycle and "one restart per deploy": the old container answers until the new one is warm, a new one
// that never gets warm leaves the old one serving, and a single site PUT with image + settings restarts once.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {arm, createSite, fetchApp, planPath, servedImage, sitePath, until} from './emulator-helpers.js'
import {type ArmEmulator, startArmEmulator} from './index.js'

describe('emulator: overlapped recycle and restart counts', () => {
  let em: ArmEmulator
  before(async () => {
    em = await startArmEmulator({startDelayMs: 0})
  })
  after(async () => {
    await em.close()
  })

  test('the old container serves until the new one is warm, then the new one serves', async () => {
    const site = await createSite(em, 'rg-r1', 'r1', {image: 'img:1', settings: {WEBSITES_PORT: '8080'}})
    const host = site.properties.defaultHostName
    await until(async () => (await servedImage(em, host)) === 'DOCKER|img:1')
    assert.equal(em.restarts('r1'), 1)
    // Long enough that a loaded machine still reads the old container before the new one is warm.
    em.setSiteBehavior('r1', {startDelayMs: 3000})
    const t0 = Date.now()
    const w = await arm(em, 'PATCH', `${sitePath('rg-r1', 'r1')}/config/web`, {
      properties: {linuxFxVersion: 'DOCKER|img:2'},
    })
    assert.equal(w.status, 200)
    assert.equal(em.site('r1')?.runtime.starting, true)
    assert.equal(await servedImage(em, host), 'DOCKER|img:1', 'old container still answers while the new one warms')
    await until(async () => (await servedImage(em, host)) === 'DOCKER|img:2', 10_000)
    assert.ok(Date.now() - t0 >= 2900, 'switched only after the start delay')
    assert.equal(em.restarts('r1'), 2)
  })

  test('a new container that never answers its ping leaves the old one serving; the log says why', async () => {
    const site = await createSite(em, 'rg-r2', 'r2', {image: 'img:1', settings: {WEBSITES_PORT: '8080'}})
    const host = site.properties.defaultHostName
    await until(async () => (await servedImage(em, host)) === 'DOCKER|img:1')
    em.setSiteBehavior('r2', {listenPort: 3000}) // the app listens on 3000, the platform pings 8080
    await arm(em, 'PATCH', `${sitePath('rg-r2', 'r2')}/config/web`, {properties: {linuxFxVersion: 'DOCKER|img:2'}})
    await until(() => !em.site('r2')!.runtime.starting)
    assert.equal(await servedImage(em, host), 'DOCKER|img:1')
    const log = (await arm(em, 'POST', `${sitePath('rg-r2', 'r2')}/containerlogs`)).body
    assert.match(log, /Container r2_0_[0-9a-f]{8} didn't respond to HTTP pings on port: 8080, failing site start/)
    assert.match(log, /Stopping site r2 because it failed during startup\./)
    assert.match(em.site('r2')!.runtime.appLogs, /Listening on port 3000/)
    // Fixing the port (WEBSITES_PORT=3000) restarts once more and the new container takes over.
    const put = await arm(em, 'PUT', `${sitePath('rg-r2', 'r2')}/config/appsettings`, {
      properties: {WEBSITES_PORT: '3000'},
    })
    assert.equal(put.status, 200)
    await until(async () => (await servedImage(em, host)) === 'DOCKER|img:2')
    assert.equal(JSON.parse((await fetchApp(em, host)).body).port, 3000)
  })

  test('unauthorizedPulls: the first N starts fail the pull as unauthorized, POST restart retries, then it serves', async () => {
    em.setSiteBehavior('r5', {unauthorizedPulls: 2})
    const site = await createSite(em, 'rg-r5', 'r5', {image: 'img:1', settings: {WEBSITES_PORT: '8080'}})
    const host = site.properties.defaultHostName
    await until(() => !em.site('r5')!.runtime.starting)
    const restart = async () => {
      assert.equal((await arm(em, 'POST', `${sitePath('rg-r5', 'r5')}/restart`)).status, 200)
      await until(() => !em.site('r5')!.runtime.starting)
    }
    await restart()
    assert.equal(em.site('r5')!.runtime.servingImage, '', 'two refused pulls: nothing serves')
    const log = (await arm(em, 'POST', `${sitePath('rg-r5', 'r5')}/containerlogs`)).body
    assert.equal(log.match(/unauthorized: authentication required/g)?.length, 2)
    await restart()
    await until(async () => (await servedImage(em, host)) === 'DOCKER|img:1')
    assert.equal(em.restarts('r5'), 3)
  })

  test('without WEBSITES_PORT the platform finds an app on 8080 (auto-detection of 80 and 8080)', async () => {
    em.setSiteBehavior('r3', {listenPort: 8080})
    const site = await createSite(em, 'rg-r3', 'r3')
    await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:1')
    assert.equal(JSON.parse((await fetchApp(em, site.properties.defaultHostName)).body).port, 8080)
  })

  test('one site PUT with linuxFxVersion + appSettings updates both and restarts once; full-PUT rules', async () => {
    const site = await createSite(em, 'rg-r4', 'r4', {settings: {WEBSITES_PORT: '8080', OLD: 'x'}})
    await arm(em, 'PATCH', `${sitePath('rg-r4', 'r4')}/config/web`, {properties: {alwaysOn: true}})
    await arm(em, 'PATCH', sitePath('rg-r4', 'r4'), {tags: {team: 'a'}})
    const before = em.restarts('r4')
    assert.equal(before, 2) // create + the alwaysOn change
    const body = {
      location: 'westeurope',
      properties: {
        serverFarmId: planPath('rg-r4'),
        siteConfig: {
          linuxFxVersion: 'DOCKER|img:9',
          appSettings: [
            {name: 'WEBSITES_PORT', value: '8080'},
            {name: 'NEW', value: 'y'},
          ],
        },
      },
    }
    const r = await arm(em, 'PUT', sitePath('rg-r4', 'r4'), body)
    assert.equal(r.status, 200)
    assert.equal(em.restarts('r4'), before + 1, 'exactly one restart for image + settings')
    const cfg = JSON.parse((await arm(em, 'GET', `${sitePath('rg-r4', 'r4')}/config/web`)).body).properties
    assert.equal(cfg.linuxFxVersion, 'DOCKER|img:9')
    assert.equal(cfg.alwaysOn, true, 'siteConfig fields the PUT leaves out keep their values')
    const settings = JSON.parse((await arm(em, 'POST', `${sitePath('rg-r4', 'r4')}/config/appsettings/list`)).body)
    assert.deepEqual(settings.properties, {WEBSITES_PORT: '8080', NEW: 'y'}, 'siteConfig.appSettings replaces all')
    assert.deepEqual(JSON.parse(r.body).tags, {team: 'a'}, 'tags left out stay')
    await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:9')
    // The same PUT again changes nothing and restarts nothing; a PUT without siteConfig keeps the settings.
    await arm(em, 'PUT', sitePath('rg-r4', 'r4'), body)
    await arm(em, 'PUT', sitePath('rg-r4', 'r4'), {location: 'westeurope', properties: {}})
    assert.equal(em.restarts('r4'), before + 1)
    const kept = JSON.parse((await arm(em, 'POST', `${sitePath('rg-r4', 'r4')}/config/appsettings/list`)).body)
    assert.equal(kept.properties.NEW, 'y')
    // POST restart counts too.
    await arm(em, 'POST', `${sitePath('rg-r4', 'r4')}/restart`)
    assert.equal(em.restarts('r4'), before + 2)
  })

  test('one site PATCH (and slot PATCH) with image + full settings restarts once; tags are kept when absent', async () => {
    const site = await createSite(em, 'rg-r7', 'r7', {sku: 'S1', settings: {KEEP: 'k', OLD: 'o'}})
    await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:1')
    await arm(em, 'PATCH', sitePath('rg-r7', 'r7'), {tags: {release: 'r1'}})
    const before = em.restarts('r7')
    const settings = [
      {name: 'KEEP', value: 'k'},
      {name: 'NEW', value: 'n'},
    ]
    const w = await arm(em, 'PATCH', sitePath('rg-r7', 'r7'), {
      properties: {httpsOnly: true, siteConfig: {linuxFxVersion: 'DOCKER|img:2', appSettings: settings}},
    })
    assert.equal(w.status, 200)
    assert.equal(em.restarts('r7'), before + 1, 'exactly one restart for image + settings')
    const s = em.site('r7')!
    assert.deepEqual(s.appSettings, {KEEP: 'k', NEW: 'n'}, 'appSettings replace the dictionary')
    assert.equal(s.config.linuxFxVersion, 'DOCKER|img:2')
    assert.equal(s.httpsOnly, true)
    assert.deepEqual(s.tags, {release: 'r1'}, 'a PATCH without tags keeps them')
    await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:2')
    // The same PATCH again changes nothing and restarts nothing; one without siteConfig keeps the settings.
    await arm(em, 'PATCH', sitePath('rg-r7', 'r7'), {
      properties: {siteConfig: {linuxFxVersion: 'DOCKER|img:2', appSettings: settings}},
    })
    await arm(em, 'PATCH', sitePath('rg-r7', 'r7'), {properties: {httpsOnly: true}})
    assert.equal(em.restarts('r7'), before + 1)
    assert.deepEqual(em.site('r7')!.appSettings, {KEEP: 'k', NEW: 'n'})

    // A slot PATCH (updateSlot) follows the same rules on the slot alone.
    const slot = await arm(em, 'PUT', `${sitePath('rg-r7', 'r7')}/slots/blue`, {location: 'westeurope', properties: {}})
    assert.ok(slot.status === 200 || slot.status === 201, slot.body)
    const p = await arm(em, 'PATCH', `${sitePath('rg-r7', 'r7')}/slots/blue`, {
      properties: {siteConfig: {linuxFxVersion: 'DOCKER|img:3', appSettings: [{name: 'S', value: '1'}]}},
    })
    assert.equal(p.status, 200)
    assert.equal(em.restarts('r7', 'blue'), 1)
    assert.deepEqual(em.site('r7', 'blue')!.appSettings, {S: '1'})
    assert.equal(em.site('r7')!.config.linuxFxVersion, 'DOCKER|img:2', 'production untouched')
  })
})
