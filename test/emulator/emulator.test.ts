import assert from 'node:assert/strict'
import {request} from 'node:https'
import {after, before, describe, test} from 'node:test'
import {WebSiteManagementClient} from '@azure/arm-appservice'
import {AuthorizationManagementClient} from '@azure/arm-authorization'
import {ResourceManagementClient} from '@azure/arm-resources'
import type {TokenCredential} from '@azure/core-auth'
import {type ArmEmulator, startArmEmulator} from './index.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const ACR_PULL = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`
const cred: TokenCredential = {
  getToken: async () => ({token: 'test-arm-token', expiresOnTimestamp: Date.now() + 3600_000}),
}

// HOW TO TRUST THE EMULATOR IN-PROCESS: NODE_EXTRA_CA_CERTS is read only at process start, so pass the CA PEM via
// the pipeline option `tlsOptions: {ca}` (core-rest-pipeline createPipelineFromOptions -> tlsPolicy; works for the
// modular arm-appservice 19 client and the core-client based arm-resources / arm-authorization clients alike).
// `retryOptions: {maxRetries: 0}` keeps failures fast; 429s with Retry-After: 0 are still retried by default.
const clientOptions = (em: ArmEmulator) => ({endpoint: em.url, tlsOptions: {ca: em.ca}, retryOptions: {maxRetries: 0}})

/** GET over TLS trusting the test CA; resolves {status, body}. */
function fetchSite(em: ArmEmulator, host: string, path = '/'): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request(`https://${host}${path}`, {ca: em.ca, agent: false}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => {
        body += c
      })
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Raw ARM call with the default token; resolves {status, body}. */
function armCall(
  em: ArmEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const url = `${em.url}${path}?api-version=2023-01-31`
    const headers = {authorization: 'Bearer test-arm-token', 'content-type': 'application/json'}
    const req = request(url, {method, ca: em.ca, agent: false, headers}, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c) => {
        text += c
      })
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: text}))
    })
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

/** Polls (no fixed sleeps) until fn returns a truthy value, bounded by timeoutMs. */
async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 2000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error('until: timed out')
    await new Promise((r) => setImmediate(r))
  }
}

async function statusOf(p: Promise<unknown>): Promise<{statusCode?: number; code?: string; body?: unknown}> {
  try {
    await p
  } catch (err) {
    const e = err as {statusCode?: number; code?: string; response?: {bodyAsText?: string}}
    const text = e.response?.bodyAsText
    return {statusCode: e.statusCode, code: e.code, body: text ? JSON.parse(text) : undefined}
  }
  throw new Error('expected the call to fail')
}

