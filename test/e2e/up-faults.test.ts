// `azdeploy up` when Azure misbehaves (injected emulator faults) or the container does: throttling, persistent
// service errors, missing permissions, unregistered providers, a container that never starts, --timeout.
import assert from 'node:assert/strict'
import {afterEach, describe, test} from 'node:test'
import {describeRun, e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {assertExit, type ErrorDoc, hasGroup, mustSite, plan, requestLog, site, upArgs} from './e2e-common.js'

const world = e2eWorld()

describe('azdeploy up: faults', () => {
  afterEach(() => world.em.clearFaults())

  test('a 429 with Retry-After: 0 is retried and the deploy succeeds', async () => {
    const {em} = world
    const app = world.name('throttled')
    em.addFault({
      method: 'PUT',
      pathRegex: new RegExp(`/sites/${app}$`, 'i'),
      status: 429,
      headers: {'retry-after': '0'},
    })
    em.resetLog()
    const r = await world.cli(upArgs(app, world.image2, '--json'))
    assertExit(r, 0)
    const sitePuts = em.requests.filter((e) => e.method === 'PUT' && new RegExp(`/sites/${app}$`, 'i').test(e.path))
    assert.deepEqual(
      sitePuts.map((e) => e.status),
      [429, 201],
      `throttled once, then created\n${requestLog(em)}`,
    )
    assert.ok(mustSite(em, `rg-${app}`, app).runtime.servingImage.includes(world.images.v2.digest))
  })

  test('a persistent 500 on the plan stops with exit 4 AZURE_SERVICE_ERROR and creates no web app', async () => {
    const {em} = world
    const app = world.name('broken')
    em.addFault({method: 'PUT', pathIncludes: `/serverfarms/${app}-plan`, status: 500, times: Number.POSITIVE_INFINITY})
    em.resetLog()
    const r = await world.cli(upArgs(app, world.image2, '--json'))
    assertExit(r, 4)
    const doc = jsonOf<ErrorDoc>(r)
    assert.equal(doc.error.code, 'AZURE_SERVICE_ERROR')
    assert.equal(doc.error.exitCode, 4)
    assert.ok(doc.error.hint, 'a hint is given')
    assert.equal(plan(em, `rg-${app}`, `${app}-plan`), undefined)
    assert.equal(site(em, `rg-${app}`, app), undefined, 'no site without its plan')
    const planPuts = em.requests.filter((e) => e.method === 'PUT' && e.path.toLowerCase().includes('/serverfarms/'))
    assert.ok(planPuts.length >= 2 && planPuts.length <= 6, `retried a bounded number of times\n${requestLog(em)}`)
    // After the outage, the same command completes what is missing without duplicating anything.
    em.clearFaults()
    em.resetLog()
    const again = await world.cli(upArgs(app, world.image2))
    assertExit(again, 0)
    assert.ok(
      !em.requests.some((e) => e.method === 'PUT' && /\/resourcegroups\/[^/]+$/i.test(e.path)),
      `the group made by the first run is not written again\n${requestLog(em)}`,
    )
    assert.ok(site(em, `rg-${app}`, app))
  })

  test('AuthorizationFailed on a write is exit 3 naming the missing permission', async () => {
    const {em} = world
    const app = world.name('denied')
    const action = 'Microsoft.Web/serverfarms/write'
    em.addFault({
      method: 'PUT',
      pathIncludes: '/serverfarms/',
      status: 403,
      body: {
        error: {
          code: 'AuthorizationFailed',
          message: `The client 'dev@example.com' with object id '1111' does not have authorization to perform action '${action}' over scope '/subscriptions/x/resourceGroups/rg-${app}' or the scope is invalid.`,
        },
      },
    })
    const r = await world.cli(upArgs(app, world.image2))
    assertExit(r, 3)
    assert.match(r.stderr, /^Error \(AUTHORIZATION_FAILED\): /m)
    assert.ok(r.stderr.includes(action), describeRun(r))
    assert.match(r.stderr, /^Try: /m)
    assert.equal(site(em, `rg-${app}`, app), undefined)
  })

  test('MissingSubscriptionRegistration is exit 4 PROVIDER_NOT_REGISTERED with the register command', async () => {
    const {em} = world
    const app = world.name('noprovider')
    em.addFault({
      method: 'PUT',
      pathIncludes: '/serverfarms/',
      status: 409,
      body: {
        error: {
          code: 'MissingSubscriptionRegistration',
          message:
            "The subscription is not registered to use namespace 'Microsoft.Web'. See https://aka.ms/rps-not-found",
        },
      },
    })
    const r = await world.cli(upArgs(app, world.image2, '--json'))
    assertExit(r, 4)
    const doc = jsonOf<ErrorDoc>(r)
    assert.equal(doc.error.code, 'PROVIDER_NOT_REGISTERED')
    assert.match(doc.error.hint ?? '', /az provider register --namespace Microsoft\.Web/)
    assert.equal(site(em, `rg-${app}`, app), undefined)
  })

  test('a quota error is exit 4', async () => {
    const {em} = world
    const app = world.name('quota')
    em.addFault({
      method: 'PUT',
      pathIncludes: '/serverfarms/',
      status: 401,
      body: {
        Code: 'Unauthorized',
        Message:
          'Operation cannot be completed without additional quota. Additional quota information: Current Limit (Basic VMs): 0',
      },
    })
    const r = await world.cli(upArgs(app, world.image2, '--json'))
    assertExit(r, 4)
    assert.equal(jsonOf<ErrorDoc>(r).error.code, 'QUOTA_EXCEEDED')
  })

  test('a container that never starts is exit 5 with the reason from the container log', async () => {
    const {em} = world
    const app = world.name('sick')
    em.setSiteBehavior(app, {neverStarts: true})
    const r = await world.cli(upArgs(app, world.image2, '--port', '8080'))
    assertExit(r, 5)
    assert.match(r.stderr, /^Error \(UNHEALTHY\): /m)
    assert.match(r.stderr, /HTTP pings/, 'quotes the container log')
    assert.match(r.stderr, /8080/, 'the hint names the port')
    assert.equal(mustSite(em, `rg-${app}`, app).runtime.servingImage, '')
  })

  test('a health path answering 500 never counts as serving', async () => {
    const {em} = world
    const app = world.name('h500')
    em.setSiteBehavior(app, {status: 500, healthPath: '/healthz'})
    const r = await world.cli(upArgs(app, world.image2, '--health-path', '/healthz', '--timeout', '1', '--json'))
    assert.ok(r.code === 5 || r.code === 7, describeRun(r))
    assert.equal(mustSite(em, `rg-${app}`, app).config.healthCheckPath, '/healthz')
  })

  test('--timeout: a container still starting is exit 7 TIMEOUT, pointing at status', async () => {
    const {em} = world
    const app = world.name('slow')
    em.setSiteBehavior(app, {startDelayMs: 60_000})
    const r = await world.cli(upArgs(app, world.image2, '--timeout', '1', '--json'))
    assertExit(r, 7)
    const doc = jsonOf<ErrorDoc>(r)
    assert.equal(doc.error.code, 'TIMEOUT')
    assert.match(doc.error.hint ?? '', /azdeploy status/)
    assert.ok(r.ms < 10_000, `gave up near --timeout (${Math.round(r.ms)} ms)`)
    assert.ok(hasGroup(em, `rg-${app}`) && site(em, `rg-${app}`, app), 'the writes were done')
  })
})
