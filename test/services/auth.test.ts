import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {chooseLoginMethod, createAzureContext, principalFromClaims, whoami} from '../../src/app/session.js'
import {AuthError} from '../../src/core/errors.js'
import {fakeAzDir} from '../helpers/cli.js'

const TENANT = '00000000-0000-0000-0000-0000000000aa'
const SUB = '00000000-0000-0000-0000-000000000001'
const jwt = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`
const userToken = jwt({tid: TENANT, oid: 'user-oid', upn: 'dev@contoso.com', idtyp: 'user', appid: 'cli'})

let dir: string
const saved = {...process.env}
const env = () => ({AZDEPLOY_CONFIG_DIR: join(dir, 'cfg'), AZURE_TOKEN_CREDENTIALS: 'dev'})

before(() => {
  nock.disableNetConnect()
  dir = mkdtempSync(join(tmpdir(), 'azdeploy-auth-'))
  process.env['PATH'] = `${fakeAzDir()}:/usr/bin:/bin`
  process.env['FAKE_AZ_TOKEN'] = userToken
  process.env['FAKE_AZ_SUBSCRIPTION'] = SUB
  process.env['FAKE_AZ_TENANT'] = TENANT
})
afterEach(() => {
  nock.cleanAll()
  delete process.env['FAKE_AZ_LOGGED_OUT']
})
after(() => {
  nock.enableNetConnect()
  process.env = saved
  rmSync(dir, {recursive: true, force: true})
})

describe('createAzureContext and whoami (fake az)', () => {
  it('signs in through az with one process: the token answer names the default subscription', async () => {
    const log = join(dir, 'az-calls.log')
    process.env['FAKE_AZ_LOG'] = log // the az child inherits the process environment
    const ctx = await createAzureContext({env: env()}).finally(() => {
      delete process.env['FAKE_AZ_LOG']
    })
    assert.equal(ctx.subscriptionId, SUB)
    assert.equal(ctx.tenantId, TENANT)
    const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean)
    assert.equal(calls.length, 1, calls.join('\n'))
    assert.match(calls[0] ?? '', /"account","get-access-token"/)
    assert.doesNotMatch(calls[0] ?? '', new RegExp(userToken.slice(0, 20)))
  })

  it('takes the Azure CLI default subscription and reports the user without the token', async () => {
    const ctx = await createAzureContext({env: env()})
    assert.equal(ctx.subscriptionId, SUB)
    assert.equal(ctx.subscriptionSource, 'azure-cli')
    assert.equal(ctx.credential.answeredBy, 'AzureCliCredential')
    // The CLI's token answer named the subscription; whoami reads its display name from ARM.
    nock('https://management.azure.com')
      .get(`/subscriptions/${SUB}`)
      .query(true)
      .reply(200, {subscriptionId: SUB, displayName: 'Test Subscription', tenantId: TENANT, state: 'Enabled'})
    const me = await whoami(ctx)
    assert.deepEqual(me, {
      tenantId: TENANT,
      subscriptionId: SUB,
      subscriptionName: 'Test Subscription',
      subscriptionSource: 'azure-cli',
      principal: {type: 'user', name: 'dev@contoso.com', objectId: 'user-oid'},
      credential: 'AzureCliCredential',
      cloud: 'AzureCloud',
      armEndpoint: 'https://management.azure.com',
    })
    assert.ok(!JSON.stringify(me).includes(userToken.split('.')[1] ?? 'x'))
  })

  it('--subscription and the cloud flag pass through; nobody logged in is NOT_LOGGED_IN', async () => {
    const ctx = await createAzureContext({env: env(), subscription: SUB, cloud: 'azureusgovernment'})
    assert.equal(ctx.subscriptionSource, 'flag')
    assert.equal(ctx.cloud.armScope, 'https://management.usgovcloudapi.net/.default')
    process.env['FAKE_AZ_LOGGED_OUT'] = '1'
    for (const subscription of [undefined, 'My Subscription']) {
      await assert.rejects(
        createAzureContext({env: env(), subscription, clientOptions: {retryOptions: {maxRetries: 0}}}),
        (e: unknown) => e instanceof AuthError && e.code === 'NOT_LOGGED_IN',
      )
    }
  })
})

describe('principalFromClaims', () => {
  it('tells users, service principals and managed identities apart', () => {
    assert.deepEqual(principalFromClaims({idtyp: 'app', appid: 'app-1', oid: 'sp-oid', app_displayname: 'deployer'}), {
      type: 'servicePrincipal',
      name: 'deployer',
      objectId: 'sp-oid',
      appId: 'app-1',
    })
    const mirid = '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-web'
    assert.deepEqual(principalFromClaims({idtyp: 'app', appid: 'mi-app', oid: 'mi-oid', xms_mirid: mirid}), {
      type: 'managedIdentity',
      name: 'id-web',
      objectId: 'mi-oid',
      appId: 'mi-app',
    })
    assert.deepEqual(principalFromClaims(undefined, 'EnvironmentCredential'), {type: 'servicePrincipal'})
    assert.deepEqual(principalFromClaims({preferred_username: 'a@b.c', oid: 'o'}), {
      type: 'user',
      name: 'a@b.c',
      objectId: 'o',
    })
  })
})

describe('chooseLoginMethod', () => {
  const linux = {platform: 'linux' as const, isTTY: true}
  it('uses the browser only when someone can see one', () => {
    assert.equal(chooseLoginMethod({...linux, env: {DISPLAY: ':0'}}), 'browser')
    assert.equal(chooseLoginMethod({...linux, env: {}}), 'device-code')
    assert.equal(chooseLoginMethod({...linux, env: {DISPLAY: ':0'}, useDeviceCode: true}), 'device-code')
    assert.equal(chooseLoginMethod({...linux, env: {DISPLAY: ':0'}, isTTY: false}), 'device-code')
    assert.equal(chooseLoginMethod({platform: 'darwin', isTTY: true, env: {}}), 'browser')
    assert.equal(chooseLoginMethod({platform: 'darwin', isTTY: true, env: {SSH_CONNECTION: 'x'}}), 'device-code')
  })
})
