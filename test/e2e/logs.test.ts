// `azdeploy logs` end to end: the built CLI reads an emulated app's Docker logs through the site's SCM (Kudu)
// endpoints with the bearer token, after `up` deployed it. Follow mode runs as a child process that is stopped
// with SIGINT (exit 0: Ctrl-C is how following ends).
import assert from 'node:assert/strict'
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {rmSync} from 'node:fs'
import {get} from 'node:https'
import {after, before, describe, test} from 'node:test'
import {setTimeout as delay} from 'node:timers/promises'
import {
  CLI_ENTRY,
  type CliResult,
  cliEnv,
  describeRun,
  e2eWorld,
  FAKE_AZ_TOKEN,
  jsonOf,
  tempDir,
} from '../helpers/run-cli.js'
import {assertExit, type ErrorDoc, mustSite} from './e2e-common.js'

const world = e2eWorld()
const POLL = {AZDEPLOY_LOGS_POLL_MS: '20', AZDEPLOY_LOGS_POLL_MAX_MS: '100'}
const runs: CliResult[] = []

interface Line {
  time: string
  source: string
  instance: string
  message: string
}

async function logs(args: string[]): Promise<CliResult> {
  const r = await world.cli(['logs', ...args], {env: POLL})
  runs.push(r)
  return r
}

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(10)
  }
}

/** One request to the emulated app: its container logs `GET <path> 200`. */
function hit(host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`https://${host}${path}`, {ca: world.em.ca}, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    }).on('error', reject)
  })
}

/** Starts `logs --follow` as a child process; `out`/`err` grow as it prints. */
function follow(args: string[]) {
  const home = tempDir('logs-follow')
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [CLI_ENTRY, 'logs', '--follow', ...args], {
    cwd: home,
    env: cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home, POLL),
  })
  const p = {out: '', err: '', child}
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    p.out += c
  })
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    p.err += c
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const stop = async (): Promise<number | null> => {
    child.kill('SIGINT')
    const code = await exited
    runs.push({code: code ?? -1, stdout: p.out, stderr: p.err, ms: 0})
    rmSync(home, {recursive: true, force: true})
    return code
  }
  return {p, stop}
}

