import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {get} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {browserFlow} from '../../src/adapters/identity/entra-browser.js'
import {
  AZURE_CLI_CLIENT_ID,
  DEVICE_CODE_GRANT,
  type DeviceCodePrompt,
  deviceCodeFlow,
} from '../../src/adapters/identity/entra-oauth.js'
import {loginFilePath, readLogin, StoredLoginCredential, writeLogin} from '../../src/adapters/identity/login-store.js'
import {login, logout} from '../../src/app/session.js'
import {resolveCloud} from '../../src/core/cloud.js'
import {AuthError} from '../../src/core/errors.js'

const LOGIN = 'https://login.microsoftonline.com'
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const ARM_SCOPE = 'https://management.azure.com/.default'
const ACR_SCOPE = 'https://containerregistry.azure.net/.default'
const cloud = resolveCloud(undefined, {})

const jwt = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`
const idToken = jwt({tid: TENANT, oid: 'user-oid', preferred_username: 'dev@contoso.com', name: 'Dev'})
const endpoint = {authorityHost: LOGIN, tenant: 'organizations', clientId: AZURE_CLI_CLIENT_ID}

let dir: string
const env = () => ({AZDEPLOY_CONFIG_DIR: join(dir, 'cfg')})

before(() => {
  nock.disableNetConnect()
  dir = mkdtempSync(join(tmpdir(), 'azdeploy-login-'))
})
afterEach(() => {
  nock.cleanAll()
  rmSync(join(dir, 'cfg'), {recursive: true, force: true})
})
after(() => {
  nock.enableNetConnect()
  rmSync(dir, {recursive: true, force: true})
})

function deviceCodeStart(interval = 5, expiresIn = 900) {
  return nock(LOGIN)
    .post('/organizations/oauth2/v2.0/devicecode', (b: Record<string, string>) => {
      return b['client_id'] === AZURE_CLI_CLIENT_ID && b['scope'] === `${ARM_SCOPE} offline_access openid profile`
    })
    .reply(200, {
      device_code: 'DEVICE-CODE-SECRET',
      user_code: 'ABCD-EFGH',
      verification_uri: 'https://microsoft.com/devicelogin',
      expires_in: expiresIn,
      interval,
      message: 'To sign in, use a web browser to open https://microsoft.com/devicelogin and enter the code ABCD-EFGH',
    })
}

const pollBody = (b: Record<string, string>) =>
  b['grant_type'] === DEVICE_CODE_GRANT && b['device_code'] === 'DEVICE-CODE-SECRET'
const scopes = [ARM_SCOPE, 'offline_access', 'openid', 'profile']

describe('device code flow', () => {
  it('honours interval, authorization_pending and slow_down, then returns the tokens', async () => {
    const start = deviceCodeStart(3)
    const token = nock(LOGIN)
      .post('/organizations/oauth2/v2.0/token', pollBody)
      .reply(400, {error: 'authorization_pending', error_description: 'AADSTS70016: pending'})
      .post('/organizations/oauth2/v2.0/token', pollBody)
      .reply(400, {error: 'slow_down'})
      .post('/organizations/oauth2/v2.0/token', pollBody)
      .reply(200, {access_token: 'AT-1', refresh_token: 'RT-1', id_token: idToken, expires_in: 3600})
    const delays: number[] = []
    let prompt: DeviceCodePrompt | undefined
    const set = await deviceCodeFlow({
      ...endpoint,
      scopes,
      onPrompt: (p) => {
        prompt = p
      },
      sleep: async (ms) => {
        delays.push(ms)
      },
    })
    assert.deepEqual(delays, [3000, 3000, 8000])
    assert.equal(prompt?.userCode, 'ABCD-EFGH')
    assert.match(prompt?.message ?? '', /ABCD-EFGH/)
    assert.equal(set.accessToken.reveal(), 'AT-1')
    assert.equal(set.refreshToken?.reveal(), 'RT-1')
    assert.equal(set.idTokenClaims?.['preferred_username'], 'dev@contoso.com')
    start.done()
    token.done()
  })

  it('stops with DEVICE_CODE_EXPIRED on expired_token', async () => {
    deviceCodeStart(1)
    nock(LOGIN).post('/organizations/oauth2/v2.0/token').reply(400, {error: 'expired_token'})
    await assert.rejects(
      deviceCodeFlow({...endpoint, scopes, onPrompt: () => {}, sleep: async () => {}}),
      (e: unknown) => e instanceof AuthError && e.code === 'DEVICE_CODE_EXPIRED' && e.exitCode === 3,
    )
  })

  it('stops polling once expires_in has passed without asking again', async () => {
    deviceCodeStart(5, 10)
    const pending = nock(LOGIN).post('/organizations/oauth2/v2.0/token').reply(400, {error: 'authorization_pending'})
    let clock = 1_000_000
    await assert.rejects(
      deviceCodeFlow({
        ...endpoint,
        scopes,
        onPrompt: () => {},
        now: () => clock,
        sleep: async (ms) => {
          clock += ms
        },
      }),
      (e: unknown) => e instanceof AuthError && e.code === 'DEVICE_CODE_EXPIRED',
    )
    pending.done()
  })

  it('reports a declined sign-in', async () => {
    deviceCodeStart(1)
    nock(LOGIN).post('/organizations/oauth2/v2.0/token').reply(400, {error: 'access_denied'})
    await assert.rejects(
      deviceCodeFlow({...endpoint, scopes, onPrompt: () => {}, sleep: async () => {}}),
      (e: unknown) => e instanceof AuthError && e.code === 'LOGIN_DECLINED' && e.hint === 'Run `azdeploy login` again',
    )
  })
})

describe('browser flow', () => {
  function visit(url: string): Promise<number> {
    return new Promise((resolve, reject) => {
      get(url, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      }).on('error', reject)
    })
  }

  before(() => nock.enableNetConnect('127.0.0.1'))
  after(() => nock.disableNetConnect())

  it('uses PKCE S256 and a loopback redirect, then redeems the code', async () => {
    let challenge = ''
    let redirect = ''
    const token = nock(LOGIN)
      .post('/organizations/oauth2/v2.0/token', (b: Record<string, string>) => {
        const derived = createHash('sha256')
          .update(b['code_verifier'] ?? '')
          .digest('base64url')
        return (
          b['grant_type'] === 'authorization_code' &&
          b['code'] === 'AUTH-CODE' &&
          b['redirect_uri'] === redirect &&
          derived === challenge
        )
      })
      .reply(200, {access_token: 'AT-B', refresh_token: 'RT-B', id_token: idToken, expires_in: 3600})
    let shown: {url: string; opened: boolean} | undefined
    const set = await browserFlow({
      ...endpoint,
      scopes,
      onUrl: (url, opened) => {
        shown = {url, opened}
      },
      openBrowser: async (url) => {
        const u = new URL(url)
        assert.equal(u.origin + u.pathname, `${LOGIN}/organizations/oauth2/v2.0/authorize`)
        assert.equal(u.searchParams.get('code_challenge_method'), 'S256')
        assert.equal(u.searchParams.get('client_id'), AZURE_CLI_CLIENT_ID)
        challenge = u.searchParams.get('code_challenge') ?? ''
        redirect = u.searchParams.get('redirect_uri') ?? ''
        assert.match(redirect, /^http:\/\/localhost:\d+$/)
        const port = new URL(redirect).port
        const state = u.searchParams.get('state') ?? ''
        setImmediate(() => {
          void visit(`http://127.0.0.1:${port}/favicon.ico`).then(() =>
            visit(`http://127.0.0.1:${port}/?code=AUTH-CODE&state=${state}`),
          )
        })
        return false
      },
    })
    assert.equal(set.accessToken.reveal(), 'AT-B')
    assert.equal(shown?.opened, false, 'the URL is handed to the caller to print when no browser started')
    token.done()
  })

  it('rejects an answer with the wrong state and one that was declined', async () => {
    for (const [query, code] of [
      ['code=X&state=forged', 'LOGIN_FAILED'],
      ['error=access_denied&error_description=user+cancelled', 'LOGIN_DECLINED'],
    ] as const) {
      await assert.rejects(
        browserFlow({
          ...endpoint,
          scopes,
          onUrl: () => {},
          openBrowser: async (url) => {
            const u = new URL(url)
            const port = new URL(u.searchParams.get('redirect_uri') ?? '').port
            const state = u.searchParams.get('state') ?? ''
            const q = query.startsWith('error') ? `${query}&state=${state}` : query
            setImmediate(() => void visit(`http://127.0.0.1:${port}/?${q}`))
            return true
          },
        }),
        (e: unknown) => e instanceof AuthError && e.code === code,
      )
    }
  })
})

