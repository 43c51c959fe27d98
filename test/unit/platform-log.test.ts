// The platform-log verdict: every fixture under test/fixtures/platform-logs (one per failure class per format that
// can show it, written from the verbatim lines in azure-reference §5/§5.1) and the rules that keep it honest:
// nothing before the write counts, a missing success line is never a failure, the digest must match.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {familyOf, parsePlatformLog} from '../../src/core/platform-events.js'
import {platformVerdict} from '../../src/core/platform-log.js'

// build/test/unit/platform-log.test.js → <repo>/test/fixtures/platform-logs
const DIR = fileURLToPath(new URL('../../../test/fixtures/platform-logs/', import.meta.url))
interface Case {
  file: string
  writtenAt: string
  digest?: string
  port: number
  note?: string
  expect: {state: string; class?: string; port?: number; fix?: string; started?: boolean; family?: string}
}
const cases = JSON.parse(readFileSync(`${DIR}cases.json`, 'utf8')) as Case[]
const read = (f: string) => readFileSync(DIR + f, 'utf8')
const OURS = `sha256:${'5f3ca1e0'.repeat(8)}`

describe('platform log fixtures', () => {
  for (const c of cases) {
    it(`${c.file}: ${c.expect.state}${c.expect.class ? ` (${c.expect.class})` : ''}${c.note ? ` — ${c.note}` : ''}`, () => {
      const log = read(c.file)
      const v = platformVerdict({log, writtenAt: Date.parse(c.writtenAt), digest: c.digest, port: c.port})
      assert.equal(v.state, c.expect.state, JSON.stringify(v, null, 1))
      assert.equal(v.failure?.class, c.expect.class)
      if (c.expect.port !== undefined) assert.equal(v.failure?.port, c.expect.port)
      if (c.expect.fix) assert.ok(v.failure?.fix.includes(c.expect.fix), v.failure?.fix)
      if (c.expect.started !== undefined) assert.equal(v.started, c.expect.started)
      if (c.expect.family) assert.equal(v.family, c.expect.family)
      // Evidence is made of the log's own lines, all from after the write.
      for (const e of v.evidence) assert.ok(log.includes(e), e)
      const lines = parsePlatformLog(v.evidence)
      for (const l of lines) assert.ok((l.at ?? 0) >= Date.parse(c.writtenAt), l.raw)
      if (v.state === 'serving' || v.state === 'failed') assert.ok(v.evidence.length > 0)
    })
  }

  it('covers every failure class in every format that can show it', () => {
    const seen = new Set(cases.map((c) => `${c.file.split('/')[0]}:${c.expect.class ?? c.expect.state}`))
    const want = {
      docker: ['wrong-port', 'loopback-bind', 'start-time-limit', 'exited', 'crash-loop', 'pull-unauthorized'],
      classic: ['wrong-port', 'exited', 'pull-unauthorized', 'start-time-limit', 'serving'],
      platform: ['start-time-limit', 'loopback-bind', 'wrong-port', 'exited', 'crash-loop', 'pending'],
    }
    const more = ['docker:pull-not-found', 'docker:pull-wrong-platform', 'docker:serving', 'docker:unproven']
    for (const [fam, classes] of Object.entries(want)) for (const k of classes) assert.ok(seen.has(`${fam}:${k}`), k)
    for (const k of more) assert.ok(seen.has(k), k)
  })

  it('at any write time, serving needs our digest named after the write, and evidence is never older', () => {
    for (const c of cases) {
      const log = read(c.file)
      for (const l of parsePlatformLog(log)) {
        const writtenAt = (l.at ?? 0) + 1
        const v = platformVerdict({log, writtenAt, digest: c.digest ?? OURS, port: c.port})
        for (const e of parsePlatformLog(v.evidence)) assert.ok((e.at ?? 0) >= writtenAt, `${c.file}: ${e.raw}`)
        if (v.state === 'serving') {
          assert.ok(
            parsePlatformLog(v.evidence).some((e) => e.digest === (c.digest ?? OURS)),
            `${c.file} @${l.raw}: serving without our digest after the write`,
          )
        }
      }
    }
  })

  it('removing the success line never turns a start into a failure', () => {
    for (const c of cases.filter((x) => x.expect.state === 'serving' || x.expect.state === 'pending')) {
      const log = read(c.file)
        .split('\n')
        .filter((l) => !/initialized successfully|Container is running|start method finished/.test(l))
        .join('\n')
      const v = platformVerdict({log, writtenAt: Date.parse(c.writtenAt), digest: c.digest, port: c.port})
      assert.ok(v.state === 'pending' || v.state === 'unproven', `${c.file}: ${v.state}`)
    }
  })

  it('no fixture proves anything when the write came after all of its lines', () => {
    for (const c of cases) {
      const v = platformVerdict({log: read(c.file), writtenAt: Date.parse('2027-01-01T00:00:00Z'), digest: c.digest})
      assert.equal(v.state, 'unproven', c.file)
      assert.deepEqual(v.evidence, [])
    }
  })
})

