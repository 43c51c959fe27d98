// `azdeploy down` deletes only what azdeploy made and no one else uses: the pull identity and its AcrPull
// assignment go only when tagged managed-by: azdeploy and unused; the plan only with --plan, tagged and unused;
// --delete-resource-group only for the app's own group holding nothing foreign. Confirmation asks for the name of
// the largest thing deleted. All through the built CLI against the emulator (ACR-style registry front).
import assert from 'node:assert/strict'
import {randomUUID} from 'node:crypto'
import {rmSync} from 'node:fs'
import {before, describe, test} from 'node:test'
import type {ArmEmulator} from '../emulator/index.js'
import {cliEnv, describeRun, e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {startCliOnTty} from '../helpers/spawn-cli.js'
import {
  assertExit,
  assertNoWrites,
  type ErrorDoc,
  hasGroup,
  mustSite,
  plan,
  requestLog,
  SUB,
  site,
} from './e2e-common.js'

const world = e2eWorld({acrFront: true})

interface Item {
  kind: string
  name: string
  id: string
  scope?: string
  reason?: string
}
interface DownDoc {
  app: string
  resourceGroup: string
  deleted: Item[]
  kept: Item[]
}

const identityKey = (rg: string, app: string) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${app}-acrpull`.toLowerCase()
const identity = (em: ArmEmulator, rg: string, app: string) => em.state.identities.get(identityKey(rg, app))
const assignmentsOf = (em: ArmEmulator, principalId: string) =>
  [...em.state.roleAssignments.values()].filter((a) => a.principalId === principalId)
const deletes = (em: ArmEmulator) => em.requests.filter((q) => q.method === 'DELETE')

describe('azdeploy down: only what azdeploy made and no one else uses', () => {
  const acrImage = () => `${world.acr.host}/team/app:v2`
  const upAcr = async (app: string, rg = `rg-${app}`, ...extra: string[]) => {
    const r = await world.cli([
      'up',
      '--app',
      app,
      '-g',
      rg,
      '-l',
      'westeurope',
      '--image',
      acrImage(),
      '--no-wait',
      ...extra,
    ])
    assertExit(r, 0)
    const i = identity(world.em, rg, app)
    assert.ok(i, `up created the pull identity\n${requestLog(world.em)}`)
    assert.equal(assignmentsOf(world.em, i.principalId).length, 1, 'and one AcrPull assignment')
    return i
  }

  before(() => {
    world.em.state.addRegistry({rg: 'rg-registry', name: 'ownacr', loginServer: world.acr.host})
  })

  test('up tags the identity and the plan it creates managed-by: azdeploy', async () => {
    const app = world.name('tagged')
    const i = await upAcr(app)
    assert.equal(i.tags['managed-by'], 'azdeploy')
    assert.equal(plan(world.em, `rg-${app}`, `${app}-plan`)?.tags['managed-by'], 'azdeploy')
  })

  test('plain down deletes app, AcrPull assignment and identity (named first), keeps the plan the emulator would delete', async () => {
    const {em} = world
    const app = world.name('plain')
    const rg = `rg-${app}`
    const i = await upAcr(app)
    em.resetLog()
    const r = await world.cli(['down', '--app', app, '-g', rg, '--yes', '--json'])
    assertExit(r, 0)
    const doc = jsonOf<DownDoc>(r)
    assert.deepEqual(
      doc.deleted.map((d) => d.kind),
      ['web-app', 'role-assignment', 'managed-identity'],
      JSON.stringify(doc),
    )
    assert.equal(site(em, rg, app), undefined)
    assert.equal(identity(em, rg, app), undefined)
    assert.deepEqual(assignmentsOf(em, i.principalId), [], 'its AcrPull assignment is gone too')
    assert.ok(plan(em, rg, `${app}-plan`), `plan kept: deleteEmptyServerFarm=false\n${requestLog(em)}`)
    const siteDelete = deletes(em).find((q) => /\/sites\/[^/]+$/i.test(q.path))
    assert.equal(siteDelete?.query['deleteEmptyServerFarm'], 'false')
    const kept = doc.kept.find((k) => k.kind === 'plan')
    assert.match(kept?.reason ?? '', /--plan/)
    // The human form names each thing it deletes.
    const app2 = world.name('plain-human')
    await upAcr(app2)
    const h = await world.cli(['down', '--app', app2, '-g', `rg-${app2}`, '--yes'])
    assertExit(h, 0)
    for (const what of [
      `web app ${app2}`,
      `managed identity ${app2}-acrpull`,
      'role assignment [0-9a-f-]{36} on ownacr',
    ]) {
      assert.match(h.stdout, new RegExp(`Deleted: .*${what}`), describeRun(h))
      assert.match(h.stderr, new RegExp(`Delete ${what}…`), describeRun(h))
    }
    assert.match(h.stdout, new RegExp(`Kept: plan ${app2}-plan \\(not asked to delete it: pass --plan\\)`))
  })

  test('a delete that fails names what is gone and what is left; down again deletes the rest', async () => {
    const {em} = world
    const app = world.name('half-down')
    const rg = `rg-${app}`
    const i = await upAcr(app)
    em.addFault({method: 'DELETE', pathIncludes: `/userAssignedIdentities/${app}-acrpull`, status: 403, times: 1})
    const r = await world.cli(['down', '--app', app, '-g', rg, '--yes', '--json'])
    assert.notEqual(r.code, 0, describeRun(r))
    const e = jsonOf<ErrorDoc>(r).error
    assert.match(
      e.message,
      new RegExp(
        `deleted: web app ${app}; role assignment [0-9a-f-]+ on ownacr; not deleted: managed identity ${app}-acrpull\\)$`,
      ),
    )
    assert.match(e.hint ?? '', /run the same azdeploy down again/)
    assert.ok(identity(em, rg, app), 'the identity is still there')
    const again = await world.cli(['down', '--app', app, '-g', rg, '--yes', '--json'])
    assertExit(again, 0)
    assert.deepEqual(
      jsonOf<DownDoc>(again).deleted.map((d) => `${d.kind} ${d.name}`),
      [`managed-identity ${app}-acrpull`],
    )
    assert.equal(identity(em, rg, app), undefined)
    assert.deepEqual(assignmentsOf(em, i.principalId), [])
  })

  test('an identity azdeploy did not create (no tag) is kept, with its role assignments', async () => {
    const {em} = world
    const app = world.name('own-id')
    const rg = `rg-${app}`
    const i = await upAcr(app)
    i.tags = {owner: 'platform-team'} // the user's own <app>-acrpull, reused by up
    const r = await world.cli(['down', '--app', app, '-g', rg, '--yes', '--json'])
    assertExit(r, 0)
    const doc = jsonOf<DownDoc>(r)
    assert.equal(site(em, rg, app), undefined, 'the app you named goes')
    assert.ok(identity(em, rg, app), 'the identity stays')
    assert.equal(assignmentsOf(em, i.principalId).length, 1, 'its assignment stays')
    const kept = doc.kept.find((k) => k.kind === 'managed-identity')
    assert.match(kept?.reason ?? '', /not created by azdeploy \(no managed-by: azdeploy tag\)/)
    assert.ok(doc.kept.some((k) => k.kind === 'role-assignment'))
    assert.ok(!doc.deleted.some((d) => d.kind !== 'web-app'), JSON.stringify(doc))
  })

  test('an identity another web app uses is kept, with its AcrPull assignment', async () => {
    const {em} = world
    const app = world.name('shared-id')
    const other = world.name('borrower')
    const i = await upAcr(app)
    await upAcr(other)
    const o = mustSite(em, `rg-${other}`, other)
    o.identity = {
      type: 'UserAssigned',
      userAssignedIdentities: {
        ...o.identity?.userAssignedIdentities,
        [i.id]: {principalId: i.principalId, clientId: i.clientId},
      },
    }
    const r = await world.cli(['down', '--app', app, '-g', `rg-${app}`, '--yes', '--json'])
    assertExit(r, 0)
    const doc = jsonOf<DownDoc>(r)
    assert.equal(site(em, `rg-${app}`, app), undefined)
    assert.ok(identity(em, `rg-${app}`, app), 'identity kept')
    assert.equal(assignmentsOf(em, i.principalId).length, 1, 'AcrPull kept: the other app pulls with it')
    const kept = doc.kept.find((k) => k.kind === 'managed-identity')
    assert.equal(kept?.reason, `still used by web app rg-${other}/${other}`)
  })

  test('a role assignment azdeploy did not make is kept (and so is the identity holding it)', async () => {
    const {em} = world
    const app = world.name('foreign-ra')
    const rg = `rg-${app}`
    const i = await upAcr(app)
    const scope = `/subscriptions/${SUB}/resourceGroups/rg-data`
    const name = randomUUID()
    em.state.roleAssignments.set(`${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`.toLowerCase(), {
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      scope,
      roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`,
      principalId: i.principalId,
      principalType: 'ServicePrincipal',
    })
    const r = await world.cli(['down', '--app', app, '-g', rg, '--yes', '--json'])
    assertExit(r, 0)
    const doc = jsonOf<DownDoc>(r)
    assert.ok(
      assignmentsOf(em, i.principalId).some((a) => a.name === name),
      'the foreign assignment is still there',
    )
    assert.ok(identity(em, rg, app), 'the identity it belongs to is kept')
    const kept = doc.kept.find((k) => k.name === name)
    assert.equal(kept?.reason, 'not made by azdeploy')
    assert.match(
      doc.kept.find((k) => k.kind === 'managed-identity')?.reason ?? '',
      /1 role assignment azdeploy did not make/,
    )
    assert.ok(!deletes(em).some((q) => /roleassignments/i.test(q.path) && q.path.toLowerCase().includes(name)))
  })

  test('down --plan deletes only an azdeploy-tagged plan no other app uses', async () => {
    const {em} = world
    const app = world.name('user-plan')
    const rg = `rg-${app}`
    await upAcr(app)
    const p = plan(em, rg, `${app}-plan`)
    assert.ok(p)
    p.tags = {} // a plan the user made, that up reused
    const r = await world.cli(['down', '--app', app, '-g', rg, '--plan', '--yes', '--json'])
    assertExit(r, 0)
    assert.ok(plan(em, rg, `${app}-plan`), 'untagged plan kept')
    assert.match(jsonOf<DownDoc>(r).kept.find((k) => k.kind === 'plan')?.reason ?? '', /not created by azdeploy/)
  })

  test("up changing the SKU of a plan it did not create keeps its tags (never stamps it as azdeploy's)", async () => {
    const {em} = world
    const app = world.name('sku-plan')
    const rg = `rg-${app}`
    await upAcr(app)
    const p = plan(em, rg, `${app}-plan`)
    assert.ok(p)
    p.tags = {team: 'payments'}
    assertExit(await world.cli(['up', '--app', app, '-g', rg, '--image', acrImage(), '--sku', 'B2', '--no-wait']), 0)
    assert.equal(plan(em, rg, `${app}-plan`)?.sku.name, 'B2')
    assert.deepEqual(plan(em, rg, `${app}-plan`)?.tags, {team: 'payments'})
    const r = await world.cli(['down', '--app', app, '-g', rg, '--plan', '--yes'])
    assertExit(r, 0)
    assert.ok(plan(em, rg, `${app}-plan`), "still not azdeploy's: kept")
  })

  test('down --plan after a failed first up (plan created, app not) removes the plan', async () => {
    const {em} = world
    const app = world.name('half')
    const rg = `rg-${app}`
    em.addFault({method: 'PUT', pathRegex: new RegExp(`/sites/${app}$`, 'i'), status: 400, times: 1})
    const up = await world.cli(['up', '--app', app, '-g', rg, '-l', 'westeurope', '--image', world.image2])
    assert.notEqual(up.code, 0, describeRun(up))
    assert.equal(site(em, rg, app), undefined, 'no site')
    assert.ok(plan(em, rg, `${app}-plan`), `the billed plan exists\n${describeRun(up)}\n${requestLog(em)}`)
    const plain = await world.cli(['down', '--app', app, '-g', rg, '--yes'])
    assertExit(plain, 0)
    assert.ok(plan(em, rg, `${app}-plan`), 'plain down leaves the plan')
    assert.match(plain.stdout, /Kept: plan .*pass --plan/)
    const r = await world.cli(['down', '--app', app, '-g', rg, '--plan', '--yes', '--json'])
    assertExit(r, 0)
    assert.equal(plan(em, rg, `${app}-plan`), undefined, `plan deleted\n${describeRun(r)}`)
    assert.deepEqual(
      jsonOf<DownDoc>(r).deleted.map((d) => `${d.kind} ${d.name}`),
      [`plan ${app}-plan`],
    )
  })

  test('--delete-resource-group: wrong group, foreign resources → exit 2, nothing deleted; own group → deleted', async () => {
    const {em} = world
    const app = world.name('group')
    const rg = `rg-${app}`
    const i = await upAcr(app)
    const other = world.name('elsewhere')
    await upAcr(other)
    em.resetLog()
    const wrong = await world.cli([
      'down',
      '--app',
      app,
      '-g',
      `rg-${other}`,
      '--delete-resource-group',
      '--yes',
      '--json',
    ])
    assertExit(wrong, 2)
    const w = jsonOf<ErrorDoc>(wrong).error
    assert.equal(w.code, 'APP_NOT_IN_GROUP')
    assert.match(w.message, new RegExp(`Web app ${app} is not in resource group rg-${other}.*nothing deleted`))
    assertNoWrites(em, wrong)
    assert.ok(hasGroup(em, `rg-${other}`) && site(em, `rg-${other}`, other))

    for (let n = 0; n < 7; n++) em.state.addRegistry({rg, name: `theirs${n}`})
    const foreign = await world.cli(['down', '--app', app, '-g', rg, '--delete-resource-group', '--yes'])
    assertExit(foreign, 2)
    assert.match(
      foreign.stderr,
      /Error \(GROUP_NOT_AZDEPLOYS\): Resource group .* holds 7 resources azdeploy did not create: theirs0 \(Microsoft\.ContainerRegistry\/registries\), .*theirs4 .* and 2 more; nothing deleted/,
    )
    assert.match(foreign.stderr, /Try: /)
    assertNoWrites(em, foreign)
    assert.ok(site(em, rg, app), 'app still there')

    for (let n = 0; n < 7; n++)
      em.state.registries.delete(
        `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/theirs${n}`.toLowerCase(),
      )
    const r = await world.cli(['down', '--app', app, '-g', rg, '--delete-resource-group', '--yes', '--json'])
    assertExit(r, 0)
    assert.equal(hasGroup(em, rg), false, 'group deleted')
    assert.deepEqual(assignmentsOf(em, i.principalId), [], 'its AcrPull assignment (at the registry, elsewhere) too')
    const doc = jsonOf<DownDoc>(r)
    assert.deepEqual(
      doc.deleted.map((d) => d.kind),
      ['role-assignment', 'resource-group'],
    )
    assert.ok(site(em, `rg-${other}`, other), 'the other app is untouched')
  })

  test('bad input: no app, a bad name, no --yes without a terminal: exit 2 with a Try: hint, nothing written', async () => {
    const {em} = world
    em.resetLog()
    const none = await world.cli(['down', '--yes'])
    assertExit(none, 2)
    assert.match(none.stderr, /Error \(APP_REQUIRED\)/)
    const bad = await world.cli(['down', '--app', 'bad_name!', '--yes'])
    assertExit(bad, 2)
    assert.match(bad.stderr, /bad_name!/)
    const noYes = await world.cli(['down', '--app', 'whatever-app', '-g', 'rg-x', '--delete-resource-group'])
    assertExit(noYes, 2)
    assert.match(noYes.stderr, /Refusing to delete resource group rg-x and everything in it without confirmation/)
    assert.match(noYes.stderr, /Try: .*--delete-resource-group --yes/)
    const missingGroup = await world.cli([
      'down',
      '--app',
      'whatever-app',
      '-g',
      'rg-none',
      '--delete-resource-group',
      '--yes',
    ])
    assertExit(missingGroup, 2)
    assert.match(missingGroup.stderr, /APP_NOT_IN_GROUP/)
    assertNoWrites(em)
    for (const r of [none, bad, noYes, missingGroup]) assert.doesNotMatch(r.stderr, /UNEXPECTED| {4}at /)
  })

  describe('on a terminal: type the name of the largest thing deleted', () => {
    async function typeAt(args: string[], prompt: RegExp, text: string) {
      const home = tempDir('down-prompt')
      try {
        const cli = startCliOnTty(args, {
          cwd: home,
          env: cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home),
        })
        await cli.waitFor(prompt)
        cli.child.stdin?.write(`${text}\r`)
        return {code: await cli.closed, out: cli.stdout}
      } finally {
        rmSync(home, {recursive: true, force: true})
      }
    }

    test('--plan asks for the plan name (the app name is refused); the prompt names everything first', async () => {
      const {em} = world
      const app = world.name('ask-plan')
      const rg = `rg-${app}`
      await upAcr(app)
      const args = ['down', '--app', app, '-g', rg, '--plan']
      const prompt = new RegExp(`Type the plan name \\(${app}-plan\\) to confirm:`)
      const no = await typeAt(args, prompt, app)
      assert.equal(no.code, 2, no.out)
      assert.match(
        no.out,
        new RegExp(
          `down will delete: web app ${app}; role assignment .* on ownacr; managed identity ${app}-acrpull; plan ${app}-plan`,
        ),
      )
      assert.match(no.out, /NOT_CONFIRMED.*does not match the plan name/)
      assert.ok(site(em, rg, app) && plan(em, rg, `${app}-plan`), 'nothing deleted')
      const yes = await typeAt(args, prompt, `${app}-plan`)
      assert.equal(yes.code, 0, yes.out)
      assert.equal(plan(em, rg, `${app}-plan`), undefined)
      assert.equal(site(em, rg, app), undefined)
    })

    test('--delete-resource-group asks for the group name; plain down for the app name', async () => {
      const {em} = world
      const app = world.name('ask-group')
      const rg = `rg-${app}`
      await upAcr(app)
      const g = await typeAt(['down', '--app', app, '-g', rg, '--delete-resource-group'], /to confirm:/, app)
      assert.match(g.out, new RegExp(`Type the resource group name \\(${rg}\\) to confirm:`))
      assert.equal(g.code, 2, g.out)
      assert.ok(hasGroup(em, rg))
      const p = await typeAt(['down', '--app', app, '-g', rg], /to confirm:/, app)
      assert.match(p.out, new RegExp(`Type the web app name \\(${app}\\) to confirm:`))
      assert.equal(p.code, 0, p.out)
      assert.equal(site(em, rg, app), undefined)
    })
  })
})
