// OciRegistryClient against Debian's real docker-registry (distribution v2.8) on loopback over TLS, directly and
// through an ACR-like auth front. The client trusts the test CA through its `ca` option.
// Needs /usr/bin/docker-registry and htpasswd (apache2-utils): without them this FAILS (CI installs them).
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {OciRegistryClient, type RegistryCredentials} from '../../src/adapters/registry/oci-registry.js'
import {AzdeployError} from '../../src/core/errors.js'
import {type ImageRef, parseImageRef} from '../../src/core/image-ref.js'
import {Secret} from '../../src/core/secret.js'
import {type AcrFront, startAcrFront} from '../helpers/acr-front.js'
import {type SeededImages, seedTestImages} from '../helpers/oci-images.js'
import {freePort, startRegistry, type TestRegistry} from '../helpers/registry.js'

const AUTH = {username: 'ci-user', password: 'pa55-w0rd-for-tests'}
const AAD = 'aad-token-for-tests'

let open: TestRegistry
let locked: TestRegistry
let front: AcrFront
let redirecting: AcrFront
let imgs: SeededImages
let lockedImgs: SeededImages

async function rejectsWith(p: Promise<unknown>, code: string, forbidden: string[] = []): Promise<AzdeployError> {
  let caught: unknown
  await assert.rejects(p, (e) => {
    caught = e
    return true
  })
  assert.ok(caught instanceof AzdeployError, `expected AzdeployError, got ${caught}`)
  assert.equal(caught.code, code, caught.message)
  const text = JSON.stringify(caught) + caught.message + (caught.hint ?? '')
  for (const s of forbidden) assert.ok(!text.includes(s), `error text leaks '${s}'`)
  return caught
}

const client = (r: {host: string; ca: string}, creds: RegistryCredentials = {kind: 'anonymous'}) =>
  new OciRegistryClient(r.host, creds, {ca: r.ca, timeoutMs: 10_000})
const ref = (host: string, rest: string): ImageRef => parseImageRef(`${host}/${rest}`)

