// `azdeploy up --local` / `down --local` against the real Docker engine, driving the BUILT CLI (npm run build).
// Images are FROM scratch with the static busybox; no Azure endpoint answers (ARM points at a closed port), so
// these runs also prove that the local path does no Azure work. After every test no azdeploy.local container of
// this run remains. App names carry the run's id and the CLI's docker is the labelling shim (docker-run-id.ts), so
// containers of a user or of another checkout on the same engine are never seen, replaced or removed.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {rmSync} from 'node:fs'
import {request} from 'node:http'
import {after, before, describe, it} from 'node:test'
import {
  buildBusyboxImage,
  busyboxContext,
  inspectContainer,
  localContainers,
  removeContainers,
  removeRunImages,
  requireDocker,
  runScoped,
} from '../helpers/docker.js'
import {TEST_RUN} from '../helpers/docker-run-id.js'
import {type CliResult, cliEnv, describeRun, jsonOf, runCli, tempDir} from '../helpers/run-cli.js'
import {assertForcedExit, startCli} from '../helpers/spawn-cli.js'

const ARM = {url: 'https://127.0.0.1:9/'}
const TAG = `azdeploy-test-local:${TEST_RUN}`
const tag = (kind: string) => `${TAG}-${kind}`
const httpd = (addr: string) => ['/bin/busybox', 'httpd', '-f', '-v', '-p', addr, '-h', '/www']
const IMAGES: Record<string, {entrypoint: string[]; expose?: number[]}> = {
  good: {entrypoint: httpd('0.0.0.0:8080'), expose: [8080]},
  loopback: {entrypoint: httpd('127.0.0.1:8080'), expose: [8080]},
  otherport: {entrypoint: httpd('0.0.0.0:9090'), expose: [8080]},
  exits: {entrypoint: ['/bin/busybox', 'sh', '-c', 'echo cannot open /etc/app.conf >&2; exec /bin/busybox false']},
  daemon: {entrypoint: ['/bin/busybox', 'sh', '-c', '/bin/busybox httpd -p 8080 -h /www'], expose: [8080]},
  // Writes an OSC 52 clipboard sequence and a screen clear, then exits.
  hostile: {
    entrypoint: ['/bin/busybox', 'sh', '-c', "printf 'pwn \\033]52;c;ZXZpbA==\\007 \\033[2Jend\\n' >&2; exit 3"],
  },
  /** Listens on nothing and never exits: a wait that only a signal or the limit ends. */
  silent: {entrypoint: ['/bin/busybox', 'sleep', '600'], expose: [8080]},
}

const cli = (args: string[], o: {env?: Record<string, string>; cwd?: string} = {}) =>
  runCli(args, {arm: ARM, timeoutMs: 60_000, ...o})

/** Fails when a container labelled azdeploy.local is left (and removes it so later tests start clean). */
function assertNoneLeft(r?: CliResult) {
  const left = localContainers()
  removeContainers(left)
  assert.deepEqual(left, [], `containers left behind${r ? `\n${describeRun(r)}` : ''}`)
}

function get(url: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    request(url, {agent: false}, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => {
        body += c
      })
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
      .on('error', reject)
      .end()
  })
}

function failure(r: CliResult) {
  assert.equal(r.code, 5, describeRun(r))
  return jsonOf<{error: {code: string; message: string; hint: string; exitCode: number}}>(r).error
}

