// The App Service adapter against nock: the path, api-version and body of each ARM call it makes, a long-running
// PUT answered 202 + Azure-AsyncOperation, retries of 429 (Retry-After) and 5xx, and the translation of ARM error
// bodies (PascalCase Microsoft.Web included) into azdeploy errors.
import assert from 'node:assert/strict'
import {afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {createAppServiceAdapter} from '../../src/adapters/azure/app-service.js'
import type {AzdeployError} from '../../src/core/errors.js'

const ARM = 'https://management.azure.com'
const SUB = '00000000-0000-0000-0000-000000000001'
const RG = `/subscriptions/${SUB}/resourceGroups/rg`
const WEB = `${RG}/providers/Microsoft.Web`
const API = {'api-version': '2025-05-01'}
const credential = {getToken: async () => ({token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000})}

function adapter(env: Record<string, string> = {}) {
  return createAppServiceAdapter({
    credential,
    subscriptionId: SUB,
    target: {armEndpoint: ARM, armScope: `${ARM}/.default`},
    debug: () => {},
    env: {AZDEPLOY_RETRY_DELAY_MS: '1', AZDEPLOY_MAX_RETRY_DELAY_MS: '5', ...env},
    signal: new AbortController().signal,
    pollIntervalMs: 1,
  })
}

const code = (c: string, exit?: number) => (e: AzdeployError) =>
  e.code === c && (exit === undefined || e.exitCode === exit)

before(() => nock.disableNetConnect())
afterEach(() => {
  const pending = nock.pendingMocks()
  nock.cleanAll()
  assert.deepEqual(pending, [], 'every mocked ARM call was made')
})

describe('App Service adapter: call shapes', () => {
  it('maps a slot to the SDK slot methods: reads, the settings PUT and the container log', async () => {
    const slot = {resourceGroup: 'rg', site: 'api', slot: 'staging'}
    nock(ARM)
      .get(`${WEB}/sites/api/slots/staging`)
      .query(API)
      .reply(200, {
        id: `${WEB}/sites/api/slots/staging`,
        name: 'api/staging',
        kind: 'app,linux,container',
        location: 'West Europe',
        properties: {serverFarmId: `${WEB}/serverfarms/api-plan`, defaultHostName: 'api-staging.azurewebsites.net'},
      })
      .get(`${WEB}/sites/api/slots/staging/config/web`)
      .query(API)
      .reply(200, {properties: {linuxFxVersion: 'DOCKER|x'}})
      .put(`${WEB}/sites/api/slots/staging/config/appsettings`, {properties: {A: '1'}})
      .query(API)
      .reply(200, {properties: {A: '1'}})
      .post(`${WEB}/sites/api/slots/staging/containerlogs`)
      .query(API)
      .reply(204)
    const a = adapter()
    const site = await a.getSite(slot)
    assert.equal(site?.defaultHostName, 'api-staging.azurewebsites.net')
    assert.equal((await a.getSiteConfig(slot))?.linuxFxVersion, 'DOCKER|x')
    await a.putAppSettings(slot, {A: '1'})
    assert.equal(await a.getContainerLog(slot), '')
  })

  it('restartSite posts …/restart, for a slot …/slots/{slot}/restart', async () => {
    nock(ARM)
      .post(`${WEB}/sites/api/restart`)
      .query(API)
      .reply(200)
      .post(`${WEB}/sites/api/slots/staging/restart`)
      .query(API)
      .reply(200)
    const a = adapter()
    await a.restartSite({resourceGroup: 'rg', site: 'api'})
    await a.restartSite({resourceGroup: 'rg', site: 'api', slot: 'staging'})
  })

  it('reads site, config, settings and plan; a 404 is "absent"', async () => {
    nock(ARM, {reqheaders: {authorization: 'Bearer test-token'}})
      .get(`${WEB}/sites/api`)
      .query(API)
      .reply(200, {
        id: `${WEB}/sites/api`,
        name: 'api',
        kind: 'app,linux,container',
        location: 'West Europe',
        properties: {
          serverFarmId: `${WEB}/serverfarms/api-plan`,
          httpsOnly: true,
          state: 'Running',
          defaultHostName: 'api-abc.westeurope-01.azurewebsites.net',
          hostNameSslStates: [{name: 'api-abc.scm.westeurope-01.azurewebsites.net', hostType: 'Repository'}],
        },
      })
      .get(`${WEB}/sites/api/config/web`)
      .query(API)
      .reply(200, {properties: {linuxFxVersion: 'DOCKER|x@sha256:1', minTlsVersion: '1.2', appSettings: null}})
      .post(`${WEB}/sites/api/config/appsettings/list`)
      .query(API)
      .reply(200, {properties: {WEBSITES_PORT: '8080'}})
      .get(`${WEB}/serverfarms/api-plan`)
      .query(API)
      .reply(404, {error: {code: 'NotFound', message: 'Server farm not found'}})
    const a = adapter()
    const [site, config, settings, plan] = await Promise.all([
      a.getSite({resourceGroup: 'rg', site: 'api'}),
      a.getSiteConfig({resourceGroup: 'rg', site: 'api'}),
      a.listAppSettings({resourceGroup: 'rg', site: 'api'}),
      a.getPlan({resourceGroup: 'rg', name: 'api-plan'}),
    ])
    assert.equal(site?.defaultHostName, 'api-abc.westeurope-01.azurewebsites.net')
    assert.equal(site?.scmHostName, 'api-abc.scm.westeurope-01.azurewebsites.net')
    assert.equal(site?.httpsOnly, true)
    assert.deepEqual(config, {linuxFxVersion: 'DOCKER|x@sha256:1', minTlsVersion: '1.2'})
    assert.deepEqual(settings, {WEBSITES_PORT: '8080'})
    assert.equal(plan, null)
  })

  it('never takes a custom domain containing .scm. as the SCM host (it would get the token)', async () => {
    const props = (enabledHostNames: string[]) => ({
      id: `${WEB}/sites/api`,
      name: 'api',
      properties: {serverFarmId: `${WEB}/serverfarms/p`, defaultHostName: 'api.azurewebsites.net', enabledHostNames},
    })
    nock(ARM)
      .get(`${WEB}/sites/api`)
      .query(API)
      .reply(200, props(['api.azurewebsites.net', 'api.scm.contoso.com']))
      .get(`${WEB}/sites/api`)
      .query(API)
      .reply(200, props(['api.scm.contoso.com', 'api.scm.azurewebsites.net']))
    const a = createAppServiceAdapter({
      credential,
      subscriptionId: SUB,
      target: {armEndpoint: ARM, armScope: `${ARM}/.default`, appServiceDomain: 'azurewebsites.net'},
      debug: () => {},
      env: {},
      signal: new AbortController().signal,
    })
    assert.equal((await a.getSite({resourceGroup: 'rg', site: 'api'}))?.scmHostName, undefined)
    assert.equal((await a.getSite({resourceGroup: 'rg', site: 'api'}))?.scmHostName, 'api.scm.azurewebsites.net')
  })

  it('creates a Linux plan with a 202 + Azure-AsyncOperation poll and the final GET', async () => {
    const op = `${ARM}/subscriptions/${SUB}/providers/Microsoft.Web/locations/westeurope/operations/op1`
    nock(ARM)
      .put(`${WEB}/serverfarms/api-plan`, (body) => {
        assert.deepEqual(body, {
          location: 'westeurope',
          kind: 'linux',
          tags: {'managed-by': 'azdeploy'},
          sku: {name: 'B1', tier: 'Basic', capacity: 2},
          properties: {reserved: true},
        })
        return true
      })
      .query(API)
      .reply(202, '', {'azure-asyncoperation': `${op}?api-version=2025-05-01`})
      .get('/subscriptions/' + SUB + '/providers/Microsoft.Web/locations/westeurope/operations/op1')
      .query(true)
      .reply(200, {status: 'InProgress'})
      .get('/subscriptions/' + SUB + '/providers/Microsoft.Web/locations/westeurope/operations/op1')
      .query(true)
      .reply(200, {status: 'Succeeded'})
      .get(`${WEB}/serverfarms/api-plan`)
      .query(API)
      .reply(200, {
        id: `${WEB}/serverfarms/api-plan`,
        name: 'api-plan',
        location: 'West Europe',
        sku: {name: 'B1', tier: 'Basic', capacity: 2},
        tags: {'managed-by': 'azdeploy'},
        properties: {reserved: true, provisioningState: 'Succeeded'},
      })
    const plan = await adapter().putPlan(
      {resourceGroup: 'rg', name: 'api-plan'},
      {
        location: 'westeurope',
        sku: 'B1',
        tier: 'Basic',
        capacity: 2,
        tags: {'managed-by': 'azdeploy'},
      },
    )
    assert.deepEqual(plan, {
      id: `${WEB}/serverfarms/api-plan`,
      name: 'api-plan',
      location: 'West Europe',
      sku: 'B1',
      tier: 'Basic',
      capacity: 2,
      linux: true,
      tags: {'managed-by': 'azdeploy'},
    })
  })

  it('creates the site in one PUT carrying image, settings, identity and hardening', async () => {
    nock(ARM)
      .put(`${WEB}/sites/api`, (body) => {
        assert.equal(body.kind, 'app,linux,container')
        assert.deepEqual(body.identity, {type: 'UserAssigned', userAssignedIdentities: {'/ids/api-acrpull': {}}})
        assert.equal(body.properties.reserved, true)
        assert.equal(body.properties.httpsOnly, true)
        const sc = body.properties.siteConfig
        assert.equal(sc.linuxFxVersion, 'DOCKER|reg.azurecr.io/api@sha256:abc')
        assert.equal(sc.acrUseManagedIdentityCreds, true)
        assert.equal(sc.acrUserManagedIdentityID, 'client-id')
        assert.equal(sc.minTlsVersion, '1.2')
        assert.equal(sc.ftpsState, 'Disabled')
        assert.deepEqual(sc.appSettings, [{name: 'WEBSITES_PORT', value: '8080'}])
        return true
      })
      .query(API)
      .reply(200, {
        id: `${WEB}/sites/api`,
        name: 'api',
        location: 'westeurope',
        kind: 'app,linux,container',
        properties: {defaultHostName: 'api.azurewebsites.net'},
      })
    const site = await adapter().createSite(
      {resourceGroup: 'rg', site: 'api'},
      {
        location: 'westeurope',
        planId: `${WEB}/serverfarms/api-plan`,
        siteConfig: {
          linuxFxVersion: 'DOCKER|reg.azurecr.io/api@sha256:abc',
          acrUseManagedIdentityCreds: true,
          acrUserManagedIdentityID: 'client-id',
          minTlsVersion: '1.2',
          ftpsState: 'Disabled',
        },
        settings: {WEBSITES_PORT: '8080'},
        identityId: '/ids/api-acrpull',
        tags: {},
      },
    )
    assert.equal(site.defaultHostName, 'api.azurewebsites.net')
  })

  it('updates only what changed: PATCH config/web and PUT the whole settings dictionary', async () => {
    nock(ARM)
      .patch(`${WEB}/sites/api/config/web`, {properties: {linuxFxVersion: 'DOCKER|r/a@sha256:2'}})
      .query(API)
      .reply(200, {properties: {}})
      .put(`${WEB}/sites/api/config/appsettings`, {properties: {KEEP: 'me', WEBSITES_PORT: '3000'}})
      .query(API)
      .reply(200, {properties: {}})
    const a = adapter()
    await a.patchSiteConfig({resourceGroup: 'rg', site: 'api'}, {linuxFxVersion: 'DOCKER|r/a@sha256:2'})
    await a.putAppSettings({resourceGroup: 'rg', site: 'api'}, {KEEP: 'me', WEBSITES_PORT: '3000'})
  })

  it('an update is ONE site PATCH: site properties, changed siteConfig and the full settings list, no tags', async () => {
    let body: Record<string, unknown> | undefined
    nock(ARM)
      .patch(`${WEB}/sites/api/slots/staging`, (b) => {
        body = b
        return true
      })
      .query(API)
      .reply(200, {name: 'api/staging', properties: {}})
    await adapter().patchSite(
      {resourceGroup: 'rg', site: 'api', slot: 'staging'},
      {
        httpsOnly: true,
        identity: {type: 'UserAssigned', userAssignedIdentityIds: ['/ids/pull']},
        siteConfig: {linuxFxVersion: 'DOCKER|r/a@sha256:2', acrUserManagedIdentityID: 'cid'},
        appSettings: {KEEP: 'me', WEBSITES_PORT: '3000'},
      },
    )
    assert.deepEqual(body, {
      properties: {
        httpsOnly: true,
        siteConfig: {
          linuxFxVersion: 'DOCKER|r/a@sha256:2',
          acrUserManagedIdentityID: 'cid',
          appSettings: [
            {name: 'KEEP', value: 'me'},
            {name: 'WEBSITES_PORT', value: '3000'},
          ],
        },
      },
      identity: {type: 'UserAssigned', userAssignedIdentities: {'/ids/pull': {}}},
    })
  })

  it('swaps a slot into production: POST slots/{slot}/slotsswap {targetSlot: production}, polled to the end', async () => {
    nock(ARM)
      .post(`${WEB}/sites/api/slots/staging/slotsswap`, {targetSlot: 'production', preserveVnet: true})
      .query(API)
      .reply(202, '', {'Azure-AsyncOperation': `${ARM}/op/1?api-version=2025-05-01`})
      .get('/op/1')
      .query(true)
      .reply(200, {status: 'Succeeded'})
    await adapter().swapSlot({resourceGroup: 'rg', site: 'api'}, 'staging')
  })

  it('checks global name availability with the Microsoft.Web/sites type', async () => {
    nock(ARM)
      .post(`/subscriptions/${SUB}/providers/Microsoft.Web/checknameavailability`, {
        name: 'api',
        type: 'Microsoft.Web/sites',
      })
      .query(API)
      .reply(200, {nameAvailable: false, reason: 'AlreadyExists', message: 'Hostname api already exists.'})
    assert.deepEqual(await adapter().checkNameAvailability('api'), {
      available: false,
      message: 'Hostname api already exists.',
    })
  })
})

describe('App Service adapter: retries and errors', () => {
  it('retries a 429 after its Retry-After, then succeeds', async () => {
    nock(ARM)
      .get(`${WEB}/sites/api`)
      .query(API)
      .reply(429, {error: {code: 'TooManyRequests', message: 'throttled'}}, {'Retry-After': '0'})
      .get(`${WEB}/sites/api`)
      .query(API)
      .reply(200, {id: 'x', name: 'api', location: 'westeurope', kind: 'app,linux', properties: {}})
    assert.equal((await adapter().getSite({resourceGroup: 'rg', site: 'api'}))?.name, 'api')
  })

  it('a 500 that persists after the retries is AZURE_SERVICE_ERROR (exit 4)', async () => {
    nock(ARM)
      .get(`${WEB}/sites/api`)
      .query(API)
      .times(4)
      .reply(500, {error: {code: 'InternalServerError', message: 'boom'}})
    await assert.rejects(adapter().getSite({resourceGroup: 'rg', site: 'api'}), code('AZURE_SERVICE_ERROR', 4))
  })

  it('the PascalCase 409 for a taken name is NAME_TAKEN with the service message', async () => {
    nock(ARM)
      .put(`${WEB}/sites/taken`)
      .query(API)
      .reply(409, {
        Code: 'Conflict',
        Message: 'Website with given name taken already exists.',
        Target: null,
        Details: [
          {Message: 'Website with given name taken already exists.'},
          {Code: 'Conflict'},
          {ErrorEntity: {ExtendedCode: '54001', Code: 'Conflict'}},
        ],
        Innererror: null,
      })
    await assert.rejects(
      adapter().createSite(
        {resourceGroup: 'rg', site: 'taken'},
        {
          location: 'westeurope',
          planId: 'p',
          siteConfig: {},
          settings: {},
          tags: {},
        },
      ),
      (e: AzdeployError) => code('NAME_TAKEN', 4)(e) && /already exists/.test(e.message),
    )
  })

  it('a 401 about quota is QUOTA_EXCEEDED, not an auth error', async () => {
    nock(ARM).put(`${WEB}/serverfarms/p`).query(API).reply(401, {
      Code: 'Unauthorized',
      Message: 'This region has quota of 0 instances for your subscription. Try selecting different region or SKU.',
    })
    await assert.rejects(
      adapter().putPlan(
        {resourceGroup: 'rg', name: 'p'},
        {location: 'westeurope', sku: 'B1', tier: 'Basic', capacity: 1, tags: {}},
      ),
      (e: AzdeployError) => code('QUOTA_EXCEEDED', 4)(e) && /--location or --sku/.test(e.hint ?? ''),
    )
  })

  it('AuthorizationFailed names the missing action (exit 3)', async () => {
    nock(ARM)
      .get(`${WEB}/sites/api`)
      .query(API)
      .reply(403, {
        error: {
          code: 'AuthorizationFailed',
          message:
            "The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Web/sites/read' over scope '/subscriptions/s/resourceGroups/rg' or the scope is invalid.",
        },
      })
    await assert.rejects(
      adapter().getSite({resourceGroup: 'rg', site: 'api'}),
      (e: AzdeployError) => code('AUTHORIZATION_FAILED', 3)(e) && /Microsoft\.Web\/sites\/read/.test(e.message),
    )
  })

  it('MissingSubscriptionRegistration says which provider to register', async () => {
    nock(ARM)
      .put(`${WEB}/serverfarms/p`)
      .query(API)
      .reply(409, {
        error: {
          code: 'MissingSubscriptionRegistration',
          message:
            "The subscription is not registered to use namespace 'Microsoft.Web'. See https://aka.ms/rps-not-found",
        },
      })
    await assert.rejects(
      adapter().putPlan(
        {resourceGroup: 'rg', name: 'p'},
        {location: 'westeurope', sku: 'B1', tier: 'Basic', capacity: 1, tags: {}},
      ),
      (e: AzdeployError) =>
        code('PROVIDER_NOT_REGISTERED', 4)(e) && /az provider register --namespace Microsoft\.Web/.test(e.hint ?? ''),
    )
  })

  it('never puts the token in an error', async () => {
    nock(ARM)
      .get(`${WEB}/sites/api`)
      .query(API)
      .reply(400, {error: {code: 'BadRequest', message: 'Bearer test-token-abcdefgh rejected'}})
    await assert.rejects(
      adapter().getSite({resourceGroup: 'rg', site: 'api'}),
      (e: AzdeployError) =>
        !JSON.stringify(e).includes('test-token-abcdefgh') && !e.message.includes('test-token-abcdefgh'),
    )
  })
})
