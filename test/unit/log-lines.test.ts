import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {AzdeployError} from '../../src/core/errors.js'
import {
  classifyLogFile,
  completeLines,
  formatEntry,
  type LogEntry,
  mergeByTime,
  parseDuration,
  parseLogText,
  parseTimestamp,
  since,
  toJson,
} from '../../src/core/log-lines.js'

const T0 = Date.parse('2026-11-28T10:00:00Z')
const iso = (ms: number) => new Date(T0 + ms).toISOString()
const APP = {source: 'app', instance: 'lw0A'}
const PLATFORM = {source: 'platform', instance: 'lw0A'}

describe('classifyLogFile', () => {
  it('tells container output from the platform log and reads the instance', () => {
    assert.deepEqual(classifyLogFile('2026_11_28_lw0sdlwk0000A1_default_docker.log'), {
      date: '2026_11_28',
      instance: 'lw0sdlwk0000A1',
      source: 'app',
    })
    assert.deepEqual(classifyLogFile('/home/LogFiles/2026_11_28_RD0003FF_docker.log'), {
      date: '2026_11_28',
      instance: 'RD0003FF',
      source: 'platform',
    })
    assert.equal(
      classifyLogFile('https://x.scm.azurewebsites.net/api/vfs/LogFiles/2026_11_28_lw1_easyauth_docker.log')?.source,
      'easyauth',
    )
  })
  it('ignores other files', () => {
    assert.equal(classifyLogFile('2026_11_28_lw0_default_docker.log.zip'), null)
    assert.equal(classifyLogFile('eventlog.xml'), null)
    assert.equal(classifyLogFile('docker.log'), null)
  })
})

describe('parseTimestamp', () => {
  it('reads ISO timestamps with milli- and nanoseconds, zones, and a space instead of T', () => {
    assert.deepEqual(parseTimestamp('2026-11-28T10:00:00.250Z INFO  - Pulling image'), {
      at: T0 + 250,
      rest: 'INFO  - Pulling image',
    })
    const ns = parseTimestamp('2026-11-28T10:00:00.123456789Z hello')!
    assert.equal(Math.floor(ns.at), T0 + 123)
    assert.ok(ns.at > T0 + 123 && ns.at < T0 + 124, 'sub-millisecond part kept for ordering')
    assert.equal(parseTimestamp('2026-11-28 11:00:00+01:00 x')?.at, T0)
    assert.equal(parseTimestamp('2026-11-28T10:00:00 no zone means UTC')?.at, T0)
    assert.equal(parseTimestamp('2026-11-28T10:00:00Z')?.rest, '')
  })
  it('refuses lines that do not start with one', () => {
    assert.equal(parseTimestamp('    at Object.<anonymous> (/app/index.js:1:1)'), null)
    assert.equal(parseTimestamp('2026-11-28T10:00:00Zextra'), null)
    assert.equal(parseTimestamp('[2026-11-28T10:00:00Z] bracketed'), null)
  })
})

describe('parseLogText', () => {
  it('keeps lines without a timestamp at the time of the line before, and drops blank ones', () => {
    const text = `${iso(0)} Error: boom\r\n    at main (/app/x.js:1)\n\n${iso(5)} next\n`
    const {entries, lastAt} = parseLogText(text, APP, 0)
    assert.deepEqual(
      entries.map((e) => [e.at - T0, e.message]),
      [
        [0, 'Error: boom'],
        [0, '    at main (/app/x.js:1)'],
        [5, 'next'],
      ],
    )
    assert.equal(lastAt, T0 + 5)
    assert.equal(entries[0]?.time, iso(0))
    assert.equal(entries[0]?.source, 'app')
  })
  it('uses the fallback time for a chunk that starts without a timestamp', () => {
    assert.equal(parseLogText('continued\n', APP, T0 + 42).entries[0]?.at, T0 + 42)
  })
})

describe('mergeByTime', () => {
  const list = (file: {source: string; instance: string}, ...ms: number[]) =>
    parseLogText(ms.map((m) => `${iso(m)} ${file.source}@${m}`).join('\n'), file, 0).entries
  it('interleaves container and platform lines in time order', () => {
    const merged = mergeByTime([list(APP, 2, 4, 9), list(PLATFORM, 1, 3, 9, 10)])
    assert.deepEqual(
      merged.map((e) => e.message),
      ['platform@1', 'app@2', 'platform@3', 'app@4', 'app@9', 'platform@9', 'platform@10'],
    )
  })
  it('keeps each file in its own order even when its clock goes backwards', () => {
    const merged = mergeByTime([list(APP, 5, 1), list(PLATFORM, 3)])
    assert.deepEqual(
      merged.map((e) => e.message),
      ['platform@3', 'app@5', 'app@1'],
    )
  })
  it('handles empty lists', () => {
    assert.deepEqual(mergeByTime([]), [])
    assert.equal(mergeByTime([[], list(APP, 1), []]).length, 1)
  })
})

describe('parseDuration and since', () => {
  it('reads s, m, h, d, w and combinations', () => {
    assert.equal(parseDuration('10m'), 600_000)
    assert.equal(parseDuration('2h'), 7_200_000)
    assert.equal(parseDuration('1d'), 86_400_000)
    assert.equal(parseDuration('1h30m'), 5_400_000)
    assert.equal(parseDuration(' 90S '), 90_000)
    assert.equal(parseDuration('1w'), 604_800_000)
  })
  it('refuses anything else as an input error', () => {
    for (const bad of ['', '10', 'm', '10 minutes', '1.5h', '-1h', '0m', '2h ago']) {
      assert.throws(
        () => parseDuration(bad),
        (e: unknown) => e instanceof AzdeployError && e.exitCode === 2 && e.code === 'INVALID_DURATION',
        bad,
      )
    }
  })
  it('keeps lines at or after the cutoff', () => {
    const entries = parseLogText(`${iso(0)} old\n${iso(10)} edge\n${iso(20)} new\n`, APP, 0).entries
    assert.deepEqual(
      since(entries, T0 + 10).map((e) => e.message),
      ['edge', 'new'],
    )
    assert.equal(since(entries, undefined).length, 3)
  })
})

describe('completeLines', () => {
  it('takes bytes up to the last newline, counting multi-byte characters as bytes', () => {
    const chunk = new TextEncoder().encode('héllo\nwörld\npartial')
    const r = completeLines(chunk)
    assert.equal(r.text, 'héllo\nwörld\n')
    assert.equal(r.bytes, 14)
    assert.deepEqual(completeLines(new TextEncoder().encode('no newline')), {text: '', bytes: 0})
  })
})

describe('printed forms', () => {
  const e: LogEntry = {at: T0, time: iso(0), source: 'app', instance: 'lw0A', message: 'hi'}
  it('labels the source, and the instance only when asked', () => {
    assert.equal(formatEntry(e, false), `${iso(0)} [app] hi`)
    assert.equal(formatEntry(e, true), `${iso(0)} [app lw0A] hi`)
  })
  it('has exactly time, source, instance and message in JSON', () => {
    assert.deepEqual(toJson(e), {time: iso(0), source: 'app', instance: 'lw0A', message: 'hi'})
  })
})