describe('up --local (real dockerd)', () => {
  before(() => {
    requireDocker()
    assertNoneLeft()
    for (const [kind, spec] of Object.entries(IMAGES)) buildBusyboxImage(tag(kind), spec)
  })
  after(() => {
    removeContainers(localContainers())
    removeRunImages()
  })

  it('runs a good image detached, the App Service way, and down --local removes it', async () => {
    const env = {MULTI: 'line one\nline two'}
    const app = runScoped('lr-good')
    const args = ['up', '--local', '--detach', '--json', '--image', tag('good'), '--app', app]
    const r = await cli([...args, '--env', 'GREETING=hello', '--env', 'MULTI'], {env})
    assert.equal(r.code, 0, describeRun(r))
    const out = jsonOf<{url: string; container: string; port: number; image: string}>(r)
    assert.deepEqual(Object.keys(out).sort(), ['container', 'image', 'port', 'url'])
    assert.equal(out.container, `azdeploy-local-${app}`)
    assert.equal(out.port, 8080)
    assert.equal(out.image, tag('good'))
    const hostPort = new URL(out.url).port
    assert.match(out.url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
    assert.deepEqual(await get(out.url), {status: 200, body: 'hello from scratch\n'})
    const c = inspectContainer(out.container)
    for (const e of ['PORT=8080', 'WEBSITES_PORT=8080', `WEBSITE_SITE_NAME=${app}`, 'GREETING=hello'])
      assert.ok(c.Config.Env.includes(e), e)
    assert.ok(c.Config.Env.includes(`WEBSITE_HOSTNAME=localhost:${hostPort}`))
    assert.ok(c.Config.Env.includes('MULTI=line one\nline two'))
    assert.equal(c.Config.Labels['azdeploy.local'], '1')
    assert.equal(c.Config.Labels['azdeploy.app'], app)

    const down = await cli(['down', '--local', '--app', app, '--json'])
    assert.equal(down.code, 0, describeRun(down))
    assert.deepEqual(jsonOf(down), {removed: [`azdeploy-local-${app}`]})
    assertNoneLeft(down)
  })

  it('builds ./Dockerfile when no --image is given; down --local without --app removes all', async () => {
    const dir = busyboxContext({...IMAGES['good']!, dir: tempDir('lr-build')})
    const app = runScoped('lr-built')
    // A user's own local container (not started by this test run): the test's `down --local` must not touch it.
    const theirs = `azdeploy-local-users-own-${TEST_RUN}`
    // (Containers inherit the image's labels: this one gets another run's id, as a second checkout's would.)
    const labels = ['--label', 'azdeploy.local=1', '--label', 'azdeploy.test-run=someone-else']
    const created = spawnSync('docker', ['create', ...labels, '--name', theirs, tag('good')])
    assert.equal(created.status, 0, String(created.stderr))
    try {
      const r = await cli(['up', '--local', '--detach', '--json', '--app', app], {cwd: dir})
      assert.equal(r.code, 0, describeRun(r))
      assert.equal(jsonOf(r)['image'], `azdeploy-local/${app}:latest`)
      assert.equal((await get(String(jsonOf(r)['url']))).status, 200)
      const down = await cli(['down', '--local'])
      assert.equal(down.code, 0, describeRun(down))
      assert.match(down.stdout, new RegExp(`Removed: azdeploy-local-${app}\n`))
      assertNoneLeft(down)
      assert.equal(spawnSync('docker', ['container', 'inspect', theirs]).status, 0, 'the foreign container is kept')
    } finally {
      rmSync(dir, {recursive: true, force: true})
      spawnSync('docker', ['rm', '-f', theirs])
    }
  })

  it('bound to 127.0.0.1: exit 5, loopback-bind, with the fix', async () => {
    const r = await cli(['up', '--local', '--image', tag('loopback'), '--app', runScoped('lr-lo'), '--timeout', '5'])
    assert.equal(r.code, 5, describeRun(r))
    assert.match(r.stderr, /listening on 127\.0\.0\.1:8080, not 0\.0\.0\.0:8080.*\(failure class: loopback-bind\)/)
    assert.match(r.stderr, /Try: bind to 0\.0\.0\.0: busybox httpd -f -p 0\.0\.0\.0:8080/)
    assertNoneLeft(r)
  })

  it('listening on 9090 while EXPOSE 8080: exit 5, wrong-port, a few seconds after it listens, not at the limit', async () => {
    const app = runScoped('lr-port')
    const r = await cli(['up', '--local', '--json', '--image', tag('otherport'), '--app', app, '--timeout', '1800'])
    const e = failure(r)
    assert.match(e.message, /listening on 0\.0\.0\.0:9090.*not port 8080.*still 5 s after it began listening/)
    assert.match(e.message, /\(failure class: wrong-port\)/)
    assert.match(e.hint, /make the app listen on 0\.0\.0\.0:8080 .*, or pass --port 9090$/)
    assert.match(r.stderr, /warning: listening on 0\.0\.0\.0:9090, not port 8080 \(WEBSITES_PORT\); waiting 5 s more/)
    // A hang detector, far below the 1800 s limit this run was given (runCli itself kills it after 60 s).
    assert.ok(r.ms < 45_000, `took ${r.ms} ms`)
    assertNoneLeft(r)
  })

  it('an explicit --port wins over EXPOSE: a warning naming both, then it serves on that port', async () => {
    const app = runScoped('lr-port-wins')
    const args = ['up', '--local', '--detach', '--json', '--image', tag('otherport'), '--app', app, '--port', '9090']
    const r = await cli(args)
    assert.equal(r.code, 0, describeRun(r))
    assert.match(r.stderr, /warning: --port 9090 wins over the image's EXPOSE 8080: WEBSITES_PORT is 9090/)
    const out = jsonOf<{url: string; port: number}>(r)
    assert.equal(out.port, 9090)
    assert.equal((await get(out.url)).status, 200)
    assert.ok(inspectContainer(`azdeploy-local-${app}`).Config.Env.includes('WEBSITES_PORT=9090'))
    const down = await cli(['down', '--local', '--app', app])
    assert.equal(down.code, 0, describeRun(down))
    assertNoneLeft(down)
  })

  it('exits at once: exit 5, exited, with the status and the last output', async () => {
    const r = await cli([
      'up',
      '--local',
      '--json',
      '--image',
      tag('exits'),
      '--app',
      runScoped('lr-exit'),
      '--timeout',
      '60',
    ])
    const e = failure(r)
    assert.match(e.message, /exited with status 1 .*\(failure class: exited\)/)
    assert.match(e.message, /cannot open \/etc\/app\.conf/)
    assert.ok(r.ms < 20_000, `took ${r.ms} ms: the exit must end the wait (the start limit is far longer)`)
    assertNoneLeft(r)
  })

  it("the container's escape sequences are shown escaped in the streamed output, never sent raw", async () => {
    const r = await cli(['up', '--local', '--image', tag('hostile'), '--app', runScoped('lr-esc'), '--timeout', '60'])
    assert.equal(r.code, 5, describeRun(r))
    assert.ok(r.stderr.includes('| pwn ␛]52;c;ZXZpbA==\u0007 ␛[2Jend'), describeRun(r))
    assert.ok(!r.stderr.includes('\u001b]52') && !r.stderr.includes('\u001b[2J'), describeRun(r))
    assertNoneLeft(r)
  })

  it('forks into the background: exit 5, daemonized', async () => {
    const r = await cli([
      'up',
      '--local',
      '--json',
      '--image',
      tag('daemon'),
      '--app',
      runScoped('lr-daemon'),
      '--timeout',
      '5',
    ])
    const e = failure(r)
    assert.match(e.message, /exited with status 0 .*\(failure class: daemonized\)/)
    assert.match(e.hint, /httpd -f/)
    assertNoneLeft(r)
  })

  it('a missing image is an input error (2) and starts nothing', async () => {
    const r = await cli(['up', '--local', '--json', '--image', `${TAG}-absent`, '--app', runScoped('lr-none')])
    assert.equal(r.code, 2, describeRun(r))
    assert.equal(jsonOf<{error: {code: string}}>(r).error.code, 'IMAGE_NOT_FOUND')
    assertNoneLeft(r)
  })

  it('in the foreground streams the output, serves, and Ctrl-C stops and removes the container', async () => {
    const home = tempDir('lr-fg')
    const app = runScoped('lr-fg')
    const run = startCli(['up', '--local', '--image', tag('good'), '--app', app], {cwd: home, env: cliEnv(ARM, home)})
    try {
      await run.waitFor(/Serving at http:\/\/\S+/)
      const url = /Serving at (http:\/\/\S+)/.exec(run.stdout)![1]!
      assert.equal((await get(`${url}missing`)).status, 404)
      await run.waitFor(/\| .*response:404/)
      run.kill('SIGINT')
      const code = await run.closed
      assert.equal(code, 0, `${run.stdout}\n${run.stderr}`)
      assert.match(run.stderr, new RegExp(`Stopping and removing azdeploy-local-${app}`))
      assertNoneLeft()
    } finally {
      run.kill('SIGKILL')
      rmSync(home, {recursive: true, force: true})
    }
  })

  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${sig} while it waits: exit ${code}, says the container was removed and that Azure was not touched`, async () => {
      const home = tempDir('lr-sig')
      const app = runScoped(`lr-${sig.toLowerCase()}`)
      const args = ['up', '--local', '--image', tag('silent'), '--app', app, '--timeout', '60']
      const run = startCli(args, {cwd: home, env: cliEnv(ARM, home)})
      try {
        await run.waitFor(/Waiting up to 60 s/)
        run.kill(sig)
        assert.equal(await run.closed, code, run.stderr)
        assert.match(
          run.stderr,
          new RegExp(
            `Error \\(INTERRUPTED\\): Interrupted; the local container azdeploy-local-${app} was stopped and removed`,
          ),
        )
        assert.match(run.stderr, /Try: Nothing in Azure was touched/)
        assert.doesNotMatch(run.stderr, /Azure may still/)
        assertNoneLeft()
      } finally {
        run.kill('SIGKILL')
        rmSync(home, {recursive: true, force: true})
      }
    })
  }

  it('a second signal exits at once and still removes the container (SIGINT and SIGTERM, as CI runners send)', async () => {
    const home = tempDir('lr-twice')
    const app = runScoped('lr-twice')
    const run = startCli(['up', '--local', '--image', tag('good'), '--app', app], {cwd: home, env: cliEnv(ARM, home)})
    try {
      await run.waitFor(/Serving at/)
      run.kill('SIGINT')
      run.kill('SIGTERM')
      const said = assertForcedExit(await run.closed, run.stderr)
      assert.equal(said, `stopped at once; removed the local container azdeploy-local-${app}`)
      assertNoneLeft()
    } finally {
      run.kill('SIGKILL')
      rmSync(home, {recursive: true, force: true})
    }
  })
})
