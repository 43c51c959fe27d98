// How the app pulls: managed identity + AcrPull for an ACR in the subscription (an ACR-style token-exchange front
// over the local registry), DOCKER_REGISTRY_SERVER_* settings for another private registry, and no secret in any
// output, even with --verbose.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import type {Registry} from '../emulator/state.js'
import {type CliResult, describeRun, e2eWorld, FAKE_AZ_TOKEN, jsonOf, PRIVATE_AUTH} from '../helpers/run-cli.js'
import {
  ACR_PULL_ROLE,
  assertExit,
  assertNoWrites,
  type ErrorDoc,
  mustSite,
  requestLog,
  site,
  upArgs,
  writeLog,
} from './e2e-common.js'

const world = e2eWorld({privateRegistry: true, acrFront: true})

const lower = (s: string) => s.toLowerCase()

function assertNoLeak(r: CliResult, secrets: string[]): void {
  for (const s of secrets) {
    assert.ok(s.length >= 6, `secret '${s}' is long enough to search for`)
    assert.ok(!r.stdout.includes(s), `stdout leaks a secret (${s.slice(0, 4)}…)\n${describeRun(r)}`)
    assert.ok(!r.stderr.includes(s), `stderr leaks a secret (${s.slice(0, 4)}…)\n${describeRun(r)}`)
  }
}

