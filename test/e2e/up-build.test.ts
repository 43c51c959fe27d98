// `up` without --image: doctor's checks on the Dockerfile, a real `docker build` (FROM scratch + static busybox),
// a daemonless push to an ACR that azdeploy creates with consent, then the deploy of the pushed digest with the
// managed-identity pull wiring. Needs a running dockerd (CI starts it); the images it builds are removed after.
import assert from 'node:assert/strict'
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {busyboxContext, removeRunImages, requireDocker} from '../helpers/docker.js'
import {describeRun, e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {ACR_PULL_ROLE, assertExit, assertNoWrites, type ErrorDoc, mustSite} from './e2e-common.js'

const world = e2eWorld({acrFront: true})

describe('azdeploy up: build, push and deploy', () => {
  before(() => {
    requireDocker()
    // Registries created through ARM get the ACR-style front as their login server.
    world.em.state.newRegistryLoginServer = () => world.acr.host
  })
  // The images the CLI built (labelled with this run's id by the docker shim).
  after(() => removeRunImages())

  test('a missing registry is created only with consent; the build is pushed and deployed by digest', async () => {
    const app = world.name('build')
    const rg = `rg-${app}`
    const dir = busyboxContext({
      entrypoint: ['/bin/busybox', 'httpd', '-f', '-p', '0.0.0.0:8080', '-h', '/www'],
      expose: [8080],
    })
    writeFileSync(join(dir, '.dockerignore'), 'Dockerfile\n')
    try {
      const args = ['up', '--app', app, '-g', rg, '-l', 'westeurope', '--registry', 'e2ebuildreg', '--context', dir]
      // Without a terminal and without --yes: refused, nothing created.
      const refused = await world.cli([...args, '--json'])
      assertExit(refused, 2)
      assert.equal(jsonOf<ErrorDoc>(refused).error.code, 'CONFIRMATION_REQUIRED')
      assert.equal([...world.em.state.registries.values()].filter((r) => r.name === 'e2ebuildreg').length, 0)

      const r = await world.cli([...args, '--yes', '--json'])
      assertExit(r, 0)
      const out = jsonOf<{image: string; digest: string; port: number}>(r)
      const reg = [...world.em.state.registries.values()].find((x) => x.name === 'e2ebuildreg')
      assert.ok(reg, 'the registry was created')
      assert.equal(reg.roleAssignmentMode, 'LegacyRegistryPermissions', 'AcrPull must be honoured')
      assert.equal(reg.adminUserEnabled, false)
      assert.equal(reg.sku, 'Basic')
      assert.match(out.image, new RegExp(`^${world.acr.host.replace(/[.]/g, '\\.')}/${app}:`))
      assert.equal(out.port, 8080, 'the port comes from the Dockerfile EXPOSE')
      const s = mustSite(world.em, rg, app)
      assert.equal(s.config.linuxFxVersion, `DOCKER|${world.acr.host}/${app}@${out.digest}`)
      assert.equal(s.config.acrUseManagedIdentityCreds, true)
      const pulls = [...world.em.state.roleAssignments.values()].filter(
        (a) => a.scope.toLowerCase() === reg.id.toLowerCase(),
      )
      assert.equal(pulls.length, 1)
      assert.ok(pulls[0]?.roleDefinitionId.endsWith(ACR_PULL_ROLE))
      assert.equal(s.appSettings['WEBSITES_PORT'], '8080')
      // Blobs went up over plain OCI HTTP; the manifest through @azure/container-registry, whose own token
      // exchange (it adds ?api-version) sits between the challenged manifest PUT and the stored one.
      const log = world.acr.requests.map((q) => `${q.method} ${q.path}`)
      const firstPut = log.findIndex((l) => /^PUT \/v2\/.*\/manifests\//.test(l))
      const lastPut = log.findLastIndex((l) => /^PUT \/v2\/.*\/manifests\//.test(l))
      assert.ok(firstPut >= 0 && lastPut > firstPut, log.join('\n'))
      assert.ok(
        log.slice(firstPut, lastPut).some((l) => l.startsWith('POST /oauth2/exchange?api-version=')),
        log.join('\n'),
      )
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  test('a Dockerfile that binds to 127.0.0.1 stops up before any build or write, unless --force', async () => {
    const app = world.name('loopback')
    const rg = `rg-${app}`
    const dir = busyboxContext({
      entrypoint: ['/bin/busybox', 'httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'],
      expose: [8080],
    })
    try {
      // Dockerfile checks run on the build context; this one uses a shell-form start command the analyzer reads.
      writeFileSync(
        join(dir, 'Dockerfile'),
        'FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nEXPOSE 8080\nCMD ["python", "manage.py", "runserver", "127.0.0.1:8080"]\n',
      )
      world.em.resetLog()
      const r = await world.cli([
        'up',
        '--app',
        app,
        '-g',
        rg,
        '-l',
        'westeurope',
        '--registry',
        'e2ebuildreg',
        '--context',
        dir,
      ])
      assertExit(r, 2)
      assert.match(r.stderr, /DOCTOR_FINDINGS/)
      assert.match(r.stderr, /127\.0\.0\.1/)
      assert.match(r.stderr, /--force/)
      assertNoWrites(world.em, r)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  test('a build failure shows the build output and pushes nothing', async () => {
    const app = world.name('broken')
    const dir = tempDir('broken-build')
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY does-not-exist /x\nEXPOSE 8080\nCMD ["/x"]\n')
    writeFileSync(join(dir, '.dockerignore'), 'Dockerfile\n')
    try {
      world.em.resetLog()
      const r = await world.cli([
        'up',
        '--app',
        app,
        '-g',
        `rg-${app}`,
        '-l',
        'westeurope',
        '--registry',
        'e2ebuildreg',
        '--context',
        dir,
        '--force',
      ])
      assertExit(r, 4)
      assert.match(r.stderr, /BUILD_FAILED/, describeRun(r))
      assert.match(r.stderr, /does-not-exist/)
      assertNoWrites(world.em, r)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
