// Injected faults (faults.ts): long-running operations that end Failed / Canceled / never, a connection reset, a
// body predicate, and the handle that counts what a fault answered; then the real SDK's view of a Failed LRO.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {WebSiteManagementClient} from '@azure/arm-appservice'
import {arm, clientOptions, cred, SUB} from './emulator-helpers.js'
import {type ArmEmulator, startArmEmulator} from './index.js'

async function withEmulator(fn: (em: ArmEmulator) => Promise<void>) {
  const em = await startArmEmulator({startDelayMs: 0})
  try {
    await fn(em)
  } finally {
    await em.close()
  }
}

const planPath = (rg: string, name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${name}`
const planBody = {location: 'westeurope', sku: {name: 'B1'}, properties: {reserved: true}}

describe('emulator: injected faults', () => {
  test('lro Failed: 202 + Azure-AsyncOperation, InProgress for `polls`, then Failed with the error; nothing written', async () => {
    await withEmulator(async (em) => {
      await arm(em, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg-f`, {location: 'westeurope'}, '2021-04-01')
      const f = em.addFault({
        method: 'PUT',
        pathRegex: /\/serverfarms\/p1$/i,
        lro: {status: 'Failed', polls: 2, error: {code: 'Boom', message: 'it broke'}},
      })
      const r = await arm(em, 'PUT', planPath('rg-f', 'p1'), planBody)
      assert.equal(r.status, 202)
      assert.equal(f.taken, 1)
      const monitor = String(r.headers['azure-asyncoperation'])
      const poll = async () => JSON.parse((await arm(em, 'GET', new URL(monitor).pathname)).body)
      assert.equal((await poll()).status, 'InProgress')
      assert.equal((await poll()).status, 'InProgress')
      const end = await poll()
      assert.equal(end.status, 'Failed')
      assert.deepEqual(end.error, {code: 'Boom', message: 'it broke'})
      assert.equal((await arm(em, 'GET', planPath('rg-f', 'p1'))).status, 404, 'the write was not applied')
    })
  })

  test('lro Canceled ends Canceled; InProgress never ends', async () => {
    await withEmulator(async (em) => {
      await arm(em, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg-g`, {location: 'westeurope'}, '2021-04-01')
      em.addFault({method: 'PUT', pathIncludes: '/serverfarms/c1', lro: {status: 'Canceled'}})
      em.addFault({method: 'PUT', pathIncludes: '/serverfarms/n1', lro: {status: 'InProgress'}})
      const statusAfter = async (name: string, polls: number) => {
        const r = await arm(em, 'PUT', planPath('rg-g', name), planBody)
        const path = new URL(String(r.headers['azure-asyncoperation'])).pathname
        let last = ''
        for (let i = 0; i < polls; i++) last = JSON.parse((await arm(em, 'GET', path)).body).status
        return last
      }
      assert.equal(await statusAfter('c1', 2), 'Canceled')
      assert.equal(await statusAfter('n1', 25), 'InProgress')
    })
  })

  test('the SDK poller turns a Failed operation into an error naming its code', async () => {
    await withEmulator(async (em) => {
      await arm(em, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg-s`, {location: 'westeurope'}, '2021-04-01')
      em.addFault({method: 'PUT', pathIncludes: '/serverfarms/s1', lro: {status: 'Failed'}})
      const web = new WebSiteManagementClient(cred, SUB, clientOptions(em))
      await assert.rejects(
        web.appServicePlans.createOrUpdate('rg-s', 's1', planBody, {updateIntervalInMs: 5}),
        /The long-running operation has failed\. InternalOperationError\./,
      )
    })
  })

  test('reset destroys the connection without an answer; `when` narrows a fault by body', async () => {
    await withEmulator(async (em) => {
      const f = em.addFault({method: 'PUT', pathIncludes: '/resourcegroups/rg-r', reset: true})
      await assert.rejects(
        arm(em, 'PUT', `/subscriptions/${SUB}/resourcegroups/rg-r`, {location: 'westeurope'}, '2021-04-01'),
        /ECONNRESET|socket hang up/,
      )
      assert.equal(f.taken, 1)
      const only = em.addFault({
        method: 'PUT',
        pathIncludes: '/resourcegroups/',
        status: 503,
        when: (q) => q.body['location'] === 'northeurope',
      })
      const west = await arm(
        em,
        'PUT',
        `/subscriptions/${SUB}/resourcegroups/rg-w`,
        {location: 'westeurope'},
        '2021-04-01',
      )
      assert.equal(west.status, 201)
      const north = await arm(
        em,
        'PUT',
        `/subscriptions/${SUB}/resourcegroups/rg-n`,
        {location: 'northeurope'},
        '2021-04-01',
      )
      assert.equal(north.status, 503)
      assert.equal(only.taken, 1)
    })
  })
})
