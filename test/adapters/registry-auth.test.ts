// Registry auth with nock: anonymous, basic, Docker Hub and ACR AAD-exchange token flows, and the rule that
// credentials never go to a token realm on another host.
import assert from 'node:assert/strict'
import {afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {OciRegistryClient, type RegistryCredentials} from '../../src/adapters/registry/oci-registry.js'
import {mayReceiveCredentials, parseWwwAuthenticate} from '../../src/adapters/registry/registry-auth.js'
import {parseImageRef} from '../../src/core/image-ref.js'
import {
  BASIC,
  basic,
  bearerChallenge,
  clearLog,
  fails,
  log,
  manifests,
  PASSWORD,
  type Rec,
  type Reply,
  registry,
  serve,
  single,
  tokenServer,
} from '../helpers/nock-registry.js'

before(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
  clearLog()
})

describe('anonymous and basic bearer tokens', () => {
  const REG = 'https://reg.example.com'
  const challenge = bearerChallenge('https://auth.example.com/token', 'reg.example.com')

  it('gets an anonymous token, inspects, and caches the token per scope', async () => {
    registry(REG, challenge, 'Bearer tok-1')
    tokenServer('https://auth.example.com')
    const c = new OciRegistryClient('reg.example.com', {kind: 'anonymous'})
    const r = await c.inspect(parseImageRef('reg.example.com/app:single'))
    assert.equal(r.reference, 'reg.example.com/app:single')
    assert.equal(r.digest, single.digest)
    assert.equal(r.amd64Digest, single.digest)
    assert.deepEqual(r.platforms, ['linux/amd64'])
    assert.deepEqual(r.exposedPorts, [80, 8080])
    assert.deepEqual(r.config, {user: 'app', env: ['PATH=/usr/local/bin:/usr/bin:/bin'], cmd: ['x']})
    await c.inspect(parseImageRef('reg.example.com/app:multi'))
    const tokens = log.filter((q) => q.host === 'auth.example.com')
    assert.equal(tokens.length, 1)
    assert.equal(tokens[0]?.path, '/token?service=reg.example.com&scope=repository%3Aapp%3Apull')
    assert.equal(tokens[0]?.authorization, undefined)
  })

  it('sends basic credentials to a realm under the same registrable domain, never to /v2', async () => {
    registry(REG, challenge, 'Bearer tok-1')
    tokenServer('https://auth.example.com')
    await new OciRegistryClient('reg.example.com', BASIC).inspect(parseImageRef('reg.example.com/app:single'))
    assert.equal(log.find((q) => q.host === 'auth.example.com')?.authorization, basic('me', PASSWORD))
    assert.ok(log.filter((q) => q.host === 'reg.example.com').every((q) => !q.authorization?.startsWith('Basic')))
  })

  it('never sends basic credentials to a realm on another host', async () => {
    registry(REG, bearerChallenge('https://evil.example.net/token', 'reg.example.com'), 'Bearer tok-1')
    tokenServer('https://evil.example.net')
    const e = await fails(
      new OciRegistryClient('reg.example.com', BASIC).inspect(parseImageRef('reg.example.com/app:single')),
      'REGISTRY_UNTRUSTED_REALM',
      [PASSWORD],
    )
    assert.match(e.message, /evil\.example\.net/)
    assert.equal(log.filter((q) => q.host === 'evil.example.net').length, 0)
  })

  it('fetches an anonymous token from a foreign realm (no credentials to leak)', async () => {
    registry(REG, bearerChallenge('https://tokens.other.org/t', 'reg'), 'Bearer tok-9')
    tokenServer('https://tokens.other.org', 'tok-9')
    const r = await new OciRegistryClient('reg.example.com', {kind: 'anonymous'}).inspect(
      parseImageRef('reg.example.com/app:single'),
    )
    assert.equal(r.digest, single.digest)
    assert.equal(log.find((q) => q.host === 'tokens.other.org')?.authorization, undefined)
  })

  it('answers a Basic challenge with Basic auth on the registry itself', async () => {
    registry(REG, 'Basic realm="Registry Realm"', basic('me', PASSWORD))
    await new OciRegistryClient('reg.example.com', BASIC).inspect(parseImageRef('reg.example.com/app:single'))
    assert.equal(log.length, 3, 'one 401, then manifest and config with Basic')
  })

  it('talks to registry-1.docker.io and auth.docker.io for Docker Hub', async () => {
    registry(
      'https://registry-1.docker.io',
      bearerChallenge('https://auth.docker.io/token', 'registry.docker.io', 'library/nginx'),
      'Bearer tok-1',
    )
    tokenServer('https://auth.docker.io')
    manifests.set('1.27', single)
    const r = await new OciRegistryClient('docker.io', BASIC).inspect(parseImageRef('nginx:1.27'))
    assert.equal(r.reference, 'docker.io/library/nginx:1.27')
    assert.equal(log.find((q) => q.host === 'auth.docker.io')?.authorization, basic('me', PASSWORD))
  })
})