describe('ARM emulator', () => {
  let em: ArmEmulator
  let web: WebSiteManagementClient
  let rm: ResourceManagementClient

  const planId = (rg: string, plan: string) =>
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${plan}`

  async function createApp(rg: string, app: string, image: string, settings: Record<string, string> = {}) {
    await rm.resourceGroups.createOrUpdate(rg, {location: 'westeurope'})
    await web.appServicePlans.createOrUpdate(rg, 'plan', {
      location: 'westeurope',
      kind: 'linux',
      reserved: true,
      sku: {name: 'B1'},
    })
    return web.webApps.createOrUpdate(rg, app, {
      location: 'westeurope',
      kind: 'app,linux,container',
      serverFarmId: planId(rg, 'plan'),
      reserved: true,
      identity: {type: 'SystemAssigned'},
      siteConfig: {
        linuxFxVersion: `DOCKER|${image}`,
        appSettings: Object.entries(settings).map(([name, value]) => ({name, value})),
      },
    })
  }

  before(async () => {
    em = await startArmEmulator()
    web = new WebSiteManagementClient(cred, SUB, clientOptions(em))
    rm = new ResourceManagementClient(cred, SUB, clientOptions(em))
  })
  after(async () => {
    await em.close()
  })

  test('creates a plan and a site with the real SDK; GET returns the wire shape', async () => {
    const site = await createApp('rg1', 'app1', 'reg.azurecr.io/app:1', {WEBSITES_PORT: '8080'})
    assert.equal(site.name, 'app1')
    assert.match(site.defaultHostName ?? '', /^127\.0\.0\.1:\d+$/)
    assert.ok(site.identity?.principalId)
    assert.equal(site.hostNameSslStates?.find((h) => h.hostType === 'Repository')?.name, site.defaultHostName)
    const plan = await web.appServicePlans.get('rg1', 'plan')
    assert.equal(plan.sku?.tier, 'Basic')
    assert.equal(plan.reserved, true)
    assert.equal(plan.numberOfSites, 1)
    const got = await web.webApps.get('RG1', 'APP1') // names are case-insensitive
    assert.equal(got.siteConfig?.linuxFxVersion, 'DOCKER|reg.azurecr.io/app:1')
    const cfg = await web.webApps.getConfiguration('rg1', 'app1')
    assert.equal(cfg.appSettings, null) // like real ARM: GET config/web never returns app settings
    assert.equal((await web.webApps.listApplicationSettings('rg1', 'app1')).properties?.WEBSITES_PORT, '8080')
    assert.equal((await rm.resourceGroups.get('rg1')).properties?.provisioningState, 'Succeeded')
  })

  test('404s map to ARM error codes', async () => {
    const rg = await statusOf(rm.resourceGroups.get('nope'))
    assert.equal(rg.statusCode, 404)
    assert.equal(rg.code, 'ResourceGroupNotFound')
    await rm.resourceGroups.createOrUpdate('rg404', {location: 'westeurope'})
    const site = await statusOf(web.webApps.get('rg404', 'missing'))
    assert.equal(site.statusCode, 404)
    assert.equal(site.code, 'ResourceNotFound')
    assert.equal((await statusOf(web.appServicePlans.get('rg404', 'missing'))).code, 'ResourceNotFound')
  })

  test('a globally taken name gives the PascalCase 409 body; checkNameAvailability agrees', async () => {
    await rm.resourceGroups.createOrUpdate('rg2', {location: 'westeurope'})
    await web.appServicePlans.createOrUpdate('rg2', 'plan', {location: 'westeurope', reserved: true, sku: {name: 'B1'}})
    let raw = ''
    const err = await statusOf(
      web.webApps.createOrUpdate(
        'rg2',
        'taken-app',
        {location: 'westeurope', serverFarmId: planId('rg2', 'plan')},
        {onResponse: (r) => (raw = r.bodyAsText ?? '')},
      ),
    )
    assert.equal(err.statusCode, 409)
    assert.equal(err.code, undefined) // the SDK loses PascalCase codes (reference §0.5)
    const body = JSON.parse(raw)
    assert.equal(body.Code, 'Conflict')
    assert.equal(body.Message, 'Website with given name taken-app already exists.')
    assert.equal(body.Details[2].ErrorEntity.ExtendedCode, '54001')
    assert.deepEqual(body.Details[2].ErrorEntity.Parameters, ['taken-app'])
    const taken = await web.checkNameAvailability('taken-app', 'Microsoft.Web/sites')
    assert.equal(taken.nameAvailable, false)
    assert.equal(taken.reason, 'AlreadyExists')
    assert.equal((await web.checkNameAvailability('free-name-1', 'Site')).nameAvailable, true)
    const regions = []
    for await (const r of web.listGeoRegions({sku: 'B1', linuxWorkersEnabled: true})) regions.push(r.name)
    assert.ok(regions.includes('West Europe'))
  })

  test('updateApplicationSettings replaces the whole dictionary', async () => {
    await createApp('rg3', 'app3', 'img:1', {A: '1', B: '2'})
    await web.webApps.updateApplicationSettings('rg3', 'app3', {properties: {C: '3'}})
    assert.deepEqual((await web.webApps.listApplicationSettings('rg3', 'app3')).properties, {C: '3'})
    const reads = em.reads()
    await web.webApps.listApplicationSettings('rg3', 'app3')
    assert.equal(em.reads(), reads + 1) // POST .../list counts as a read
  })

  test('image switch: old container serves until the new one starts; docker log lines', async () => {
    em.setSiteBehavior('app4', {startDelayMs: 60_000})
    const site = await createApp('rg4', 'app4', 'img:1', {WEBSITES_PORT: '3000', SECRET: 'hunter2'})
    const host = site.defaultHostName!
    const pre = await fetchSite(em, host)
    assert.equal(pre.status, 503) // nothing started yet
    assert.match(pre.body, /Application Error/)
    em.setSiteBehavior('app4', {startDelayMs: 0})
    await web.webApps.updateConfiguration('rg4', 'app4', {linuxFxVersion: 'DOCKER|img:1', alwaysOn: true})
    await until(async () => (await fetchSite(em, host)).status === 200)
    assert.deepEqual(JSON.parse((await fetchSite(em, host)).body), {image: 'DOCKER|img:1', port: 3000})
    em.setSiteBehavior('app4', {startDelayMs: 60_000})
    await web.webApps.updateConfiguration('rg4', 'app4', {linuxFxVersion: 'DOCKER|img:2'})
    assert.equal(JSON.parse((await fetchSite(em, host)).body).image, 'DOCKER|img:1') // old one still serves
    em.setSiteBehavior('app4', {startDelayMs: 0})
    await web.webApps.restart('rg4', 'app4')
    await until(async () => JSON.parse((await fetchSite(em, host)).body).image === 'DOCKER|img:2')
    const res = await web.webApps.getWebSiteContainerLogs('rg4', 'app4')
    let log = ''
    for await (const c of res.readableStreamBody!) log += c.toString()
    assert.match(log, /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}- Pulling image: img:2$/m)
    assert.match(log, /Pull Image successful, Time taken: 0 Seconds/)
    assert.match(
      log,
      /docker run -d -p 8080:3000 --name app4_0_[0-9a-f]{8} -e WEBSITES_PORT=3000 -e WEBSITE_SITE_NAME=app4/,
    )
    assert.match(
      log,
      /Container app4_0_[0-9a-f]{8} for site app4 initialized successfully and is ready to serve requests\./,
    )
    assert.doesNotMatch(log, /hunter2/)
    // A failing start keeps the old container serving and logs the App Service failure line.
    em.setSiteBehavior('app4', {startDelayMs: 0, neverStarts: true, status: 500})
    await web.webApps.updateConfiguration('rg4', 'app4', {linuxFxVersion: 'DOCKER|img:3'})
    await until(
      () => !em.state.sites.get([...em.state.sites.keys()].find((k) => k.endsWith('/app4'))!)?.runtime.starting,
    )
    const after = await fetchSite(em, host)
    assert.equal(after.status, 500)
    assert.equal(JSON.parse(after.body).image, 'DOCKER|img:2')
    const logs2 = [...em.state.sites.values()].find((s) => s.name === 'app4')!.runtime.logs
    assert.match(
      logs2,
      /ERROR - Container app4_0_[0-9a-f]{8} didn't respond to HTTP pings on port: 3000, failing site start/,
    )
  })

  test('faults: a 429 with Retry-After: 0 is retried by the SDK; a persistent 500 surfaces', async () => {
    const slow = new WebSiteManagementClient(cred, SUB, {endpoint: em.url, tlsOptions: {ca: em.ca}})
    await createApp('rg5', 'app5', 'img:1')
    em.resetLog()
    em.addFault({
      method: 'GET',
      pathIncludes: '/sites/app5',
      status: 429,
      headers: {'Retry-After': '0'},
      body: {error: {code: 'TooManyRequests', message: 'throttled'}},
    })
    assert.equal((await slow.webApps.get('rg5', 'app5')).name, 'app5')
    assert.deepEqual(
      em.requests.map((r) => r.status),
      [429, 200],
    )
    em.addFault({pathRegex: /\/serverfarms\/plan$/i, status: 500, times: Number.POSITIVE_INFINITY})
    try {
      assert.equal((await statusOf(web.appServicePlans.get('rg5', 'plan'))).code, 'InternalServerError')
      assert.equal((await statusOf(web.appServicePlans.get('rg5', 'plan'))).statusCode, 500)
    } finally {
      em.clearFaults()
    }
    const quota = {Code: 'Unauthorized', Message: 'This region has quota of 0 instances for your subscription.'}
    em.addFault({method: 'PUT', pathIncludes: '/serverfarms/', status: 401, body: quota})
    const q = await statusOf(
      web.appServicePlans.createOrUpdate('rg5', 'p2', {location: 'westeurope', sku: {name: 'B1'}}),
    )
    assert.equal(q.statusCode, 401)
    assert.equal((await web.appServicePlans.get('rg5', 'plan')).name, 'plan')
  })

  test('role assignments: 201 new, 200 same, 409 RoleAssignmentExists, 400 PrincipalNotFound', async () => {
    const auth = new AuthorizationManagementClient(cred, SUB, clientOptions(em))
    await rm.resourceGroups.createOrUpdate('rg6', {location: 'westeurope'})
    const reg = em.state.addRegistry({rg: 'rg6', name: 'reg6', loginServer: '127.0.0.1:5000'})
    const scope = reg.id.slice(1)
    const site = await createApp('rg6', 'app6', 'img:1')
    const principalId = site.identity!.principalId!
    const params = {roleDefinitionId: ACR_PULL, principalId}
    const name1 = '11111111-1111-4111-8111-111111111111'
    const a = await auth.roleAssignments.create(scope, name1, params)
    assert.equal(a.principalId, principalId)
    await auth.roleAssignments.create(scope, name1, params)
    assert.deepEqual(
      em.requests.filter((r) => r.path.includes('roleAssignments')).map((r) => r.status),
      [201, 200],
    )
    const dup = await statusOf(auth.roleAssignments.create(scope, '22222222-2222-4222-8222-222222222222', params))
    assert.equal(dup.statusCode, 409)
    assert.equal(dup.code, 'RoleAssignmentExists')
    const other = {roleDefinitionId: ACR_PULL, principalId: '33333333-3333-4333-8333-333333333333'}
    const nf = await statusOf(auth.roleAssignments.create(scope, '44444444-4444-4444-8444-444444444444', other))
    assert.equal(nf.code, 'PrincipalNotFound')
    await auth.roleAssignments.create(scope, '44444444-4444-4444-8444-444444444444', {
      ...other,
      principalType: 'ServicePrincipal',
    })
    const listed = []
    for await (const x of auth.roleAssignments.listForScope(scope, {filter: `principalId eq '${principalId}'`}))
      listed.push(x)
    assert.equal(listed.length, 1)
  })

  test('user-assigned identity: the site echoes principalId/clientId of the emulated identity', async () => {
    await rm.resourceGroups.createOrUpdate('rg9', {location: 'westeurope'})
    const idPath = `/subscriptions/${SUB}/resourceGroups/rg9/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami`
    const created = await armCall(em, 'PUT', idPath, {location: 'westeurope'})
    assert.equal(created.status, 201)
    const uami = JSON.parse(created.body)
    await web.appServicePlans.createOrUpdate('rg9', 'plan', {location: 'westeurope', reserved: true, sku: {name: 'B1'}})
    const site = await web.webApps.createOrUpdate('rg9', 'app9', {
      location: 'westeurope',
      serverFarmId: planId('rg9', 'plan'),
      identity: {type: 'UserAssigned', userAssignedIdentities: {[uami.id]: {}}},
      siteConfig: {acrUseManagedIdentityCreds: true, acrUserManagedIdentityID: uami.properties.clientId},
    })
    assert.equal(site.identity?.userAssignedIdentities?.[uami.id]?.clientId, uami.properties.clientId)
    assert.equal(site.identity?.userAssignedIdentities?.[uami.id]?.principalId, uami.properties.principalId)
    const cfg = await web.webApps.getConfiguration('rg9', 'app9')
    assert.equal(cfg.acrUserManagedIdentityID, uami.properties.clientId)
  })

  test('LRO mode: serverfarm and site PUTs answer 202 + Azure-AsyncOperation and the SDK polls to completion', async () => {
    em.state.lro = true
    try {
      em.resetLog()
      const site = await createApp('rg7', 'app7', 'img:1')
      assert.equal(site.name, 'app7')
      const plan = await web.appServicePlans.get('rg7', 'plan')
      assert.equal(plan.provisioningState, 'Succeeded')
      const statuses = em.requests.map((r) => `${r.method} ${r.status}`)
      assert.equal(statuses.filter((s) => s === 'PUT 202').length, 2)
      assert.ok(em.requests.some((r) => /operationResults/i.test(r.path)))
    } finally {
      em.state.lro = false
    }
  })

  test('requests without the expected bearer token get 401 AuthenticationFailed', async () => {
    const bad: TokenCredential = {getToken: async () => ({token: 'wrong', expiresOnTimestamp: Date.now() + 3600_000})}
    const client = new ResourceManagementClient(bad, SUB, clientOptions(em))
    const e = await statusOf(client.resourceGroups.get('rg1'))
    assert.equal(e.statusCode, 401)
    assert.equal(e.code, 'AuthenticationFailed')
  })

  test('unknown subscription is 404 SubscriptionNotFound; RG delete cascades', async () => {
    const other = new ResourceManagementClient(cred, '99999999-0000-0000-0000-000000000000', clientOptions(em))
    assert.equal((await statusOf(other.resourceGroups.get('rg1'))).code, 'SubscriptionNotFound')
    await createApp('rg8', 'app8', 'img:1')
    await rm.resourceGroups.beginDeleteAndWait('rg8')
    assert.equal([...em.state.sites.values()].filter((s) => s.name === 'app8').length, 0)
    assert.equal((await web.checkNameAvailability('app8', 'Site')).nameAvailable, true)
  })
})

describe('ARM emulator options', () => {
  test('latencyMs delays every response; custom token', async () => {
    const em = await startArmEmulator({latencyMs: 80, token: 'tok'})
    try {
      const c: TokenCredential = {getToken: async () => ({token: 'tok', expiresOnTimestamp: Date.now() + 3600_000})}
      const rm = new ResourceManagementClient(c, SUB, clientOptions(em))
      const t0 = Date.now()
      await rm.resourceGroups.createOrUpdate('lat', {location: 'westeurope'})
      assert.ok(Date.now() - t0 >= 75, `took ${Date.now() - t0} ms`)
      assert.equal(em.writes(), 1)
    } finally {
      await em.close()
    }
  })
})
