import assert from 'node:assert/strict'
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {createDockerRun} from '../../src/adapters/docker/docker-run.js'
import {
  classifyFailure,
  decodeProcAddress,
  isBusyboxHttpd,
  type Listener,
  parseProcNetTcp,
} from '../../src/core/local-run.js'
import {analyzeImageOnly} from '../../src/doctor/index.js'
import {WRONG_PORT_GRACE_MS, waitServing} from '../../src/services/local-wait.js'

// Captured from containers of busybox httpd bound to 0.0.0.0:8083, 127.0.0.1:8082, [::]:8080, ::ffff:127.0.0.1:8084.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F93 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 86808 1 000000006f32da2f 100 0 0 10 0
   1: 0100007F:1F92 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 86805 1 00000000e15492c8 100 0 0 10 0
   2: 020011AC:1F93 010011AC:A8F2 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 20 4 30 10 -1
`
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 88481 1 00000000ec3105dd 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:1F94 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 86811 1 000000003039bcbe 100 0 0 10 0
   2: 00000000000000000000000001000000:1F95 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 86812 1 000000003039bcbe 100 0 0 10 0
`

describe('/proc/net/tcp parsing', () => {
  it('finds the LISTEN sockets of tcp and tcp6, skipping other states and headers', () => {
    assert.deepEqual(parseProcNetTcp(TCP + TCP6), [
      {address: '0.0.0.0', port: 8083},
      {address: '127.0.0.1', port: 8082},
      {address: '::', port: 8080},
      {address: '127.0.0.1', port: 8084},
      {address: '::1', port: 8085},
    ])
  })
  it('decodes little-endian IPv4 and IPv6 words', () => {
    assert.equal(decodeProcAddress('0100007F'), '127.0.0.1')
    assert.equal(decodeProcAddress('020011AC'), '172.17.0.2')
    assert.equal(decodeProcAddress('00000000000000000000000001000000'), '::1')
    assert.equal(decodeProcAddress('0000000000000000FFFF0000020011AC'), '172.17.0.2')
    assert.equal(decodeProcAddress('B80D0120000000000000000001000000'), '2001:db8::1')
    assert.equal(decodeProcAddress('000080FE000000000000000001000000'), 'fe80::1')
    assert.equal(decodeProcAddress('zz'), undefined)
    assert.equal(decodeProcAddress('0100'), undefined)
  })
  it('de-duplicates and tolerates empty or foreign text', () => {
    assert.deepEqual(parseProcNetTcp(''), [])
    assert.deepEqual(parseProcNetTcp('cat: /proc/net/tcp6: No such file or directory'), [])
    assert.equal(parseProcNetTcp(TCP + TCP).length, 2)
  })
})

describe('classifyFailure', () => {
  const at = (address: string, port: number): Listener => ({address, port})
  const timedOut = (listening: Listener[] | undefined, extra = {}) =>
    classifyFailure({expectedPort: 8000, listening, timedOut: true, limitSec: 230, ...extra})

  it('loopback-bind: the expected port on 127.0.0.1 or ::1 only', () => {
    const f = timedOut([at('127.0.0.1', 8000)], {command: ['gunicorn', 'app:app', '-b', '127.0.0.1:8000']})
    assert.equal(f.class, 'loopback-bind')
    assert.match(f.message, /listening on 127\.0\.0\.1:8000, not 0\.0\.0\.0:8000/)
    assert.equal(f.hint, 'bind to 0.0.0.0: gunicorn -b 0.0.0.0:8000 …')
    const v6 = timedOut([at('::1', 8000)])
    assert.equal(v6.class, 'loopback-bind')
    assert.match(v6.message, /listening on \[::1\]:8000, not \[::\]:8000/)
  })
  it('wrong-port: listening elsewhere, with --port as a way out', () => {
    const f = timedOut([at('0.0.0.0', 9090), at('::', 9090)])
    assert.equal(f.class, 'wrong-port')
    assert.match(f.message, /listening on 0\.0\.0\.0:9090, \[::\]:9090, not port 8000/)
    assert.match(f.hint, /--port 9090/)
    const lo = timedOut([at('127.0.0.1', 5000)])
    assert.equal(lo.class, 'wrong-port')
    assert.doesNotMatch(lo.hint, /--port/)
  })
  it('slow-start: nothing listening at the limit, or open but not answering', () => {
    const none = timedOut([])
    assert.equal(none.class, 'slow-start')
    assert.match(none.message, /Nothing listens .* after 230 s/)
    assert.match(none.hint, /WEBSITES_CONTAINER_START_TIME_LIMIT/)
    const open = timedOut([at('0.0.0.0', 8000)], {lastStatus: 503, path: '/healthz'})
    assert.equal(open.class, 'slow-start')
    assert.match(open.message, /answered 503 on \/healthz/)
  })
  it('exited and daemonized from the exit status and timing', () => {
    const e = classifyFailure({expectedPort: 80, exited: {code: 1, afterMs: 300}, timedOut: false})
    assert.equal(e.class, 'exited')
    assert.match(e.message, /exited with status 1 after 0\.3 s/)
    assert.match(
      classifyFailure({expectedPort: 80, exited: {code: 137, afterMs: 50}, timedOut: false}).message,
      /killed/,
    )
    const d = classifyFailure({
      expectedPort: 80,
      exited: {code: 0, afterMs: 120},
      timedOut: false,
      command: ['nginx'],
    })
    assert.equal(d.class, 'daemonized')
    assert.match(d.hint, /daemon off/)
    assert.equal(
      classifyFailure({expectedPort: 80, exited: {code: 0, afterMs: 60_000}, timedOut: false}).class,
      'exited',
    )
  })
  it('unknown when the sockets could not be read', () => {
    const f = timedOut(undefined)
    assert.equal(f.class, 'unknown')
    assert.match(f.message, /could not be read/)
  })
})