describe('Azure Container Registry AAD exchange', () => {
  const ACR = 'https://myreg.azurecr.io'
  const exp = Math.floor(Date.now() / 1000) + 3600
  const refreshJwt = `e30.${Buffer.from(JSON.stringify({exp})).toString('base64url')}.sig`
  const acrToken = (handle: (r: Rec) => Reply) => serve(ACR, handle)

  it('exchanges the AAD token for refresh then access tokens; /v2 only sees the ACR token', async () => {
    const challenge = bearerChallenge(`${ACR}/oauth2/token`, 'myreg.azurecr.io')
    registry(ACR, challenge, 'Bearer acr-access', (r) => {
      if (r.path === '/oauth2/exchange') return [200, JSON.stringify({refresh_token: refreshJwt})]
      if (r.path === '/oauth2/token') return [200, JSON.stringify({access_token: 'acr-access'})]
      return undefined
    })
    let calls = 0
    const creds: RegistryCredentials = {
      kind: 'aad',
      tenantId: 't-1',
      getToken: async () => {
        calls++
        return 'AAD-TOKEN'
      },
    }
    const c = new OciRegistryClient('myreg.azurecr.io', creds)
    await c.inspect(parseImageRef('myreg.azurecr.io/app:single'))
    await c.inspect(parseImageRef('myreg.azurecr.io/other:single'))
    assert.equal(calls, 1)
    const ex = log.filter((q) => q.path === '/oauth2/exchange')
    assert.equal(ex.length, 1)
    assert.deepEqual(Object.fromEntries(new URLSearchParams(ex[0]?.body)), {
      grant_type: 'access_token',
      service: 'myreg.azurecr.io',
      access_token: 'AAD-TOKEN',
      tenant: 't-1',
    })
    const tok = log
      .filter((q) => q.path === '/oauth2/token')
      .map((q) => Object.fromEntries(new URLSearchParams(q.body)))
    assert.deepEqual(tok[0], {
      service: 'myreg.azurecr.io',
      scope: 'repository:app:pull',
      grant_type: 'refresh_token',
      refresh_token: refreshJwt,
    })
    assert.equal(tok.length, 2, 'a token per repository scope')
    for (const q of log.filter((x) => x.path.startsWith('/v2/'))) assert.ok(!q.authorization?.includes('AAD-TOKEN'))
  })

  it('never sends the AAD token or the refresh token toward another registry realm', async () => {
    registry(ACR, bearerChallenge('https://evil.azurecr.io/oauth2/token', 'myreg.azurecr.io'), 'Bearer x')
    serve('https://evil.azurecr.io', () => [200, '{"access_token":"x"}'])
    let called = false
    const creds: RegistryCredentials = {
      kind: 'aad',
      getToken: async () => {
        called = true
        return 'AAD-TOKEN'
      },
    }
    await fails(
      new OciRegistryClient('myreg.azurecr.io', creds).inspect(parseImageRef('myreg.azurecr.io/app:1')),
      'REGISTRY_UNTRUSTED_REALM',
    )
    assert.equal(called, false)
    assert.equal(log.filter((q) => q.host === 'evil.azurecr.io').length, 0)
  })

  it('maps a refused exchange and a refused pull to REGISTRY_UNAUTHORIZED with the AcrPull hint', async () => {
    const challenge = bearerChallenge(`${ACR}/oauth2/token`, 'myreg.azurecr.io')
    acrToken((r) => {
      if (r.path === '/oauth2/exchange') return [401, '{"errors":[{"code":"UNAUTHORIZED"}]}']
      return [401, '', {'www-authenticate': challenge}]
    })
    const creds: RegistryCredentials = {kind: 'aad', getToken: async () => 'AAD-TOKEN'}
    const e = await fails(
      new OciRegistryClient('myreg.azurecr.io', creds).inspect(parseImageRef('myreg.azurecr.io/app:1')),
      'REGISTRY_UNAUTHORIZED',
      ['AAD-TOKEN'],
    )
    assert.equal(e.exitCode, 3)
    assert.match(e.message, /myreg\.azurecr\.io/)
    assert.match(e.hint ?? '', /AcrPull/)
    assert.match(e.hint ?? '', /azdeploy uses your Azure login/)
  })
})

