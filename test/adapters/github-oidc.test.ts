import assert from 'node:assert/strict'
import {createServer} from 'node:https'
import type {AddressInfo} from 'node:net'
import {after, afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {
  fetchGitHubOidcToken,
  GitHubOidcAssertion,
  isGitHubOidcRun,
  presentedSubject,
} from '../../src/adapters/github/github-oidc.js'
import {createCredentialChain, selectCredentials} from '../../src/adapters/identity/azure-credential.js'
import {resolveCloud} from '../../src/core/cloud.js'
import {AuthError} from '../../src/core/errors.js'
import {ensureTestCa} from '../helpers/tls.js'

const TENANT = '11111111-2222-3333-4444-555555555555'
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
const ARM = 'https://management.azure.com/.default'
const GH = 'https://pipelines.actions.example'
const LOGIN = 'https://login.microsoftonline.com'

const jwt = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`

/** A GitHub Actions job set up for OIDC (no secret, certificate or federated token file). */
const runner = (extra: Record<string, string> = {}) => ({
  GITHUB_ACTIONS: 'true',
  AZURE_CLIENT_ID: CLIENT,
  AZURE_TENANT_ID: TENANT,
  GITHUB_REPOSITORY: 'octo-org/web',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_EVENT_NAME: 'push',
  ACTIONS_ID_TOKEN_REQUEST_URL: `${GH}/idtoken?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gh-request-token',
  AZDEPLOY_CONFIG_DIR: '/nonexistent/azdeploy-test',
  ...extra,
})

before(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())
after(() => nock.enableNetConnect())

describe('when GitHub Actions OIDC applies', () => {
  it('needs GITHUB_ACTIONS=true, the client and tenant ids, and no secret/certificate/token file', () => {
    assert.equal(isGitHubOidcRun(runner()), true)
    assert.equal(isGitHubOidcRun({...runner(), GITHUB_ACTIONS: 'false'}), false)
    assert.equal(isGitHubOidcRun({...runner(), AZURE_TENANT_ID: ''}), false)
    for (const k of ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE']) {
      assert.equal(isGitHubOidcRun({...runner(), [k]: 'x'}), false, k)
    }
  })

  it('is then the only credential tried (no managed identity probe, no developer login)', async () => {
    assert.deepEqual(selectCredentials(runner()), ['GitHubOidcCredential'])
    assert.deepEqual(selectCredentials(runner({AZURE_TOKEN_CREDENTIALS: 'dev'})), ['GitHubOidcCredential'])
    assert.deepEqual(selectCredentials(runner({AZDEPLOY_CREDENTIAL: 'AzureCliCredential'})), ['AzureCliCredential'])
    const chain = await createCredentialChain({cloud: resolveCloud(undefined, {}), env: runner()})
    assert.deepEqual(
      chain.sources.map((s) => s.name),
      ['GitHubOidcCredential'],
    )
  })

  it('without `id-token: write` (no request variables) says to add the permission, and tries nothing else', async () => {
    const env = runner()
    delete (env as Record<string, string | undefined>)['ACTIONS_ID_TOKEN_REQUEST_URL']
    delete (env as Record<string, string | undefined>)['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
    const chain = await createCredentialChain({cloud: resolveCloud(undefined, {}), env})
    const err = await chain.getToken(ARM).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof AuthError)
    assert.equal(err.code, 'GITHUB_OIDC_NO_PERMISSION')
    assert.equal(err.message.split('\n').length, 1)
    assert.match(err.hint ?? '', /permissions: id-token: write/)
  })
})

