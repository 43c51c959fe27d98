// The apply phase over fake ports: each step's executor runs once its prerequisites are done, independent writes
// overlap, the pull identity reaches the site write, and Ctrl-C stops before the next write.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {ActualState, DesiredState} from '../../src/core/model.js'
import {planDeploy} from '../../src/core/plan.js'
import type {AppServicePort, Clock, IdentityPort, RoleAssignmentPort} from '../../src/ports/index.js'
import {applyPlan} from '../../src/services/apply.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const IMG = `reg.azurecr.io/api@sha256:${'a'.repeat(64)}`
const site = {resourceGroup: 'rg', site: 'api'}

function desired(): DesiredState {
  return {
    subscriptionId: SUB,
    resourceGroup: 'rg',
    site,
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
      displayImage: 'reg.azurecr.io/api:1',
      digest: 'x',
      settings: {},
      alwaysOn: true,
    },
    registry: {
      mode: 'managed-identity',
      registryId: `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.ContainerRegistry/registries/reg`,
      loginServer: 'reg.azurecr.io',
      identityName: 'api-acrpull',
      roleModeAbac: false,
    },
  }
}

/** Fake ports that log when each write starts and ends; each write takes one tick of a manual clock. */
function fakes() {
  const log: string[] = []
  const write =
    <T>(name: string, value: T) =>
    async (..._args: unknown[]): Promise<T> => {
      log.push(`start ${name}`)
      await new Promise((r) => setImmediate(r))
      log.push(`end ${name}`)
      return value
    }
  const calls: Record<string, unknown[]> = {}
  const record =
    <T>(name: string, value: T) =>
    async (...args: unknown[]) => {
      calls[name] = args
      return write(name, value)()
    }
  const app = {
    createResourceGroup: write('group', undefined),
    putPlan: write('plan', {id: 'plan-id'}),
    createSite: record('site', {defaultHostName: 'api.example.net'}),
    patchSite: record('patchSite', undefined),
  } as unknown as AppServicePort
  const identities = {
    createIdentity: write('identity', {id: '/id/api-acrpull', principalId: 'p1', clientId: 'c1'}),
  } as unknown as IdentityPort
  const rbac = {
    pullRoleDefinitionId: async () => 'role',
    assignRole: write('role', 'exists' as const),
    roleAssignmentExists: async () => true,
  } as unknown as RoleAssignmentPort
  const clock: Clock = {now: () => 1000, sleep: async () => {}}
  return {log, calls, app, identities, rbac, clock}
}

const ctx = (f: ReturnType<typeof fakes>, actual: ActualState, signal = new AbortController().signal) => ({
  desired: desired(),
  actual,
  app: f.app,
  identities: f.identities,
  rbac: f.rbac,
  clock: f.clock,
  signal,
  roleSettleMs: 0,
  progress: () => {},
})

describe('applyPlan', () => {
  it('creates a new app in dependency order and hands the identity to the site', async () => {
    const f = fakes()
    const actual: ActualState = {
      resourceGroup: {exists: false},
      plan: null,
      site: null,
      siteConfig: null,
      appSettings: null,
      identity: null,
    }
    const plan = planDeploy(desired(), actual)
    const r = await applyPlan(plan, ctx(f, actual))
    const at = (e: string) => f.log.indexOf(e)
    assert.ok(at('end group') < at('start plan') && at('end group') < at('start identity'))
    assert.ok(at('start identity') < at('end plan'), 'plan and identity overlap')
    assert.ok(at('end identity') < at('start role'))
    assert.ok(at('end role') < at('start site') && at('end plan') < at('start site'))
    assert.equal(r.writes, 5)
    assert.equal(r.defaultHostName, 'api.example.net')
    assert.equal(r.restartedAt, 1000)
    const create = f.calls['site']?.[1] as {identityId?: string; siteConfig: {acrUserManagedIdentityID?: string}}
    assert.equal(create.identityId, '/id/api-acrpull')
    assert.equal(create.siteConfig.acrUserManagedIdentityID, 'c1')
  })

  it('writes an existing app in ONE site PATCH (image, identity, settings), and Ctrl-C before it stops it', async () => {
    const f = fakes()
    const actual: ActualState = {
      plan: {id: 'plan-id', name: 'api-plan', location: 'westeurope', sku: 'B1', capacity: 1, linux: true},
      site: {
        id: 's',
        name: 'api',
        location: 'westeurope',
        kind: 'app,linux,container',
        serverFarmId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/serverfarms/api-plan`,
        httpsOnly: false,
        userAssignedIdentityIds: ['/id/api-acrpull'],
        tags: {},
      },
      siteConfig: {linuxFxVersion: 'DOCKER|old'},
      appSettings: {},
      identity: {id: '/id/api-acrpull', principalId: 'p1', clientId: 'c1'},
      roleAssignment: {exists: true, name: 'n'},
    }
    const plan = planDeploy(desired(), actual)
    assert.deepEqual(
      plan.steps.map((s) => s.kind),
      ['update-site'],
    )
    const r = await applyPlan(plan, ctx(f, actual))
    assert.deepEqual(f.log, ['start patchSite', 'end patchSite'], 'one write')
    assert.equal(r.writes, 1)
    assert.equal(r.restartedAt, 1000)
    const [ref, body] = f.calls['patchSite'] as [unknown, Record<string, unknown>]
    assert.deepEqual(ref, site)
    assert.equal(body.httpsOnly, true)
    const cfg = body.siteConfig as Record<string, unknown>
    assert.equal(cfg.linuxFxVersion, `DOCKER|${IMG}`)
    assert.equal(cfg.acrUserManagedIdentityID, 'c1')
    assert.deepEqual(body.appSettings, {WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'false'})
    assert.ok(!('tags' in body), 'a write to an existing site never carries tags')

    const g = fakes()
    const stop = new AbortController()
    stop.abort(new Error('Interrupted'))
    await assert.rejects(applyPlan(plan, ctx(g, actual, stop.signal)), /Interrupted/)
    assert.deepEqual(g.log, [])
  })
})