describe('platform log rules', () => {
  it('tells the four line families apart by shape', () => {
    assert.equal(familyOf('2020-02-27 20:26:50.967 INFO  - Pulling image: x').family, 'classic')
    assert.equal(familyOf('2023-09-28T12:27:37.414Z INFO  - Container a for site b').family, 'docker')
    assert.equal(familyOf('2023-09-28T12:27:37.414Z ERROR - x').family, 'docker')
    // Pasted copies sometimes have one space before the dash.
    assert.equal(familyOf('2023-09-28T12:27:37.414Z INFO - x').family, 'docker')
    assert.equal(familyOf('2026-01-21T12:43:18.4886328Z Starting container: e44_api.').family, 'platform')
    assert.equal(familyOf('2026-01-21T12:43:18.488632812Z Starting container: fake').family, 'container')
    assert.equal(familyOf('   at Object.<anonymous> (/app/server.js:1:1)').family, 'other')
  })

  it('a container printing platform-like words is not the platform', () => {
    const log = [
      '2026-01-21T12:43:18.4886328Z Starting container: e441855b391f_api.',
      '2026-01-21T12:43:19.000000000Z Container api_0_1 for site api initialized successfully and is ready to serve requests.',
      "2026-01-21T12:43:19.100000000Z Container x didn't respond to HTTP pings on port: 1, failing site start.",
    ].join('\n')
    const v = platformVerdict({log, writtenAt: Date.parse('2026-01-21T12:43:00Z')})
    assert.equal(v.state, 'pending')
  })

  it('the newer platform never says serving, and never failed for lack of a success line', () => {
    const started = [
      '2026-01-21T12:43:18.4886328Z Starting container: e441855b391f_api.',
      '2026-01-21T12:43:18.5886328Z Starting watchers and probes.',
      '2026-01-21T12:43:24.4886328Z Container is running.',
      '2026-01-21T12:43:24.4886329Z Container start method finished after 6056 ms.',
      '2026-01-21T12:43:30.0000000Z Some success wording nobody documented.',
    ].join('\n')
    const v = platformVerdict({log: started, writtenAt: Date.parse('2026-01-21T12:43:00Z'), digest: OURS, port: 8080})
    assert.deepEqual([v.state, v.started, v.family], ['pending', true, 'platform'])
    assert.equal(v.failure, undefined)
  })

  it('a ready line from another digest, or from before the write, is not ours', () => {
    const log = read('docker/serving.log')
    const writtenAt = Date.parse('2023-09-28T12:27:00Z')
    assert.equal(platformVerdict({log, writtenAt, digest: OURS}).state, 'serving')
    const other = `sha256:${'9'.repeat(64)}`
    assert.equal(platformVerdict({log, writtenAt, digest: other}).state, 'unproven')
    // With no digest pinned, an attempt after the write that reports ready is enough.
    assert.equal(platformVerdict({log, writtenAt}).state, 'serving')
    // Our ready line came 23.9 s after the write: writing later than that leaves nothing.
    assert.equal(platformVerdict({log, writtenAt: writtenAt + 25_000, digest: OURS}).state, 'unproven')
  })

  it('a ready line whose attempt never named an image is not proof when a digest is pinned', () => {
    // e.g. the last-lines window of `containerlogs` cut off the pull and docker run lines.
    const log = [
      '2023-09-28T12:27:05.714Z INFO  - Starting container for site',
      '2023-09-28T12:27:23.900Z INFO  - Container api_0_5b for site api initialized successfully and is ready to serve requests.',
    ].join('\n')
    const writtenAt = Date.parse('2023-09-28T12:27:00Z')
    assert.deepEqual(
      [platformVerdict({log, writtenAt, digest: OURS}).state, platformVerdict({log, writtenAt}).state],
      ['pending', 'serving'],
    )
  })

  it('skew lets lines a little before the write count', () => {
    const log = read('docker/serving.log')
    const writtenAt = Date.parse('2023-09-28T12:27:06Z') // after our pull and docker run lines (12:27:05.814)
    assert.equal(platformVerdict({log, writtenAt, digest: OURS}).state, 'unproven')
    assert.equal(platformVerdict({log, writtenAt, digest: OURS, skewMs: 2000}).state, 'serving')
  })

  it('the latest attempt decides: a failure followed by a good start is serving', () => {
    const fail = read('docker/exited.log')
    const ok = read('docker/serving.log')
      .split('\n')
      .filter((l) => l.startsWith('2023-09-28T12:27'))
      .map((l) => l.replace('2023-09-28T12:27:', '2023-09-28T12:31:'))
      .join('\n')
    const v = platformVerdict({log: `${fail}\n${ok}`, writtenAt: Date.parse('2023-09-28T12:27:00Z'), digest: OURS})
    assert.equal(v.state, 'serving')
  })

  it('reads the ports: docker run publishes and exposes, the ping names what it tried', () => {
    const [run] = parsePlatformLog(
      '2020-02-27 20:26:50.967 INFO  - docker run -d -p 4180:80 --name a_0_1 -e WEBSITE_SITE_NAME=a r/a@sha256:' +
        'a'.repeat(64),
    )
    assert.deepEqual(
      [run!.event, run!.port, run!.container, run!.digest],
      ['run', 80, 'a_0_1', `sha256:${'a'.repeat(64)}`],
    )
    const listen = parsePlatformLog([
      '2026-01-21T12:43:19.000000000Z Listening at: http://127.0.0.1:8000 (1)',
      '2026-01-21T12:43:19.000000001Z Now listening on: http://[::]:80',
      '2026-01-21T12:43:19.000000002Z server started on port 3000',
    ])
    assert.deepEqual(
      listen.map((l) => [l.event, l.host, l.port]),
      [
        ['listen', '127.0.0.1', 8000],
        ['listen', '::', 80],
        ['listen', undefined, 3000],
      ],
    )
  })

  it('empty or unrelated text is unproven', () => {
    assert.deepEqual(platformVerdict({log: '', writtenAt: 0}), {state: 'unproven', evidence: [], started: false})
    assert.equal(platformVerdict({log: 'hello\nworld', writtenAt: 0}).state, 'unproven')
  })
})
