// Deployment slots: CRUD with the real SDK, plan SKU gating, the slot's own host/identity/config/settings/logs,
// sticky settings, and the swap LROs (success; failed warm-up leaves production untouched).
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {WebSiteManagementClient} from '@azure/arm-appservice'
import {
  arm,
  clientOptions,
  createSite,
  cred,
  https,
  planPath,
  SUB,
  servedImage,
  sitePath,
  until,
} from './emulator-helpers.js'
import {type ArmEmulator, startArmEmulator} from './index.js'

const slotBody = (rg: string, image: string, settings: Record<string, string> = {}) => ({
  location: 'westeurope',
  kind: 'app,linux,container',
  identity: {type: 'SystemAssigned' as const},
  serverFarmId: planPath(rg),
  reserved: true,
  siteConfig: {
    linuxFxVersion: `DOCKER|${image}`,
    appSettings: Object.entries(settings).map(([name, value]) => ({name, value})),
  },
})

/** Polls an Azure-AsyncOperation URL (raw) until it is no longer InProgress. */
async function operationStatus(em: ArmEmulator, url: string): Promise<{status: string; error?: {message: string}}> {
  const path = new URL(url).pathname
  return until(async () => {
    const r = JSON.parse((await arm(em, 'GET', path)).body)
    return r.status === 'InProgress' ? undefined : r
  })
}

