// The platform log: the three line families of reference §5.1 (per site), the failure scenarios with their
// recorded wording, and ARM containerlogs returning only the tail (204 when there is no log).
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {arm, createSite, rgPath, servedImage, sitePath, until} from './emulator-helpers.js'
import {type ArmEmulator, type FailureScenario, type LogFormat, startArmEmulator} from './index.js'

const containerLogs = async (em: ArmEmulator, rg: string, app: string) =>
  arm(em, 'POST', `${sitePath(rg, app)}/containerlogs`)

/** Creates a working site, then plays `failure` on a restart to img:2; returns the log after it failed. */
async function failOnRestart(em: ArmEmulator, app: string, failure: FailureScenario, logFormat?: LogFormat) {
  em.setSiteBehavior(app, {logFormat})
  const site = await createSite(em, `rg-${app}`, app, {settings: {WEBSITES_PORT: '8080'}})
  await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:1')
  em.setSiteBehavior(app, {logFormat, failure})
  await arm(em, 'PATCH', `${sitePath(`rg-${app}`, app)}/config/web`, {
    properties: {linuxFxVersion: 'DOCKER|reg.io/app:2'},
  })
  await until(() => !em.site(app)!.runtime.starting)
  assert.equal(await servedImage(em, site.properties.defaultHostName), 'DOCKER|img:1', `${failure}: old one serves`)
  return {log: em.site(app)!.runtime.logs, stdout: em.site(app)!.runtime.appLogs}
}

