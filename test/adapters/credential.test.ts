import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import type {AccessToken, TokenCredential} from '@azure/core-auth'
import nock from 'nock'
import {
  type ChainSource,
  createCredentialChain,
  fetchGitHubOidcToken,
  NamedChain,
  selectCredentials,
} from '../../src/adapters/identity/azure-credential.js'
import {CredentialUnavailable} from '../../src/adapters/identity/login-store.js'
import {resolveCloud} from '../../src/core/cloud.js'
import {AuthError, InputError} from '../../src/core/errors.js'
import {fakeAzDir} from '../helpers/cli.js'

const TENANT = '11111111-2222-3333-4444-555555555555'
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
const ARM = 'https://management.azure.com/.default'
const cloud = resolveCloud(undefined, {})

let dir: string
const saved = {...process.env}

before(() => {
  nock.disableNetConnect()
  dir = mkdtempSync(join(tmpdir(), 'azdeploy-cred-'))
  // The Azure CLI credential runs `az` with this process's environment: only the fake az (and node) on PATH.
  process.env['PATH'] = `${fakeAzDir()}:/usr/bin:/bin`
})
afterEach(() => {
  nock.cleanAll()
  for (const k of ['FAKE_AZ_LOGGED_OUT', 'FAKE_AZ_TOKEN']) delete process.env[k]
})
after(() => {
  nock.enableNetConnect()
  process.env = saved
  rmSync(dir, {recursive: true, force: true})
})

/** Never the real user's saved login; `dev` leaves managed identity (and its IMDS probe) out. */
const devEnv = (extra: Record<string, string> = {}) => ({
  AZDEPLOY_CONFIG_DIR: join(dir, 'cfg'),
  AZURE_TOKEN_CREDENTIALS: 'dev',
  ...extra,
})

describe('credential selection', () => {
  it('AZURE_TOKEN_CREDENTIALS=dev never contains ManagedIdentity', async () => {
    assert.deepEqual(selectCredentials({AZURE_TOKEN_CREDENTIALS: 'dev'}), [
      'AzdeployLoginCredential',
      'AzureCliCredential',
      'AzureDeveloperCliCredential',
    ])
    const chain = await createCredentialChain({cloud, env: devEnv({AZURE_CLIENT_ID: CLIENT})})
    assert.ok(!chain.names.includes('ManagedIdentityCredential'))
    assert.ok(!chain.sources.some((s) => s.name === 'ManagedIdentityCredential'))
  })

  it('prod, single names (any case) and AZDEPLOY_CREDENTIAL taking precedence', () => {
    assert.deepEqual(selectCredentials({AZURE_TOKEN_CREDENTIALS: 'PROD'}), [
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'GitHubOidcCredential',
      'ManagedIdentityCredential',
    ])
    assert.deepEqual(selectCredentials({AZURE_TOKEN_CREDENTIALS: 'azureclicredential'}), ['AzureCliCredential'])
    assert.deepEqual(selectCredentials({AZURE_TOKEN_CREDENTIALS: 'prod', AZDEPLOY_CREDENTIAL: 'dev'}).length, 3)
    assert.equal(selectCredentials({}).length, 7)
    assert.throws(
      () => selectCredentials({AZDEPLOY_CREDENTIAL: 'magic'}),
      (e: unknown) => e instanceof InputError && /AZDEPLOY_CREDENTIAL="magic"/.test(e.message),
    )
  })

  it('leaves out environment and workload credentials whose variables are missing', async () => {
    const chain = await createCredentialChain({
      cloud,
      env: devEnv({AZURE_TOKEN_CREDENTIALS: 'WorkloadIdentityCredential', AZURE_CLIENT_ID: CLIENT}),
    })
    assert.deepEqual(chain.names, [])
    assert.deepEqual(
      chain.sources.map((s) => s.name),
      ['WorkloadIdentityCredential', 'GitHubOidcCredential'],
    )
  })
})