describe('azdeploy logs', () => {
  const rg = 'rg-logs'
  const a = world.name('logs-a')
  const b = world.name('logs-b')

  before(async () => {
    const ups = await Promise.all(
      [a, b].map((app) => world.cli(['up', '--app', app, '-g', rg, '-l', 'westeurope', '--image', world.image2])),
    )
    for (const r of ups) assertExit(r, 0)
  })

  after(() => {
    for (const r of runs) {
      assert.ok(!`${r.stdout}\n${r.stderr}`.includes(FAKE_AZ_TOKEN), `the token leaked\n${describeRun(r)}`)
    }
    const auths = new Set(world.em.scm.requests.map((q) => q.auth))
    assert.deepEqual([...auths], ['bearer'], 'every SCM request carried the bearer token, never basic auth')
  })

  test('logging off: refuses without --yes (exit 2), and with --yes turns on file system logging', async () => {
    const site = mustSite(world.em, rg, a)
    const before = world.em.requests.length
    const r = await logs(['--app', a, '-g', rg])
    assertExit(r, 2)
    assert.match(r.stderr, /CONFIRMATION_REQUIRED[\s\S]*--yes/)
    const json = await logs(['--app', a, '-g', rg, '--json'])
    assertExit(json, 2)
    assert.equal(jsonOf<ErrorDoc>(json).error.code, 'CONFIRMATION_REQUIRED')
    const writes = world.em.requests.slice(before).filter((q) => q.method === 'PUT')
    assert.deepEqual(writes, [], 'nothing written without consent')

    const yes = await logs(['--app', a, '-g', rg, '--yes'])
    assertExit(yes, 0)
    const fs = (world.em.scm.logsConfig(site).httpLogs as {fileSystem: unknown}).fileSystem
    assert.deepEqual(fs, {enabled: true, retentionInMb: 35, retentionInDays: 3})
    assert.match(yes.stderr, /Turned on container logging.*next start/)
    assert.match(yes.stdout, /\[platform\] INFO {2}- Pulling image/)
  })

  test('shows container output and platform log merged in time order', async () => {
    const host = mustSite(world.em, rg, a).runtime.host
    const marker = `/merged-${randomUUID()}`
    assert.equal(await hit(host, marker), 200)
    const r = await logs(['--app', a, '-g', rg, '--json'])
    assertExit(r, 0)
    const lines = jsonOf<Line[]>(r)
    const times = lines.map((l) => Date.parse(l.time))
    assert.deepEqual(
      times,
      [...times].sort((x, y) => x - y),
      'time order',
    )
    assert.ok(lines.some((l) => l.source === 'platform' && /initialized successfully/.test(l.message)))
    assert.ok(lines.some((l) => l.source === 'app' && l.message === 'Listening on port 8080'))
    assert.ok(lines.some((l) => l.source === 'app' && l.message === `GET ${marker} 200`))
    assert.equal(new Set(lines.map((l) => l.instance)).size, 1)

    const human = await logs(['--app', a, '-g', rg, '--verbose'])
    assertExit(human, 0)
    const printed = human.stdout.trim().split('\n')
    assert.ok(printed.length >= lines.length)
    for (const l of printed) assert.match(l, /^\d{4}-\d\d-\d\dT[\d:.]+Z \[(app|platform)\] /)
    assert.match(human.stderr, /GET https:\/\/127\.0\.0\.1:\d+\/api\/logs\/docker → 200/, 'the --verbose trace')
  })

  test('--since filters by age; several instances are labelled', async () => {
    const site = mustSite(world.em, rg, b)
    world.em.scm.setContainerLogging(site, true)
    const ago = (h: number) => new Date(Date.now() - h * 3600_000).toISOString()
    world.em.scm.writeLine(site, 'lw1OTHER', 'app', `${ago(3)} three hours old`)
    world.em.scm.writeLine(site, 'lw1OTHER', 'app', `${ago(0.5)} half an hour old`)
    const two = await logs(['--app', b, '-g', rg, '--since', '2h', '--json'])
    assertExit(two, 0)
    const recent = jsonOf<Line[]>(two).map((l) => l.message)
    assert.ok(recent.includes('half an hour old') && !recent.includes('three hours old'), recent.join('\n'))
    const day = await logs(['--app', b, '-g', rg, '--since', '1d'])
    assertExit(day, 0)
    assert.match(day.stdout, /\[app lw1OTHER\] three hours old\n[\s\S]*\[app lw1OTHER\] half an hour old/)
    assert.match(day.stdout, /\[platform lw0sdlwk\w+\] INFO/)
    const bad = await logs(['--app', b, '-g', rg, '--since', '10 minutes'])
    assertExit(bad, 2)
    assert.match(bad.stderr, /INVALID_DURATION/)
  })

  test('container lines quoting secrets are printed redacted, and a 200 KB hostile line costs no time', async () => {
    const site = mustSite(world.em, rg, b)
    world.em.scm.setContainerLogging(site, true)
    const now = () => new Date().toISOString()
    const clientSecret = world.secret('sp-client-secret-3e9f1a')
    const opaque = world.secret('opaque-refresh-77c2d1')
    world.em.scm.writeLine(site, 'lw1OTHER', 'app', `${now()} login with secret ${clientSecret} failed`)
    world.em.scm.writeLine(site, 'lw1OTHER', 'app', `${now()} POST /token refresh_token=${opaque}&x=1`)
    world.em.scm.writeLine(site, 'lw1OTHER', 'app', `${now()} echo Authorization: Bearer ${FAKE_AZ_TOKEN}`)
    world.em.scm.writeLine(site, 'lw1OTHER', 'app', `${now()} ${'eyJ-'.repeat(50_000)}`)
    for (const mode of [[], ['--json']]) {
      const r = await world.cli(['logs', '--app', b, '-g', rg, '--since', '1h', ...mode], {
        env: {...POLL, AZURE_CLIENT_SECRET: clientSecret},
      })
      runs.push(r)
      assertExit(r, 0) // the secret scan of run-cli already failed the run if a secret was printed
      const text = mode.length
        ? jsonOf<Line[]>(r)
            .map((l) => l.message)
            .join('\n')
        : r.stdout
      assert.match(text, /login with secret \[REDACTED\] failed/)
      assert.match(text, /refresh_token=\[REDACTED\]&x=1/)
      assert.ok(text.includes('eyJ-eyJ-'), 'the long line is printed')
      assert.ok(r.ms < 8000, `a 200 KB line took ${Math.round(r.ms)} ms`)
    }
  })

  test('--follow prints new lines and survives a dropped connection and a 503', async () => {
    const host = mustSite(world.em, rg, a).runtime.host
    const {p, stop} = follow(['--app', a, '-g', rg])
    try {
      await until('the backlog', () => p.out.includes('Listening on port 8080'))
      const first = `/follow-${randomUUID()}`
      await hit(host, first)
      await until('the first new line', () => p.out.includes(`GET ${first} 200`))

      const seen = world.em.scm.requests.length
      world.em.scm.addFault({pathIncludes: '/api/logs/docker', drop: true})
      world.em.scm.addFault({pathIncludes: '/api/logs/docker', status: 503})
      await until('both faults', () => world.em.scm.requests.slice(seen).filter((q) => q.status !== 200).length >= 2)
      const second = `/follow-${randomUUID()}`
      await hit(host, second)
      await until('the line after the outage', () => p.out.includes(`GET ${second} 200`))
      assert.equal(p.err.match(/reconnecting/g)?.length, 1, `said once\n${p.err}`)
      assert.match(p.err, /Reconnected/)
    } finally {
      const code = await stop()
      assert.equal(code, 0, `Ctrl-C ends --follow with exit 0\n${p.out}\n${p.err}`)
    }
    assert.equal(p.out.match(/GET \/follow-[\w-]+ 200/g)?.length, 2, 'each new line printed once')
  })

  test('--follow --json prints one JSON object per line', async () => {
    const host = mustSite(world.em, rg, a).runtime.host
    const {p, stop} = follow(['--app', a, '-g', rg, '--json'])
    const marker = `/ndjson-${randomUUID()}`
    try {
      await until('the backlog', () => p.out.includes('Listening on port 8080'))
      await hit(host, marker)
      await until('the new line', () => p.out.includes(marker))
    } finally {
      assert.equal(await stop(), 0)
    }
    const lines = p.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line)
    assert.deepEqual(Object.keys(lines[0]!), ['time', 'source', 'instance', 'message'])
    assert.ok(lines.some((l) => l.source === 'app' && l.message === `GET ${marker} 200`))
  })

  test('a missing role on the SCM site is exit 3 naming the role', async () => {
    world.em.scm.addFault({pathIncludes: '/api/logs/docker', status: 403})
    const r = await logs(['--app', a, '-g', rg, '--json'])
    assertExit(r, 3)
    const e = jsonOf<ErrorDoc>(r).error
    assert.equal(e.code, 'SCM_FORBIDDEN')
    assert.match(e.hint ?? '', /Website Contributor/)
  })
})
