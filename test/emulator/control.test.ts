// The /_emulator control endpoints, state shared by every client (two "machines"), and the latency option.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {WebSiteManagementClient} from '@azure/arm-appservice'
import {
  arm,
  clientOptions,
  createSite,
  cred,
  fetchApp,
  https,
  SUB,
  servedImage,
  sitePath,
  until,
} from './emulator-helpers.js'
import {type ArmEmulator, startArmEmulator} from './index.js'

async function withEmulator(opts: Parameters<typeof startArmEmulator>[0], fn: (em: ArmEmulator) => Promise<void>) {
  const em = await startArmEmulator(opts)
  try {
    await fn(em)
  } finally {
    await em.close()
  }
}

describe('emulator: control endpoints, shared state, latency', () => {
  test('GET /_emulator/sites[/app[/slots/s]], PUT .../behavior, PUT /_emulator/settings; not logged, token needed', async () => {
    await withEmulator({startDelayMs: 0}, async (em) => {
      await createSite(em, 'rg-c1', 'c1', {sku: 'S1'})
      await until(() => em.site('c1')!.runtime.servingImage)
      em.resetLog()
      const one = await arm(em, 'GET', '/_emulator/sites/c1')
      assert.equal(one.status, 200)
      const info = JSON.parse(one.body)
      assert.equal(info.restarts, 1)
      assert.equal(info.servingImage, 'DOCKER|img:1')
      assert.equal(info.slot, null)
      assert.match(info.host, /^127\.0\.0\.1:\d+$/)
      const b = await arm(em, 'PUT', '/_emulator/sites/c1/behavior', {failure: 'exited', logFormat: 'platform'})
      assert.equal(b.status, 200)
      await arm(em, 'POST', `${sitePath('rg-c1', 'c1')}/restart`)
      await until(() => !em.site('c1')!.runtime.starting)
      assert.match(em.site('c1')!.runtime.logs, /\.\d{7}Z Site container: c1 terminated during site startup\./)
      assert.equal(JSON.parse((await arm(em, 'GET', '/_emulator/sites/c1')).body).restarts, 2)
      await arm(em, 'PUT', `${sitePath('rg-c1', 'c1')}/slots/blue`, {
        location: 'westeurope',
        properties: {siteConfig: {linuxFxVersion: 'DOCKER|img:b'}},
      })
      assert.equal(JSON.parse((await arm(em, 'GET', '/_emulator/sites/c1/slots/blue')).body).slot, 'blue')
      assert.equal(JSON.parse((await arm(em, 'GET', '/_emulator/sites')).body).value.length, 2)
      assert.equal((await arm(em, 'GET', '/_emulator/sites/nope')).status, 404)
      const s = await arm(em, 'PUT', '/_emulator/settings', {latencyMs: 5, lro: true, containerLogTailLines: 3})
      assert.deepEqual(
        {...JSON.parse(s.body), defaultSiteBehavior: undefined},
        {latencyMs: 5, lro: true, containerLogTailLines: 3, defaultSiteBehavior: undefined},
      )
      assert.equal(em.state.lro, true)
      assert.equal(em.requests.filter((r) => r.path.startsWith('/_emulator')).length, 0, 'control calls are not logged')
      const anon = await https(`${em.url}/_emulator/sites`, em.ca)
      assert.equal(anon.status, 401)
    })
  })

  test('two clients (two HOMEs / machines) see and change one shared state', async () => {
    await withEmulator({startDelayMs: 0}, async (em) => {
      const a = new WebSiteManagementClient(cred, SUB, {
        ...clientOptions(em),
        userAgentOptions: {userAgentPrefix: 'machine-a'},
      })
      const b = new WebSiteManagementClient(cred, SUB, {
        ...clientOptions(em),
        userAgentOptions: {userAgentPrefix: 'machine-b'},
      })
      const site = await createSite(em, 'rg-c2', 'c2', {settings: {WEBSITES_PORT: '8080'}})
      await a.webApps.updateConfiguration('rg-c2', 'c2', {linuxFxVersion: 'DOCKER|img:a'})
      assert.equal((await b.webApps.getConfiguration('rg-c2', 'c2')).linuxFxVersion, 'DOCKER|img:a')
      await b.webApps.updateApplicationSettings('rg-c2', 'c2', {properties: {WEBSITES_PORT: '8080', BY: 'b'}})
      assert.equal((await a.webApps.listApplicationSettings('rg-c2', 'c2')).properties?.BY, 'b')
      await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:a')
      assert.equal(em.restarts('c2'), 3, 'create + a + b, whoever wrote')
    })
  })

  test('latency: every ARM response waits N ms, the app URL answers at once, a 0 ms start is ready at once', async () => {
    process.env.AZDEPLOY_EMULATOR_LATENCY_MS = '120'
    const em = await startArmEmulator({startDelayMs: 0}).finally(() => {
      delete process.env.AZDEPLOY_EMULATOR_LATENCY_MS
    })
    try {
      const t0 = Date.now()
      const site = await createSite(em, 'rg-lat', 'lat')
      assert.ok(Date.now() - t0 >= 3 * 115, `3 ARM calls took ${Date.now() - t0} ms`)
      // By the time the PUT answered, the 0 ms container already serves.
      assert.equal(em.site('lat')!.runtime.servingImage, 'DOCKER|img:1')
      const t1 = Date.now()
      const r = await fetchApp(em, site.properties.defaultHostName)
      assert.equal(r.status, 200)
      assert.ok(Date.now() - t1 < 100, `app URL took ${Date.now() - t1} ms`)
      em.setLatency(0)
      const t2 = Date.now()
      await arm(em, 'GET', sitePath('rg-lat', 'lat'))
      assert.ok(Date.now() - t2 < 100, 'setLatency(0) applies from now on')
    } finally {
      await em.close()
    }
  })
})
