import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {get} from 'node:http'
import {request} from 'node:https'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'
import {
  type DeviceCodePrompt,
  signInWithBrowser,
  signInWithDeviceCode,
} from '../../src/adapters/identity/entra-signin.js'
import {loginFilePath, readLogin} from '../../src/adapters/identity/login-store.js'
import {AZURE_CLI_CLIENT_ID} from '../../src/adapters/identity/msal-app.js'
import {StoredLoginCredential} from '../../src/adapters/identity/stored-login.js'
import {login, logout} from '../../src/app/session.js'
import {resolveCloud} from '../../src/core/cloud.js'
import {AuthError} from '../../src/core/errors.js'
import {type EntraStandIn, startEntraStandIn} from '../helpers/entra-stand-in.js'

const ARM_SCOPE = 'https://management.azure.com/.default'
const ACR_SCOPE = 'https://containerregistry.azure.net/.default'

let dir: string
let entra: EntraStandIn
const env = () => ({AZDEPLOY_CONFIG_DIR: join(dir, 'cfg'), AZURE_AUTHORITY_HOST: entra.url})
const cloud = () => resolveCloud(undefined, env())
const endpoint = () => ({
  authorityHost: entra.url,
  tenant: 'organizations',
  clientId: AZURE_CLI_CLIENT_ID,
  ca: entra.ca,
})
const scopes = [ARM_SCOPE]

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'azdeploy-login-'))
  entra = await startEntraStandIn()
})
beforeEach(() => {
  entra.requests.length = 0
  entra.devicePolls = ['ok']
  entra.deviceInterval = 0
  entra.deviceExpiresIn = 900
})
afterEach(() => rmSync(join(dir, 'cfg'), {recursive: true, force: true}))
after(async () => {
  await entra.close()
  rmSync(dir, {recursive: true, force: true})
})

describe('device code sign-in (MSAL against the local Entra stand-in)', () => {
  it('shows the code, polls through authorization_pending, then returns the tokens', async () => {
    entra.devicePolls = ['authorization_pending', 'authorization_pending', 'ok']
    let prompt: DeviceCodePrompt | undefined
    const set = await signInWithDeviceCode({
      ...endpoint(),
      scopes,
      onPrompt: (p) => {
        prompt = p
      },
    })
    assert.equal(prompt?.userCode, 'ABCD-EFGH')
    assert.match(prompt?.message ?? '', /ABCD-EFGH/)
    const start = entra.requests.find((r) => r.path === '/organizations/oauth2/v2.0/devicecode')
    assert.equal(start?.form['client_id'], AZURE_CLI_CLIENT_ID)
    assert.match(start?.form['scope'] ?? '', /https:\/\/management\.azure\.com\/\.default/)
    assert.equal(entra.tokenRequests('device_code').length, 3)
    assert.equal(set.account.username, 'dev@contoso.com')
    assert.equal(set.account.homeTenant, entra.user.tid)
    assert.match(set.accessToken.reveal(), /^eyJ/)
    assert.match(set.msalCache, /RT-SECRET-/, 'the persistable cache keeps the refresh token')
    assert.ok(!set.msalCache.includes(set.accessToken.reveal()), 'but not the access token')
  })

  it('stops with DEVICE_CODE_EXPIRED on expired_token', async () => {
    entra.devicePolls = ['expired_token']
    await assert.rejects(
      signInWithDeviceCode({...endpoint(), scopes, onPrompt: () => {}}),
      (e: unknown) => e instanceof AuthError && e.code === 'DEVICE_CODE_EXPIRED' && e.exitCode === 3,
    )
  })

  it('stops polling once expires_in has passed', async () => {
    entra.devicePolls = ['authorization_pending']
    entra.deviceExpiresIn = 1
    entra.deviceInterval = 1
    await assert.rejects(
      signInWithDeviceCode({...endpoint(), scopes, onPrompt: () => {}}),
      (e: unknown) => e instanceof AuthError && e.code === 'DEVICE_CODE_EXPIRED',
    )
    assert.ok(entra.tokenRequests().length <= 3, `polled ${entra.tokenRequests().length} times`)
  })

  it('reports a declined sign-in', async () => {
    entra.devicePolls = ['access_denied']
    await assert.rejects(
      signInWithDeviceCode({...endpoint(), scopes, onPrompt: () => {}}),
      (e: unknown) => e instanceof AuthError && e.code === 'LOGIN_DECLINED' && e.hint === 'Run `azdeploy login` again',
    )
  })

  it('an unreachable authority is "cannot reach the sign-in service (network)", naming the host', async () => {
    const port = await closedPort()
    const err = await signInWithDeviceCode({
      ...endpoint(),
      authorityHost: `https://127.0.0.1:${port}`,
      scopes,
      onPrompt: () => {},
    }).then(
      () => assert.fail('expected ENTRA_UNREACHABLE'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof AuthError, String(err))
    assert.equal(err.code, 'ENTRA_UNREACHABLE')
    assert.match(
      err.message,
      new RegExp(`cannot reach the sign-in service \\(network\\) at 127\\.0\\.0\\.1:${port}`, 'i'),
    )
    assert.match(err.message, /connection refused/)
  })
})

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as {port: number}).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