describe('the ID token as client assertion', () => {
  it('is reused until 60 s before its exp, then fetched afresh', async () => {
    let clock = 1_000_000_000_000
    const exp = clock / 1000 + 600
    const gh = nock(GH)
      .get('/idtoken')
      .query({'api-version': '2.0', audience: 'api://AzureADTokenExchange'})
      .times(2)
      .reply(200, () => ({value: jwt({exp, sub: 'repo:octo-org/web:ref:refs/heads/main'})}))
    const announced: string[] = []
    const a = new GitHubOidcAssertion({
      requestUrl: `${GH}/idtoken?api-version=2.0`,
      requestToken: 'gh-request-token',
      now: () => clock,
      onToken: (t) => announced.push(t),
    })
    const first = await a.get()
    assert.deepEqual(announced, [first], 'each fetched ID token is handed to the run as a secret')
    assert.equal(await a.get(), first)
    clock += 539_000
    assert.equal(await a.get(), first, 'still 61 s left')
    assert.equal(a.fetches, 1)
    clock += 2_000
    await a.get()
    assert.equal(a.fetches, 2, '59 s left: a fresh one')
    assert.equal(announced.length, 2)
    gh.done()
  })

  it('asks for the audience from AZDEPLOY_OIDC_AUDIENCE (sovereign clouds)', async () => {
    const gh = nock(GH)
      .get('/idtoken')
      .query({'api-version': '2.0', audience: 'api://AzureADTokenExchangeChina'})
      .reply(200, {value: jwt({exp: Math.floor(Date.now() / 1000) + 600})})
    nock('https://login.partner.microsoftonline.cn')
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .query(true)
      .reply(200, {access_token: 'cn-token', expires_in: 3600, token_type: 'Bearer'})
    const env = runner({AZDEPLOY_OIDC_AUDIENCE: 'api://AzureADTokenExchangeChina'})
    const china = resolveCloud('AzureChinaCloud', env)
    const chain = await createCredentialChain({cloud: china, env})
    assert.equal((await chain.getToken(china.armScope)).token, 'cn-token')
    gh.done()
  })

  it('AADSTS70021 names the subject this run presented (from the token) and the app to add it to', async () => {
    const sub = 'repo:octo-org/web:environment:production'
    nock(GH)
      .get('/idtoken')
      .query(true)
      .reply(200, {value: jwt({exp: Math.floor(Date.now() / 1000) + 600, sub})})
    nock(LOGIN)
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .query(true)
      .reply(400, {
        error: 'invalid_client',
        error_description: `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://token.actions.githubusercontent.com'. Assertion Subject: '${sub}'.\r\nTrace ID: x`,
      })
    const chain = await createCredentialChain({cloud: resolveCloud(undefined, {}), env: runner()})
    const err = await chain.getToken(ARM).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof AuthError, String(err))
    assert.equal(err.code, 'GITHUB_OIDC_NO_FEDERATION')
    assert.equal(err.message.split('\n').length, 1)
    assert.ok(err.message.includes(`"${sub}"`) && err.message.includes(CLIENT), err.message)
    assert.ok(err.hint?.includes(`subject "${sub}"`) && err.hint.includes(CLIENT), err.hint)
    assert.ok(!`${err.message}${err.hint}`.includes('gh-request-token'))
  })

  it('the ID-token request refuses plain http, an oversized answer, and names an unreachable host', async () => {
    const opts = {requestToken: 'gh-request-token'}
    await assert.rejects(
      fetchGitHubOidcToken({...opts, requestUrl: 'http://pipelines.actions.example/idtoken?api-version=2.0'}),
      (e: unknown) => e instanceof AuthError && e.code === 'GITHUB_OIDC_FAILED' && /https/.test(e.message),
    )
    // An oversized answer, from a real local server (the size cap ends the exchange mid-body).
    const tls = ensureTestCa()
    const big = createServer({cert: tls.cert, key: tls.key}, (_req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify({value: 'x'.repeat(70 * 1024)}))
    })
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', r))
    nock.enableNetConnect('127.0.0.1')
    const port = (big.address() as AddressInfo).port
    try {
      await assert.rejects(
        fetchGitHubOidcToken({...opts, requestUrl: `https://127.0.0.1:${port}/idtoken?api-version=2.0`, ca: tls.ca}),
        (e: unknown) => e instanceof AuthError && e.code === 'GITHUB_OIDC_FAILED' && /64 KiB/.test(e.message),
      )
    } finally {
      nock.disableNetConnect()
      big.closeAllConnections()
      await new Promise<void>((r) => big.close(() => r()))
    }
    // A port nothing listens on (the server above, now closed).
    nock.enableNetConnect('127.0.0.1')
    try {
      await assert.rejects(
        fetchGitHubOidcToken({...opts, requestUrl: `https://127.0.0.1:${port}/idtoken?api-version=2.0`, ca: tls.ca}),
        (e: unknown) =>
          e instanceof AuthError &&
          e.code === 'GITHUB_OIDC_UNREACHABLE' &&
          new RegExp(`127\\.0\\.0\\.1:${port}: connection refused`).test(e.message) &&
          !e.message.includes('gh-request-token'),
      )
    } finally {
      nock.disableNetConnect()
    }
  })

  it('without a token the subject is built from the job variables', () => {
    assert.equal(presentedSubject(runner(), undefined), 'repo:octo-org/web:ref:refs/heads/main')
    assert.equal(
      presentedSubject(runner({GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge'}), undefined),
      'repo:octo-org/web:pull_request',
    )
    assert.equal(presentedSubject(runner(), {sub: 'repo:a/b:environment:x'}), 'repo:a/b:environment:x')
  })

  it('a private authority host is used without instance discovery at login.microsoftonline.com', async () => {
    const HOST = 'https://login.private.example'
    nock(GH)
      .get('/idtoken')
      .query(true)
      .reply(200, {value: jwt({exp: Math.floor(Date.now() / 1000) + 600})})
    nock(HOST)
      .get(`/${TENANT}/v2.0/.well-known/openid-configuration`)
      .reply(200, {
        issuer: `${HOST}/${TENANT}/v2.0`,
        token_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/token`,
        authorization_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${HOST}/${TENANT}/oauth2/v2.0/logout`,
        jwks_uri: `${HOST}/${TENANT}/discovery/v2.0/keys`,
      })
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .query(true)
      .reply(200, {access_token: 'private-token', expires_in: 3600, token_type: 'Bearer'})
    // nock refuses every other host, so a discovery call to login.microsoftonline.com would fail the test.
    const env = runner({AZURE_AUTHORITY_HOST: HOST})
    const chain = await createCredentialChain({cloud: resolveCloud(undefined, env), env})
    assert.equal((await chain.getToken(ARM)).token, 'private-token')
  })
})