describe('OciRegistryClient against docker-registry', () => {
  before(async () => {
    open = await startRegistry()
    locked = await startRegistry({auth: AUTH})
    imgs = await seedTestImages({url: open.url, ca: open.ca})
    lockedImgs = await seedTestImages({url: locked.url, ca: locked.ca, auth: AUTH})
    front = await startAcrFront({backend: {url: locked.url, auth: AUTH}, aadToken: AAD, tenantId: 'tenant-1'})
    redirecting = await startAcrFront({backend: {url: open.url}, aadToken: AAD, redirectBlobs: true})
  })
  after(async () => {
    await Promise.all([open?.stop(), locked?.stop(), front?.stop(), redirecting?.stop()])
  })

  it('inspects a single-platform image', async () => {
    const r = await client(open).inspect(ref(open.host, 'team/app:single'))
    const s = imgs.single
    assert.equal(r.reference, `${open.host}/team/app:single`)
    assert.equal(r.digest, s.digest)
    assert.equal(r.mediaType, 'application/vnd.oci.image.manifest.v1+json')
    assert.deepEqual(r.platforms, ['linux/amd64'])
    assert.equal(r.amd64Digest, s.digest)
    assert.deepEqual(r.exposedPorts, [80, 8080])
    assert.equal(r.sizeBytes, s.config.size + s.layers.reduce((n, l) => n + l.size, 0))
    assert.deepEqual(r.config, {
      user: 'app',
      env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
      cmd: ['node', 'server.js'],
      workingDir: '/srv',
    })
  })

  it('inspects a multi-platform index and picks linux/amd64', async () => {
    const r = await client(open).inspect(ref(open.host, 'team/app:multi'))
    assert.equal(r.digest, imgs.multi.index.digest)
    assert.equal(r.mediaType, 'application/vnd.oci.image.index.v1+json')
    assert.deepEqual(r.platforms, ['linux/amd64', 'linux/arm64/v8'])
    assert.equal(r.amd64Digest, imgs.multi.amd64.digest)
    assert.deepEqual(r.exposedPorts, [3000])
    assert.deepEqual(r.config.entrypoint, ['/app'])
  })

  it('reports an arm64-only image without an amd64 digest (not an error)', async () => {
    const r = await client(open).inspect(ref(open.host, 'team/app:arm64-only'))
    assert.equal(r.digest, imgs.arm64Only.digest)
    assert.deepEqual(r.platforms, ['linux/arm64'])
    assert.equal(r.amd64Digest, undefined)
    assert.deepEqual(r.exposedPorts, [])
  })

  it('inspects by digest', async () => {
    const d = imgs.multi.amd64.digest
    const r = await client(open).inspect(ref(open.host, `team/app@${d}`))
    assert.equal(r.digest, d)
    assert.equal(r.amd64Digest, d)
    assert.equal(r.reference, `${open.host}/team/app@${d}`)
  })

  it('maps a missing tag and a missing repository to IMAGE_NOT_FOUND', async () => {
    const e = await rejectsWith(client(open).inspect(ref(open.host, 'team/app:nope')), 'IMAGE_NOT_FOUND')
    assert.equal(e.exitCode, 2)
    assert.match(e.message, new RegExp(`Image '${open.host}/team/app:nope' was not found in registry ${open.host}`))
    await rejectsWith(client(open).inspect(ref(open.host, 'no/such/repo:1')), 'IMAGE_NOT_FOUND')
  })

  it('uses basic credentials on an htpasswd registry', async () => {
    const creds: RegistryCredentials = {kind: 'basic', username: AUTH.username, password: new Secret(AUTH.password)}
    const r = await client(locked, creds).inspect(ref(locked.host, 'team/app:multi'))
    assert.equal(r.digest, lockedImgs.multi.index.digest)
  })

  it('maps a wrong password and missing credentials to REGISTRY_UNAUTHORIZED', async () => {
    const wrong: RegistryCredentials = {kind: 'basic', username: AUTH.username, password: new Secret('not-it-123')}
    const e = await rejectsWith(
      client(locked, wrong).inspect(ref(locked.host, 'team/app:single')),
      'REGISTRY_UNAUTHORIZED',
      ['not-it-123', AUTH.password],
    )
    assert.equal(e.exitCode, 3)
    assert.match(e.message, new RegExp(locked.host))
    assert.match(e.hint ?? '', /AZDEPLOY_REGISTRY_PASSWORD/)
    const anon = await rejectsWith(client(locked).inspect(ref(locked.host, 'team/app:single')), 'REGISTRY_UNAUTHORIZED')
    assert.match(anon.hint ?? '', /--registry-username/)
  })

  it('signs in through the ACR front with an AAD token, which never reaches /v2', async () => {
    let calls = 0
    const creds: RegistryCredentials = {
      kind: 'aad',
      tenantId: 'tenant-1',
      getToken: async () => {
        calls++
        return AAD
      },
    }
    const c = client(front, creds)
    const r = await c.inspect(ref(front.host, 'team/app:single'))
    assert.equal(r.digest, lockedImgs.single.digest)
    assert.deepEqual(r.exposedPorts, [80, 8080])
    await c.inspect(ref(front.host, 'team/app:multi'))
    assert.equal(calls, 1, 'the refresh token is cached')
    const exchanges = front.requests.filter((q) => q.path === '/oauth2/exchange')
    assert.equal(exchanges.length, 1)
    const form = new URLSearchParams(exchanges[0]?.body)
    assert.equal(form.get('access_token'), AAD)
    assert.equal(form.get('service'), front.host)
    assert.equal(form.get('tenant'), 'tenant-1')
    assert.equal(front.requests.filter((q) => q.path === '/oauth2/token').length, 1, 'one access token per scope')
    const v2 = front.requests.filter((q) => q.path.startsWith('/v2/'))
    assert.ok(v2.some((q) => q.authorization?.startsWith('Bearer ')))
    for (const q of front.requests) {
      assert.ok(!q.authorization?.includes(AAD), `AAD token sent in the header of ${q.path}`)
      if (q.path !== '/oauth2/exchange') assert.ok(!q.body.includes(AAD), `AAD token sent to ${q.path}`)
    }
  })

  it('maps a rejected AAD token to REGISTRY_UNAUTHORIZED', async () => {
    const creds: RegistryCredentials = {kind: 'aad', getToken: async () => 'some-other-token'}
    const e = await rejectsWith(
      client(front, creds).inspect(ref(front.host, 'team/app:single')),
      'REGISTRY_UNAUTHORIZED',
      ['some-other-token'],
    )
    assert.match(e.message, new RegExp(front.host))
  })

  it('follows a blob redirect to another host without the Authorization header', async () => {
    const creds: RegistryCredentials = {kind: 'aad', getToken: async () => AAD}
    const r = await client(redirecting, creds).inspect(ref(redirecting.host, 'team/app:single'))
    assert.deepEqual(r.exposedPorts, [80, 8080])
    const stored = redirecting.requests.filter((q) => q.server === 'storage')
    assert.equal(stored.length, 1)
    assert.equal(stored[0]?.authorization, undefined)
  })

  it('maps connection refused and an untrusted certificate to REGISTRY_UNREACHABLE', async () => {
    const port = await freePort()
    const e = await rejectsWith(
      client({host: `127.0.0.1:${port}`, ca: open.ca}).inspect(ref(`127.0.0.1:${port}`, 'a:1')),
      'REGISTRY_UNREACHABLE',
    )
    assert.match(e.message, /connection refused/)
    assert.equal(e.exitCode, 4)
    const tlsErr = await rejectsWith(
      new OciRegistryClient(open.host, {kind: 'anonymous'}).inspect(ref(open.host, 'team/app:single')),
      'REGISTRY_UNREACHABLE',
    )
    assert.match(tlsErr.message, /TLS certificate problem/)
  })
})
