// OciRegistryClient with nock: error mapping (404/401/403), retries (429/5xx, Retry-After), digest checks,
// platform selection from an index, and blob redirects to another host without the Authorization header.
import assert from 'node:assert/strict'
import {afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {exposedTcpPorts, OciRegistryClient} from '../../src/adapters/registry/oci-registry.js'
import {parseImageRef} from '../../src/core/image-ref.js'
import {
  amd64,
  BASIC,
  basic,
  bearerChallenge,
  clearLog,
  fails,
  index,
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

describe('error mapping, retries and integrity', () => {
  const REG = 'https://reg.example.com'
  const anon = () => new OciRegistryClient('reg.example.com', {kind: 'anonymous'})
  const open = (extra: (r: Rec) => Reply | undefined) => registry(REG, 'Basic realm="x"', undefined as never, extra)

  it('maps 404 / MANIFEST_UNKNOWN / NAME_UNKNOWN to IMAGE_NOT_FOUND', async () => {
    let n = 0
    const bodies = [
      '',
      '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}',
      '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]}',
    ]
    open(() => [404, bodies[n++ % 3]])
    for (let i = 0; i < 3; i++) {
      const e = await fails(anon().inspect(parseImageRef('reg.example.com/app:nope')), 'IMAGE_NOT_FOUND')
      assert.equal(e.message, "Image 'reg.example.com/app:nope' was not found in registry reg.example.com")
      assert.ok(e.hint)
    }
  })

  it('maps 401 after a token, and 403, to REGISTRY_UNAUTHORIZED naming the registry and the flags', async () => {
    serve(REG, () => [401, '', {'www-authenticate': bearerChallenge('https://auth.example.com/token', 'reg')}])
    tokenServer('https://auth.example.com', 'tok-secret-value')
    const e = await fails(
      new OciRegistryClient('reg.example.com', BASIC).inspect(parseImageRef('reg.example.com/app:1')),
      'REGISTRY_UNAUTHORIZED',
      [PASSWORD, 'tok-secret-value'],
    )
    assert.match(e.message, /Registry reg\.example\.com refused access/)
    assert.match(e.hint ?? '', /--registry-username and AZDEPLOY_REGISTRY_PASSWORD/)
    nock.cleanAll()
    open(() => [403, '{"errors":[{"code":"DENIED"}]}'])
    await fails(anon().inspect(parseImageRef('reg.example.com/app:1')), 'REGISTRY_UNAUTHORIZED')
  })

  it('retries 429 and 5xx honouring Retry-After, then gives up after 3 retries', async () => {
    let n = 0
    open((r) => (r.path.includes('/manifests/') && n++ < 2 ? [429, '', {'retry-after': '0'}] : undefined))
    assert.equal((await anon().inspect(parseImageRef('reg.example.com/app:single'))).digest, single.digest)
    assert.equal(n, 3)
    nock.cleanAll()
    let m = 0
    open(() => {
      m++
      return [503, '{"errors":[{"code":"UNAVAILABLE","message":"busy"}]}', {'retry-after': '0'}]
    })
    const e = await fails(anon().inspect(parseImageRef('reg.example.com/app:single')), 'REGISTRY_ERROR')
    assert.equal(m, 4)
    assert.match(e.message, /HTTP 503.*UNAVAILABLE: busy/)
  })

  it('rejects a manifest whose bytes do not match Docker-Content-Digest or the requested digest', async () => {
    open((r) =>
      r.path.includes('/manifests/') ? [200, single.manifest, {'docker-content-digest': amd64.digest}] : undefined,
    )
    await fails(anon().inspect(parseImageRef('reg.example.com/app:single')), 'REGISTRY_DIGEST_MISMATCH')
    nock.cleanAll()
    open((r) => (r.path.includes('/manifests/') ? [200, single.manifest] : undefined))
    const e = await fails(
      anon().inspect(parseImageRef(`reg.example.com/app@${amd64.digest}`)),
      'REGISTRY_DIGEST_MISMATCH',
    )
    assert.match(e.message, /requested digest/)
    nock.cleanAll()
    open((r) => (r.path.includes('/blobs/') ? [200, amd64.config.bytes] : undefined))
    await fails(anon().inspect(parseImageRef('reg.example.com/app:single')), 'REGISTRY_DIGEST_MISMATCH')
  })

  it('picks linux/amd64 from an index and ignores attestations; arm64-only has no amd64Digest', async () => {
    open(() => undefined)
    const r = await anon().inspect(parseImageRef('reg.example.com/app:multi'))
    assert.equal(r.digest, index.digest)
    assert.deepEqual(r.platforms, ['linux/arm64', 'linux/amd64'])
    assert.equal(r.amd64Digest, amd64.digest)
    assert.deepEqual(r.exposedPorts, [3000])
    assert.equal(r.sizeBytes, amd64.config.size + (amd64.layers[0]?.size ?? 0))
    const a = await anon().inspect(parseImageRef('reg.example.com/app:armonly'))
    assert.deepEqual([a.platforms, a.amd64Digest, a.sizeBytes], [['linux/arm64'], undefined, 0])
  })

  it('follows a blob redirect to another host without the Authorization header', async () => {
    registry(REG, 'Basic realm="x"', basic('me', PASSWORD), (r) =>
      r.path.includes('/blobs/') && r.authorization
        ? [307, '', {location: 'https://blobs.storage.example/b?sig=1'}]
        : undefined,
    )
    nock('https://blobs.storage.example', {badheaders: ['authorization']})
      .get('/b?sig=1')
      .reply(200, single.config.bytes)
    const r = await new OciRegistryClient('reg.example.com', BASIC).inspect(parseImageRef('reg.example.com/app:single'))
    assert.deepEqual(r.exposedPorts, [80, 8080])
    assert.equal(nock.pendingMocks().filter((m) => m.includes('blobs.storage')).length, 0)
  })

  it('extracts TCP ports', () => {
    assert.deepEqual(
      exposedTcpPorts({'8080/tcp': {}, '80': {}, '53/udp': {}, 'x/tcp': {}, '70000/tcp': {}}),
      [80, 8080],
    )
    assert.deepEqual(exposedTcpPorts(undefined), [])
  })
})