describe('azdeploy up: registries', () => {
  const app = world.name('acr')
  const rg = `rg-${app}`
  let registry: Registry
  const acrArgs = () => ['up', '--app', app, '-g', rg, '-l', 'westeurope', '--image', `${world.acr.host}/team/app:v2`]
  const assignmentsOf = (principalId: string) =>
    [...world.em.state.roleAssignments.values()].filter((a) => lower(a.principalId) === lower(principalId))
  const identity = () =>
    [...world.em.state.identities.values()].find(
      (i) => lower(i.name) === `${app}-acrpull` && lower(i.id).includes(`/resourcegroups/${lower(rg)}/`),
    )

  test('an ACR image: user-assigned identity, AcrPull on the registry, identity creds in site config', async () => {
    const {em} = world
    registry = em.state.addRegistry({rg: 'rg-registry', name: 'e2eacr', loginServer: world.acr.host})
    em.resetLog()
    const r = await world.cli([...acrArgs(), '--verbose', '--json'])
    assertExit(r, 0)

    const ident = identity()
    assert.ok(ident, `identity ${app}-acrpull created\n${requestLog(em)}`)
    const ras = assignmentsOf(ident.principalId)
    assert.equal(ras.length, 1, `one role assignment for the identity\n${requestLog(em)}`)
    const ra = ras[0]!
    assert.equal(lower(ra.scope), lower(registry.id), 'assigned at the registry scope')
    assert.ok(lower(ra.roleDefinitionId).endsWith(`/roledefinitions/${ACR_PULL_ROLE}`), ra.roleDefinitionId)
    assert.match(ra.name, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)

    const s = mustSite(em, rg, app)
    const attached = Object.keys(s.identity?.userAssignedIdentities ?? {}).map(lower)
    assert.ok(attached.includes(lower(ident.id)), `identity attached to the site: ${JSON.stringify(s.identity)}`)
    assert.equal(s.config.acrUseManagedIdentityCreds, true)
    assert.equal(s.config.acrUserManagedIdentityID, ident.clientId)
    assert.equal(s.config.linuxFxVersion, `DOCKER|${world.acr.host}/team/app@${world.images.v2.digest}`)
    for (const k of ['DOCKER_REGISTRY_SERVER_PASSWORD', 'DOCKER_REGISTRY_SERVER_USERNAME']) {
      assert.equal(s.appSettings[k], undefined, `no ${k} setting`)
    }
    assert.equal(s.runtime.servingImage, s.config.linuxFxVersion, 'waited for the container')
    // The image was inspected through the ACR token exchange with the az token; no token is ever printed.
    // The manifest is read through @azure/container-registry, which adds ?api-version to its calls.
    const exchanges = world.acr.requests.filter((q) => q.path.split('?')[0] === '/oauth2/exchange')
    assert.ok(exchanges.length >= 1, 'exchanged the Entra token for a registry token')
    const tokens = new Set<string>([FAKE_AZ_TOKEN])
    for (const q of world.acr.requests) {
      const bearer = /^Bearer (.+)$/.exec(q.authorization ?? '')?.[1]
      if (bearer) tokens.add(bearer)
      for (const [k, v] of new URLSearchParams(q.body)) if (/token/.test(k) && v) tokens.add(v)
    }
    assertNoLeak(r, [...tokens])
  })

  test('a re-run changes nothing and does not duplicate the role assignment', async () => {
    const {em} = world
    const ident = identity()!
    em.resetLog()
    const r = await world.cli([...acrArgs(), '--json'])
    assertExit(r, 0)
    assertNoWrites(em, r)
    assert.equal(jsonOf<{changed: boolean}>(r).changed, false)
    assert.equal(assignmentsOf(ident.principalId).length, 1)
  })

  test('a lost role assignment is re-created under the same deterministic name', async () => {
    const {em} = world
    const ident = identity()!
    const [ra] = assignmentsOf(ident.principalId)
    em.state.roleAssignments.delete(lower(ra!.id))
    em.resetLog()
    const r = await world.cli([...acrArgs(), '--json'])
    assertExit(r, 0)
    const again = assignmentsOf(ident.principalId)
    assert.equal(again.length, 1)
    assert.equal(again[0]!.name, ra!.name, 'same role assignment name')
    assert.deepEqual(
      writeLog(em).map((w) => w.replace(/[0-9a-f-]{36}$/, 'GUID')),
      [
        `PUT ${lower(registry.id).replace(/^\/subscriptions\/[^/]+/, '')}/providers/microsoft.authorization/roleassignments/GUID`,
      ],
      `only the role assignment is written\n${requestLog(em)}`,
    )
  })

  test("down removes the app, its pull identity and the identity's role assignment", async () => {
    const {em} = world
    const ident = identity()!
    assert.equal(assignmentsOf(ident.principalId).length, 1)
    const r = await world.cli(['down', '--app', app, '-g', rg, '--yes', '--json'])
    assertExit(r, 0)
    assert.equal(site(em, rg, app), undefined)
    assert.equal(identity(), undefined, 'the pull identity is deleted')
    assert.equal(assignmentsOf(ident.principalId).length, 0, 'its AcrPull assignment is deleted too')
  })

  test('a private registry: DOCKER_REGISTRY_SERVER_* settings from --registry-username + AZDEPLOY_REGISTRY_PASSWORD', async () => {
    const {em, privateRegistry: priv} = world
    const name = world.name('private')
    const image = `${priv.host}/team/app:v2`
    const r = await world.cli([...upArgs(name, image), '--registry-username', 'e2e-user'], {
      env: {AZDEPLOY_REGISTRY_PASSWORD: PRIVATE_AUTH.password},
    })
    assertExit(r, 0)
    const s = mustSite(em, `rg-${name}`, name)
    assert.equal(s.appSettings.DOCKER_REGISTRY_SERVER_URL, `https://${priv.host}`)
    assert.equal(s.appSettings.DOCKER_REGISTRY_SERVER_USERNAME, PRIVATE_AUTH.username)
    assert.equal(s.appSettings.DOCKER_REGISTRY_SERVER_PASSWORD, PRIVATE_AUTH.password)
    assert.equal(s.config.acrUseManagedIdentityCreds, false)
    assert.equal(s.config.linuxFxVersion, `DOCKER|${priv.host}/team/app@${world.privateImages.v2.digest}`)
    assertNoLeak(r, [PRIVATE_AUTH.password])
  })

  test('--registry-password-stdin reads the password from stdin', async () => {
    const {em, privateRegistry: priv} = world
    const name = world.name('stdin')
    const r = await world.cli(
      [
        ...upArgs(name, `${priv.host}/team/app:v2`),
        '--registry-username',
        PRIVATE_AUTH.username,
        '--registry-password-stdin',
        '--no-wait',
      ],
      {input: `${PRIVATE_AUTH.password}\n`},
    )
    assertExit(r, 0)
    assert.equal(mustSite(em, `rg-${name}`, name).appSettings.DOCKER_REGISTRY_SERVER_PASSWORD, PRIVATE_AUTH.password)
  })

  test('registry refuses: a wrong password or no credentials is exit 3, a missing password exit 2; no writes', async () => {
    const {em, privateRegistry: priv} = world
    const name = world.name('locked')
    const args = [...upArgs(name, `${priv.host}/team/app:v2`)]
    const wrong = 'not-the-password-4c2e'
    for (const [extra, env, exit] of [
      [['--registry-username', PRIVATE_AUTH.username, '--verbose'], {AZDEPLOY_REGISTRY_PASSWORD: wrong}, 3],
      [[], {}, 3],
      [['--registry-username', PRIVATE_AUTH.username], {}, 2],
    ] as const) {
      em.resetLog()
      const r = await world.cli([...args, ...extra, '--json'], {env})
      assertExit(r, exit)
      assertNoWrites(em, r)
      assert.equal(jsonOf<ErrorDoc>(r).error.exitCode, exit)
      assertNoLeak(r, [wrong])
    }
    assert.equal(site(em, `rg-${name}`, name), undefined)
  })

  test('no secret in any output: setting values, the registry password and the az token, even with --verbose', async () => {
    const {privateRegistry: priv} = world
    const name = world.name('secret')
    const secretValue = 'sk-e2e-5b9d1c7a2f'
    const secrets = [
      secretValue,
      PRIVATE_AUTH.password,
      FAKE_AZ_TOKEN,
      Buffer.from(`${PRIVATE_AUTH.username}:${PRIVATE_AUTH.password}`).toString('base64'),
    ]
    const base = [...upArgs(name, `${priv.host}/team/app:v2`)]
    const opts = {env: {AZDEPLOY_REGISTRY_PASSWORD: PRIVATE_AUTH.password}}
    const user = ['--registry-username', PRIVATE_AUTH.username, '--verbose']
    const runs = [
      await world.cli([...base, ...user, '--env', `SECRET_KEY=${secretValue}`, '--json'], opts),
      // An update of the secret: the plan names the setting, never the values (old or new).
      await world.cli([...base, ...user, '--env', `SECRET_KEY=${secretValue}-v2`, '--dry-run'], opts),
      await world.cli([...base, ...user, '--env', `SECRET_KEY=${secretValue}-v2`], opts),
      await world.cli(['status', '--app', name, '-g', `rg-${name}`, '--verbose'], opts),
      await world.cli(['status', '--app', name, '-g', `rg-${name}`, '--verbose', '--json'], opts),
    ]
    for (const r of runs) {
      assertExit(r, 0)
      assertNoLeak(r, secrets)
    }
    assert.match(runs[0]!.stderr, /debug: /, '--verbose printed a trace (so the check means something)')
    assert.match(runs[1]!.stdout + runs[1]!.stderr, /SECRET_KEY/)
    assert.equal(mustSite(world.em, `rg-${name}`, name).appSettings.SECRET_KEY, `${secretValue}-v2`)
  })
})
