// The built CLI (`npm run build` first): `azdeploy push --from oci:DIR --image 127.0.0.1:PORT/repo:tag --json`
// against docker-registry with basic auth (password from AZDEPLOY_REGISTRY_PASSWORD), and its failures.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {writeOciLayout} from '../helpers/oci-layout.js'
import {startRegistry, type TestRegistry} from '../helpers/registry.js'
import {jsonOf, runCli} from '../helpers/run-cli.js'
import {repoRoot} from '../helpers/tls.js'

const AUTH = {username: 'cli-user', password: 'cli-pa55-secret'}
const NO_ARM = {url: 'https://127.0.0.1:9'}
let reg: TestRegistry
let tmp: string

describe('azdeploy push (built CLI)', () => {
  before(async () => {
    tmp = mkdtempSync(join(repoRoot(), '.test-tmp', 'push-cli-'))
    reg = await startRegistry({auth: AUTH})
  })
  after(async () => {
    await reg?.stop()
    if (tmp) rmSync(tmp, {recursive: true, force: true})
  })

  it('pushes an OCI layout and prints the --json document; a re-push skips every blob', async () => {
    const w = writeOciLayout(join(tmp, 'img'), [4000, 9000])
    const args = [
      'push',
      '--from',
      `oci:${w.dir}`,
      '--image',
      `${reg.host}/cli/app:t1`,
      '--registry-username',
      AUTH.username,
      '--json',
    ]
    const env = {AZDEPLOY_REGISTRY_PASSWORD: AUTH.password}
    const r = await runCli(args, {arm: NO_ARM, env})
    assert.equal(r.code, 0, r.stderr + r.stdout)
    assert.deepEqual(jsonOf(r), {
      image: `${reg.host}/cli/app:t1`,
      digest: w.digest,
      pushedBytes: 13_000 + w.config.size,
      skippedBlobs: 0,
      uploadedBlobs: 3,
    })
    const again = await runCli(args, {arm: NO_ARM, env})
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(jsonOf(again), {
      image: `${reg.host}/cli/app:t1`,
      digest: w.digest,
      pushedBytes: 0,
      skippedBlobs: 3,
      uploadedBlobs: 0,
    })
    assert.ok(!r.stdout.includes(AUTH.password) && !r.stderr.includes(AUTH.password))
  })

  it('exits 3 with REGISTRY_PUSH_DENIED on a wrong password', async () => {
    const w = writeOciLayout(join(tmp, 'img2'), [100])
    const r = await runCli(
      [
        'push',
        '--from',
        `oci:${w.dir}`,
        '--image',
        `${reg.host}/cli/app:t2`,
        '--registry-username',
        AUTH.username,
        '--json',
      ],
      {arm: NO_ARM, env: {AZDEPLOY_REGISTRY_PASSWORD: 'wrong-one'}},
    )
    assert.equal(r.code, 3, r.stdout)
    assert.equal(jsonOf<{error: {code: string}}>(r).error.code, 'REGISTRY_PUSH_DENIED')
  })

  it('exits 2 for a missing --from image and for a missing Dockerfile, without calling docker', async () => {
    const missing = await runCli(
      ['push', '--from', `oci:${join(tmp, 'none')}`, '--image', `${reg.host}/x:1`, '--json'],
      {arm: NO_ARM},
    )
    assert.equal(missing.code, 2, missing.stdout)
    assert.equal(jsonOf<{error: {code: string}}>(missing).error.code, 'IMAGE_NOT_FOUND')
    writeFileSync(join(tmp, 'README'), 'no dockerfile here')
    const noFile = await runCli(['push', '--context', tmp, '--image', `${reg.host}/x:1`, '--json'], {
      arm: NO_ARM,
      env: {PATH: '/nonexistent'},
    })
    assert.equal(noFile.code, 2, noFile.stdout)
    assert.equal(jsonOf<{error: {code: string}}>(noFile).error.code, 'DOCKERFILE_NOT_FOUND')
  })

  it('says Docker is unavailable when the docker CLI is missing', async () => {
    writeFileSync(join(tmp, 'Dockerfile'), 'FROM scratch\n')
    const r = await runCli(['push', '--context', tmp, '--image', `${reg.host}/x:1`, '--json'], {
      arm: NO_ARM,
      env: {PATH: '/nonexistent'},
    })
    assert.equal(r.code, 8, r.stdout)
    const e = jsonOf<{error: {code: string; message: string; hint: string}}>(r).error
    assert.equal(e.code, 'DOCKER_UNAVAILABLE')
    assert.match(e.message, /'docker' was not found on PATH/)
    assert.match(e.hint, /Install Docker .*--from oci:DIR/)
  })
})