describe('emulator: platform log', () => {
  let em: ArmEmulator
  before(async () => {
    em = await startArmEmulator({startDelayMs: 0, containerLogTailLines: 4})
  })
  after(async () => {
    await em.close()
  })

  test('three log families, chosen per site', async () => {
    const logs: Record<string, string> = {}
    for (const format of ['classic', 'docker', 'platform'] as const) {
      const app = `fmt-${format}`
      em.setSiteBehavior(app, {logFormat: format})
      const site = await createSite(em, `rg-${app}`, app)
      await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:1')
      logs[format] = em.site(app)!.runtime.logs
    }
    assert.match(logs.classic!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO {2}- Pulling image: img:1$/m)
    assert.doesNotMatch(logs.classic!, /T\d\d:|Z /)
    assert.match(logs.docker!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}- Pulling image: img:1$/m)
    assert.match(logs.docker!, /docker run -d -p 8080:80 --name fmt-docker_0_[0-9a-f]{8} /)
    assert.match(logs.docker!, /for site fmt-docker initialized successfully and is ready to serve requests\./)
    const lines = logs.platform!.trimEnd().split('\n')
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z (?!INFO|ERROR)\S/)
    assert.match(lines[0]!, /Starting container: fmt-platform_0_[0-9a-f]{8}\.$/)
    assert.ok(lines.some((l) => l.endsWith(' Starting watchers and probes.')))
    assert.ok(lines.some((l) => l.endsWith(' Container is running.')))
    assert.doesNotMatch(logs.platform!, /Pulling image|docker run|sha256|initialized successfully/)
    // Container stdout in the platform family carries Docker's 9-digit timestamps.
    assert.match(em.site('fmt-platform')!.runtime.appLogs, /^\S+\.\d{9}Z Listening on port 80$/m)
  })

  const expected: Array<[FailureScenario, RegExp[], RegExp?]> = [
    [
      'wrong-port',
      [/ERROR - Container wp_0_\w+ didn't respond to HTTP pings on port: 8080, failing site start\./],
      /Listening on port 8081/,
    ],
    ['localhost', [/didn't respond to HTTP pings on port: 8080/], /127\.0\.0\.1:8080/],
    [
      'start-timeout',
      [/Container st_0_\w+ for site st did not start within expected time limit\. Elapsed time = 230\.8 sec/],
    ],
    ['exited', [/ERROR - Container ex_0_\w+ for site ex has exited, failing site start/], /Error: boom/],
    [
      'crash-loop',
      [/(has exited, failing site start[\s\S]*){3}/, /Stopping site cl because it failed during startup\./],
    ],
    [
      'pull-unauthorized',
      [
        /Pulling image: reg\.io\/app:2/,
        /unauthorized: authentication required/,
        /Image pull failed\. Defaulting to local copy if present\./,
      ],
    ],
    ['manifest-unknown', [/manifest unknown/, /Image pull failed/]],
    ['wrong-platform', [/has exited, failing site start/], /exec format error/],
  ]
  const names: Record<FailureScenario, string> = {
    'wrong-port': 'wp',
    localhost: 'lh',
    'start-timeout': 'st',
    exited: 'ex',
    'crash-loop': 'cl',
    'pull-unauthorized': 'pu',
    'manifest-unknown': 'mu',
    'wrong-platform': 'wpl',
  }
  for (const [failure, patterns, stdout] of expected) {
    test(`failure scenario ${failure}: the old container serves, the log has the recorded wording`, async () => {
      const {log, stdout: out} = await failOnRestart(em, names[failure], failure)
      for (const p of patterns) assert.match(log, p)
      if (stdout) assert.match(out, stdout)
      if (failure.startsWith('pull') || failure === 'manifest-unknown') {
        assert.doesNotMatch(log.split('reg.io/app:2')[1] ?? '', /docker run/, 'a failed pull runs nothing')
      }
    })
  }

  test('platform family failure: probe failed, revert, terminated, stopped — no level, no pull lines', async () => {
    const {log} = await failOnRestart(em, 'pf', 'start-timeout', 'platform')
    assert.match(log, /\.\d{7}Z Site startup probe failed after 230\.\d+ seconds\.$/m)
    assert.match(log, /Failed to start site\. Revert by stopping site\.$/m)
    assert.match(log, /Site container: pf terminated during site startup\.$/m)
    assert.match(log, /Site: pf stopped\.$/m)
    assert.doesNotMatch(log, /INFO|ERROR|Pulling image/)
  })

  test('WEBSITES_CONTAINER_START_TIME_LIMIT sets the reported limit', async () => {
    em.setSiteBehavior('lim', {failure: 'start-timeout'})
    await createSite(em, 'rg-lim', 'lim', {settings: {WEBSITES_CONTAINER_START_TIME_LIMIT: '600'}})
    await until(() => !em.site('lim')!.runtime.starting)
    assert.match(em.site('lim')!.runtime.logs, /did not start within expected time limit\. Elapsed time = 600\.8 sec/)
    assert.equal(em.site('lim')!.runtime.servingImage, '')
  })

  test('ARM containerlogs returns only the last lines; 204 when there is no log; Kudu lists the whole file', async () => {
    const site = await createSite(em, 'rg-tail', 'tail')
    await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:1')
    await arm(em, 'PATCH', `${sitePath('rg-tail', 'tail')}/config/web`, {properties: {linuxFxVersion: 'DOCKER|img:2'}})
    await until(async () => (await servedImage(em, site.properties.defaultHostName)) === 'DOCKER|img:2')
    const full = em.site('tail')!.runtime.logs
    const r = await containerLogs(em, 'rg-tail', 'tail')
    assert.equal(r.status, 200)
    assert.equal(r.body, full.split('\n').slice(-5).join('\n'), 'the last 4 lines (tail option 4)')
    assert.doesNotMatch(r.body, /Pulling image: img:1/)
    assert.match(r.body, /initialized successfully/)
    // A site without an image has no log: 204.
    await arm(em, 'PUT', sitePath('rg-tail', 'empty'), {
      location: 'westeurope',
      properties: {serverFarmId: `${rgPath('rg-tail')}/providers/Microsoft.Web/serverfarms/plan`},
    })
    assert.equal((await containerLogs(em, 'rg-tail', 'empty')).status, 204)
  })
})
