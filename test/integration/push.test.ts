// pushImage against Debian's docker-registry on loopback (TLS + htpasswd), through a fault-injecting proxy for the
// chunk-retry case and through the ACR-like front for the AAD path. Every push is read back with skopeo.
// Needs /usr/bin/docker-registry, htpasswd and /usr/bin/skopeo.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {openLocalImage} from '../../src/adapters/registry/oci-layout.js'
import {type BlobProgress, pushImage} from '../../src/adapters/registry/oci-push.js'
import type {RegistryCredentials} from '../../src/adapters/registry/registry-auth.js'
import {RegistrySession} from '../../src/adapters/registry/registry-http.js'
import {AzdeployError} from '../../src/core/errors.js'
import {Secret} from '../../src/core/secret.js'
import {type AcrFront, startAcrFront} from '../helpers/acr-front.js'
import {type FaultProxy, startFaultProxy} from '../helpers/fault-proxy.js'
import {archive, type WrittenLayout, writeOciLayout} from '../helpers/oci-layout.js'
import {startRegistry, type TestRegistry} from '../helpers/registry.js'
import {ensureTestCa, repoRoot} from '../helpers/tls.js'

const AUTH = {username: 'pusher', password: 'push-pa55-for-tests'}
const AAD = 'aad-token-for-push-tests'
const BASIC: RegistryCredentials = {kind: 'basic', username: AUTH.username, password: new Secret(AUTH.password)}
const MiB = 1024 * 1024

let reg: TestRegistry
let proxy: FaultProxy
let front: AcrFront
let pullOnly: AcrFront
let tmp: string
let certDir: string
let small: WrittenLayout
let big: WrittenLayout

const session = (host: string, creds: RegistryCredentials = BASIC) => new RegistrySession(host, creds, {ca: reg.ca})

function skopeoDigest(host: string, image: string): string {
  return execFileSync(
    'skopeo',
    [
      'inspect',
      '--cert-dir',
      certDir,
      '--creds',
      `${AUTH.username}:${AUTH.password}`,
      '--format',
      '{{.Digest}}',
      `docker://${host}/${image}`,
    ],
    {encoding: 'utf8'},
  ).trim()
}

async function rejectsCode(p: Promise<unknown>, code: string): Promise<AzdeployError> {
  let caught: unknown
  await assert.rejects(p, (e) => {
    caught = e
    return true
  })
  assert.ok(caught instanceof AzdeployError, `expected AzdeployError, got ${caught}`)
  assert.equal(caught.code, code, caught.message)
  return caught
}

