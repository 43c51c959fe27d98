// The logs service over in-memory ports: merging, consent, per-file offsets, partial lines, reconnects, backoff.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {AuthError, InputError, RejectedError} from '../../src/core/errors.js'
import type {LogEntry} from '../../src/core/log-lines.js'
import type {Reporter} from '../../src/output/reporter.js'
import type {ContainerLogging, KuduPort} from '../../src/ports/index.js'
import {followLogs, type LogsOptions, type LogsPorts, logsPolling, readLogs} from '../../src/services/logs.js'

const T0 = Date.parse('2026-11-28T10:00:00Z')
const line = (s: number, text: string) => `${new Date(T0 + s * 1000).toISOString()} ${text}\n`
const APP_FILE = '2026_11_28_lw0A_default_docker.log'
const PLATFORM_FILE = '2026_11_28_lw0A_docker.log'

class FakeKudu implements KuduPort {
  readonly host = 'app.scm.example.net'
  files = new Map<string, string>()
  reads: Array<{name: string; offset: number}> = []
  /** Outcomes of the next reads, in order: an error is thrown, null reads normally. */
  failures: Array<Error | null> = []
  listFailures: Error[] = []
  async listDockerLogs() {
    const f = this.listFailures.shift()
    if (f) throw f
    return [...this.files].map(([name, text]) => ({
      name,
      machineName: name.split('_')[3] ?? '',
      lastUpdated: new Date(T0).toISOString(),
      size: Buffer.byteLength(text),
      href: `https://${this.host}/api/vfs/LogFiles/${name}`,
    }))
  }
  async readFile(href: string, offset: number) {
    const name = href.split('/').pop()!
    this.reads.push({name, offset})
    const f = this.failures.shift()
    if (f) throw f
    const text = this.files.get(name)
    if (text === undefined) return null
    const bytes = Buffer.from(text)
    if (offset >= bytes.length) return {from: offset, data: new Uint8Array(0), size: bytes.length}
    return {from: offset, data: bytes.subarray(offset), size: bytes.length}
  }
  append(name: string, text: string) {
    this.files.set(name, (this.files.get(name) ?? '') + text)
  }
}

function reporter() {
  const warnings: string[] = []
  const infos: string[] = []
  const r = {
    mode: 'ci',
    timings: [],
    current: undefined,
    stage: (_n: string, fn: (u: (d: string) => void) => Promise<unknown>) => fn(() => {}),
    info: (m: string) => infos.push(m),
    warn: (m: string) => warnings.push(m),
    plan: () => {},
    debug: () => {},
    result: () => {},
  } as unknown as Reporter
  return {r, warnings, infos}
}

function world(opts: {logging?: ContainerLogging | null; steps?: Array<() => void>} = {}) {
  const kudu = new FakeKudu()
  const abort = new AbortController()
  const sleeps: number[] = []
  const steps = [...(opts.steps ?? [])]
  const enabled: Array<{retentionInMb: number; retentionInDays: number}> = []
  const ports: LogsPorts = {
    app: {
      getSite: async () => ({
        id: 'x',
        name: 'app',
        location: 'westeurope',
        kind: 'app,linux,container',
        serverFarmId: '/p',
        httpsOnly: true,
        userAssignedIdentityIds: [],
        tags: {},
        scmHostName: kudu.host,
      }),
    },
    logsConfig: {
      getContainerLogging: async () => (opts.logging === undefined ? {enabled: true} : opts.logging),
      enableContainerLogging: async (_site, r) => {
        enabled.push(r)
      },
    },
    kudu: () => kudu,
    clock: {
      now: () => T0 + 3600_000,
      sleep: async (ms, signal) => {
        sleeps.push(ms)
        const step = steps.shift()
        if (step) step()
        else abort.abort(new Error('stop'))
        if (signal.aborted) throw signal.reason
      },
    },
  }
  const options: LogsOptions = {app: 'app', resourceGroup: 'rg', confirm: async () => true, pollMs: 100, maxPollMs: 400}
  return {kudu, abort, sleeps, enabled, ports, options}
}

const messages = (entries: LogEntry[]) => entries.map((e) => `${e.source}:${e.message}`)

