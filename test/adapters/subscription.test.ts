import assert from 'node:assert/strict'
import {after, afterEach, before, describe, it} from 'node:test'
import type {AccessToken} from '@azure/core-auth'
import nock from 'nock'
import {type ChainLike, type RunAz, resolveSubscription, runAzCli} from '../../src/adapters/azure/subscription.js'
import {resolveCloud} from '../../src/core/cloud.js'
import {AuthError, InputError} from '../../src/core/errors.js'
import {fakeAzDir} from '../helpers/cli.js'

const ARM = 'https://management.azure.com'
const SUB_A = '00000000-0000-0000-0000-00000000000a'
const SUB_B = '00000000-0000-0000-0000-00000000000b'
const SUB_C = '00000000-0000-0000-0000-00000000000c'
const TENANT = '00000000-0000-0000-0000-0000000000aa'
const cloud = resolveCloud(undefined, {})
const noRetry = {retryOptions: {maxRetries: 0}}

class FakeChain implements ChainLike {
  answeredBy: string | undefined
  scopes: string[] = []
  constructor(private readonly name = 'AzdeployLoginCredential') {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]))
    this.answeredBy = this.name
    return {token: 'arm-token', expiresOnTimestamp: Date.now() + 3600_000}
  }
}

const sub = (id: string, displayName: string, state = 'Enabled') => ({
  id: `/subscriptions/${id}`,
  subscriptionId: id,
  displayName,
  tenantId: TENANT,
  state,
})

const noAz: RunAz = async () => assert.fail('az must not run')

before(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())
after(() => nock.enableNetConnect())