/** What a browser does with the sign-in URL: the stand-in redirects to the loopback URI, which is then visited. */
function followSignIn(url: string, ca: string, rewrite?: (location: URL) => URL): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, {ca}, (res) => {
      res.resume()
      const location = new URL(res.headers.location ?? '')
      assert.equal(location.hostname, 'localhost')
      const target = rewrite ? rewrite(location) : location
      get(`http://127.0.0.1:${target.port}${target.pathname}${target.search}`, (r) => {
        r.resume()
        r.on('end', () => resolve(r.statusCode ?? 0))
      }).on('error', reject)
    })
      .on('error', reject)
      .end()
  })
}

describe('browser sign-in (MSAL loopback + PKCE)', () => {
  it('uses PKCE S256 and a loopback redirect; the stand-in checks the verifier when redeeming the code', async () => {
    let shown: {url: string; opened: boolean} | undefined
    const set = await signInWithBrowser({
      ...endpoint(),
      scopes,
      onUrl: (url, opened) => {
        shown = {url, opened}
      },
      openBrowser: async (url) => {
        const u = new URL(url)
        assert.equal(u.origin + u.pathname, `${entra.url}/organizations/oauth2/v2.0/authorize`)
        assert.equal(u.searchParams.get('code_challenge_method'), 'S256')
        assert.equal(u.searchParams.get('client_id'), AZURE_CLI_CLIENT_ID)
        assert.match(u.searchParams.get('redirect_uri') ?? '', /^http:\/\/localhost:\d+$/)
        setImmediate(() => void followSignIn(url, entra.ca))
        return false
      },
    })
    assert.equal(set.account.username, 'dev@contoso.com')
    assert.equal(shown?.opened, false, 'the URL is handed to the caller to print when no browser started')
    const redeem = entra.tokenRequests('authorization_code')
    assert.equal(redeem.length, 1)
    assert.ok(redeem[0]?.form['code_verifier'], 'a PKCE verifier was sent')
  })

  it('a forged code fails PKCE (LOGIN_FAILED); a declined sign-in is LOGIN_DECLINED', async () => {
    for (const [rewrite, code] of [
      [(l: URL) => new URL(`${l.origin}/?code=FORGED&state=forged`), 'LOGIN_FAILED'],
      [(l: URL) => new URL(`${l.origin}/?error=access_denied&error_description=user+cancelled`), 'LOGIN_DECLINED'],
    ] as const) {
      await assert.rejects(
        signInWithBrowser({
          ...endpoint(),
          scopes,
          onUrl: () => {},
          openBrowser: async (url) => {
            setImmediate(() => void followSignIn(url, entra.ca, rewrite).catch(() => undefined))
            return true
          },
        }),
        (e: unknown) => e instanceof AuthError && e.code === code,
      )
    }
  })

  it('gives up after the timeout and closes the loopback listener', async () => {
    let redirect = ''
    await assert.rejects(
      signInWithBrowser({
        ...endpoint(),
        scopes,
        timeoutMs: 200,
        onUrl: () => {},
        openBrowser: async (url) => {
          redirect = new URL(url).searchParams.get('redirect_uri') ?? ''
          return true
        },
      }),
      (e: unknown) => e instanceof AuthError && e.code === 'LOGIN_TIMEOUT',
    )
    const port = new URL(redirect).port
    const refused = await new Promise<boolean>((resolve) => {
      const tryOnce = (left: number) =>
        get(`http://127.0.0.1:${port}/`, (r) => {
          r.resume()
          if (left > 0) setTimeout(() => tryOnce(left - 1), 50)
          else resolve(false)
        }).on('error', () => resolve(true))
      tryOnce(20)
    })
    assert.ok(refused, 'the loopback listener is closed')
  })
})

