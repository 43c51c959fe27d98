// The health gate through the built CLI: every failure class the emulator plays, in each log format whose
// `containerlogs` tail can show it (exit 5, the class, the platform log lines, the fix); the overlapped recycle
// (the old container answering is never success); the newest format's success; and "unproven" when the log
// cannot prove which container answers (exit 0 with a warning, health "unproven").
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import type {FailureScenario, LogFormat} from '../emulator/platform-log.js'
import {describeRun, e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {assertExit, type ErrorDoc, mustSite, upArgs} from './e2e-common.js'

const world = e2eWorld()

interface UpDoc {
  health: string
  url: string
}

const FAST = {AZDEPLOY_POLL_INTERVAL_MS: '10'}

// [format, emulator scenario, class azdeploy must report, a word of the fix]. The ARM tail holds only platform
// lines (no container stdout), so a 127.0.0.1 bind reads as "no answer on the port" and an arm64 image as an exit;
// the newest format shows neither pulls (no pull classes) nor which port failed (a probe time-out).
const MATRIX: Array<[LogFormat, FailureScenario, string, RegExp]> = [
  ['docker', 'wrong-port', 'wrong-port', /0\.0\.0\.0:8080|--port/],
  ['docker', 'localhost', 'wrong-port', /0\.0\.0\.0:8080/],
  ['docker', 'start-timeout', 'start-time-limit', /WEBSITES_CONTAINER_START_TIME_LIMIT/],
  ['docker', 'exited', 'exited', /azdeploy logs/],
  ['docker', 'crash-loop', 'crash-loop', /keeps exiting/],
  ['docker', 'pull-unauthorized', 'pull-unauthorized', /AcrPull/],
  ['docker', 'manifest-unknown', 'pull-not-found', /push it first/],
  ['classic', 'wrong-port', 'wrong-port', /0\.0\.0\.0:8080|--port/],
  ['classic', 'start-timeout', 'start-time-limit', /WEBSITES_CONTAINER_START_TIME_LIMIT/],
  ['classic', 'exited', 'exited', /azdeploy logs/],
  ['classic', 'crash-loop', 'crash-loop', /keeps exiting/],
  ['classic', 'pull-unauthorized', 'pull-unauthorized', /AcrPull/],
  ['classic', 'manifest-unknown', 'pull-not-found', /push it first/],
  ['platform', 'wrong-port', 'start-time-limit', /0\.0\.0\.0:8080/],
  ['platform', 'start-timeout', 'start-time-limit', /WEBSITES_CONTAINER_START_TIME_LIMIT/],
  ['platform', 'exited', 'exited', /azdeploy logs/],
]

/** The log line the class stands on, as the emulator wrote it (without its timestamp). */
const DECISIVE: Record<string, RegExp> = {
  'wrong-port': /didn't respond to HTTP pings on port: 8080/,
  'start-time-limit': /did not start within expected time limit|Site startup probe failed/,
  exited: /has exited, failing site start|terminated during site startup/,
  'crash-loop': /has exited, failing site start/,
  'pull-unauthorized': /unauthorized: authentication required/,
  'pull-not-found': /manifest unknown/,
}

describe('azdeploy up: each failure class, in each log format that shows it', {concurrency: 4}, () => {
  for (const [format, failure, cls, fix] of MATRIX) {
    test(`${format}: ${failure} → exit 5, class ${cls}, its log lines and the fix`, async () => {
      const app = world.name(`${format.slice(0, 4)}-${failure.slice(0, 8)}`)
      world.em.setSiteBehavior(app, {failure, logFormat: format})
      const r = await world.cli(upArgs(app, world.image2, '--port', '8080'), {env: FAST})
      assertExit(r, 5)
      assert.match(r.stderr, /^Error \(UNHEALTHY\): The new container did not start: /m)
      assert.ok(r.stderr.includes(`(failure class: ${cls}`), describeRun(r))
      assert.match(r.stderr, DECISIVE[cls]!, `quotes the platform log\n${describeRun(r)}`)
      const log = mustSite(world.em, `rg-${app}`, app).runtime.logs
      const quoted = r.stderr.split('\n').filter((l) => l.startsWith('  20'))
      assert.ok(quoted.length > 0, describeRun(r))
      for (const l of quoted.filter((q) => !q.includes('=***')))
        assert.ok(log.includes(l.trim()), `not in the log: ${l}`)
      assert.match(r.stderr, /^Try: /m)
      assert.match(r.stderr, fix, describeRun(r))
    })
  }

  test('--json: the error document carries the class, the lines and the fix; exit 5', async () => {
    const app = world.name('json-exited')
    world.em.setSiteBehavior(app, {failure: 'exited'})
    const r = await world.cli(upArgs(app, world.image2, '--json'), {env: FAST})
    assertExit(r, 5)
    const doc = jsonOf<ErrorDoc>(r)
    assert.equal(doc.error.code, 'UNHEALTHY')
    assert.equal(doc.error.exitCode, 5)
    assert.match(doc.error.message, /failure class: exited/)
    assert.match(doc.error.message, /has exited, failing site start/)
    assert.match(doc.error.hint ?? '', /azdeploy logs/)
  })

  test('a failing new image leaves the previous container serving', async () => {
    const app = world.name('keeps-old')
    const first = await world.cli(upArgs(app, world.image, '--port', '8080'), {env: FAST})
    assertExit(first, 0)
    const s = mustSite(world.em, `rg-${app}`, app)
    const old = s.runtime.servingImage
    world.em.setSiteBehavior(app, {failure: 'crash-loop'})
    const r = await world.cli(upArgs(app, world.image2, '--port', '8080'), {env: FAST})
    assertExit(r, 5)
    assert.ok(r.stderr.includes('(failure class: crash-loop'), describeRun(r))
    assert.equal(s.runtime.servingImage, old, 'the old container still serves')
  })
})

describe('azdeploy up: the old container answering is not the new one', {concurrency: 4}, () => {
  for (const format of ['docker', 'classic', 'platform'] as const) {
    test(`${format}: while the new container warms up, the answering URL does not end the wait (exit 7)`, async () => {
      const app = world.name(`overlap-${format}`)
      world.em.setSiteBehavior(app, {logFormat: format})
      assertExit(await world.cli(upArgs(app, world.image, '--port', '8080'), {env: FAST}), 0)
      const s = mustSite(world.em, `rg-${app}`, app)
      const old = s.runtime.servingImage
      world.em.setSiteBehavior(app, {logFormat: format, startDelayMs: 60_000})
      const r = await world.cli(upArgs(app, world.image2, '--port', '8080', '--timeout', '2', '--json'), {env: FAST})
      assertExit(r, 7)
      assert.equal(jsonOf<ErrorDoc>(r).error.code, 'TIMEOUT')
      assert.match(jsonOf<ErrorDoc>(r).error.message, /answered 200/, 'the old container did answer')
      assert.equal(s.runtime.servingImage, old)
      assert.ok(s.runtime.starting, 'the new container is still starting')
    })
  }

  test('platform: a start with a success line the gate has never seen is serving once the URL answers twice', async () => {
    const app = world.name('newest-ok')
    world.em.setSiteBehavior(app, {logFormat: 'platform'})
    const r = await world.cli(upArgs(app, world.image2, '--port', '8080', '--json'), {env: FAST})
    assertExit(r, 0)
    assert.equal(jsonOf<UpDoc>(r).health, 'serving')
    assert.ok(mustSite(world.em, `rg-${app}`, app).runtime.servingImage.includes(world.images.v2.digest))
  })
})

describe('azdeploy up: unproven when the log cannot tell', () => {
  test('an unreadable container log: exit 0, health "unproven", a warning that says so', async () => {
    const app = world.name('nolog')
    world.em.addFault({method: 'POST', pathRegex: /\/containerlogs$/i, status: 403, times: Number.POSITIVE_INFINITY})
    try {
      const r = await world.cli(upArgs(app, world.image2, '--json'), {env: FAST})
      assertExit(r, 0)
      assert.equal(jsonOf<UpDoc>(r).health, 'unproven')
      assert.match(r.stderr, /warning: unproven: the platform log could not be read/)
      assert.match(r.stderr, /may still be the previous container/)
    } finally {
      world.em.clearFaults()
    }
  })

  test('a log tail too short to name the image: unproven, not serving', async () => {
    const app = world.name('shorttail')
    const before = world.em.state.containerLogTailLines
    world.em.state.containerLogTailLines = 1
    try {
      const r = await world.cli(upArgs(app, world.image2, '--json'), {env: FAST})
      assertExit(r, 0)
      assert.equal(jsonOf<UpDoc>(r).health, 'unproven')
      assert.match(r.stderr, /unproven: the log tail shows a container ready but not which image/)
    } finally {
      world.em.state.containerLogTailLines = before
    }
  })

  test('a log that never shows the new start: unproven after AZDEPLOY_LOG_GRACE_MS', async () => {
    const app = world.name('silent')
    world.em.addFault({
      method: 'POST',
      pathRegex: /\/containerlogs$/i,
      status: 204,
      body: '',
      times: Number.POSITIVE_INFINITY,
    })
    try {
      const env = {...FAST, AZDEPLOY_LOG_GRACE_MS: '300'}
      const r = await world.cli(upArgs(app, world.image2, '--json'), {env})
      assertExit(r, 0)
      assert.equal(jsonOf<UpDoc>(r).health, 'unproven')
      assert.match(r.stderr, /unproven: the platform log shows no container started after the deploy/)
    } finally {
      world.em.clearFaults()
    }
  })
})