describe('pushImage against docker-registry', () => {
  before(async () => {
    tmp = mkdtempSync(join(repoRoot(), '.test-tmp', 'push-'))
    certDir = join(tmp, 'certs')
    mkdirSync(certDir)
    copyFileSync(ensureTestCa().caCertPath, join(certDir, 'ca.crt'))
    reg = await startRegistry({auth: AUTH})
    small = writeOciLayout(join(tmp, 'small'), [2000, 300_000, 5000])
    big = writeOciLayout(join(tmp, 'big'), [100 * MiB, 1000])
    // Break the third PATCH once, after 1 MiB of its body reached the registry.
    let patches = 0
    proxy = await startFaultProxy({
      target: reg.url,
      shouldFail: (req) => req.method === 'PATCH' && ++patches === 3,
      partialBytes: MiB,
    })
    front = await startAcrFront({backend: {url: reg.url, auth: AUTH}, aadToken: AAD, tenantId: 'tenant-1'})
    pullOnly = await startAcrFront({backend: {url: reg.url, auth: AUTH}, aadToken: AAD, pullOnly: true})
  })
  after(async () => {
    await Promise.all([reg?.stop(), proxy?.stop(), front?.stop(), pullOnly?.stop()])
    if (tmp) rmSync(tmp, {recursive: true, force: true})
  })

  it('pushes an image, then re-pushes it with every blob skipped', async () => {
    const img = await openLocalImage(`oci:${small.dir}`)
    const first = await pushImage(session(reg.host), 'team/small', img, {tag: 'v1', chunkBytes: 128 * 1024})
    assert.deepEqual(first, {
      digest: small.digest,
      pushedBytes: 307_000 + small.config.size,
      skippedBlobs: 0,
      uploadedBlobs: 4,
      mountedBlobs: 0,
    })
    assert.equal(skopeoDigest(reg.host, 'team/small:v1'), small.digest)

    const events: BlobProgress[] = []
    const again = await pushImage(session(reg.host), 'team/small', img, {tag: 'v2', onProgress: (p) => events.push(p)})
    assert.equal(again.skippedBlobs, 4)
    assert.equal(again.uploadedBlobs, 0)
    assert.equal(again.pushedBytes, 0)
    assert.ok(events.every((e) => e.state === 'skipped'))
    assert.equal(skopeoDigest(reg.host, 'team/small:v2'), small.digest)
  })

  it('mounts blobs from another repository', async () => {
    const img = await openLocalImage(`oci:${small.dir}`)
    const r = await pushImage(session(reg.host), 'team/copy', img, {tag: 'v1', from: 'team/small'})
    assert.equal(r.mountedBlobs, 4)
    assert.equal(r.uploadedBlobs, 0)
    assert.equal(skopeoDigest(reg.host, 'team/copy:v1'), small.digest)
  })

  it('uploads a 100 MB layer in chunks and resumes a chunk that failed once', async () => {
    const img = await openLocalImage(`oci-archive:${archive(big.dir, join(tmp, 'big.tar'))}`)
    const events: BlobProgress[] = []
    const r = await pushImage(session(proxy.host), 'team/big', img, {
      tag: 'v1',
      chunkBytes: 16 * MiB,
      onProgress: (p) => events.push(p),
    })
    assert.equal(r.uploadedBlobs, 3)
    assert.equal(r.digest, big.digest)
    assert.equal(proxy.seen.filter((s) => s.failed).length, 1)
    assert.ok(events.some((e) => e.state === 'retrying' && e.digest === big.layers[0]!.digest))
    assert.ok(proxy.seen.filter((s) => s.method === 'PATCH').length >= 7)
    assert.equal(skopeoDigest(reg.host, 'team/big:v1'), big.digest)
  })

  it('refuses a wrong password with REGISTRY_PUSH_DENIED', async () => {
    const img = await openLocalImage(`oci:${small.dir}`)
    const wrong: RegistryCredentials = {kind: 'basic', username: AUTH.username, password: new Secret('nope-wrong')}
    const err = await rejectsCode(
      pushImage(session(reg.host, wrong), 'team/small', img, {tag: 'x'}),
      'REGISTRY_PUSH_DENIED',
    )
    assert.match(err.message, new RegExp(`Not allowed to push to ${reg.host}/team/small`))
    assert.ok(!JSON.stringify(err).includes('nope-wrong'))
  })

  it('reports a missing image source', async () => {
    await rejectsCode(openLocalImage(`oci:${join(tmp, 'nothing-here')}`), 'IMAGE_NOT_FOUND')
  })

  it('pushes through the ACR front with an AAD token (exchange → refresh → access)', async () => {
    const img = await openLocalImage(`oci:${small.dir}`)
    const aad: RegistryCredentials = {kind: 'aad', getToken: async () => AAD, tenantId: 'tenant-1'}
    const r = await pushImage(new RegistrySession(front.host, aad, {ca: front.ca}), 'acr/app', img, {tag: 'v1'})
    assert.equal(r.digest, small.digest)
    assert.equal(r.uploadedBlobs, 4)
    assert.equal(front.requests.filter((q) => q.path === '/oauth2/exchange').length, 1)
    const tokenReq = front.requests.find((q) => q.path === '/oauth2/token')
    assert.ok(tokenReq?.body.includes('repository%3Aacr%2Fapp%3Apull%2Cpush'))
    assert.equal(skopeoDigest(reg.host, 'acr/app:v1'), small.digest)
  })

  it('maps a missing push permission on the ACR front to REGISTRY_PUSH_DENIED', async () => {
    const img = await openLocalImage(`oci:${small.dir}`)
    const aad: RegistryCredentials = {kind: 'aad', getToken: async () => AAD}
    const s = new RegistrySession(pullOnly.host, aad, {ca: pullOnly.ca})
    await rejectsCode(pushImage(s, 'acr/denied', img, {tag: 'v1'}), 'REGISTRY_PUSH_DENIED')
  })
})
