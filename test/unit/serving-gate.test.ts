// The verify rules (core/serving-gate.ts), one test per rule, and the propagation retry of services/health.ts.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {type GateInput, ServingGate, safeEvidence} from '../../src/core/serving-gate.js'
import type {Clock, HttpProbe} from '../../src/ports/index.js'
import {verifyServing} from '../../src/services/health.js'

const D = `sha256:${'c'.repeat(64)}`
const IMG = `reg.io/app@${D}`
const T0 = Date.parse('2026-11-28T10:00:00Z')
const iso = (s: number) => new Date(T0 + s * 1000).toISOString()
const docker = (s: number, text: string) => `${iso(s)} INFO  - ${text}`
/** Newest family: 7-digit fraction, no level. */
const plat = (s: number, text: string) => `${iso(s).replace(/Z$/, '0000Z')} ${text}`
const READY = 'Container app_0_1 for site app initialized successfully and is ready to serve requests.'
const input: GateInput = {writtenAt: T0, digest: D, strict: false, skewMs: 0, logGraceMs: 60_000, startLimitMs: 230_000}
const gate = (o: Partial<GateInput> = {}) => new ServingGate({...input, ...o})
const at = (s: number) => T0 + s * 1000

describe('serving gate rules', () => {
  it('docker/classic: the ready line of our digest, then an answer, is serving; a 503 is not', () => {
    const log = [docker(1, `Pulling image: ${IMG}`), docker(5, READY)].join('\n')
    assert.equal(gate().observe({at: at(6), log, status: 503}).kind, 'wait')
    const v = gate().observe({at: at(6), log, status: 200})
    assert.deepEqual([v.kind, v.kind === 'serving' && v.proof], ['serving', 'log+http'])
    // --health-path demands 2xx/3xx: a 404 answers App Service's ping but not the health path.
    assert.equal(gate({strict: true}).observe({at: at(6), log, status: 404}).kind, 'wait')
  })

  it('the old container: its ready line from before the write never counts, however long it answers', () => {
    const log = [docker(-60, `Pulling image: ${IMG}`), docker(-55, READY), docker(1, `Pulling image: ${IMG}`)].join(
      '\n',
    )
    const g = gate()
    for (let s = 2; s < 200; s += 10) assert.equal(g.observe({at: at(s), log, status: 200}).kind, 'wait')
    assert.equal(g.atDeadline(), null, 'at the deadline: timed out, not unproven')
  })

  it('newest format: a start, an unknown later line, then TWO answers after it', () => {
    const start = [plat(1, 'Starting container: e44_app.'), plat(1.1, 'Starting watchers and probes.')]
    const running = [
      ...start,
      plat(3, 'Container is running.'),
      plat(3.1, 'Container start method finished after 31 ms.'),
    ]
    const g = gate()
    assert.equal(g.observe({at: at(4), log: running.join('\n'), status: 200}).kind, 'wait', 'old container answering')
    const ok = [...running, plat(4, 'Site warmed up nicely.')].join('\n')
    assert.equal(g.observe({at: at(5), log: ok, status: 200}).kind, 'wait', 'first answer after the line')
    const v = g.observe({at: at(6), log: ok, status: 200})
    assert.deepEqual([v.kind, v.kind === 'serving' && v.proof], ['serving', 'start+http'])
    assert.ok(v.kind === 'serving' && v.evidence.includes(plat(4, 'Site warmed up nicely.')))
    // A failure line after the start wins over any unknown line.
    const bad = [
      ...running,
      plat(4, 'Site warmed up nicely.'),
      plat(5, 'Site startup probe failed after 230.1 seconds.'),
    ]
    assert.equal(gate().observe({at: at(6), log: bad.join('\n'), status: 200}).kind, 'failed')
  })

  it('newest format without any success line: waiting, then unproven once the start time limit has passed', () => {
    const log = [plat(1, 'Starting container: e44_app.'), plat(3, 'Container is running.')].join('\n')
    const g = gate({startLimitMs: 20_000})
    assert.equal(g.observe({at: at(10), log, status: 200}).kind, 'wait')
    assert.equal(g.atDeadline(), null, 'before the limit the platform may still fail it: timed out')
    const late = g.observe({at: at(40), log, status: 200})
    assert.equal(late.kind, 'unproven')
    assert.ok(late.kind === 'unproven' && /no known success line/.test(late.reason))
  })

  it('an unreadable log: unproven after two failed reads while the URL answers', () => {
    const g = gate()
    assert.equal(g.observe({at: at(1), log: new Error('403'), status: 200}).kind, 'wait')
    const v = g.observe({at: at(2), log: new Error('403'), status: 200})
    assert.ok(v.kind === 'unproven' && v.reason.includes('403'))
    assert.equal(gate().observe({at: at(1), log: new Error('x'), status: null}).kind, 'wait')
  })

  it('a log with no start after the write: waiting until logGraceMs, then unproven (if the URL answers)', () => {
    const g = gate({logGraceMs: 30_000})
    assert.equal(g.observe({at: at(10), log: '', status: 200}).kind, 'wait')
    assert.equal(g.observe({at: at(31), log: '', status: null}).kind, 'wait')
    assert.equal(g.observe({at: at(32), log: '', status: 200}).kind, 'unproven')
  })

  it('a tail that shows a ready line but not the image: unproven, never serving', () => {
    const v = gate().observe({at: at(6), log: docker(5, READY), status: 200})
    assert.ok(v.kind === 'unproven' && /not which image/.test(v.reason))
  })

  it('after a restart only newer starts count: the old unauthorized pull is not seen again', () => {
    const refused = [
      docker(1, `Pulling image: ${IMG}`),
      docker(2, 'ERROR - Head "https://r/v2/app/manifests/x": unauthorized: authentication required'),
    ]
    const g = gate()
    const f = g.observe({at: at(3), log: refused.join('\n'), status: 503})
    assert.ok(f.kind === 'failed' && f.failure.class === 'pull-unauthorized', JSON.stringify(f))
    g.restartedAt(at(3))
    assert.equal(g.observe({at: at(4), log: refused.join('\n'), status: 503}).kind, 'wait')
    const ok = [...refused, docker(5, `Pulling image: ${IMG}`), docker(6, READY)].join('\n')
    assert.equal(g.observe({at: at(7), log: ok, status: 200}).kind, 'serving')
  })

  it('evidence hides setting values of docker run lines, keeping the harmless ones', () => {
    const [l] = safeEvidence(['docker run -d -e WEBSITES_PORT=8080 -e API_KEY=s3cr3t-value -e PORT=8080 img'])
    assert.equal(l, 'docker run -d -e WEBSITES_PORT=8080 -e API_KEY=*** -e PORT=8080 img')
  })
})

