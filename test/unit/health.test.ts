import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {ServingGate} from '../../src/core/serving-gate.js'
import type {Clock, HttpProbe} from '../../src/ports/index.js'
import {verifyServing, waitHealthy} from '../../src/services/health.js'

const D = 'sha256:' + 'c'.repeat(64)
const IMG = `reg.io/app@${D}`
const T0 = Date.parse('2026-11-28T10:00:00Z')
const line = (s: number, text: string) => `${new Date(T0 + s * 1000).toISOString()} INFO  - ${text}`

// The container-log rules the old containerVerdict pinned, now through the gate (core/serving-gate.ts).
describe('the gate reads the container log', () => {
  const gate = () =>
    new ServingGate({writtenAt: T0, digest: D, strict: false, skewMs: 0, logGraceMs: 60_000, startLimitMs: 230_000})
  const observe = (log: string) => gate().observe({at: T0 + 10_000, log, status: 200})
  it('sees the new container start after its pull', () => {
    const log = [
      line(1, `Pulling image: ${IMG}`),
      line(2, 'Starting container for site'),
      line(5, 'Container app_0_1 for site app initialized successfully and is ready to serve requests.'),
    ].join('\n')
    assert.equal(observe(log).kind, 'serving')
  })
  it('ignores an older container of another image and old lines', () => {
    const log = [
      line(-100, `Pulling image: ${IMG}`),
      line(-99, 'Container x for site app initialized successfully and is ready to serve requests.'),
      line(1, `Pulling image: ${IMG}`),
    ].join('\n')
    assert.equal(observe(log).kind, 'wait')
    const other = [
      line(1, 'Pulling image: reg.io/app@sha256:' + 'd'.repeat(64)),
      line(2, 'Container x for site app initialized successfully and is ready to serve requests.'),
    ].join('\n')
    assert.equal(observe(other).kind, 'wait')
  })
  it('reports a failed start with its line', () => {
    const log = [
      line(1, `Pulling image: ${IMG}`),
      `${new Date(T0 + 9000).toISOString()} ERROR - Container app_0_1 didn't respond to HTTP pings on port: 8080, failing site start. See container logs for debugging.`,
    ].join('\n')
    const v = observe(log)
    assert.equal(v.kind, 'failed')
    assert.ok(v.kind === 'failed' && v.evidence.some((l) => /HTTP pings on port: 8080/.test(l)))
  })
})

describe('waitHealthy', () => {
  const fakeClock = (): Clock & {slept: number[]} => {
    let now = T0
    const slept: number[] = []
    return {
      slept,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms)
        now += ms
      },
    }
  }
  const statuses = (...s: Array<number | null>): HttpProbe => ({get: async () => (s.length > 1 ? s.shift()! : s[0]!)})
  const base = {
    url: 'https://x/',
    strict: false,
    pinnedImage: IMG,
    since: T0,
    timeoutMs: 10_000,
    intervalMs: 100,
    signal: new AbortController().signal,
    onProgress: () => {},
  }

  it('backs off to 1 s and succeeds when log and URL agree', async () => {
    const clock = fakeClock()
    let calls = 0
    const readLog = async () =>
      ++calls < 6
        ? line(1, `Pulling image: ${IMG}`)
        : `${line(1, `Pulling image: ${IMG}`)}\n${line(3, 'Container c for site app initialized successfully and is ready to serve requests.')}`
    const r = await waitHealthy({...base, readLog}, statuses(503), clock).catch((e) => e)
    assert.equal(r.code, 'TIMEOUT', 'a 503 never counts as serving')
    const clock2 = fakeClock()
    calls = 0
    const ok = await waitHealthy({...base, readLog}, statuses(200), clock2)
    assert.equal(ok.proof, 'log+http')
    assert.deepEqual(clock2.slept, [100, 200, 400, 800, 1000])
  })
  it('fails fast with exit 5 on a failed start', async () => {
    const readLog = async () =>
      `${line(1, `Pulling image: ${IMG}`)}\n${line(2, "Container c didn't respond to HTTP pings on port: 80, failing site start.")}`
    await assert.rejects(
      waitHealthy({...base, port: 80, readLog}, statuses(200), fakeClock()),
      (e: Error & {exitCode?: number; hint?: string}) => e.exitCode === 5 && /0\.0\.0\.0:80/.test(e.hint ?? ''),
    )
  })
  it('with a health path demands 2xx/3xx; without a log the answering URL is unproven, never serving', async () => {
    const r = await waitHealthy({...base, strict: true, readLog: async () => ''}, statuses(404, 404, 204), fakeClock())
    assert.equal(r.proof, 'unproven')
    const never = await waitHealthy({...base, strict: true, readLog: async () => ''}, statuses(404), fakeClock()).catch(
      (e) => e,
    )
    assert.equal(never.code, 'TIMEOUT', 'a 404 on the health path never counts')
  })
})

describe('verifyServing (the verify phase) returns a verdict instead of throwing', () => {
  const clock = () => {
    let t = T0
    const sleep = async (ms: number) => {
      t += ms
    }
    return {now: () => t, sleep} satisfies Clock
  }
  const probe = (status: number | null): HttpProbe => ({get: async () => status})
  const opts = {
    url: 'https://app.example.net/',
    strict: false,
    pinnedImage: IMG,
    since: T0,
    timeoutMs: 5000,
    intervalMs: 250,
    signal: new AbortController().signal,
    onProgress: () => {},
  }
  it('serving, with the log line and the URL as evidence', async () => {
    const log = [
      line(1, `Pulling image: ${IMG}`),
      line(5, 'Container app_0_1 for site app initialized successfully and is ready to serve requests.'),
    ].join('\n')
    const v = await verifyServing({...opts, readLog: async () => log}, probe(200), clock())
    assert.equal(v.state, 'serving')
    assert.deepEqual(v.evidence, [...log.split('\n'), 'https://app.example.net/ → 200'])
  })
  it('failed, with the hint for the line', async () => {
    const log = [
      line(1, `Pulling image: ${IMG}`),
      line(9, 'Container app_0_1 for site app has exited, failing site start'),
    ].join('\n')
    const v = await verifyServing({...opts, readLog: async () => log}, probe(200), clock())
    assert.equal(v.state, 'failed')
    assert.match(v.state === 'failed' ? v.line : '', /has exited/)
  })
  it('timed out, and interrupted', async () => {
    const t = await verifyServing({...opts, readLog: async () => ''}, probe(null), clock())
    assert.equal(t.state, 'timed-out')
    const stop = new AbortController()
    stop.abort()
    const i = await verifyServing({...opts, signal: stop.signal, readLog: async () => ''}, probe(null), clock())
    assert.equal(i.state, 'interrupted')
  })
})
