// Sign-in through the built CLI, against local stand-ins only: the Entra ID stand-in (AZURE_AUTHORITY_HOST), the
// GitHub Actions ID-token stand-in (ACTIONS_ID_TOKEN_REQUEST_URL) and the ARM emulator. A preload refuses and logs
// every non-loopback connection, so these runs also prove nothing reaches Azure, GitHub or 169.254.169.254.
import assert from 'node:assert/strict'
import {chmodSync, readFileSync, rmSync, statSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {after, before, beforeEach, describe, it} from 'node:test'
import {type ArmEmulator, startArmEmulator} from '../emulator/index.js'
import {DEFAULT_SUBSCRIPTION} from '../emulator/state.js'
import {type EntraStandIn, jwtOf, startEntraStandIn} from '../helpers/entra-stand-in.js'
import {type GitHubOidcStandIn, startGitHubOidcStandIn} from '../helpers/github-oidc-stand-in.js'
import {isLoopback, netGuard} from '../helpers/net-guard.js'
import {type CliResult, describeRun, jsonOf, runCli, tempDir} from '../helpers/run-cli.js'

const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
const USER_TOKEN = jwtOf({
  aud: 'https://management.azure.com',
  tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  oid: 'user-oid',
  upn: 'dev@contoso.com',
  idtyp: 'user',
})

let entra: EntraStandIn
let gh: GitHubOidcStandIn
let armForApp: ArmEmulator
let armForUser: ArmEmulator
let dir: string
let guard: ReturnType<typeof netGuard>

before(async () => {
  dir = tempDir('signin')
  guard = netGuard(dir)
  entra = await startEntraStandIn()
  entra.userAccessToken = USER_TOKEN
  gh = await startGitHubOidcStandIn()
  armForApp = await startArmEmulator({token: entra.appAccessToken})
  armForUser = await startArmEmulator({token: USER_TOKEN})
})
beforeEach(() => {
  entra.requests.length = 0
  entra.assertions.length = 0
  entra.assertionError = undefined
  entra.accessTokenLifetime = 3600
  gh.issued.length = 0
  gh.audiences.length = 0
  gh.lifetimeSeconds = 600
  gh.sub = 'repo:octo-org/web:ref:refs/heads/main'
  guard = netGuard(dir)
})
after(async () => {
  await Promise.allSettled([entra.close(), gh.close(), armForApp.close(), armForUser.close()])
  rmSync(dir, {recursive: true, force: true})
})

const arm = (em: ArmEmulator) => ({url: em.url, caCertPath: em.caCertPath})

/** A GitHub Actions job with `id-token: write` and the OIDC variables set, nothing else. */
const runner = (extra: Record<string, string> = {}) => ({
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'octo-org/web',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_EVENT_NAME: 'push',
  AZURE_CLIENT_ID: CLIENT,
  AZURE_TENANT_ID: entra.user.tid,
  AZURE_AUTHORITY_HOST: entra.url,
  ACTIONS_ID_TOKEN_REQUEST_URL: gh.requestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: gh.requestToken,
  ...guard.env,
  ...extra,
})

function assertLoopbackOnly(r: CliResult): void {
  assert.ok(guard.connections().length > 0, 'the connection guard saw this run')
  const outside = guard.connections().filter((c) => !isLoopback(c))
  assert.deepEqual(outside, [], `non-loopback connections:\n${outside.join('\n')}\n${describeRun(r)}`)
}

const whoami = (env: Record<string, string>, em = armForApp, home?: string) =>
  runCli(['whoami', '--json', '--subscription', DEFAULT_SUBSCRIPTION], {arm: arm(em), env, ...(home ? {home} : {})})

describe('azdeploy login / whoami / logout through MSAL', () => {
  it('device code login saves a 0600 file; whoami signs in silently from it; logout removes it', async () => {
    const home = tempDir('signin-home')
    try {
      const env = {AZURE_AUTHORITY_HOST: entra.url, ...guard.env}
      const login = await runCli(['login', '--use-device-code'], {arm: arm(armForUser), env, home})
      assert.equal(login.code, 0, describeRun(login))
      assert.match(login.stderr, /enter the code ABCD-EFGH/)
      assert.match(login.stdout, /Logged in as dev@contoso\.com/)
      const file = join(home, 'azdeploy', 'login.json')
      assert.equal(statSync(file).mode & 0o777, 0o600)
      assert.equal(statSync(join(home, 'azdeploy')).mode & 0o777, 0o700)
      assert.ok(!readFileSync(file, 'utf8').includes(USER_TOKEN), 'no access token on disk')
      assert.ok(!`${login.stdout}${login.stderr}`.includes('RT-SECRET'), 'no refresh token printed')

      entra.requests.length = 0
      const me = await whoami({...env, AZURE_TOKEN_CREDENTIALS: 'AzdeployLoginCredential'}, armForUser, home)
      assert.equal(me.code, 0, describeRun(me))
      const doc = jsonOf<{credential: string; principal: {name: string; type: string}}>(me)
      assert.equal(doc.credential, 'AzdeployLoginCredential')
      assert.deepEqual([doc.principal.type, doc.principal.name], ['user', 'dev@contoso.com'])
      assert.equal(entra.tokenRequests('refresh_token').length, 1, 'one silent refresh, then memory')
      assertLoopbackOnly(me)

      chmodSync(file, 0o644)
      const loose = await whoami({...env, AZURE_TOKEN_CREDENTIALS: 'AzdeployLoginCredential'}, armForUser, home)
      assert.equal(loose.code, 3, describeRun(loose))
      const err = jsonOf<{error: {code: string; message: string; hint: string}}>(loose).error
      assert.equal(err.code, 'LOGIN_FILE_INSECURE')
      assert.match(err.hint, /chmod 600/)

      const out = await runCli(['logout'], {arm: arm(armForUser), env, home})
      assert.equal(out.code, 0, describeRun(out))
      assert.match(out.stdout, /Removed the saved login/)
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  })

  it('with no credential at all, the error leads with the fix, lists what was tried and names up --local', async () => {
    const r = await runCli(['whoami'], {arm: arm(armForUser), env: {FAKE_AZ_LOGGED_OUT: '1', ...guard.env}})
    assert.equal(r.code, 3, describeRun(r))
    const lines = r.stderr.trim().split('\n')
    assert.match(
      lines[0] ?? '',
      /^Error \(NOT_LOGGED_IN\): No Azure credential is available: sign in with `azdeploy login`/,
    )
    assert.ok(
      lines.some((l) => /^ {2}- AzureCliCredential: /.test(l)),
      r.stderr,
    )
    assert.ok(
      lines.some((l) => /^ {2}- AzdeployLoginCredential: /.test(l)),
      r.stderr,
    )
    assert.match(r.stderr, /`azdeploy up --local`/)
    assert.match(r.stderr, /^Try: Run `azdeploy login`, `az login`/m)
  })

  it('a service principal that cannot reach Entra says so, naming the host, not "check your secret"', async () => {
    const port = await closedPort()
    const r = await whoami({
      AZDEPLOY_CREDENTIAL: 'EnvironmentCredential',
      AZURE_TENANT_ID: entra.user.tid,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'sp-secret-value',
      AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}`,
      ...guard.env,
    })
    assert.equal(r.code, 3, describeRun(r))
    const err = jsonOf<{error: {code: string; message: string; hint: string}}>(r).error
    assert.equal(err.code, 'ENTRA_UNREACHABLE', describeRun(r))
    assert.match(err.message, new RegExp(`cannot reach the sign-in service \\(network\\) at 127\\.0\\.0\\.1:${port}`))
    assert.doesNotMatch(`${err.message} ${err.hint}`, /secret/i)
    assert.ok(!r.stdout.includes('sp-secret-value'))
    assertLoopbackOnly(r)
  })
})

async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as {port: number}).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

describe('GitHub Actions OIDC through the built CLI', () => {
  it('whoami in a simulated runner exchanges the job ID token, and only that', async () => {
    const r = await whoami(runner())
    assert.equal(r.code, 0, describeRun(r))
    const doc = jsonOf<{credential: string; principal: {type: string}}>(r)
    assert.equal(doc.credential, 'GitHubOidcCredential')
    assert.equal(doc.principal.type, 'servicePrincipal')
    assert.ok(gh.audiences.length >= 1)
    assert.ok(
      gh.audiences.every((a) => a === 'api://AzureADTokenExchange'),
      gh.audiences.join(),
    )
    assert.ok(
      entra.assertions.every((a) => gh.issued.includes(a)),
      'Entra got the GitHub ID token as assertion',
    )
    assert.ok(!`${r.stdout}${r.stderr}`.includes(gh.requestToken))
    assertLoopbackOnly(r)
  })

  it('reuses a long-lived ID token, and fetches a fresh one when the one in hand expires within 60 s', async () => {
    entra.accessTokenLifetime = 60 // every token request goes to Entra, which asks for the assertion each time
    const long = await whoami(runner())
    assert.equal(long.code, 0, describeRun(long))
    assert.ok(entra.assertions.length >= 2, `Entra asked ${entra.assertions.length} times`)
    assert.equal(gh.issued.length, 1, 'one ID token served every assertion')

    entra.assertions.length = 0
    gh.issued.length = 0
    gh.lifetimeSeconds = 30
    const short = await whoami(runner())
    assert.equal(short.code, 0, describeRun(short))
    assert.ok(entra.assertions.length >= 2, `Entra asked ${entra.assertions.length} times`)
    // A token with under 60 s left is never handed out again: each assertion Entra got is a different, fresh one.
    assert.equal(new Set(entra.assertions).size, entra.assertions.length, 'each assertion was a fresh ID token')
    assert.ok(gh.issued.length >= entra.assertions.length)
    assert.ok(entra.assertions.every((a) => gh.issued.includes(a)))
    assertLoopbackOnly(short)
  })

  it('AZDEPLOY_OIDC_AUDIENCE replaces the audience (sovereign clouds)', async () => {
    const r = await whoami(runner({AZDEPLOY_OIDC_AUDIENCE: 'api://AzureADTokenExchangeUSGov'}))
    assert.equal(r.code, 0, describeRun(r))
    assert.deepEqual([...new Set(gh.audiences)], ['api://AzureADTokenExchangeUSGov'])
  })

  it('without `id-token: write` it says to add the permission, and probes no managed identity', async () => {
    const r = await runCli(['whoami', '--subscription', DEFAULT_SUBSCRIPTION], {
      arm: arm(armForApp),
      env: runner({ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: ''}),
    })
    assert.equal(r.code, 3, describeRun(r))
    // In Actions the error is also one `::error::` annotation (after the text), with the hint in it.
    const all = r.stderr.trim().split('\n')
    assert.ok(
      all.some((l) => /^::error title=GITHUB_OIDC_NO_PERMISSION::.*%0ATry: Add `permissions: id-token: write`/.test(l)),
      r.stderr,
    )
    const lines = all.filter((l) => !l.startsWith('::error '))
    assert.match(lines[0] ?? '', /^Error \(GITHUB_OIDC_NO_PERMISSION\): /)
    assert.match(lines[1] ?? '', /^Try: Add `permissions: id-token: write`/)
    assert.equal(lines.length, 2, r.stderr)
    assert.equal(entra.requests.length, 0)
    assert.deepEqual(guard.connections(), [], 'no connection at all: no IMDS probe, no Entra')
  })

  it('no matching federated credential names the subject from the ID token and the AZURE_CLIENT_ID', async () => {
    gh.sub = 'repo:octo-org/web:environment:production'
    entra.assertionError =
      "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://token.actions.githubusercontent.com'."
    const r = await runCli(['whoami', '--subscription', DEFAULT_SUBSCRIPTION], {arm: arm(armForApp), env: runner()})
    assert.equal(r.code, 3, describeRun(r))
    // The ID token is announced to the runner's mask before anything else (a secret of the run).
    const idToken = gh.issued.at(-1) ?? ''
    assert.ok(idToken && r.stderr.startsWith(`::add-mask::${idToken}\n`), r.stderr)
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
    assert.match(lines[0] ?? '', /^Error \(GITHUB_OIDC_NO_FEDERATION\): /)
    assert.ok(lines[0]?.includes('"repo:octo-org/web:environment:production"') && lines[0].includes(CLIENT), r.stderr)
    assert.match(lines[1] ?? '', /^Try: Add a federated credential to app aaaaaaaa-/)
    assert.ok(
      lines.some((l) => l.startsWith('::error title=GITHUB_OIDC_NO_FEDERATION::') && l.includes('repo%3A') === false),
      `an ::error:: annotation (message data: \`:\` is not escaped there)\n${r.stderr}`,
    )
    assertLoopbackOnly(r)
  })
})