describe('busybox httpd: the local diagnosis knows what doctor knows', () => {
  const commands = {
    daemon: [
      ['/bin/busybox', 'httpd', '-p', '8080', '-h', '/www'],
      ['httpd', '-p', '8080', '-h', '/www'],
      ['/bin/busybox', 'sh', '-c', '/bin/busybox httpd -p 8080 -h /www'],
    ],
    loopback: [
      ['/bin/busybox', 'httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/www'],
      ['httpd', '-f', '-p', '127.0.0.1:8080'],
    ],
  }
  const doctorFix = (cmd: string[], rule: string) =>
    analyzeImageOnly({exposedPorts: [8080], platforms: ['linux/amd64'], entrypoint: cmd, user: 'nobody'}).find(
      (f) => f.rule === rule,
    )?.fix ?? ''
  it('tells busybox httpd from Apache httpd by the same options', () => {
    for (const cmd of [...commands.daemon, ...commands.loopback]) assert.equal(isBusyboxHttpd(cmd), true, cmd.join(' '))
    for (const cmd of [['httpd', '-DFOREGROUND'], ['httpd'], ['/usr/sbin/httpd', '-f', '/etc/httpd.conf']])
      assert.equal(isBusyboxHttpd(cmd), false, cmd.join(' '))
  })
  it('daemonized and loopback-bind give the fix doctor gives: busybox httpd -f -p 0.0.0.0:8080', () => {
    for (const cmd of commands.daemon) {
      const f = classifyFailure({expectedPort: 8080, exited: {code: 0, afterMs: 50}, timedOut: false, command: cmd})
      assert.equal(f.class, 'daemonized')
      assert.match(f.hint, /busybox httpd -f -p 0\.0\.0\.0:8080/)
      assert.match(doctorFix(cmd, 'foreground/daemon'), /busybox httpd -f -p 0\.0\.0\.0:8080/, cmd.join(' '))
    }
    for (const cmd of commands.loopback) {
      const listening = [{address: '127.0.0.1', port: 8080}]
      const f = classifyFailure({expectedPort: 8080, listening, timedOut: true, command: cmd})
      assert.equal(f.class, 'loopback-bind')
      assert.match(f.hint, /busybox httpd -f -p 0\.0\.0\.0:8080/)
      assert.match(doctorFix(cmd, 'listen/loopback'), /busybox httpd -f -p 0\.0\.0\.0:8080/, cmd.join(' '))
    }
    const apache = classifyFailure({
      expectedPort: 80,
      exited: {code: 0, afterMs: 50},
      timedOut: false,
      command: ['httpd'],
    })
    assert.match(apache.hint, /httpd -DFOREGROUND/)
  })
})

/** A clock whose sleeps pass instantly, and the waitServing dependencies around it. */
function fakes(o: {status: (t: number) => number | null; listening?: (t: number) => Listener[] | undefined}) {
  let t = 0
  const sleeps: number[] = []
  const deps = {
    clock: {
      now: () => t,
      sleep: async (ms: number) => {
        sleeps.push(ms)
        t += ms
      },
    },
    http: async () => o.status(t),
    docker: {
      listening: async () => o.listening?.(t),
      state: async () => undefined,
    },
  } as unknown as Parameters<typeof waitServing>[0]['deps']
  const wait = (extra: Partial<Parameters<typeof waitServing>[0]> = {}) =>
    waitServing({
      url: 'http://127.0.0.1:1/',
      strict: false,
      port: 8080,
      limitMs: 10_000,
      startedAt: 0,
      container: 'c',
      signal: new AbortController().signal,
      exited: new Promise(() => {}),
      deps,
      warn: () => {},
      ...extra,
    })
  return {wait, sleeps, now: () => t}
}

