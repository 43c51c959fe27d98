// A first deploy after a NEW AcrPull role assignment: no fixed pause after the assignment; an "unauthorized" pull
// in the first minutes is the role still propagating, so the gate restarts the app (with backoff) and keeps
// waiting. Outside that window, or with an assignment that already existed, the same failure is exit 5 at once.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {describeRun, e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {assertExit, type ErrorDoc, mustSite} from './e2e-common.js'

const world = e2eWorld({acrFront: true})

const restartPosts = (app: string) =>
  world.em.requests.filter((e) => e.method === 'POST' && new RegExp(`/sites/${app}/restart$`, 'i').test(e.path))

describe('azdeploy up: a fresh AcrPull role assignment', () => {
  const acrUp = (app: string, ...extra: string[]) => [
    'up',
    '--app',
    app,
    '-g',
    `rg-${app}`,
    '-l',
    'westeurope',
    '--image',
    `${world.acr.host}/team/app:v2`,
    ...extra,
  ]
  const FAST = {AZDEPLOY_POLL_INTERVAL_MS: '10', AZDEPLOY_PULL_RETRY_MS: '50'}

  test('unauthorized pulls right after the assignment: restarted with backoff, then serving; no fixed wait', async () => {
    const {em} = world
    em.state.addRegistry({rg: 'rg-registry', name: 'freshacr', loginServer: world.acr.host})
    const app = world.name('fresh-role')
    em.setSiteBehavior(app, {unauthorizedPulls: 2})
    em.resetLog()
    // The old fixed pause would now be the default 30 s: the run must finish far below it, with default knobs
    // except the poll and backoff intervals.
    const r = await world.cli(acrUp(app, '--json'), {env: FAST})
    assertExit(r, 0)
    assert.equal(jsonOf<{health: string}>(r).health, 'serving')
    assert.equal(restartPosts(app).length, 2, `restarted once per unauthorized pull\n${describeRun(r)}`)
    assert.equal(em.restarts(app), 3, 'create + 2 restarts')
    const s = mustSite(em, `rg-${app}`, app)
    assert.ok(s.runtime.servingImage.includes(world.images.v2.digest), 'the new image serves')
    assert.match(s.runtime.logs, /unauthorized: authentication required/, 'the emulator did refuse the first pulls')
    assert.ok(r.ms < 15_000, `no fixed pause after the assignment (${Math.round(r.ms)} ms)`)
  })

  test('past AZDEPLOY_ROLE_PROPAGATION_MS the unauthorized pull is the failure: exit 5, no restart', async () => {
    const {em} = world
    const app = world.name('stale-role')
    em.setSiteBehavior(app, {unauthorizedPulls: 5})
    em.resetLog()
    const r = await world.cli(acrUp(app, '--json'), {env: {...FAST, AZDEPLOY_ROLE_PROPAGATION_MS: '0'}})
    assertExit(r, 5)
    const doc = jsonOf<ErrorDoc>(r)
    assert.match(doc.error.message, /failure class: pull-unauthorized/)
    assert.match(doc.error.hint ?? '', /AcrPull/)
    assert.equal(restartPosts(app).length, 0)
  })

  test('an assignment that already existed is no excuse: a later unauthorized pull fails at once', async () => {
    const {em} = world
    const app = world.name('old-role')
    assertExit(await world.cli(acrUp(app), {env: FAST}), 0)
    em.setSiteBehavior(app, {unauthorizedPulls: 1})
    em.resetLog()
    const r = await world.cli(acrUp(app, '--env', 'ROUND=2', '--json'), {env: FAST})
    assertExit(r, 5)
    assert.match(jsonOf<ErrorDoc>(r).error.message, /failure class: pull-unauthorized/)
    assert.equal(restartPosts(app).length, 0, 'no role was assigned by this run, so nothing is retried')
  })
})