describe('azdeploy login / logout and the saved login', () => {
  it('login saves the refresh token only, in a 0600 file inside a 0700 directory', async () => {
    deviceCodeStart(1)
    nock(LOGIN)
      .post('/organizations/oauth2/v2.0/token', pollBody)
      .reply(200, {access_token: 'AT-SECRET', refresh_token: 'RT-SECRET', id_token: idToken, expires_in: 3600})
    const messages: string[] = []
    const result = await login(
      {env: env(), method: 'device-code', sleep: async () => {}},
      {onDeviceCode: (p) => messages.push(p.message), onBrowserUrl: () => {}},
    )
    assert.deepEqual(
      {user: result.username, tenant: result.tenantId, cloud: result.cloud},
      {user: 'dev@contoso.com', tenant: TENANT, cloud: 'AzureCloud'},
    )
    assert.equal(messages.length, 1)
    const file = loginFilePath(env())
    assert.equal(result.file, file)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.equal(statSync(join(dir, 'cfg')).mode & 0o777, 0o700)
    const text = readFileSync(file, 'utf8')
    assert.ok(!text.includes('AT-SECRET'), 'no access token on disk')
    const saved = await readLogin(env())
    assert.equal(saved?.refreshToken, 'RT-SECRET')
    assert.deepEqual(saved?.account, {username: 'dev@contoso.com', oid: 'user-oid', homeTenant: TENANT})
    assert.ok(!JSON.stringify(result).includes('SECRET'))
    assert.deepEqual(await logout({env: env()}), {removed: true, file})
    assert.deepEqual(await logout({env: env()}), {removed: false, file})
  })

  it('config path: AZDEPLOY_CONFIG_DIR, else XDG_CONFIG_HOME/azdeploy, else ~/.config/azdeploy', () => {
    assert.equal(loginFilePath({AZDEPLOY_CONFIG_DIR: '/c'}), '/c/login.json')
    assert.equal(loginFilePath({XDG_CONFIG_HOME: '/x'}), '/x/azdeploy/login.json')
    assert.equal(loginFilePath({HOME: '/home/u'}), '/home/u/.config/azdeploy/login.json')
  })

  const saved = () =>
    writeLogin(env(), {
      tenantId: TENANT,
      clientId: AZURE_CLI_CLIENT_ID,
      refreshToken: 'RT-OLD-SECRET',
      account: {username: 'dev@contoso.com', oid: 'o', homeTenant: TENANT},
      cloud: 'AzureCloud',
    })

  it('refreshes per scope, saves the rotated refresh token and caches access tokens in memory', async () => {
    await saved()
    const scope = nock(LOGIN)
      .post(`/${TENANT}/oauth2/v2.0/token`, (b: Record<string, string>) => {
        return (
          b['grant_type'] === 'refresh_token' &&
          b['refresh_token'] === 'RT-OLD-SECRET' &&
          b['scope'] === `${ARM_SCOPE} offline_access`
        )
      })
      .reply(200, {access_token: 'AT-ARM', refresh_token: 'RT-NEW-SECRET', expires_in: 3600})
      .post(`/${TENANT}/oauth2/v2.0/token`, (b: Record<string, string>) => {
        return b['refresh_token'] === 'RT-NEW-SECRET' && b['scope'] === `${ACR_SCOPE} offline_access`
      })
      .reply(200, {access_token: 'AT-ACR', expires_in: 3600})
    const cred = new StoredLoginCredential({env: env(), cloud})
    assert.equal((await cred.getToken(ARM_SCOPE)).token, 'AT-ARM')
    assert.equal((await cred.getToken([ARM_SCOPE])).token, 'AT-ARM', 'second call served from memory')
    assert.equal((await readLogin(env()))?.refreshToken, 'RT-NEW-SECRET')
    assert.equal(statSync(loginFilePath(env())).mode & 0o777, 0o600)
    assert.equal((await cred.getToken(ACR_SCOPE)).token, 'AT-ACR')
    scope.done()
  })

  it('invalid_grant becomes LOGIN_EXPIRED without leaking the refresh token', async () => {
    await saved()
    nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`).reply(400, {
      error: 'invalid_grant',
      error_description: 'AADSTS700082: The refresh token has expired.\r\nTrace ID: x',
    })
    const err = await new StoredLoginCredential({env: env(), cloud}).getToken(ARM_SCOPE).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof AuthError)
    assert.equal(err.code, 'LOGIN_EXPIRED')
    assert.equal(err.hint, 'Run `azdeploy login` again')
    assert.match(err.message, /AADSTS700082/)
    for (const text of [err.message, JSON.stringify(err), String(err.stack)]) assert.ok(!text.includes('RT-OLD-SECRET'))
  })

  it('without a saved login, or one for another cloud, the credential is unavailable', async () => {
    const cred = new StoredLoginCredential({env: env(), cloud})
    await assert.rejects(cred.getToken(ARM_SCOPE), {name: 'CredentialUnavailableError'})
    await saved()
    const china = new StoredLoginCredential({env: env(), cloud: resolveCloud('AzureChinaCloud', {})})
    await assert.rejects(china.getToken(ARM_SCOPE), {name: 'CredentialUnavailableError', message: /AzureCloud/})
    writeFileSync(loginFilePath(env()), 'not json')
    await assert.rejects(new StoredLoginCredential({env: env(), cloud}).getToken(ARM_SCOPE), {
      name: 'CredentialUnavailableError',
    })
  })
})