describe('waitServing', () => {
  it('backs off up to 1 s and accepts any HTTP answer', async () => {
    const f = fakes({status: (t) => (t >= 3000 ? 404 : null), listening: () => []})
    assert.deepEqual(await f.wait(), {})
    assert.deepEqual(f.sleeps.slice(0, 6), [100, 200, 400, 800, 1000, 1000])
  })
  it('with a health path demands 2xx/3xx, then classifies at the limit', async () => {
    const f = fakes({status: () => 500, listening: () => [{address: '0.0.0.0', port: 8080}]})
    const v = await f.wait({strict: true, url: 'http://127.0.0.1:1/healthz'})
    assert.equal(v.failure?.class, 'slow-start')
    assert.match(v.failure?.message ?? '', /answered 500 on \/healthz/)
    assert.equal(f.now(), 10_000)
  })
  it('ends early on a confirmed loopback bind of the expected port', async () => {
    const f = fakes({status: () => null, listening: () => [{address: '127.0.0.1', port: 8080}]})
    const v = await f.wait()
    assert.equal(v.failure?.class, 'loopback-bind')
    assert.ok(f.now() < 5000, `ended at ${f.now()} ms`)
  })
  it('another port (and none on ours) ends the wait after the grace, naming both ports and --port', async () => {
    const warnings: string[] = []
    const f = fakes({status: () => null, listening: (t) => (t >= 1500 ? [{address: '0.0.0.0', port: 9090}] : [])})
    const v = await f.wait({limitMs: 600_000, warn: (m) => warnings.push(m)})
    assert.equal(v.failure?.class, 'wrong-port')
    assert.match(v.failure?.message ?? '', /listening on 0\.0\.0\.0:9090, not port 8080 .*still 5 s after it began/)
    assert.match(v.failure?.hint ?? '', /--port 9090/)
    assert.deepEqual(warnings, [
      'listening on 0.0.0.0:9090, not port 8080 (WEBSITES_PORT); waiting 5 s more for port 8080',
    ])
    // First seen at the peek after 1.5 s (≤ 3.2 s), then the grace: far from the 600 s limit.
    assert.ok(f.now() >= WRONG_PORT_GRACE_MS && f.now() <= 3200 + WRONG_PORT_GRACE_MS + 1000, `${f.now()} ms`)
  })
  it('the right port opening within the grace is served', async () => {
    const listening = (t: number) => [{address: '0.0.0.0', port: t < 4000 ? 9090 : 8080}]
    const f = fakes({status: (t) => (t >= 4500 ? 200 : null), listening})
    assert.deepEqual(await f.wait({limitMs: 600_000}), {})
  })
})

describe('docker run arguments', () => {
  it('keeps app-setting values off the command line (0600 env file, removed; -e NAME for multi-line)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'azdeploy-fake-docker-'))
    try {
      const record = join(dir, 'record.json')
      const bin = join(dir, 'docker')
      writeFileSync(
        bin,
        `#!${process.execPath}
const fs = require('node:fs')
const args = process.argv.slice(2)
const i = args.indexOf('--env-file')
const file = args[i + 1]
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({
  args, env: fs.readFileSync(file, 'utf8'), mode: fs.statSync(file).mode & 0o777, multi: process.env.MULTI, file,
}))
process.stdout.write('abc123\\n')
`,
      )
      chmodSync(bin, 0o755)
      const r = await createDockerRun({bin, env: {PATH: process.env.PATH}}).run({
        name: 'azdeploy-local-demo',
        app: 'demo',
        image: 'demo:1',
        hostPort: 41234,
        port: 8080,
        platformEnv: {PORT: '8080'},
        settings: {DB_PASSWORD: 's3cr3t-value', MULTI: 'line1\nline2'},
      })
      assert.deepEqual(r, {id: 'abc123'})
      const rec = JSON.parse(readFileSync(record, 'utf8')) as {
        args: string[]
        env: string
        mode: number
        multi: string
        file: string
      }
      assert.ok(!rec.args.join(' ').includes('s3cr3t-value'))
      assert.ok(!rec.args.join(' ').includes('line1'))
      assert.equal(rec.env, 'DB_PASSWORD=s3cr3t-value\n')
      assert.equal(rec.mode, 0o600)
      assert.equal(rec.multi, 'line1\nline2')
      assert.throws(() => readFileSync(rec.file), /ENOENT/)
      for (const a of ['-d', '--label', 'azdeploy.local=1', 'azdeploy.app=demo', '--platform', 'linux/amd64'])
        assert.ok(rec.args.includes(a), a)
      assert.ok(rec.args.includes('127.0.0.1:41234:8080'))
      assert.ok(rec.args.includes('PORT=8080'))
      assert.deepEqual(rec.args.slice(rec.args.indexOf('MULTI') - 1, rec.args.indexOf('MULTI') + 1), ['-e', 'MULTI'])
      assert.equal(rec.args.at(-1), 'demo:1')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