describe('readLogs', () => {
  it('merges container and platform lines in time order, filtered by --since', async () => {
    const w = world()
    w.kudu.files.set(APP_FILE, line(2, 'listening') + line(5, 'GET / 200'))
    w.kudu.files.set(PLATFORM_FILE, line(1, 'INFO  - Pulling image') + line(3, 'INFO  - ready') + 'no newline')
    const {r} = reporter()
    const all = await readLogs(w.options, w.ports, r, w.abort.signal)
    assert.deepEqual(messages(all.entries), [
      'platform:INFO  - Pulling image',
      'app:listening',
      'platform:INFO  - ready',
      'platform:no newline',
      'app:GET / 200',
    ])
    assert.equal(all.showInstance, false)
    const recent = await readLogs({...w.options, sinceMs: 3600_000 - 2500}, w.ports, r, w.abort.signal)
    assert.deepEqual(messages(recent.entries), ['platform:INFO  - ready', 'platform:no newline', 'app:GET / 200'])
  })

  it('labels instances when several log, and reads only the newest file of each', async () => {
    const w = world()
    w.kudu.files.set(APP_FILE, line(1, 'a'))
    w.kudu.files.set('2026_11_27_lw0A_default_docker.log', line(-86400, 'yesterday'))
    w.kudu.files.set('2026_11_28_lw1B_default_docker.log', line(2, 'b'))
    const res = await readLogs(w.options, w.ports, reporter().r, w.abort.signal)
    assert.deepEqual(
      res.entries.map((e) => `${e.instance}:${e.message}`),
      ['lw0A:a', 'lw1B:b'],
    )
    assert.equal(res.showInstance, true)
  })

  it('reads only the last 2 MiB of a big file and drops the partial line it starts in', async () => {
    const w = world()
    const filler = `${'x'.repeat(1023)}\n`.repeat(2100)
    w.kudu.files.set(PLATFORM_FILE, line(0, 'first') + filler + line(9, 'last'))
    const res = await readLogs(w.options, w.ports, reporter().r, w.abort.signal)
    const size = Buffer.byteLength(w.kudu.files.get(PLATFORM_FILE)!)
    assert.equal(w.kudu.reads[0]?.offset, size - 2 * 1024 * 1024)
    assert.ok(!messages(res.entries).includes('platform:first'))
    assert.equal(res.entries.at(-1)?.message, 'last')
    assert.ok(res.entries.every((e) => e.message === 'last' || e.message === 'x'.repeat(1023)))
  })

  it('retries a dropped connection, and stops at a missing role with an auth error', async () => {
    const w = world({steps: [() => {}]})
    w.kudu.files.set(APP_FILE, line(1, 'a'))
    w.kudu.failures.push(new RejectedError('SCM_UNREACHABLE', 'Could not reach the SCM site: ECONNRESET'))
    const res = await readLogs(w.options, w.ports, reporter().r, w.abort.signal)
    assert.deepEqual(messages(res.entries), ['app:a'])
    w.kudu.failures.push(new AuthError('SCM_FORBIDDEN', 'Not allowed (HTTP 403)'))
    await assert.rejects(readLogs(w.options, w.ports, reporter().r, w.abort.signal), {code: 'SCM_FORBIDDEN'})
  })
})

describe('container logging off', () => {
  it('turns it on with 35 MB / 3 days after consent and says when output appears', async () => {
    const w = world({logging: {enabled: false}})
    w.kudu.files.set(PLATFORM_FILE, line(1, 'INFO  - x'))
    const questions: string[] = []
    const {r, warnings} = reporter()
    const confirm = async (q: string) => {
      questions.push(q)
      return true
    }
    await readLogs({...w.options, confirm}, w.ports, r, w.abort.signal)
    assert.equal(questions.length, 1)
    assert.deepEqual(w.enabled, [{retentionInMb: 35, retentionInDays: 3}])
    assert.match(warnings.join('\n'), /next start/)
  })
  it('keeps a retention the app already has', async () => {
    const w = world({logging: {enabled: false, retentionInMb: 100, retentionInDays: 0}})
    const questions: string[] = []
    const confirm = async (q: string) => questions.push(q) > 0
    await readLogs({...w.options, confirm}, w.ports, reporter().r, w.abort.signal)
    assert.deepEqual(w.enabled, [{retentionInMb: 100, retentionInDays: 3}])
    assert.match(questions[0] ?? '', /at most 100 MB, 3 days/)
  })
  it('changes nothing when declined, and passes on a refusal to ask', async () => {
    const w = world({logging: {enabled: false}})
    const {r, warnings} = reporter()
    await readLogs({...w.options, confirm: async () => false}, w.ports, r, w.abort.signal)
    assert.deepEqual(w.enabled, [])
    assert.match(warnings.join('\n'), /stays off/)
    const refuse = async (): Promise<boolean> => {
      throw new InputError('CONFIRMATION_REQUIRED', 'needs --yes')
    }
    await assert.rejects(readLogs({...w.options, confirm: refuse}, w.ports, r, w.abort.signal), {exitCode: 2})
    assert.deepEqual(w.enabled, [])
  })
  it('does not ask when logging is on but the container has not started since', async () => {
    const w = world({logging: {enabled: true, retentionInMb: 35}})
    w.kudu.files.set(PLATFORM_FILE, line(1, 'INFO  - x'))
    const {r, warnings} = reporter()
    await readLogs({...w.options, confirm: async () => assert.fail('asked')}, w.ports, r, w.abort.signal)
    assert.match(warnings.join('\n'), /No container output logged/)
  })
})