describe('resolveSubscription', () => {
  it('--subscription <id> wins without any request', async () => {
    const chain = new FakeChain()
    const r = await resolveSubscription({flag: SUB_A.toUpperCase(), env: {AZURE_SUBSCRIPTION_ID: SUB_B}, chain, cloud})
    assert.deepEqual(r, {subscriptionId: SUB_A, source: 'flag'})
    assert.equal(chain.scopes.length, 0)
  })

  it('a malformed id is rejected early, naming the value', async () => {
    const chain = new FakeChain()
    for (const bad of ['0000-1111-2222', '00000000-0000-0000-0000-00000000000', '']) {
      await assert.rejects(
        resolveSubscription({flag: bad, env: {}, chain, cloud}),
        (e: unknown) => e instanceof InputError && e.code === 'INVALID_SUBSCRIPTION' && e.message.includes(bad),
      )
    }
    assert.equal(chain.scopes.length, 0)
  })

  it('--subscription <display name> is looked up (case-insensitive) among enabled subscriptions', async () => {
    const scope = nock(ARM)
      .get('/subscriptions')
      .query({'api-version': '2022-12-01'})
      .times(2)
      .reply(200, {value: [sub(SUB_A, 'Prod'), sub(SUB_B, 'Dev'), sub(SUB_C, 'Old', 'Disabled')]})
    const r = await resolveSubscription({flag: 'dev', env: {}, chain: new FakeChain(), cloud, clientOptions: noRetry})
    assert.deepEqual(r, {subscriptionId: SUB_B, tenantId: TENANT, name: 'Dev', source: 'flag'})
    await assert.rejects(
      resolveSubscription({flag: 'Old', env: {}, chain: new FakeChain(), cloud, clientOptions: noRetry}),
      (e: unknown) => e instanceof InputError && e.code === 'SUBSCRIPTION_NOT_FOUND' && /"Old"/.test(e.message),
    )
    scope.done()
  })

  it('AZURE_SUBSCRIPTION_ID comes next, and must be an id', async () => {
    const chain = new FakeChain()
    assert.deepEqual(await resolveSubscription({env: {AZURE_SUBSCRIPTION_ID: SUB_C}, chain, cloud}), {
      subscriptionId: SUB_C,
      source: 'env',
    })
    await assert.rejects(
      resolveSubscription({env: {AZURE_SUBSCRIPTION_ID: 'my sub'}, chain, cloud}),
      (e: unknown) => e instanceof InputError && /AZURE_SUBSCRIPTION_ID "my sub"/.test(e.message),
    )
  })

  it("uses the Azure CLI's default only when the Azure CLI answered", async () => {
    const calls: string[][] = []
    const runAz: RunAz = async (args) => {
      calls.push(args)
      return {
        exitCode: 0,
        stdout: JSON.stringify({id: SUB_B, name: 'Dev', tenantId: TENANT, environmentName: 'AzureCloud'}),
      }
    }
    const r = await resolveSubscription({env: {}, chain: new FakeChain('AzureCliCredential'), cloud, runAz})
    assert.deepEqual(r, {subscriptionId: SUB_B, tenantId: TENANT, name: 'Dev', source: 'azure-cli'})
    assert.deepEqual(calls, [['account', 'show', '--output', 'json']])
  })

  it("ignores the CLI default when the CLI's active cloud is another one", async () => {
    const runAz: RunAz = async () => ({exitCode: 0, stdout: JSON.stringify({id: SUB_B, environmentName: 'AzureCloud'})})
    const china = resolveCloud('AzureChinaCloud', {})
    nock('https://management.chinacloudapi.cn')
      .get('/subscriptions')
      .query(true)
      .reply(200, {value: [sub(SUB_A, 'Only')]})
    const r = await resolveSubscription({env: {}, chain: new FakeChain('AzureCliCredential'), cloud: china, runAz})
    assert.equal(r.source, 'only-visible')
  })

  it('runs the real fake `az` through execFile', async () => {
    const saved = process.env['PATH']
    process.env['PATH'] = `${fakeAzDir()}:/usr/bin:/bin`
    process.env['FAKE_AZ_SUBSCRIPTION'] = SUB_C
    try {
      const r = await resolveSubscription({env: {}, chain: new FakeChain('AzureCliCredential'), cloud, runAz: runAzCli})
      assert.equal(r.subscriptionId, SUB_C)
      assert.equal(r.source, 'azure-cli')
    } finally {
      process.env['PATH'] = saved
      delete process.env['FAKE_AZ_SUBSCRIPTION']
    }
  })

  it('falls back to the only enabled subscription, asking ARM with the cloud scope', async () => {
    const chain = new FakeChain()
    const scope = nock(ARM, {reqheaders: {authorization: 'Bearer arm-token'}})
      .get('/subscriptions')
      .query(true)
      .reply(200, {value: [sub(SUB_A, 'Prod'), sub(SUB_B, 'Gone', 'Disabled')]})
    const r = await resolveSubscription({env: {}, chain, cloud, runAz: noAz, clientOptions: noRetry})
    assert.deepEqual(r, {subscriptionId: SUB_A, tenantId: TENANT, name: 'Prod', source: 'only-visible'})
    assert.ok(chain.scopes.every((s) => s === 'https://management.azure.com/.default'))
    scope.done()
  })

  it('several visible: SUBSCRIPTION_REQUIRED listing the candidates', async () => {
    nock(ARM)
      .get('/subscriptions')
      .query(true)
      .reply(200, {value: [sub(SUB_A, 'Prod')], nextLink: `${ARM}/subscriptions?api-version=2022-12-01&$skiptoken=p2`})
      .get('/subscriptions')
      .query({'api-version': '2022-12-01', $skiptoken: 'p2'})
      .reply(200, {value: [sub(SUB_B, 'Dev')]})
    const err = await resolveSubscription({env: {}, chain: new FakeChain(), cloud, clientOptions: noRetry}).then(
      () => assert.fail('expected SUBSCRIPTION_REQUIRED'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof InputError)
    assert.equal(err.code, 'SUBSCRIPTION_REQUIRED')
    assert.equal(err.message, `2 subscriptions are visible: ${SUB_A} (Prod), ${SUB_B} (Dev)`)
    assert.equal(err.hint, 'Pass --subscription <id> or set AZURE_SUBSCRIPTION_ID')
  })

  it('none visible is the same error; a 403 from ARM is an auth error', async () => {
    nock(ARM).get('/subscriptions').query(true).reply(200, {value: []})
    await assert.rejects(
      resolveSubscription({env: {}, chain: new FakeChain(), cloud, clientOptions: noRetry}),
      (e: unknown) => e instanceof InputError && e.message === '0 subscriptions are visible',
    )
    // In GitHub Actions (a federated app): the hint names the role assignment to make, for that client id.
    nock(ARM).get('/subscriptions').query(true).reply(200, {value: []})
    await assert.rejects(
      resolveSubscription({env: {AZURE_CLIENT_ID: 'c1'}, chain: new FakeChain(), cloud, clientOptions: noRetry}),
      (e: unknown) => e instanceof InputError && /az role assignment create --assignee c1/.test(e.hint ?? ''),
    )
    nock(ARM)
      .get('/subscriptions')
      .query(true)
      .reply(403, {error: {code: 'AuthorizationFailed', message: 'no'}})
    await assert.rejects(
      resolveSubscription({env: {}, chain: new FakeChain(), cloud, clientOptions: noRetry}),
      (e: unknown) => e instanceof AuthError && e.code === 'SUBSCRIPTION_LIST_FAILED',
    )
  })

  it('lists at AZURE_RESOURCE_MANAGER_ENDPOINT with the cloud scope', async () => {
    const custom = resolveCloud(undefined, {AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://arm.emulator.test:8443'})
    const chain = new FakeChain()
    const scope = nock('https://arm.emulator.test:8443')
      .get('/subscriptions')
      .query(true)
      .reply(200, {value: [sub(SUB_A, 'Emulated')]})
    const r = await resolveSubscription({env: {}, chain, cloud: custom, clientOptions: noRetry})
    assert.equal(r.subscriptionId, SUB_A)
    assert.ok(chain.scopes.length > 0 && chain.scopes.every((s) => s === 'https://management.azure.com/.default'))
    scope.done()
  })
})
