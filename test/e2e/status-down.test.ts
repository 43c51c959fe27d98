// `azdeploy status` and `azdeploy down` against apps deployed with the built CLI.
import assert from 'node:assert/strict'
import {before, describe, test} from 'node:test'
import {describeRun, e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {assertExit, assertNoWrites, type ErrorDoc, hasGroup, mustSite, plan, requestLog, site} from './e2e-common.js'

const world = e2eWorld()

interface StatusDoc {
  app: string
  resourceGroup: string
  url: string | null
  image: string | null
  digest: string | null
  port: number | null
  plan: {name: string; sku: string; instances: number} | null
  health: {url: string; status: number | null; ok: boolean} | null
}

describe('azdeploy status and down', () => {
  const rg = 'rg-shared'
  const a = world.name('first')
  const b = world.name('second')

  before(async () => {
    // Two apps on one plan (the second names the first's plan), one alone on its own plan.
    const up1 = await world.cli(['up', '--app', a, '-g', rg, '-l', 'westeurope', '--image', world.image2])
    assertExit(up1, 0)
    const up2 = await world.cli(['up', '--app', b, '-g', rg, '--plan', `${a}-plan`, '--image', world.image2])
    assertExit(up2, 0)
  })

  test('status --json shows image, digest, port, URL, SKU and a live health probe, and writes nothing', async () => {
    const {em, registry, images} = world
    em.resetLog()
    const r = await world.cli(['status', '--app', a, '-g', rg, '--json'])
    assertExit(r, 0)
    assertNoWrites(em, r)
    const s = jsonOf<StatusDoc>(r)
    const host = mustSite(em, rg, a).runtime.host
    assert.equal(s.app, a)
    assert.equal(s.image, `${registry.host}/${images.repo}@${images.v2.digest}`)
    assert.equal(s.digest, images.v2.digest)
    assert.equal(s.port, 8080, 'port from the image EXPOSE, stored as WEBSITES_PORT')
    assert.equal(s.url, `https://${host}`)
    assert.deepEqual(s.plan, {name: `${a}-plan`, sku: 'B1', instances: 1})
    assert.equal(s.health?.ok, true)
    assert.equal(s.health?.status, 200)
  })

  test('without -g, status, logs and down find the app in its group with one list call, and say so', async () => {
    const {em} = world
    em.resetLog()
    const r = await world.cli(['status', '--app', a, '--json'])
    assertExit(r, 0)
    assert.equal(jsonOf<StatusDoc>(r).resourceGroup, rg)
    const lists = em.requests.filter(
      (q) => q.method === 'GET' && /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Web\/sites$/i.test(q.path),
    )
    assert.equal(lists.length, 1, 'one list call')
    const human = await world.cli(['logs', '--app', a])
    assert.match(human.stdout + human.stderr, new RegExp(`found app ${a} in resource group ${rg}`))
    const missing = await world.cli(['status', '--app', world.name('nowhere'), '--json'])
    assertExit(missing, 2)
    assert.match(missing.stdout + missing.stderr, /was not found in resource group/)
  })

  test('status in human form names the same facts', async () => {
    const r = await world.cli(['status', '--app', a, '-g', rg])
    assertExit(r, 0)
    for (const fact of [world.images.v2.digest, '8080', 'B1', mustSite(world.em, rg, a).runtime.host, 'serving']) {
      assert.ok(r.stdout.includes(fact), `status shows ${fact}\n${describeRun(r)}`)
    }
  })

  test('status reports a container that stopped answering', async () => {
    world.em.setSiteBehavior(b, {status: 503})
    const r = await world.cli(['status', '--app', b, '-g', rg, '--json'])
    assertExit(r, 0)
    const s = jsonOf<StatusDoc>(r)
    assert.equal(s.health?.status, 503)
    assert.equal(s.health?.ok, false)
    world.em.setSiteBehavior(b, {})
  })

  test('status of a missing app is exit 2 APP_NOT_FOUND', async () => {
    const r = await world.cli(['status', '--app', 'no-such-app', '-g', rg, '--json'])
    assertExit(r, 2)
    assert.equal(jsonOf<ErrorDoc>(r).error.code, 'APP_NOT_FOUND')
  })

  test('down without a TTY and without --yes refuses (exit 2) and deletes nothing', async () => {
    const {em} = world
    em.resetLog()
    const r = await world.cli(['down', '--app', a, '-g', rg, '--plan'])
    assertExit(r, 2)
    assert.match(r.stderr, /--yes/)
    assertNoWrites(em, r)
    assert.ok(site(em, rg, a), 'app still there')
    const json = await world.cli(['down', '--app', a, '-g', rg, '--json'])
    assertExit(json, 2)
    assert.equal(jsonOf<ErrorDoc>(json).error.exitCode, 2)
    assertNoWrites(em, json)
  })

  test('down --plan --yes keeps a plan another app still uses', async () => {
    const {em} = world
    em.resetLog()
    const r = await world.cli(['down', '--app', a, '-g', rg, '--plan', '--yes', '--json'])
    assertExit(r, 0)
    assert.equal(site(em, rg, a), undefined, 'app deleted')
    assert.ok(site(em, rg, b), 'the other app is untouched')
    assert.ok(plan(em, rg, `${a}-plan`), `plan kept for ${b}\n${requestLog(em)}`)
    const doc = jsonOf<{deleted: Array<{kind: string; name: string}>; kept: Array<{name: string; reason: string}>}>(r)
    assert.ok(
      doc.kept.some((k) => k.name === `${a}-plan` && k.reason.includes(`${rg}/${b}`)),
      JSON.stringify(doc),
    )
    assert.deepEqual(
      doc.deleted.map((d) => `${d.kind} ${d.name}`),
      [`web-app ${a}`],
    )
    assert.ok(!em.requests.some((e) => e.method === 'DELETE' && /serverfarms/i.test(e.path)), requestLog(em))
  })

  test('down --yes deletes the site only; --plan also deletes the plan once no app uses it', async () => {
    const {em} = world
    const r = await world.cli(['down', '--app', b, '-g', rg, '--yes'])
    assertExit(r, 0)
    assert.equal(site(em, rg, b), undefined)
    // The emulator, like ARM, deletes a plan its last app leaves unless the delete says deleteEmptyServerFarm=false.
    assert.ok(plan(em, rg, `${a}-plan`), `plan kept without --plan\n${requestLog(em)}`)
    assert.ok(hasGroup(em, rg), 'group kept')

    const c = world.name('third')
    assertExit(
      await world.cli(['up', '--app', c, '-g', rg, '-l', 'westeurope', '--image', world.image2, '--no-wait']),
      0,
    )
    const d = await world.cli(['down', '--app', c, '-g', rg, '--plan', '--yes'])
    assertExit(d, 0)
    assert.equal(site(em, rg, c), undefined)
    assert.equal(plan(em, rg, `${c}-plan`), undefined, 'its own plan deleted')
    assert.ok(hasGroup(em, rg), 'the resource group is never deleted without --delete-resource-group')
    assert.match(d.stdout, /Deleted: /)
  })

  test('down of an app that is not there succeeds and deletes nothing', async () => {
    const {em} = world
    em.resetLog()
    const r = await world.cli(['down', '--app', 'never-deployed', '-g', rg, '--yes'])
    assertExit(r, 0)
    assertNoWrites(em, r)
  })
})