describe('followLogs', () => {
  it('prints the backlog, then complete new lines once each, from new files too, until aborted', async () => {
    const batches: string[][] = []
    const w = world({
      steps: [
        () => w.kudu.append(APP_FILE, line(10, 'half').slice(0, 27)),
        () => w.kudu.append(APP_FILE, line(10, 'half').slice(27)),
        () => w.kudu.files.set('2026_11_28_lw1B_default_docker.log', line(11, 'second instance')),
        () => {},
      ],
    })
    w.kudu.files.set(APP_FILE, line(1, 'old'))
    await followLogs(w.options, w.ports, reporter().r, w.abort.signal, (e, many) =>
      batches.push(e.map((x) => `${many ? `${x.instance} ` : ''}${x.message}`)),
    )
    assert.deepEqual(batches, [['old'], ['half'], ['lw1B second instance']])
    assert.deepEqual(w.sleeps, [100, 200, 100, 100, 200], 'backoff doubles while idle, resets on news')
  })

  it('reconnects after a dropped connection and a 503, saying so once, without repeating lines', async () => {
    const batches: string[][] = []
    const unreachable = () => new RejectedError('SCM_UNREACHABLE', 'Could not reach the SCM site: ECONNRESET')
    const w = world({
      steps: [
        () => {
          w.kudu.append(APP_FILE, line(2, 'during outage'))
          w.kudu.append(PLATFORM_FILE, line(3, 'platform during outage'))
          w.kudu.listFailures.push(unreachable())
        },
        () => w.kudu.listFailures.push(new RejectedError('SCM_SERVICE_ERROR', 'HTTP 503')),
        () => {},
      ],
    })
    w.kudu.files.set(APP_FILE, line(1, 'a'))
    w.kudu.files.set(PLATFORM_FILE, '')
    const {r, warnings, infos} = reporter()
    await followLogs(w.options, w.ports, r, w.abort.signal, (e) => batches.push(messages(e)))
    assert.deepEqual(batches, [['app:a'], ['app:during outage', 'platform:platform during outage']])
    assert.equal(warnings.length, 1, warnings.join('\n'))
    assert.match(warnings[0]!, /ECONNRESET.*reconnecting/)
    assert.equal(infos.filter((m) => /Reconnected/.test(m)).length, 1)
  })

  it('commits a poll only when all its reads succeeded', async () => {
    const batches: string[][] = []
    const w = world({
      steps: [
        () => {
          w.kudu.append(APP_FILE, line(2, 'new app'))
          w.kudu.append(PLATFORM_FILE, line(3, 'new platform'))
          // The app file's read succeeds, the platform file's fails: nothing of that poll may be committed.
          w.kudu.failures.push(null, new RejectedError('SCM_SERVICE_ERROR', 'HTTP 502'))
        },
        () => {},
      ],
    })
    w.kudu.files.set(APP_FILE, line(1, 'a'))
    w.kudu.files.set(PLATFORM_FILE, line(1, 'p'))
    await followLogs(w.options, w.ports, reporter().r, w.abort.signal, (e) => batches.push(messages(e)))
    assert.deepEqual(batches.flat(), ['app:a', 'platform:p', 'app:new app', 'platform:new platform'])
  })

  it('ends with the error when the SCM site refuses the token', async () => {
    const w = world({steps: [() => w.kudu.listFailures.push(new AuthError('SCM_FORBIDDEN', '403'))]})
    await assert.rejects(
      followLogs(w.options, w.ports, reporter().r, w.abort.signal, () => {}),
      {code: 'SCM_FORBIDDEN'},
    )
  })

  it('starts a truncated file over', async () => {
    const batches: string[][] = []
    const w = world({steps: [() => w.kudu.files.set(APP_FILE, line(5, 'b')), () => {}, () => {}]})
    w.kudu.files.set(APP_FILE, line(1, 'a long first line'))
    await followLogs(w.options, w.ports, reporter().r, w.abort.signal, (e) => batches.push(messages(e)))
    assert.deepEqual(batches.flat(), ['app:a long first line', 'app:b'])
  })
})

describe('logsPolling', () => {
  it('defaults to 500 ms doubling to 2 s, and never backs off beyond 2 s', () => {
    assert.deepEqual(logsPolling({}), {pollMs: 500, maxPollMs: 2000})
    assert.deepEqual(logsPolling({AZDEPLOY_LOGS_POLL_MS: '20', AZDEPLOY_LOGS_POLL_MAX_MS: '80'}), {
      pollMs: 20,
      maxPollMs: 80,
    })
    assert.deepEqual(logsPolling({AZDEPLOY_LOGS_POLL_MS: '9000', AZDEPLOY_LOGS_POLL_MAX_MS: 'x'}), {
      pollMs: 2000,
      maxPollMs: 2000,
    })
  })
})
