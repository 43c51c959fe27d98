// `azdeploy up --local` / `down --local` against the real Docker engine, driving the BUILT CLI (npm run build).
// Images are FROM scratch with the static busybox; no Azure endpoint answers (ARM points at a closed port), so
// these runs also prove that the local path does no Azure work. After every test no azdeploy.local container remains.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {request} from 'node:http'
import {after, before, describe, it} from 'node:test'
import {
  buildBusyboxImage,
  busyboxContext,
  inspectContainer,
  localContainers,
  removeContainers,
  removeImages,
  requireDocker,
} from '../helpers/docker.js'
import {CLI_ENTRY, type CliResult, cliEnv, describeRun, jsonOf, runCli, tempDir} from '../helpers/run-cli.js'

const ARM = {url: 'https://127.0.0.1:9/'}
const TAG = `azdeploy-test-local:${process.pid}`
const tag = (kind: string) => `${TAG}-${kind}`
const httpd = (addr: string) => ['/bin/busybox', 'httpd', '-f', '-v', '-p', addr, '-h', '/www']
const IMAGES: Record<string, {entrypoint: string[]; expose?: number[]}> = {
  good: {entrypoint: httpd('0.0.0.0:8080'), expose: [8080]},
  loopback: {entrypoint: httpd('127.0.0.1:8080'), expose: [8080]},
  otherport: {entrypoint: httpd('0.0.0.0:9090'), expose: [8080]},
  exits: {entrypoint: ['/bin/busybox', 'sh', '-c', 'echo cannot open /etc/app.conf >&2; exec /bin/busybox false']},
  daemon: {entrypoint: ['/bin/busybox', 'sh', '-c', '/bin/busybox httpd -p 8080 -h /www'], expose: [8080]},
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
    removeImages(Object.keys(IMAGES).map(tag))
  })

  it('runs a good image detached, the App Service way, and down --local removes it', async () => {
    const env = {MULTI: 'line one\nline two'}
    const args = ['up', '--local', '--detach', '--json', '--image', tag('good'), '--app', 'lr-good']
    const r = await cli([...args, '--env', 'GREETING=hello', '--env', 'MULTI'], {env})
    assert.equal(r.code, 0, describeRun(r))
    const out = jsonOf<{url: string; container: string; port: number; image: string}>(r)
    assert.deepEqual(Object.keys(out).sort(), ['container', 'image', 'port', 'url'])
    assert.equal(out.container, 'azdeploy-local-lr-good')
    assert.equal(out.port, 8080)
    assert.equal(out.image, tag('good'))
    const hostPort = new URL(out.url).port
    assert.match(out.url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
    assert.deepEqual(await get(out.url), {status: 200, body: 'hello from scratch\n'})
    const c = inspectContainer(out.container)
    for (const e of ['PORT=8080', 'WEBSITES_PORT=8080', 'WEBSITE_SITE_NAME=lr-good', 'GREETING=hello'])
      assert.ok(c.Config.Env.includes(e), e)
    assert.ok(c.Config.Env.includes(`WEBSITE_HOSTNAME=localhost:${hostPort}`))
    assert.ok(c.Config.Env.includes('MULTI=line one\nline two'))
    assert.equal(c.Config.Labels['azdeploy.local'], '1')
    assert.equal(c.Config.Labels['azdeploy.app'], 'lr-good')

    const down = await cli(['down', '--local', '--app', 'lr-good', '--json'])
    assert.equal(down.code, 0, describeRun(down))
    assert.deepEqual(jsonOf(down), {removed: ['azdeploy-local-lr-good']})
    assertNoneLeft(down)
  })

  it('builds ./Dockerfile when no --image is given; down --local without --app removes all', async () => {
    const dir = busyboxContext({...IMAGES['good']!, dir: tempDir('lr-build')})
    try {
      const r = await cli(['up', '--local', '--detach', '--json', '--app', 'lr-built'], {cwd: dir})
      assert.equal(r.code, 0, describeRun(r))
      assert.equal(jsonOf(r)['image'], 'azdeploy-local/lr-built:latest')
      assert.equal((await get(String(jsonOf(r)['url']))).status, 200)
      const down = await cli(['down', '--local'])
      assert.equal(down.code, 0, describeRun(down))
      assert.match(down.stdout, /Removed: azdeploy-local-lr-built/)
      assertNoneLeft(down)
    } finally {
      rmSync(dir, {recursive: true, force: true})
      removeImages(['azdeploy-local/lr-built:latest'])
    }
  })

  it('bound to 127.0.0.1: exit 5, loopback-bind, with the fix', async () => {
    const r = await cli(['up', '--local', '--image', tag('loopback'), '--app', 'lr-lo', '--timeout', '5'])
    assert.equal(r.code, 5, describeRun(r))
    assert.match(r.stderr, /listening on 127\.0\.0\.1:8080, not 0\.0\.0\.0:8080.*\(failure class: loopback-bind\)/)
    assert.match(r.stderr, /Try: bind to 0\.0\.0\.0: busybox httpd -f -p 0\.0\.0\.0:8080/)
    assertNoneLeft(r)
  })

  it('listening on 9090 while EXPOSE 8080: exit 5, wrong-port', async () => {
    const r = await cli(['up', '--local', '--json', '--image', tag('otherport'), '--app', 'lr-port', '--timeout', '3'])
    const e = failure(r)
    assert.match(e.message, /listening on 0\.0\.0\.0:9090.*not port 8080.*\(failure class: wrong-port\)/)
    assert.match(e.hint, /--port 9090/)
    assertNoneLeft(r)
  })

  it('exits at once: exit 5, exited, with the status and the last output', async () => {
    const r = await cli(['up', '--local', '--json', '--image', tag('exits'), '--app', 'lr-exit', '--timeout', '60'])
    const e = failure(r)
    assert.match(e.message, /exited with status 1 .*\(failure class: exited\)/)
    assert.match(e.message, /cannot open \/etc\/app\.conf/)
    assert.ok(r.ms < 20_000, `took ${r.ms} ms: the exit must end the wait (the start limit is far longer)`)
    assertNoneLeft(r)
  })

  it('forks into the background: exit 5, daemonized', async () => {
    const r = await cli(['up', '--local', '--json', '--image', tag('daemon'), '--app', 'lr-daemon', '--timeout', '5'])
    const e = failure(r)
    assert.match(e.message, /exited with status 0 .*\(failure class: daemonized\)/)
    assert.match(e.hint, /httpd -f/)
    assertNoneLeft(r)
  })

  it('a missing image is an input error (2) and starts nothing', async () => {
    const r = await cli(['up', '--local', '--json', '--image', `${TAG}-absent`, '--app', 'lr-none'])
    assert.equal(r.code, 2, describeRun(r))
    assert.equal(jsonOf<{error: {code: string}}>(r).error.code, 'IMAGE_NOT_FOUND')
    assertNoneLeft(r)
  })

  it('in the foreground streams the output, serves, and Ctrl-C stops and removes the container', async () => {
    const home = tempDir('lr-fg')
    const child = spawn(process.execPath, [CLI_ENTRY, 'up', '--local', '--image', tag('good'), '--app', 'lr-fg'], {
      cwd: home,
      env: cliEnv(ARM, home),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    const seen: Array<() => void> = []
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
      for (const check of seen.splice(0)) check()
    })
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    /** Resolves once the CLI's stderr matches (the container's output streamed through it). */
    const stderrMatches = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => (re.test(stderr) ? resolve() : seen.push(check))
        check()
        void closed.then(() => reject(new Error(`exited without printing ${re}:\n${stderr}`)))
      })
    const serving = new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c
        const m = /Serving at (http:\/\/\S+)/.exec(stdout)
        if (m) resolve(m[1]!)
      })
      void closed.then((code) => reject(new Error(`exited ${code} before serving:\n${stdout}\n${stderr}`)))
    })
    try {
      const url = await serving
      assert.equal((await get(`${url}missing`)).status, 404)
      await stderrMatches(/\| .*response:404/)
      child.kill('SIGINT')
      const code = await closed
      assert.equal(code, 0, `${stdout}\n${stderr}`)
      assert.match(stderr, /Stopping and removing azdeploy-local-lr-fg/)
      assertNoneLeft()
    } finally {
      child.kill('SIGKILL')
      rmSync(home, {recursive: true, force: true})
    }
  })
})