describe('the Azure CLI credential (fake az on PATH)', () => {
  it('answers when the saved login is absent, and is recorded as answeredBy', async () => {
    process.env['FAKE_AZ_TOKEN'] = 'fake-cli-token'
    const chain = await createCredentialChain({cloud, env: devEnv()})
    const token = await chain.getToken(ARM)
    assert.equal(token.token, 'fake-cli-token')
    assert.equal(chain.answeredBy, 'AzureCliCredential')
  })

  it('with every credential unavailable: NOT_LOGGED_IN naming what was tried', async () => {
    process.env['FAKE_AZ_LOGGED_OUT'] = '1'
    const chain = await createCredentialChain({cloud, env: devEnv()})
    const err = await chain.getToken(ARM).then(
      () => assert.fail('expected NOT_LOGGED_IN'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof AuthError)
    assert.equal(err.code, 'NOT_LOGGED_IN')
    assert.equal(err.exitCode, 3)
    assert.match(err.message, /^No Azure credential is available/)
    for (const n of ['AzdeployLoginCredential', 'AzureCliCredential', 'AzureDeveloperCliCredential']) {
      assert.match(err.message, new RegExp(n))
    }
    assert.equal(
      err.hint,
      'Run `azdeploy login`, `az login`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET',
    )
  })
})

function fake(name: string, behaviour: () => AccessToken | Error): TokenCredential & {calls: number} {
  const cred = {
    calls: 0,
    async getToken() {
      cred.calls++
      const r = behaviour()
      if (r instanceof Error) throw r
      return r
    },
  }
  Object.defineProperty(cred, 'name', {value: name})
  return cred
}
const tok = (token: string): AccessToken => ({token, expiresOnTimestamp: Date.now() + 3600_000})

describe('chain semantics', () => {
  it('moves past unavailable credentials, then pins to the one that answered', async () => {
    let loginAvailable = false
    const first = fake('login', () => (loginAvailable ? tok('from-login') : new CredentialUnavailable('no login')))
    const second = fake('cli', () => tok('from-cli'))
    const sources: ChainSource[] = [
      {name: 'AzdeployLoginCredential', credential: first},
      {name: 'AzureCliCredential', credential: second},
    ]
    const chain = new NamedChain(sources)
    assert.equal((await chain.getToken(ARM)).token, 'from-cli')
    loginAvailable = true
    assert.equal((await chain.getToken(ARM)).token, 'from-cli')
    assert.equal(first.calls, 1)
    assert.equal(chain.answeredBy, 'AzureCliCredential')
  })

  it('any other error stops the chain, with secrets and tokens scrubbed from the message', async () => {
    const boom = fake(
      'env',
      () => new Error('AADSTS7000215: Invalid client secret s3cr3t-value eyJhbGciOi.eyJzdWIiOjF9.sig'),
    )
    const next = fake('cli', () => tok('never'))
    const chain = new NamedChain(
      [
        {name: 'EnvironmentCredential', credential: boom},
        {name: 'AzureCliCredential', credential: next},
      ],
      ['s3cr3t-value'],
    )
    const err = await chain.getToken(ARM).then(
      () => assert.fail('expected failure'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof AuthError)
    assert.equal(err.code, 'CREDENTIAL_FAILED')
    assert.equal(next.calls, 0)
    const out = `${err.message} ${JSON.stringify(err)}`
    assert.ok(!out.includes('s3cr3t-value') && !out.includes('eyJzdWIiOjF9'), out)
  })
})

describe('service principal and federated credentials (nock for Entra ID)', () => {
  const LOGIN = 'https://login.microsoftonline.com'

  it('EnvironmentCredential (client secret) answers, and a refused secret stops without echoing it', async () => {
    const env = devEnv({
      AZDEPLOY_CREDENTIAL: 'EnvironmentCredential',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'very-secret-value',
    })
    nock(LOGIN)
      .post(`/${TENANT}/oauth2/v2.0/token`, (b: Record<string, string>) => b['client_secret'] === 'very-secret-value')
      .query(true)
      .reply(200, {access_token: 'sp-token', expires_in: 3600, token_type: 'Bearer'})
    const ok = await createCredentialChain({cloud, env})
    assert.equal((await ok.getToken(ARM)).token, 'sp-token')
    assert.equal(ok.answeredBy, 'EnvironmentCredential')

    nock(LOGIN)
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .query(true)
      .reply(401, {error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.'})
    const bad = await createCredentialChain({cloud, env})
    const err = await bad.getToken('https://containerregistry.azure.net/.default').then(
      () => assert.fail('expected failure'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof AuthError && err.code === 'CREDENTIAL_FAILED', String(err))
    assert.ok(!`${err.message}${JSON.stringify(err)}`.includes('very-secret-value'))
  })

  it('WorkloadIdentityCredential sends the federated token file as the client assertion', async () => {
    const file = join(dir, 'federated-token')
    writeFileSync(file, 'federated.jwt.value')
    nock(LOGIN)
      .post(
        `/${TENANT}/oauth2/v2.0/token`,
        (b: Record<string, string>) => b['client_assertion'] === 'federated.jwt.value',
      )
      .query(true)
      .reply(200, {access_token: 'wi-token', expires_in: 3600, token_type: 'Bearer'})
    const env = devEnv({
      AZURE_TOKEN_CREDENTIALS: 'WorkloadIdentityCredential',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_FEDERATED_TOKEN_FILE: file,
    })
    const chain = await createCredentialChain({cloud, env})
    assert.equal((await chain.getToken(ARM)).token, 'wi-token')
    assert.equal(chain.answeredBy, 'WorkloadIdentityCredential')
  })

  it('GitHub Actions OIDC: fetches an id token for api://AzureADTokenExchange and exchanges it', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600
    const ghJwt = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({exp, aud: 'api://AzureADTokenExchange'})).toString('base64url')}.sig`
    const gh = nock('https://pipelines.actions.example', {reqheaders: {authorization: 'Bearer gh-request-token'}})
      .get('/idtoken')
      .query({'api-version': '2.0', audience: 'api://AzureADTokenExchange'})
      .reply(200, {value: ghJwt})
    const entra = nock(LOGIN)
      .post(`/${TENANT}/oauth2/v2.0/token`, (b: Record<string, string>) => b['client_assertion'] === ghJwt)
      .query(true)
      .reply(200, {access_token: 'gh-arm-token', expires_in: 3600, token_type: 'Bearer'})
    const env = devEnv({
      AZDEPLOY_CREDENTIAL: 'GitHubOidcCredential',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.example/idtoken?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gh-request-token',
    })
    const chain = await createCredentialChain({cloud, env})
    assert.equal((await chain.getToken(ARM)).token, 'gh-arm-token')
    assert.equal(chain.answeredBy, 'GitHubOidcCredential')
    gh.done()
    entra.done()
  })

  it('a GitHub OIDC refusal names the fix and not the request token', async () => {
    nock('https://pipelines.actions.example')
      .get('/idtoken')
      .query(true)
      .reply(403, {message: 'no id-token permission'})
    await assert.rejects(
      fetchGitHubOidcToken({
        requestUrl: 'https://pipelines.actions.example/idtoken?x=1',
        requestToken: 'gh-request-token',
      }),
      (e: unknown) =>
        e instanceof AuthError && e.code === 'GITHUB_OIDC_FAILED' && !e.message.includes('gh-request-token'),
    )
  })

  it('uses the cloud authority host (China)', async () => {
    // MSAL's built-in metadata sends login.chinacloudapi.cn token requests to its partner host.
    nock('https://login.partner.microsoftonline.cn')
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .query(true)
      .reply(200, {access_token: 'cn-token', expires_in: 3600, token_type: 'Bearer'})
    const env = devEnv({
      AZDEPLOY_CREDENTIAL: 'EnvironmentCredential',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'x-secret',
    })
    const china = resolveCloud('AzureChinaCloud', env)
    const chain = await createCredentialChain({cloud: china, env})
    assert.equal((await chain.getToken(china.armScope)).token, 'cn-token')
  })
})
