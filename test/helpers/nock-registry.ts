// nock-backed fake registries for the adapter tests: every request is recorded in `log` (host, path,
// Authorization, body) so tests can prove where credentials went. Images come from the oci-images builders.
import assert from 'node:assert/strict'
import nock from 'nock'
import type {RegistryCredentials} from '../../src/adapters/registry/oci-registry.js'
import {AzdeployError} from '../../src/core/errors.js'
import {Secret} from '../../src/core/secret.js'
import {buildImage, buildIndex} from './oci-images.js'

export type Reply = [number, (string | Buffer)?, Record<string, string>?]
export interface Rec {
  host: string
  method: string
  path: string
  authorization?: string
  body: string
}
export const log: Rec[] = []
export const clearLog = () => log.splice(0)

/** Every request to `origin` goes to `handle`, and is recorded in `log`. */
export function serve(origin: string, handle: (r: Rec) => Reply) {
  for (const method of ['GET', 'POST', 'HEAD']) {
    nock(origin)
      .persist()
      .intercept(/.*/, method)
      .reply(function (path, body) {
        const authz = this.req.headers['authorization']
        const rec: Rec = {
          host: new URL(origin).host,
          method,
          path,
          body: typeof body === 'string' ? body : JSON.stringify(body ?? ''),
        }
        if (typeof authz === 'string') rec.authorization = authz
        log.push(rec)
        return handle(rec)
      })
  }
}

export const single = buildImage({exposedPorts: ['80/tcp', '8080', '53/udp'], user: 'app', cmd: ['x']})
export const amd64 = buildImage({exposedPorts: ['3000/tcp']})
export const arm64 = buildImage({architecture: 'arm64'})
export const index = buildIndex([arm64, amd64], {attestation: true})
export const armIndex = buildIndex([arm64])
export const manifests = new Map<string, {mediaType: string; manifest: Buffer; digest: string}>([
  ['single', single],
  ['multi', index],
  ['armonly', armIndex],
  [single.digest, single],
  [amd64.digest, amd64],
  [arm64.digest, arm64],
])
export const blobs = new Map([single, amd64, arm64].map((i) => [i.config.digest, i.config.bytes]))

/** A registry that serves the images above to requests carrying `Authorization: <token>`. */
export function registry(
  origin: string,
  challenge: string,
  token: string,
  extra: (r: Rec) => Reply | undefined = () => undefined,
) {
  serve(origin, (r) => {
    const special = extra(r)
    if (special) return special
    if (r.authorization !== token) return [401, '{"errors":[{"code":"UNAUTHORIZED"}]}', {'www-authenticate': challenge}]
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(r.path)
    const found = m?.[2] === 'manifests' ? manifests.get(m[3] ?? '') : undefined
    if (found) return [200, found.manifest, {'content-type': found.mediaType, 'docker-content-digest': found.digest}]
    const b = m?.[2] === 'blobs' ? blobs.get(m[3] ?? '') : undefined
    if (b) return [200, b]
    return [404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}']
  })
}

export const tokenServer = (origin: string, token = 'tok-1') =>
  serve(origin, () => [200, JSON.stringify({token, expires_in: 300})])
export const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`
export const PASSWORD = 'hunter2-secret'
export const BASIC: RegistryCredentials = {kind: 'basic', username: 'me', password: new Secret(PASSWORD)}
export const bearerChallenge = (realm: string, service: string, repo = 'app') =>
  `Bearer realm="${realm}",service="${service}",scope="repository:${repo}:pull"`

export async function fails(p: Promise<unknown>, code: string, leaks: string[] = []): Promise<AzdeployError> {
  const e = await p.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => err,
  )
  assert.ok(e instanceof AzdeployError, `expected AzdeployError, got ${e}`)
  assert.equal(e.code, code, e.message)
  const text = JSON.stringify(e) + e.message + (e.hint ?? '')
  for (const s of leaks) assert.ok(!text.includes(s), `error leaks ${s}`)
  return e
}
