// The emulator's Tags API at a site's scope, and the real release store (SDK + HTTPS) against it in a child process
// (NODE_EXTRA_CA_CERTS is read only at process start): lock, record, prune — with no site restart, the user's own
// tags untouched and ARM's limits enforced.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {after, before, describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {WebSiteManagementClient} from '@azure/arm-appservice'
import {ResourceManagementClient} from '@azure/arm-resources'
import type {TokenCredential} from '@azure/core-auth'
import {type ArmEmulator, startArmEmulator} from './index.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const cred: TokenCredential = {
  getToken: async () => ({token: 'test-arm-token', expiresOnTimestamp: Date.now() + 3600_000}),
}
const SITE_ID = `/subscriptions/${SUB}/resourceGroups/rg-tags/providers/Microsoft.Web/sites/tagged`
const BUILD_SRC = fileURLToPath(new URL('../../src/', import.meta.url))

// Runs in a child: acquire the lock, record two releases with keep 1, release the lock; prints what it saw.
const SCRIPT = `
const src = process.env.BUILD_SRC
const {createReleaseStore} = await import(src + 'adapters/azure/release-store.js')
const {withDeployLock} = await import(src + 'services/deploy-lock.js')
const {planRecord} = await import(src + 'core/release-plan.js')
const {releaseKey} = await import(src + 'core/release-tags.js')
const {settingsFingerprint, withStatus} = await import(src + 'core/releases.js')
const clock = {now: () => Date.now(), sleep: (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms)
  signal.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason) }, {once: true})
})}
const store = createReleaseStore({
  credential: {getToken: async () => ({token: 'test-arm-token', expiresOnTimestamp: Date.now() + 3600000})},
  subscriptionId: '${SUB}',
  target: {armEndpoint: process.env.ARM, armScope: process.env.ARM + '/.default'},
  debug: () => {}, env: {AZDEPLOY_MAX_RETRIES: '0'}, signal: new AbortController().signal, pollIntervalMs: 1,
})
const site = {resourceGroup: 'rg-tags', site: 'tagged'}
const seen = []
await withDeployLock(store, clock, {site, holder: 'Ana Lima (ana@contoso.com)', timeoutMs: 60000, waitMs: 0,
  signal: new AbortController().signal}, async () => {
  seen.push((await store.readLock(site)) !== undefined)
  for (const id of [1, 2]) {
    const rel = {key: releaseKey(id, 'w' + id), id, image: 'reg.azurecr.io/api:' + id,
      digest: 'sha256:' + String(id).repeat(64), port: 8080, settings: settingsFingerprint({WEBSITES_PORT: '8080'}),
      createdAt: new Date().toISOString(), actor: 'ana@contoso.com', kind: 'deploy', status: 'running'}
    for (const r of [rel, withStatus(rel, 'succeeded')]) {
      const plan = planRecord(await store.list(site), r, {keep: 1})
      await store.deleteKeys(site, plan.drop)
      await store.put(site, plan.merge)
    }
  }
})
const after = await store.list(site)
console.log(JSON.stringify({seen, releases: after.releases.map((r) => [r.id, r.status]), lock: after.lockValue ?? null, foreign: after.foreign}))
`

describe('emulator: tags at a site scope', () => {
  let em: ArmEmulator
  let rm: ResourceManagementClient
  const opts = () => ({endpoint: em.url, tlsOptions: {ca: em.ca}, retryOptions: {maxRetries: 0}})

  before(async () => {
    em = await startArmEmulator()
    rm = new ResourceManagementClient(cred, SUB, opts())
    const web = new WebSiteManagementClient(cred, SUB, opts())
    await rm.resourceGroups.createOrUpdate('rg-tags', {location: 'westeurope'})
    await web.appServicePlans.createOrUpdate('rg-tags', 'plan', {
      location: 'westeurope',
      kind: 'linux',
      reserved: true,
      sku: {name: 'B1'},
    })
    await web.webApps.createOrUpdate('rg-tags', 'tagged', {
      location: 'westeurope',
      kind: 'app,linux,container',
      serverFarmId: `/subscriptions/${SUB}/resourceGroups/rg-tags/providers/Microsoft.Web/serverfarms/plan`,
      reserved: true,
      tags: {Environment: 'prod'},
      siteConfig: {linuxFxVersion: 'DOCKER|reg.azurecr.io/api@sha256:' + '0'.repeat(64)},
    })
  })
  after(async () => {
    await em.close()
  })

  test('Merge and Delete touch only the names sent; limits are enforced', async () => {
    const scope = SITE_ID.slice(1)
    await rm.tagsOperations.beginUpdateAtScopeAndWait(scope, {operation: 'Merge', properties: {tags: {a: '1'}}})
    let tags = (await rm.tagsOperations.getAtScope(scope)).properties?.tags
    assert.deepEqual(tags, {Environment: 'prod', a: '1'})
    await rm.tagsOperations.beginUpdateAtScopeAndWait(scope, {operation: 'Delete', properties: {tags: {a: 'other'}}})
    tags = (await rm.tagsOperations.getAtScope(scope)).properties?.tags
    assert.equal(tags?.a, '1', 'a Delete with another value leaves the tag')
    await rm.tagsOperations.beginUpdateAtScopeAndWait(scope, {operation: 'Delete', properties: {tags: {a: '1'}}})
    tags = (await rm.tagsOperations.getAtScope(scope)).properties?.tags
    assert.deepEqual(tags, {Environment: 'prod'})
    const many = Object.fromEntries(Array.from({length: 50}, (_, i) => [`t${i}`, 'x']))
    await assert.rejects(
      rm.tagsOperations.beginUpdateAtScopeAndWait(scope, {operation: 'Merge', properties: {tags: many}}),
      (e: {statusCode?: number}) => e.statusCode === 400,
    )
    await assert.rejects(
      rm.tagsOperations.beginUpdateAtScopeAndWait(scope, {
        operation: 'Merge',
        properties: {tags: {b: 'x'.repeat(257)}},
      }),
      (e: {statusCode?: number}) => e.statusCode === 400,
    )
  })

  test('the release store records and prunes through the real SDK, without restarting the site', async () => {
    const site = [...em.state.sites.values()].find((s) => s.name === 'tagged')!
    em.resetLog()
    // Only pulls and starts count: the container started by the create may still log its warm-up meanwhile.
    const starts = () =>
      site.runtime.logs.split('\n').filter((l) => /Pulling image|Starting container|docker run/.test(l))
    const startsBefore = starts()
    const restartsBefore = em.restarts('tagged')
    const configBefore = JSON.stringify(site.config)
    const {stdout} = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      env: {...process.env, NODE_EXTRA_CA_CERTS: em.caCertPath, ARM: em.url, BUILD_SRC},
      timeout: 60_000,
    })
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!)
    assert.deepEqual(out, {seen: [true], releases: [[2, 'succeeded']], lock: null, foreign: 1})
    assert.equal(site.tags.Environment, 'prod')
    assert.deepEqual(starts(), startsBefore, 'no container was pulled or started by the tag writes')
    assert.equal(em.restarts('tagged'), restartsBefore, 'no restart')
    assert.equal(JSON.stringify(site.config), configBefore)
    const writes = em.requests
      .filter((r) => r.method !== 'GET')
      .map((r) => `${r.method} ${r.path.split('/').slice(-3).join('/')}`)
    assert.ok(
      writes.every((w) => w.endsWith('Microsoft.Resources/tags/default')),
      writes.join('\n'),
    )
  })
})