describe('verify phase: a fresh AcrPull role', () => {
  const clock = () => {
    let t = T0
    const sleep = async (ms: number) => {
      t += ms
    }
    return {now: () => t, sleep} satisfies Clock
  }
  const ok: HttpProbe = {get: async () => 200}
  const refusal = (s: number) => [
    docker(s, `Pulling image: ${IMG}`),
    docker(s + 0.5, 'ERROR - unauthorized: authentication required'),
  ]
  const base = {
    url: 'https://app/',
    strict: false,
    pinnedImage: IMG,
    since: T0,
    timeoutMs: 120_000,
    intervalMs: 1000,
    skewMs: 0,
    signal: new AbortController().signal,
    onProgress: () => {},
  }

  it('restarts with backoff while the role propagates, then serves', async () => {
    const c = clock()
    const restarts: number[] = []
    let lines = refusal(0.1)
    const o = {
      ...base,
      roleAssignedAt: T0,
      pullRetryMs: 5000,
      readLog: async () => lines.join('\n'),
      restartSite: async () => {
        restarts.push((c.now() - T0) / 1000)
        const s = (c.now() - T0) / 1000 + 1
        lines =
          restarts.length < 3
            ? [...lines, ...refusal(s)]
            : [...lines, docker(s, `Pulling image: ${IMG}`), docker(s + 1, READY)]
      },
    }
    const v = await verifyServing(o, ok, c)
    assert.equal(v.state, 'serving', JSON.stringify(v))
    assert.equal(v.restarts, 3)
    // At once, then after 5 s, then after 10 s (polls are 1 s apart).
    assert.deepEqual(
      restarts.map((s, i) => (i === 0 ? s : s - restarts[i - 1]!)),
      [0, 5, 10],
    )
  })

  it('without a fresh role, or after the window, the unauthorized pull fails at once', async () => {
    const o = {...base, readLog: async () => refusal(0.1).join('\n'), restartSite: async () => assert.fail('restart')}
    const v = await verifyServing(o, ok, clock())
    assert.ok(v.state === 'failed' && v.failure.class === 'pull-unauthorized' && v.restarts === 0)
    const late = await verifyServing({...o, roleAssignedAt: T0 - 700_000}, ok, clock())
    assert.equal(late.state, 'failed')
  })
})