describe('emulator: deployment slots', () => {
  let em: ArmEmulator
  let web: WebSiteManagementClient
  before(async () => {
    em = await startArmEmulator({startDelayMs: 0})
    web = new WebSiteManagementClient(cred, SUB, clientOptions(em))
  })
  after(async () => {
    await em.close()
  })

  test('slots need Standard or higher: on Basic the PUT is the PascalCase 409', async () => {
    await createSite(em, 'rg-sb', 'sb', {sku: 'B1'})
    const r = await arm(em, 'PUT', `${sitePath('rg-sb', 'sb')}/slots/staging`, {location: 'westeurope', properties: {}})
    assert.equal(r.status, 409)
    const body = JSON.parse(r.body)
    assert.equal(body.Code, 'Conflict')
    assert.equal(
      body.Message,
      "Cannot complete the operation because the site will exceed the number of slots allowed for the 'Basic' SKU.",
    )
    assert.deepEqual(body.Details[2].ErrorEntity.Parameters, ['Basic'])
    assert.equal(em.site('sb', 'staging'), undefined)
  })

  test('a slot is its own site: host, identity, config, settings, logs; GET/list/DELETE', async () => {
    const prod = await createSite(em, 'rg-s1', 's1', {sku: 'S1', image: 'img:1'})
    const slot = await web.webApps.createOrUpdateSlot(
      'rg-s1',
      's1',
      'staging',
      slotBody('rg-s1', 'img:2', {WEBSITES_PORT: '8080'}),
      {updateIntervalInMs: 5},
    )
    assert.equal(slot.name, 's1/staging')
    assert.equal(slot.type, 'Microsoft.Web/sites/slots')
    assert.notEqual(slot.defaultHostName, prod.properties.defaultHostName)
    assert.ok(slot.identity?.principalId)
    assert.notEqual(slot.identity?.principalId, prod.identity?.principalId, 'each slot has its own identity')
    await until(async () => (await servedImage(em, slot.defaultHostName!)) === 'DOCKER|img:2')
    assert.equal(await servedImage(em, prod.properties.defaultHostName), 'DOCKER|img:1')
    assert.equal((await web.webApps.getConfigurationSlot('rg-s1', 's1', 'staging')).linuxFxVersion, 'DOCKER|img:2')
    await web.webApps.updateApplicationSettingsSlot('rg-s1', 's1', 'staging', {
      properties: {WEBSITES_PORT: '8080', A: '1'},
    })
    const listed = await web.webApps.listApplicationSettingsSlot('rg-s1', 's1', 'staging')
    assert.deepEqual(listed.properties, {WEBSITES_PORT: '8080', A: '1'})
    assert.deepEqual((await web.webApps.listApplicationSettings('rg-s1', 's1')).properties, {})
    assert.equal(em.restarts('s1', 'staging'), 2)
    const logs = await arm(em, 'POST', `${sitePath('rg-s1', 's1')}/slots/staging/containerlogs`)
    assert.match(logs.body, /for site s1__staging initialized successfully/)
    const kudu = await https(`https://${slot.defaultHostName}/api/logs/docker`, em.ca, {
      headers: {authorization: 'Bearer test-arm-token'},
    })
    assert.equal(kudu.status, 200, 'the slot has its own SCM endpoint')
    assert.match(JSON.parse(kudu.body)[0].href, /_docker\.log$/)
    const names = []
    for await (const s of web.webApps.listSlots('rg-s1', 's1')) names.push(s.name)
    assert.deepEqual(names, ['s1/staging'])
    assert.equal((await web.webApps.getSlot('rg-s1', 's1', 'staging')).defaultHostName, slot.defaultHostName)
    await web.webApps.deleteSlot('rg-s1', 's1', 'staging')
    const gone = await arm(em, 'GET', `${sitePath('rg-s1', 's1')}/slots/staging`)
    assert.equal(gone.status, 404)
    assert.equal(JSON.parse(gone.body).error.code, 'ResourceNotFound')
  })

  test('swapSlotWithProduction: warm-up, then containers/config trade places; sticky settings stay', async () => {
    const prod = await createSite(em, 'rg-s2', 's2', {
      sku: 'S1',
      image: 'img:1',
      settings: {WEBSITES_PORT: '8080', ENV: 'prod', SHARED: 'v1'},
    })
    const slot = await web.webApps.createOrUpdateSlot(
      'rg-s2',
      's2',
      'staging',
      slotBody('rg-s2', 'img:2', {WEBSITES_PORT: '8080', ENV: 'staging', SHARED: 'v2'}),
    )
    await web.webApps.updateSlotConfigurationNames('rg-s2', 's2', {appSettingNames: ['ENV']})
    await web.webApps.updateConfiguration('rg-s2', 's2', {alwaysOn: true})
    assert.deepEqual((await web.webApps.listSlotConfigurationNames('rg-s2', 's2')).appSettingNames, ['ENV'])
    const prodHost = prod.properties.defaultHostName
    await until(async () => (await servedImage(em, slot.defaultHostName!)) === 'DOCKER|img:2')
    await until(async () => (await servedImage(em, prodHost)) === 'DOCKER|img:1')
    const slotRestarts = em.restarts('s2', 'staging')
    const prodRestarts = em.restarts('s2')
    const r = await arm(em, 'POST', `${sitePath('rg-s2', 's2')}/slotsswap`, {targetSlot: 'staging', preserveVnet: true})
    assert.equal(r.status, 202)
    const op = String(r.headers['azure-asyncoperation'])
    assert.match(op, /operationResults\//)
    assert.equal((await operationStatus(em, op)).status, 'Succeeded')
    assert.equal(await servedImage(em, prodHost), 'DOCKER|img:2', 'production now serves the staged container')
    assert.equal(await servedImage(em, slot.defaultHostName!), 'DOCKER|img:1')
    assert.equal(em.restarts('s2', 'staging'), slotRestarts + 1, 'the source was warmed up once')
    assert.equal(em.restarts('s2'), prodRestarts, 'production itself was not restarted')
    const prodConfig = await web.webApps.getConfiguration('rg-s2', 's2')
    assert.equal(prodConfig.linuxFxVersion, 'DOCKER|img:2')
    assert.equal(prodConfig.alwaysOn, true, 'Always On stays with its slot')
    assert.equal((await web.webApps.getConfigurationSlot('rg-s2', 's2', 'staging')).alwaysOn, false)
    const prodSettings = (await web.webApps.listApplicationSettings('rg-s2', 's2')).properties
    assert.deepEqual(prodSettings, {WEBSITES_PORT: '8080', ENV: 'prod', SHARED: 'v2'}, 'ENV is sticky')
    const slotSettings = (await web.webApps.listApplicationSettingsSlot('rg-s2', 's2', 'staging')).properties
    assert.deepEqual(slotSettings, {WEBSITES_PORT: '8080', ENV: 'staging', SHARED: 'v1'})
    // The SDK's swapSlot (slot → production) drives the same LRO to completion, swapping back.
    await web.webApps.swapSlot(
      'rg-s2',
      's2',
      'staging',
      {targetSlot: 'production', preserveVnet: true},
      {
        updateIntervalInMs: 5,
      },
    )
    assert.equal(await servedImage(em, prodHost), 'DOCKER|img:1')
  })

  test('a swap whose source fails to warm up fails and leaves production untouched', async () => {
    const prod = await createSite(em, 'rg-s3', 's3', {sku: 'P1v3', image: 'img:1', settings: {WEBSITES_PORT: '8080'}})
    await web.webApps.createOrUpdateSlot('rg-s3', 's3', 'staging', slotBody('rg-s3', 'img:2', {WEBSITES_PORT: '8080'}))
    await until(() => em.site('s3', 'staging')!.runtime.servingImage === 'DOCKER|img:2')
    await until(async () => (await servedImage(em, prod.properties.defaultHostName)) === 'DOCKER|img:1')
    em.setSiteBehavior('s3/staging', {failure: 'exited'})
    const r = await arm(em, 'POST', `${sitePath('rg-s3', 's3')}/slots/staging/slotsswap`, {
      targetSlot: 'production',
      preserveVnet: true,
    })
    assert.equal(r.status, 202)
    const op = await operationStatus(em, String(r.headers['azure-asyncoperation']))
    assert.equal(op.status, 'Failed')
    assert.match(op.error!.message, /the 'staging' slot did not respond to http ping/)
    assert.equal(await servedImage(em, prod.properties.defaultHostName), 'DOCKER|img:1', 'production untouched')
    assert.equal((await web.webApps.getConfiguration('rg-s3', 's3')).linuxFxVersion, 'DOCKER|img:1')
    assert.match(em.site('s3', 'staging')!.runtime.logs, /for site s3__staging has exited, failing site start/)
    await assert.rejects(
      web.webApps.swapSlotWithProduction(
        'rg-s3',
        's3',
        {targetSlot: 'staging', preserveVnet: true},
        {
          updateIntervalInMs: 5,
        },
      ),
      /did not respond to http ping/,
    )
  })
})