describe('azdeploy login / logout and the saved login', () => {
  const deviceLogin = () =>
    login({env: env(), method: 'device-code', ca: entra.ca}, {onDeviceCode: () => {}, onBrowserUrl: () => {}})

  it('login saves the refresh token only, in a 0600 file inside a 0700 directory', async () => {
    const messages: string[] = []
    const result = await login(
      {env: env(), method: 'device-code', ca: entra.ca},
      {onDeviceCode: (p) => messages.push(p.message), onBrowserUrl: () => {}},
    )
    assert.deepEqual(
      {user: result.username, tenant: result.tenantId, cloud: result.cloud},
      {user: 'dev@contoso.com', tenant: entra.user.tid, cloud: 'AzureCloud'},
    )
    assert.equal(messages.length, 1)
    const file = loginFilePath(env())
    assert.equal(result.file, file)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.equal(statSync(join(dir, 'cfg', 'azdeploy')).mode & 0o777, 0o700)
    const text = readFileSync(file, 'utf8')
    const issued = entra.tokenRequests().length
    assert.equal(issued, 1)
    assert.ok(!/"secret":\s*"eyJ/.test(text), 'no access or id token on disk')
    assert.ok(!text.includes('"AccessToken": {\n'), text)
    const saved = await readLogin(env())
    assert.ok(
      [...entra.refreshTokens].some((rt) => saved?.msalCache?.includes(rt)),
      'the refresh token is saved',
    )
    assert.equal(saved?.account.username, 'dev@contoso.com')
    assert.equal(saved?.account.oid, entra.user.oid)
    assert.equal(saved?.account.homeTenant, entra.user.tid)
    assert.ok(!JSON.stringify(result).includes('SECRET'))
    assert.deepEqual(await logout({env: env()}), {removed: true, file})
    assert.deepEqual(await logout({env: env()}), {removed: false, file})
  })

  it('config path: <AZDEPLOY_CONFIG_DIR | XDG_CONFIG_HOME | ~/.config>/azdeploy/login.json', () => {
    assert.equal(loginFilePath({AZDEPLOY_CONFIG_DIR: '/c'}), '/c/azdeploy/login.json')
    assert.equal(loginFilePath({XDG_CONFIG_HOME: '/x'}), '/x/azdeploy/login.json')
    assert.equal(loginFilePath({HOME: '/home/u'}), '/home/u/.config/azdeploy/login.json')
  })

  it('refreshes per scope, saves the rotated refresh token and caches access tokens in memory', async () => {
    await deviceLogin()
    const before = readFileSync(loginFilePath(env()), 'utf8')
    entra.requests.length = 0
    const cred = new StoredLoginCredential({env: env(), cloud: cloud(), ca: entra.ca})
    const arm = await cred.getToken(ARM_SCOPE)
    assert.match(arm.token, /^eyJ/)
    assert.equal((await cred.getToken([ARM_SCOPE])).token, arm.token, 'second call served from memory')
    const refreshes = entra.tokenRequests('refresh_token')
    assert.equal(refreshes.length, 1)
    assert.match(refreshes[0]?.form['scope'] ?? '', /management\.azure\.com\/\.default/)
    const after1 = readFileSync(loginFilePath(env()), 'utf8')
    assert.notEqual(after1, before, 'the rotated refresh token was written back')
    const oldRt = refreshes[0]?.form['refresh_token'] ?? 'x'
    assert.ok(!after1.includes(oldRt), 'the redeemed refresh token is gone from disk')
    assert.equal(statSync(loginFilePath(env())).mode & 0o777, 0o600)
    await cred.getToken(ACR_SCOPE)
    const acr = entra.tokenRequests('refresh_token')
    assert.equal(acr.length, 2)
    assert.match(acr[1]?.form['scope'] ?? '', /containerregistry/)
  })

  it('a revoked refresh token becomes LOGIN_EXPIRED without leaking it', async () => {
    await deviceLogin()
    const rt = [...entra.refreshTokens][0] ?? 'x'
    entra.revoke()
    const err = await new StoredLoginCredential({env: env(), cloud: cloud(), ca: entra.ca}).getToken(ARM_SCOPE).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof AuthError, String(err))
    assert.equal(err.code, 'LOGIN_EXPIRED')
    assert.equal(err.hint, 'Run `azdeploy login` again')
    assert.match(err.message, /AADSTS700082/)
    for (const text of [err.message, JSON.stringify(err), String(err.stack)]) assert.ok(!text.includes(rt))
  })

  it('a login file from before MSAL (a bare refresh token) is redeemed once and rewritten', async () => {
    entra.refreshTokens.add('RT-LEGACY-SECRET')
    mkdirSync(join(dir, 'cfg', 'azdeploy'), {recursive: true, mode: 0o700})
    const legacy = {
      tenantId: entra.user.tid,
      clientId: AZURE_CLI_CLIENT_ID,
      refreshToken: 'RT-LEGACY-SECRET',
      account: {username: 'dev@contoso.com', oid: entra.user.oid, homeTenant: entra.user.tid},
      cloud: 'AzureCloud',
    }
    writeFileSync(loginFilePath(env()), JSON.stringify(legacy), {mode: 0o600})
    const cred = new StoredLoginCredential({env: env(), cloud: cloud(), ca: entra.ca})
    assert.match((await cred.getToken(ARM_SCOPE)).token, /^eyJ/)
    const saved = await readLogin(env())
    assert.equal(saved?.refreshToken, undefined)
    assert.ok(saved?.msalCache)
    assert.ok(!readFileSync(loginFilePath(env()), 'utf8').includes('RT-LEGACY-SECRET'))
    await new StoredLoginCredential({env: env(), cloud: cloud(), ca: entra.ca}).getToken(ACR_SCOPE)
  })

  it('without a saved login, or one for another cloud, the credential is unavailable', async () => {
    const cred = new StoredLoginCredential({env: env(), cloud: cloud(), ca: entra.ca})
    await assert.rejects(cred.getToken(ARM_SCOPE), {name: 'CredentialUnavailableError'})
    await deviceLogin()
    const china = new StoredLoginCredential({env: env(), cloud: resolveCloud('AzureChinaCloud', env())})
    await assert.rejects(china.getToken(ARM_SCOPE), {name: 'CredentialUnavailableError', message: /AzureCloud/})
    writeFileSync(loginFilePath(env()), 'not json')
    await assert.rejects(new StoredLoginCredential({env: env(), cloud: cloud()}).getToken(ARM_SCOPE), {
      name: 'CredentialUnavailableError',
    })
  })
})
