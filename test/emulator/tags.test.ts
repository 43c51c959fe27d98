// ARM Tags API at any scope through @azure/arm-resources' tagsOperations: Merge/Replace/Delete, PUT, DELETE,
// ARM's limits, and no restart of anything.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {ResourceManagementClient} from '@azure/arm-resources'
import {arm, clientOptions, createSite, cred, planPath, rgPath, SUB, sitePath} from './emulator-helpers.js'
import {type ArmEmulator, startArmEmulator} from './index.js'

describe('emulator: Tags API', () => {
  let em: ArmEmulator
  let rm: ResourceManagementClient
  const poll = {updateIntervalInMs: 5}
  before(async () => {
    em = await startArmEmulator({startDelayMs: 0})
    rm = new ResourceManagementClient(cred, SUB, clientOptions(em))
  })
  after(async () => {
    await em.close()
  })

  test('Merge / Replace / Delete / PUT / DELETE on a site write its tags and restart nothing', async () => {
    await createSite(em, 'rg-t1', 't1', {settings: {WEBSITES_PORT: '8080'}})
    const restarts = em.restarts('t1')
    const scope = sitePath('rg-t1', 't1')
    em.resetLog()
    await rm.tagsOperations.beginCreateOrUpdateAtScopeAndWait(scope, {properties: {tags: {a: '1', b: '2'}}}, poll)
    assert.equal(em.requests[0]!.path, `${scope}/providers/Microsoft.Resources/tags/default`)
    assert.equal(em.requests[0]!.query['api-version'], '2025-04-01')
    const merged = await rm.tagsOperations.beginUpdateAtScopeAndWait(
      scope,
      {operation: 'Merge', properties: {tags: {B: '3', c: '4'}}},
      poll,
    )
    assert.deepEqual(merged.properties.tags, {a: '1', B: '3', c: '4'}, 'names are case-insensitive')
    await rm.tagsOperations.beginUpdateAtScopeAndWait(scope, {operation: 'Delete', properties: {tags: {a: ''}}}, poll)
    assert.deepEqual((await rm.tagsOperations.getAtScope(scope)).properties.tags, {B: '3', c: '4'})
    await rm.tagsOperations.beginUpdateAtScopeAndWait(scope, {operation: 'Replace', properties: {tags: {z: '9'}}}, poll)
    const site = JSON.parse((await arm(em, 'GET', scope)).body)
    assert.deepEqual(site.tags, {z: '9'}, 'the resource itself carries the tags')
    await rm.tagsOperations.beginDeleteAtScopeAndWait(scope, poll)
    assert.deepEqual((await rm.tagsOperations.getAtScope(scope)).properties.tags, {})
    assert.equal(em.restarts('t1'), restarts, 'tag writes restart nothing')
    assert.equal(em.site('t1')!.runtime.starting, false)
  })

  test('any scope: subscription, resource group, plan', async () => {
    await createSite(em, 'rg-t2', 't2')
    for (const scope of [`/subscriptions/${SUB}`, rgPath('rg-t2'), planPath('rg-t2')]) {
      await rm.tagsOperations.beginCreateOrUpdateAtScopeAndWait(scope, {properties: {tags: {owner: 'me'}}}, poll)
      assert.deepEqual((await rm.tagsOperations.getAtScope(scope)).properties.tags, {owner: 'me'}, scope)
    }
    assert.deepEqual((await rm.resourceGroups.get('rg-t2')).tags, {owner: 'me'})
    const missing = await arm(em, 'GET', `${sitePath('rg-t2', 'nope')}/providers/Microsoft.Resources/tags/default`)
    assert.equal(missing.status, 404)
    assert.equal(JSON.parse(missing.body).error.code, 'ResourceNotFound')
  })

  test("ARM's limits: 50 tags, 256-character values, reserved characters; nothing half-written", async () => {
    await createSite(em, 'rg-t3', 't3')
    const scope = sitePath('rg-t3', 't3')
    const tagsPath = `${scope}/providers/Microsoft.Resources/tags/default`
    await arm(em, 'PUT', tagsPath, {properties: {tags: {keep: 'me'}}})
    const fifty = Object.fromEntries(Array.from({length: 50}, (_, i) => [`k${i}`, 'v']))
    assert.equal((await arm(em, 'PUT', tagsPath, {properties: {tags: fifty}})).status, 200)
    const tooMany = await arm(em, 'PATCH', tagsPath, {operation: 'Merge', properties: {tags: {extra: 'x'}}})
    assert.equal(tooMany.status, 400)
    assert.equal(JSON.parse(tooMany.body).error.code, 'InvalidTags')
    assert.match(
      JSON.parse(tooMany.body).error.message,
      /Requested tag count - '51'\. Maximum number of tags allowed - '50'/,
    )
    const long = await arm(em, 'PUT', tagsPath, {properties: {tags: {v: 'x'.repeat(257)}}})
    assert.equal(long.status, 400)
    assert.equal(JSON.parse(long.body).error.code, 'InvalidTagValueLength')
    assert.equal((await arm(em, 'PUT', tagsPath, {properties: {tags: {v: 'x'.repeat(256)}}})).status, 200)
    const bad = await arm(em, 'PUT', tagsPath, {properties: {tags: {'a/b': '1'}}})
    assert.equal(JSON.parse(bad.body).error.code, 'InvalidTagNameCharacters')
    const op = await arm(em, 'PATCH', tagsPath, {operation: 'Upsert', properties: {tags: {}}})
    assert.equal(op.status, 400)
    assert.deepEqual(JSON.parse((await arm(em, 'GET', tagsPath)).body).properties.tags, {v: 'x'.repeat(256)})
  })
})
