// The fault matrix: one injected fault at one write step of `up`, `push`, `down` or `rollback`, through the built
// CLI. Every case must end in success (a transient fault, retried) or ONE clean error (its code, a `Try:` hint, the
// documented exit code, no stack trace) within its deadline, never leave the app pointing at an image the registry
// does not hold, and a re-run without the fault must converge (exit 0, the intended state).
//
// Faults: 429 with Retry-After, 500, 503, a connection reset, a request that never answers, a long-running
// operation that ends Failed, Canceled, or never ends. The default suite runs a representative subset (every fault
// kind and every step at least once); `npm run test:faults` (AZDEPLOY_FAULT_MATRIX=full) runs the whole cross
// product and writes the table of outcomes to .test-tmp/fault-matrix.txt (scripts/fault-matrix.js prints it).
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, type TestContext, test} from 'node:test'
import type {Fault} from '../emulator/index.js'
import {type FaultProxy, type ProxyAnswer, startFaultProxy} from '../helpers/fault-proxy.js'
import {writeOciLayout} from '../helpers/oci-layout.js'
import {startRegistry, type TestRegistry} from '../helpers/registry.js'
import {describeRun, e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {SUB} from './e2e-common.js'
import {
  assertClean,
  cutsAtDeadline,
  DEADLINE_S,
  EXPECTED,
  envFor,
  isLro,
  KINDS,
  type Kind,
  manifestStatus,
  proxyAnswer,
  RERUN_ENV,
  type Row,
  saidOf,
  writeTable,
} from './fault-kinds.js'

const FULL = process.env.AZDEPLOY_FAULT_MATRIX === 'full'
const world = e2eWorld({acrFront: true})

const rows: Row[] = []

/** The registry (behind the ACR front) holds every digest a site of this app points at. */
async function assertPullable(app: string): Promise<void> {
  const s = world.em.site(app)
  const fx = String(s?.config['linuxFxVersion'] ?? '')
  const digest = /@(sha256:[0-9a-f]{64})/.exec(fx)?.[1]
  if (!s || !fx) return
  assert.ok(digest, `the app points at a digest, not a tag: ${fx}`)
  assert.equal(await manifestStatus(world.registry, 'team/app', digest), 200, `${app} points at ${fx}`)
}

interface ArmStep {
  command: 'up' | 'down' | 'rollback'
  step: string
  method: string
  path: (app: string) => RegExp
  /** The step's SDK call is a long-running operation (the lro-* faults apply). */
  lro: boolean
  /** Deploys before the faulted run: 0 new app, 1 one release (:single), 2 two releases (:single, :v2). */
  setup: 0 | 1 | 2
  /** Narrows the fault to this app's request when the path alone does not name it. */
  when?: (app: string) => Fault['when']
}

const site = (app: string) => new RegExp(`/sites/${app}$`, 'i')
const tags = (app: string) => new RegExp(`/sites/${app}/providers/microsoft\\.resources/tags/default$`, 'i')
const plan = (app: string) => new RegExp(`/serverfarms/${app}-plan$`, 'i')
const identity = (app: string) => new RegExp(`/userassignedidentities/${app}-acrpull$`, 'i')

const ARM_STEPS: ArmStep[] = [
  {
    command: 'up',
    step: 'resource group',
    method: 'PUT',
    path: (a) => new RegExp(`/resourcegroups/rg-${a}$`, 'i'),
    lro: false,
    setup: 0,
  },
  {command: 'up', step: 'plan', method: 'PUT', path: plan, lro: true, setup: 0},
  {command: 'up', step: 'identity', method: 'PUT', path: identity, lro: true, setup: 0},
  {
    command: 'up',
    step: 'role assignment',
    method: 'PUT',
    path: () => /\/providers\/microsoft\.authorization\/roleassignments\/[^/]+$/i,
    lro: false,
    setup: 0,
    // The assignment's path names no app: match this app's identity in the body.
    when: (app) => (q) =>
      principalOf(app) !== undefined &&
      (q.body['properties'] as {principalId?: string} | undefined)?.principalId === principalOf(app),
  },
  {command: 'up', step: 'site create', method: 'PUT', path: site, lro: true, setup: 0},
  {command: 'up', step: 'site patch', method: 'PATCH', path: site, lro: false, setup: 1},
  {command: 'up', step: 'release tags', method: 'PATCH', path: tags, lro: true, setup: 1},
  {command: 'down', step: 'site delete', method: 'DELETE', path: site, lro: false, setup: 1},
  {command: 'down', step: 'identity delete', method: 'DELETE', path: identity, lro: true, setup: 1},
  {command: 'down', step: 'plan delete', method: 'DELETE', path: plan, lro: false, setup: 1},
  {command: 'rollback', step: 'site patch', method: 'PATCH', path: site, lro: false, setup: 2},
  {command: 'rollback', step: 'release tags', method: 'PATCH', path: tags, lro: true, setup: 2},
]

const PUSH_STEPS = [
  {
    step: 'blob upload',
    match: (m: string, u: string) => (m === 'PATCH' || m === 'PUT') && u.includes('/blobs/uploads/'),
  },
  {step: 'manifest PUT', match: (m: string, u: string) => m === 'PUT' && u.includes('/manifests/')},
] as const
const PUSH_KINDS: Kind[] = ['429', '500', '503', 'reset', 'hang']

/** The default suite's subset: every fault kind and every step at least once. */
const SUBSET = new Set([
  'up/resource group/429',
  'up/plan/lro-failed',
  'up/identity/lro-canceled',
  'up/role assignment/500',
  'up/site create/lro-never',
  'up/site patch/reset',
  'up/release tags/hang',
  'push/blob upload/503',
  'push/manifest PUT/hang',
  'down/site delete/hang',
  'down/identity delete/429',
  'down/plan delete/500',
  'rollback/site patch/503',
  'rollback/release tags/lro-never',
])

function principalOf(app: string): string | undefined {
  for (const i of world.em.state.identities.values())
    if (i.name.toLowerCase() === `${app}-acrpull`) return i.principalId
  return undefined
}

function armFault(kind: Kind, s: ArmStep, app: string): Fault {
  const base: Fault = {method: s.method, pathRegex: s.path(app), ...(s.when ? {when: s.when(app)} : {})}
  switch (kind) {
    case '429':
      return {...base, status: 429, headers: {'retry-after': '1'}}
    case '500':
      return {...base, status: 500}
    case '503':
      return {...base, status: 503}
    case 'reset':
      return {...base, reset: true}
    case 'hang':
      return {...base, hang: true}
    case 'lro-failed':
      return {...base, lro: {status: 'Failed', error: {code: 'InternalServerError', message: 'Injected: it failed.'}}}
    case 'lro-canceled':
      return {...base, lro: {status: 'Canceled'}}
    case 'lro-never':
      return {...base, lro: {status: 'InProgress'}}
  }
}

// --- ARM cases ---------------------------------------------------------------------------------------------------

const acrImage = (tag: string) => `${world.acr.host}/team/app:${tag}`

function commandArgs(s: ArmStep, app: string, timeoutSec: number): string[] {
  const rg = `rg-${app}`
  const timeout = ['--timeout', String(timeoutSec)]
  if (s.command === 'down') return ['down', '--app', app, '-g', rg, '--plan', '--yes']
  // --to 1 (the :single release of the setup), so that a re-run after a rollback that did land is a no-op.
  if (s.command === 'rollback') return ['rollback', '--app', app, '-g', rg, '--to', '1', '--yes', ...timeout]
  return upArgs(app, 'v2', ...timeout)
}

function upArgs(app: string, tag: string, ...extra: string[]): string[] {
  return [
    'up',
    '--app',
    app,
    '-g',
    `rg-${app}`,
    '-l',
    'westeurope',
    '--image',
    acrImage(tag),
    '--port',
    '8080',
    ...extra,
  ]
}

async function converged(s: ArmStep, app: string): Promise<void> {
  const rg = `rg-${app}`.toLowerCase()
  if (s.command === 'down') {
    assert.equal(world.em.site(app), undefined, 'the app is gone')
    const planId = `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.web/serverfarms/${app}-plan`
    assert.equal(world.em.state.plans.get(planId.toLowerCase()), undefined, 'the plan is gone')
    assert.equal(principalOf(app), undefined, 'the identity is gone')
    return
  }
  const want = s.command === 'rollback' ? world.images.single.digest : world.images.v2.digest
  const serving = world.em.site(app)?.runtime.servingImage ?? ''
  assert.ok(serving.includes(want), `${app} serves ${want} (serves '${serving}')`)
  assert.ok(String(world.em.site(app)?.config['linuxFxVersion']).includes(want))
}

async function armCase(s: ArmStep, kind: Kind, app: string): Promise<void> {
  const setupTags = ['single', 'v2'].slice(0, s.setup)
  for (const tag of setupTags) {
    const r = await world.cli(upArgs(app, tag))
    assert.equal(r.code, 0, `setup up :${tag}\n${describeRun(r)}`)
  }
  const fault = world.em.addFault(armFault(kind, s, app))
  const short = cutsAtDeadline(kind, s.command)
  const r = await world.cli(commandArgs(s, app, short ? DEADLINE_S : 60), {env: envFor(kind, s.command)})
  const exp = EXPECTED[kind]
  assert.equal(fault.taken, 1, `the fault was served\n${describeRun(r)}`)
  const code = assertClean(r, exp.exit, exp.code)
  if (exp.exit === 7) assert.match(r.stderr, /was still in progress/, describeRun(r))
  const bound = short ? DEADLINE_S * 1000 + 20_000 : 30_000
  assert.ok(r.ms < bound, `ended within its deadline (${Math.round(r.ms)} ms)`)
  await assertPullable(app)
  const again = await world.cli(commandArgs(s, app, 60), {env: RERUN_ENV})
  const row: Row = {
    command: s.command,
    step: s.step,
    kind,
    exit: r.code,
    error: code,
    ms: r.ms,
    rerun: again.code,
    converged: false,
    said: saidOf(r),
  }
  rows.push(row)
  assert.equal(again.code, 0, `the re-run converges\n${describeRun(again)}`)
  await assertPullable(app)
  await converged(s, app)
  row.converged = true
}

// --- push cases --------------------------------------------------------------------------------------------------

const AUTH = {username: 'fm-user', password: 'fm-pa55-secret'}
let reg: TestRegistry
let proxy: FaultProxy
let layouts = ''
/** Pending push faults by repository. */
const pushFaults = new Map<string, {match: (m: string, u: string) => boolean; answer: ProxyAnswer; taken: number}>()

/** A hung registry request ends at push's deadline; the rest (a manifest PUT too, after a reset) is retried. */
const PUSH_EXPECTED: Record<string, {exit: number; code?: RegExp; hint?: RegExp}> = {
  hang: {exit: 7, code: /^TIMEOUT$/, hint: /^Try: Run the push again/m},
}

async function pushCase(step: (typeof PUSH_STEPS)[number], kind: Kind, n: number): Promise<void> {
  const repo = `fm/push-${n}`
  const w = writeOciLayout(join(layouts, `img-${n}`), [3000, 5000])
  const args = [
    'push',
    '--from',
    `oci:${w.dir}`,
    '--image',
    `${proxy.host}/${repo}:t1`,
    '--registry-username',
    AUTH.username,
  ]
  const env = {...envFor(kind, 'push'), AZDEPLOY_REGISTRY_PASSWORD: AUTH.password}
  const pending = {match: step.match, answer: proxyAnswer(kind), taken: 0}
  pushFaults.set(repo, pending)
  const r = await world.cli(args, {env, arm: {url: 'https://127.0.0.1:9'}})
  pushFaults.delete(repo)
  assert.equal(pending.taken, 1, `the fault was served\n${describeRun(r)}`)
  const exp = PUSH_EXPECTED[`${step.step}/${kind}`] ?? PUSH_EXPECTED[kind] ?? {exit: 0}
  const code = assertClean(r, exp.exit, exp.code)
  if (exp.hint) assert.match(r.stderr, exp.hint, describeRun(r))
  assert.ok(r.ms < DEADLINE_S * 1000 + 10_000, `ended within its deadline (${Math.round(r.ms)} ms)`)
  const again = await world.cli([...args, '--json'], {
    env: {...RERUN_ENV, AZDEPLOY_REGISTRY_PASSWORD: AUTH.password},
    arm: {url: 'https://127.0.0.1:9'},
  })
  const row: Row = {
    command: 'push',
    step: step.step,
    kind,
    exit: r.code,
    error: code,
    ms: r.ms,
    rerun: again.code,
    converged: false,
    said: saidOf(r),
  }
  rows.push(row)
  assert.equal(again.code, 0, `the re-run converges\n${describeRun(again)}`)
  const digest = jsonOf<{digest: string}>(again).digest
  assert.equal(await manifestStatus(reg, repo, digest, `${AUTH.username}:${AUTH.password}`), 200)
  assert.equal(await manifestStatus(reg, repo, 't1', `${AUTH.username}:${AUTH.password}`), 200)
  row.converged = true
}

// --- the matrix --------------------------------------------------------------------------------------------------

interface Case {
  id: string
  run: (t: TestContext) => Promise<void>
}

function cases(): Case[] {
  const out: Case[] = []
  for (const s of ARM_STEPS) {
    for (const kind of KINDS) {
      if (isLro(kind) && !s.lro) continue
      const id = `${s.command}/${s.step}/${kind}`
      if (!FULL && !SUBSET.has(id)) continue
      out.push({id, run: () => armCase(s, kind, world.name(`fm-${s.command.slice(0, 2)}`))})
    }
  }
  let n = 0
  for (const step of PUSH_STEPS) {
    for (const kind of PUSH_KINDS) {
      const id = `push/${step.step}/${kind}`
      if (!FULL && !SUBSET.has(id)) continue
      const k = ++n
      out.push({id, run: () => pushCase(step, kind, k)})
    }
  }
  return out
}

describe('fault matrix (built CLI)', {concurrency: FULL ? 6 : 4}, () => {
  before(async () => {
    world.em.state.addRegistry({rg: 'rg-registry', name: 'fmacr', loginServer: world.acr.host})
    layouts = tempDir('fault-matrix')
    reg = await startRegistry({auth: AUTH})
    proxy = await startFaultProxy({
      target: reg.url,
      respond: (req) => {
        const url = req.url ?? ''
        for (const [repo, f] of pushFaults) {
          if (f.taken === 0 && url.startsWith(`/v2/${repo}/`) && f.match(req.method ?? '', url)) {
            f.taken++
            return f.answer
          }
        }
        return undefined
      },
    })
  })
  after(async () => {
    await proxy?.stop()
    await reg?.stop()
    if (layouts) rmSync(layouts, {recursive: true, force: true})
    writeTable(rows, FULL)
  })

  const all = cases()
  test('covers every fault kind and every step', () => {
    const ids = all.map((c) => c.id)
    for (const k of KINDS)
      assert.ok(
        ids.some((id) => id.endsWith(`/${k}`)),
        `fault ${k} is exercised`,
      )
    for (const s of [...ARM_STEPS.map((s) => `${s.command}/${s.step}/`), ...PUSH_STEPS.map((s) => `push/${s.step}/`)])
      assert.ok(
        ids.some((id) => id.startsWith(s)),
        `step ${s} is exercised`,
      )
  })
  for (const c of all) test(c.id, {timeout: 180_000}, c.run)
})