describe('registry-auth helpers', () => {
  it('parses WWW-Authenticate challenges', () => {
    assert.deepEqual(
      parseWwwAuthenticate('Bearer realm="https://a/t",service="r.io",scope="repository:x/y:pull,push"'),
      {
        scheme: 'bearer',
        realm: 'https://a/t',
        service: 'r.io',
        scope: 'repository:x/y:pull,push',
      },
    )
    assert.deepEqual(parseWwwAuthenticate('bearer  Realm = "https://a/t" , error="insufficient_scope"'), {
      scheme: 'bearer',
      realm: 'https://a/t',
    })
    assert.deepEqual(parseWwwAuthenticate('Basic realm="Registry \\"Realm\\""'), {scheme: 'basic'})
    assert.deepEqual(parseWwwAuthenticate(['Basic realm="x"', 'Bearer realm="https://b/t"']), {
      scheme: 'bearer',
      realm: 'https://b/t',
    })
    assert.equal(parseWwwAuthenticate('Negotiate'), undefined)
    assert.equal(parseWwwAuthenticate(undefined), undefined)
  })

  it('decides which realms may receive credentials', () => {
    const yes: [string, string][] = [
      ['reg.example.com', 'https://reg.example.com:8443/token'],
      ['reg.example.com', 'https://auth.example.com/token'],
      ['registry.gitlab.co.uk', 'https://gitlab.co.uk/jwt/auth'],
      ['docker.io', 'https://auth.docker.io/token'],
      ['myreg.azurecr.io', 'https://myreg.azurecr.io/oauth2/token'],
      ['127.0.0.1:5000', 'https://127.0.0.1:5000/oauth2/token'],
      ['registry.example.com.au', 'https://auth.example.com.au/token'],
    ]
    const no: [string, string][] = [
      ['reg.example.com', 'https://evil.example.net/token'],
      ['reg.example.com', 'http://reg.example.com/token'],
      ['myreg.azurecr.io', 'https://other.azurecr.io/oauth2/token'],
      ['a.co.uk', 'https://b.co.uk/token'],
      ['127.0.0.1:5000', 'https://127.0.0.2/token'],
      ['localhost:5000', 'https://evil.localhost/token'],
      ['reg.example.com', 'https://example.com.evil.net/token'],
      // By the Public Suffix List, which the old hand list did not know: each is a suffix tenants share.
      ['a.blob.core.windows.net', 'https://b.blob.core.windows.net/token'],
      ['team-a.gitlab.io', 'https://team-b.gitlab.io/token'],
      ['reg.example.com.au', 'https://evil.com.au/token'],
      ['a.vercel.app', 'https://b.vercel.app/token'],
    ]
    for (const [r, u] of yes) assert.equal(mayReceiveCredentials(r, new URL(u)), true, `${r} -> ${u}`)
    for (const [r, u] of no) assert.equal(mayReceiveCredentials(r, new URL(u)), false, `${r} -> ${u}`)
  })
})
