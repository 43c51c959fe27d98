import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {ActualState, DesiredState} from '../../src/core/model.js'
import {planDeploy} from '../../src/core/plan.js'
import {Secret} from '../../src/core/secret.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const IMG = 'reg.example.com/api@sha256:' + 'a'.repeat(64)

function desired(over: Partial<DesiredState['app']> = {}, extra: Partial<DesiredState> = {}): DesiredState {
  return {
    subscriptionId: SUB,
    resourceGroup: 'rg',
    site: {resourceGroup: 'rg', site: 'api'},
    location: 'westeurope',
    plan: {
      name: 'api-plan',
      resourceGroup: 'rg',
      sku: 'B1',
      tier: 'Basic',
      capacity: 1,
      explicit: false,
      explicitSku: false,
      explicitCapacity: false,
    },
    app: {
      name: 'api',
      pinnedImage: IMG,
      displayImage: 'reg.example.com/api:1',
      digest: 'sha256:' + 'a'.repeat(64),
      port: 8080,
      settings: {},
      alwaysOn: true,
      ...over,
    },
    registry: {mode: 'anonymous'},
    ...extra,
  }
}

const planId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/serverfarms/api-plan`

function actualUpToDate(): ActualState {
  return {
    plan: {id: planId, name: 'api-plan', location: 'West Europe', sku: 'B1', tier: 'Basic', capacity: 1, linux: true},
    site: {
      id: 'x',
      name: 'api',
      location: 'West Europe',
      kind: 'app,linux,container',
      serverFarmId: planId,
      httpsOnly: true,
      defaultHostName: 'api.azurewebsites.net',
      userAssignedIdentityIds: [],
      tags: {},
    },
    siteConfig: {
      linuxFxVersion: `DOCKER|${IMG}`,
      acrUseManagedIdentityCreds: false,
      alwaysOn: true,
      http20Enabled: true,
      minTlsVersion: '1.2',
      ftpsState: 'Disabled',
    },
    appSettings: {WEBSITES_PORT: '8080', WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'false', KEEP: 'me'},
  }
}

describe('planDeploy', () => {
  it('creates group, plan and site for a new app, with settings in the create', () => {
    const plan = planDeploy(desired({settings: {API_KEY: new Secret('s3cret')}}), {
      resourceGroup: {exists: false},
      plan: null,
      site: null,
      siteConfig: null,
      appSettings: null,
    })
    assert.deepEqual(
      plan.steps.map((s) => s.kind),
      ['create-resource-group', 'create-plan', 'create-site'],
    )
    const site = plan.steps[2]
    assert.ok(site?.kind === 'create-site')
    assert.equal(site.siteConfig.linuxFxVersion, `DOCKER|${IMG}`)
    assert.equal(site.siteConfig.minTlsVersion, '1.2')
    assert.equal(site.siteConfig.ftpsState, 'Disabled')
    assert.deepEqual(Object.keys(site.settings).sort(), [
      'API_KEY',
      'WEBSITES_ENABLE_APP_SERVICE_STORAGE',
      'WEBSITES_PORT',
    ])
    assert.ok(!JSON.stringify(plan).includes('s3cret'), 'a setting value leaked into the plan')
  })

  it('an identical state plans nothing', () => {
    const plan = planDeploy(desired(), actualUpToDate())
    assert.deepEqual(plan.steps, [])
    assert.equal(plan.restarts, false)
  })

  it('a digest change is one site write: only the image in siteConfig, the full settings list with it', () => {
    const img2 = 'reg.example.com/api@sha256:' + 'b'.repeat(64)
    const plan = planDeploy(desired({pinnedImage: img2}), actualUpToDate())
    assert.deepEqual(
      plan.steps.map((s) => s.kind),
      ['update-site'],
    )
    const s = plan.steps[0]
    assert.ok(s?.kind === 'update-site')
    assert.deepEqual(s.siteConfig, {linuxFxVersion: `DOCKER|${img2}`})
    assert.deepEqual(s.settings, actualUpToDate().appSettings, 'the unchanged settings travel with the image')
    assert.deepEqual(s.changed, [])
    assert.equal(s.restarts, true)
    assert.equal(plan.restarts, true)
  })

  it('image and a setting change together are ONE step (one write, one restart), settings merged', () => {
    const img2 = 'reg.example.com/api@sha256:' + 'b'.repeat(64)
    const plan = planDeploy(
      desired({pinnedImage: img2, port: 3000, settings: {NEW: new Secret('v4lue')}}),
      actualUpToDate(),
    )
    assert.equal(plan.steps.length, 1)
    const s = plan.steps[0]
    assert.ok(s?.kind === 'update-site')
    assert.equal(s.siteConfig.linuxFxVersion, `DOCKER|${img2}`)
    assert.deepEqual(s.changed, ['NEW', 'WEBSITES_PORT'])
    assert.equal(s.settings?.['KEEP'], 'me')
    assert.equal(s.settings?.['WEBSITES_PORT'], '3000')
    assert.match(s.reason, /image changed/)
    assert.match(s.reason, /set NEW, WEBSITES_PORT/)
    assert.ok(!s.reason.includes('v4lue') && !JSON.stringify(plan).includes('v4lue'), 'no value in the plan')
  })

  it('merges settings: keeps unrelated ones, changes only what differs', () => {
    const plan = planDeploy(desired({port: 3000, settings: {NEW: new Secret('v')}}), actualUpToDate())
    const s = plan.steps.find((x) => x.kind === 'update-site')
    assert.ok(s?.kind === 'update-site')
    assert.deepEqual(s.changed, ['NEW', 'WEBSITES_PORT'])
    assert.deepEqual(s.siteConfig, {}, 'the image is unchanged')
    assert.equal(s.settings?.['KEEP'], 'me')
    assert.equal(s.settings?.['WEBSITES_PORT'], '3000')
  })

  it('HTTPS only alone is a site write without settings (no restart)', () => {
    const a = actualUpToDate()
    a.site = {...a.site!, httpsOnly: false}
    const plan = planDeploy(desired(), a)
    const s = plan.steps[0]
    assert.ok(s?.kind === 'update-site')
    assert.equal(s.httpsOnly, true)
    assert.equal(s.settings, undefined)
    assert.equal(s.restarts, false)
    assert.equal(plan.restarts, false)
  })

  it('does not touch an existing plan SKU unless asked, but scales when asked', () => {
    const a = actualUpToDate()
    a.plan = {...a.plan!, sku: 'P1v3', tier: 'PremiumV3'}
    assert.deepEqual(planDeploy(desired(), a).steps, [])
    const d = desired()
    d.plan = {...d.plan, capacity: 3, explicitCapacity: true}
    const steps = planDeploy(d, a).steps
    assert.equal(steps[0]?.kind, 'update-plan')
    assert.ok(steps[0]?.kind === 'update-plan' && steps[0].capacity === 3 && steps[0].sku === 'P1v3')
  })

  it('refuses a Windows plan and a Windows app', () => {
    const a = actualUpToDate()
    a.plan = {...a.plan!, linux: false}
    assert.throws(() => planDeploy(desired(), a), /PLAN_NOT_LINUX|Windows plan/)
    const b = actualUpToDate()
    b.site = {...b.site!, kind: 'app'}
    assert.throws(
      () => planDeploy(desired(), b),
      (e: Error & {code?: string}) => e.code === 'SITE_NOT_LINUX',
    )
  })

  it('needs a location only when something must be created', () => {
    const d = desired()
    delete d.location
    assert.deepEqual(planDeploy(d, actualUpToDate()).steps, [])
    assert.throws(
      () => planDeploy(d, {resourceGroup: {exists: true}, plan: null, site: null, siteConfig: null, appSettings: null}),
      (e: Error & {code?: string}) => e.code === 'LOCATION_REQUIRED',
    )
  })

  it('wires managed identity for ACR pulls and removes stale registry passwords', () => {
    const a = actualUpToDate()
    a.appSettings = {...a.appSettings, DOCKER_REGISTRY_SERVER_PASSWORD: 'old', DOCKER_REGISTRY_SERVER_USERNAME: 'u'}
    a.identity = null
    const d = desired(
      {},
      {
        registry: {
          mode: 'managed-identity',
          registryId: '/subs/x/registries/r',
          loginServer: 'r.azurecr.io',
          identityName: 'api-acrpull',
          roleModeAbac: false,
        },
      },
    )
    const kinds = planDeploy(d, a).steps.map((s) => s.kind)
    assert.deepEqual(kinds, ['create-identity', 'assign-acr-pull', 'update-site'])
    const update = planDeploy(d, a).steps.find((s) => s.kind === 'update-site')
    assert.ok(update?.kind === 'update-site')
    assert.equal(update.identityName, 'api-acrpull')
    assert.equal(update.siteConfig.acrUserManagedIdentity, 'api-acrpull')
    assert.deepEqual(update.removed, ['DOCKER_REGISTRY_SERVER_USERNAME', 'DOCKER_REGISTRY_SERVER_PASSWORD'])
    assert.ok(update.settings && !('DOCKER_REGISTRY_SERVER_PASSWORD' in update.settings), 'removed from the list')
  })

  it('an existing identity with its role and config needs no step', () => {
    const a = actualUpToDate()
    const identity = {id: '/subs/x/identities/api-acrpull', principalId: 'p', clientId: 'c'}
    a.identity = identity
    a.roleAssignment = {exists: true, name: 'g'}
    a.site = {...a.site!, userAssignedIdentityIds: [identity.id]}
    a.siteConfig = {...a.siteConfig!, acrUseManagedIdentityCreds: true, acrUserManagedIdentityID: 'c'}
    const d = desired(
      {},
      {
        registry: {
          mode: 'managed-identity',
          registryId: '/subs/x/registries/r',
          loginServer: 'r.azurecr.io',
          identityName: 'api-acrpull',
          roleModeAbac: false,
        },
      },
    )
    assert.deepEqual(planDeploy(d, a).steps, [])
  })

  it('never lowers TLS 1.3 and refuses to move an app to another named plan', () => {
    const a = actualUpToDate()
    a.siteConfig = {...a.siteConfig!, minTlsVersion: '1.3'}
    assert.deepEqual(planDeploy(desired(), a).steps, [])
    const d = desired()
    d.plan = {...d.plan, name: 'other', explicit: true}
    assert.throws(
      () => planDeploy(d, actualUpToDate()),
      (e: Error & {code?: string}) => e.code === 'PLAN_MISMATCH',
    )
  })
})
