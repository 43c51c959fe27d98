import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {InputError} from '../../src/core/errors.js'
import {
  formatImageRef,
  type ImageRef,
  isAcrLoginServer,
  parseImageRef,
  pinnedRef,
  registryApiHost,
} from '../../src/core/image-ref.js'

const D = `sha256:${'a1'.repeat(32)}`

describe('parseImageRef: valid references', () => {
  const cases: [string, ImageRef][] = [
    ['nginx', {registry: 'docker.io', repository: 'library/nginx'}],
    ['nginx:1.27', {registry: 'docker.io', repository: 'library/nginx', tag: '1.27'}],
    ['library/nginx:latest', {registry: 'docker.io', repository: 'library/nginx', tag: 'latest'}],
    ['bitnami/redis:7.2', {registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2'}],
    ['docker.io/nginx', {registry: 'docker.io', repository: 'library/nginx'}],
    ['index.docker.io/library/nginx:1', {registry: 'docker.io', repository: 'library/nginx', tag: '1'}],
    ['myregistry.azurecr.io/api:1.4.2', {registry: 'myregistry.azurecr.io', repository: 'api', tag: '1.4.2'}],
    ['MyRegistry.AzureCR.io/api', {registry: 'myregistry.azurecr.io', repository: 'api'}],
    ['ghcr.io/org/team/svc:v2', {registry: 'ghcr.io', repository: 'org/team/svc', tag: 'v2'}],
    ['localhost/app', {registry: 'localhost', repository: 'app'}],
    ['localhost:5000/app:dev', {registry: 'localhost:5000', repository: 'app', tag: 'dev'}],
    ['127.0.0.1:5443/a/b:c', {registry: '127.0.0.1:5443', repository: 'a/b', tag: 'c'}],
    ['[::1]:5000/app:1', {registry: '[::1]:5000', repository: 'app', tag: '1'}],
    ['registry:5000/app', {registry: 'registry:5000', repository: 'app'}],
    [`nginx@${D}`, {registry: 'docker.io', repository: 'library/nginx', digest: D}],
    [`reg.io/app:1.0@${D}`, {registry: 'reg.io', repository: 'app', tag: '1.0', digest: D}],
    ['reg.io/a.b_c__d-e---f/g:T_a.g-9', {registry: 'reg.io', repository: 'a.b_c__d-e---f/g', tag: 'T_a.g-9'}],
    ['reg.io/app:_x', {registry: 'reg.io', repository: 'app', tag: '_x'}],
    [`reg.io/app:${'t'.repeat(128)}`, {registry: 'reg.io', repository: 'app', tag: 't'.repeat(128)}],
    ['my-reg.example.com:443/x', {registry: 'my-reg.example.com:443', repository: 'x'}],
  ]
  for (const [input, want] of cases) {
    it(input.length > 60 ? `${input.slice(0, 60)}...` : input, () => assert.deepEqual(parseImageRef(input), want))
  }
})

describe('parseImageRef: invalid references', () => {
  const cases: [string, RegExp][] = [
    ['', /it is empty/],
    ['   ', /it is empty/],
    [' nginx', /whitespace/],
    ['ngi nx', /whitespace/],
    ['https://myreg.azurecr.io/api:1', /URL scheme/],
    ['docker://nginx', /URL scheme/],
    ['Nginx', /must be lower-case \('Nginx'\)/],
    ['myreg.azurecr.io/API:1', /must be lower-case/],
    ['reg.io/app:', /tag after ":" is empty/],
    ['reg.io/app:-bad', /tag '-bad' must be/],
    ['reg.io/app:.bad', /tag '.bad' must be/],
    ['reg.io/app:a+b', /tag 'a\+b' must be/],
    [`reg.io/app:${'t'.repeat(129)}`, /must be 1-128 characters/],
    ['reg.io/app@sha256:abc', /digest 'sha256:abc' must be/],
    [`reg.io/app@sha256:${'A1'.repeat(32)}`, /lower-case hex/],
    [`reg.io/app@md5:${'a'.repeat(32)}`, /must be 'sha256:'/],
    [`reg.io/app@${D}@${D}`, /more than one '@'/],
    ['reg.io/', /repository name is empty/],
    [':tag', /repository name is empty/],
    ['reg.io//app', /empty path component/],
    ['reg.io/app/', /empty path component/],
    ['reg.io/-app', /'-app' is not a valid repository path component/],
    ['reg.io/app_', /'app_' is not a valid/],
    ['reg.io/a___b', /'a___b' is not a valid/],
    ['reg.io/a..b', /'a..b' is not a valid/],
    ['reg.io/a.-b', /'a.-b' is not a valid/],
    ['-reg.io/app', /'-reg.io' is not a valid registry host name/],
    ['reg..io/app', /not a valid registry host name/],
    ['reg.io:99999/app', /'99999' is not a valid registry port/],
    ['reg.io:0/app', /'0' is not a valid registry port/],
    ['reg.io:/app', /'' is not a valid registry port/],
    ['[::1/app', /not a valid registry address/],
    ['a'.repeat(64), /image ID/],
    [`reg.io/${'a'.repeat(250)}`, /longer than 255/],
    ['x'.repeat(5000), /longer than 4096/],
    ['ngi\u0000nx', /whitespace|not a valid/],
  ]
  for (const [input, why] of cases) {
    it(`rejects ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}...` : input)}`, () => {
      assert.throws(
        () => parseImageRef(input),
        (e: unknown) => {
          assert.ok(e instanceof InputError, `expected InputError, got ${e}`)
          assert.equal(e.code, 'INVALID_IMAGE')
          assert.equal(e.exitCode, 2)
          assert.match(e.message, /^Image reference '.*' is not valid: /s)
          assert.match(e.message, why)
          assert.match(e.hint ?? '', /REGISTRY\/REPOSITORY\[:TAG\]\[@sha256:DIGEST\], e\.g\. myregistry\.azurecr\.io/)
          return true
        },
      )
    })
  }

  it('names the bad value, neutralises control characters and truncates very long input', () => {
    assert.throws(() => parseImageRef('Bad/Name'), /Image reference 'Bad\/Name' is not valid/)
    assert.throws(
      () => parseImageRef('a\nb'),
      (e: Error) => !e.message.includes('\n'),
    )
    assert.throws(
      () => parseImageRef('x'.repeat(5000)),
      (e: Error) => e.message.length < 500,
    )
  })
})

describe('formatImageRef / pinnedRef', () => {
  it('formats canonically', () => {
    assert.equal(formatImageRef(parseImageRef('nginx:1.27')), 'docker.io/library/nginx:1.27')
    assert.equal(formatImageRef(parseImageRef('bitnami/redis')), 'docker.io/bitnami/redis')
    assert.equal(formatImageRef(parseImageRef(`r.azurecr.io/a/b:1@${D}`)), `r.azurecr.io/a/b:1@${D}`)
  })

  it('round-trips canonical references', () => {
    for (const s of ['docker.io/library/nginx:1.27', `ghcr.io/o/r@${D}`, 'localhost:5000/app:dev', '[::1]:5000/x']) {
      assert.equal(formatImageRef(parseImageRef(s)), s)
    }
  })

  it('pins by digest, dropping the tag; Docker Hub uses the familiar form App Service accepts', () => {
    assert.equal(pinnedRef(parseImageRef('myreg.azurecr.io/api:1.4.2'), D), `myreg.azurecr.io/api@${D}`)
    assert.equal(pinnedRef(parseImageRef('nginx:1.27'), D), `nginx@${D}`)
    assert.equal(pinnedRef(parseImageRef('bitnami/redis:7'), D), `bitnami/redis@${D}`)
    assert.equal(pinnedRef(parseImageRef('localhost:5000/app:1'), D), `localhost:5000/app@${D}`)
    assert.throws(() => pinnedRef(parseImageRef('nginx'), 'sha256:xyz'), /not a sha256 digest/)
  })
})

describe('registry helpers', () => {
  it('maps Docker Hub to its API host', () => {
    assert.equal(registryApiHost('docker.io'), 'registry-1.docker.io')
    assert.equal(registryApiHost('index.docker.io'), 'registry-1.docker.io')
    assert.equal(registryApiHost('myreg.azurecr.io'), 'myreg.azurecr.io')
    assert.equal(registryApiHost('127.0.0.1:5000'), '127.0.0.1:5000')
  })

  it('recognises ACR login servers in all clouds', () => {
    for (const r of [
      'myreg.azurecr.io',
      'MyReg.azurecr.io',
      'myreg.azurecr.cn',
      'myreg.azurecr.us',
      'my-reg1.azurecr.io',
    ]) {
      assert.equal(isAcrLoginServer(r), true, r)
    }
    for (const r of [
      'azurecr.io',
      '.azurecr.io',
      'myreg.azurecr.io.evil.com',
      'docker.io',
      'ghcr.io',
      'a.b.azurecr.io',
    ]) {
      assert.equal(isAcrLoginServer(r), false, r)
    }
  })
})
