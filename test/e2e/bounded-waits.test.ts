// Bounded waits through the built CLI: an ARM route that accepts and never answers fails `status` with one
// ARM_TIMEOUT error (exit 4) instead of hanging; a Retry-After of an hour is capped (and said so in --verbose);
// Ctrl-C during a log read whose SCM site never answers and during a push whose registry never answers ends the
// command with exit 130 at once.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, afterEach, before, describe, test} from 'node:test'
import {writeOciLayout} from '../helpers/oci-layout.js'
import {CLI_ENTRY, cliEnv, e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {ensureTestCa} from '../helpers/tls.js'
import {assertExit, type ErrorDoc, upArgs} from './e2e-common.js'

const world = e2eWorld()

/** Spawns the CLI, sends SIGINT once `ready()` holds, and returns the exit code and the ms from SIGINT to exit. */
async function interrupt(args: string[], env: Record<string, string>, ready: () => boolean) {
  const home = tempDir('bounded')
  try {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      cwd: home,
      env: cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home, env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
    })
    child.stdout.resume()
    let sentAt = 0
    const poll = setInterval(() => {
      if (!sentAt && ready()) {
        sentAt = performance.now()
        child.kill('SIGINT')
      }
    }, 10)
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      child.on('close', (c) => {
        clearTimeout(killer)
        clearInterval(poll)
        resolve(c)
      })
    })
    return {code, stderr, afterSigint: sentAt ? performance.now() - sentAt : Number.NaN}
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

describe('bounded waits (built CLI)', () => {
  const app = world.name('bounded')
  const rg = `rg-${app}`
  afterEach(() => {
    world.em.clearFaults()
    world.em.scm.clearFaults()
  })

  before(async () => {
    assertExit(await world.cli(upArgs(app, world.image, '--port', '8080')), 0)
  })

  test('status fails with ARM_TIMEOUT (exit 4) when ARM accepts a request and never answers', async () => {
    world.em.addFault({method: 'GET', pathRegex: new RegExp(`/sites/${app}$`, 'i'), status: 200, hang: true, times: 99})
    const r = await world.cli(['status', '--app', app, '-g', rg, '--json'], {env: {AZDEPLOY_ARM_TIMEOUT_MS: '700'}})
    assertExit(r, 4)
    const e = jsonOf<ErrorDoc>(r).error
    assert.equal(e.code, 'ARM_TIMEOUT')
    assert.match(e.message, new RegExp(`no complete answer to GET .*/sites/${app} within 700 ms`, 'i'))
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`)
  })

  test('a Retry-After of an hour from ARM is capped, and the cap shows in --verbose', async () => {
    world.em.addFault({
      method: 'GET',
      pathRegex: new RegExp(`/sites/${app}$`, 'i'),
      status: 429,
      headers: {'retry-after': '3600'},
    })
    const r = await world.cli(['status', '--app', app, '-g', rg, '--verbose'], {
      env: {AZDEPLOY_RETRY_AFTER_CAP_MS: '50'},
    })
    assertExit(r, 0)
    assert.match(r.stderr, /Azure asked to retry after 3600 s; capped at 50 ms/)
    assert.ok(r.ms < 15_000)
  })

  test('Ctrl-C while the SCM site never answers a log read exits 130 within a second', async () => {
    assertExit(await world.cli(['logs', '--app', app, '-g', rg, '--yes']), 0)
    world.em.scm.addFault({pathIncludes: '/api/logs/docker', hang: true, times: 99})
    const hanging = () => world.em.scm.requests.some((q) => q.status === -2)
    const r = await interrupt(['logs', '--app', app, '-g', rg], {}, hanging)
    assert.equal(r.code, 130, r.stderr)
    assert.match(r.stderr, /Error \(INTERRUPTED\)/)
    assert.ok(r.afterSigint < 1000, `exit ${r.afterSigint} ms after SIGINT`)
  })

  describe('push to a registry that never answers', () => {
    const tls = ensureTestCa()
    let server: Server
    let requests = 0
    let dir = ''
    before(async () => {
      dir = tempDir('bounded-push')
      server = createServer({cert: tls.cert, key: tls.key}, () => {
        requests++
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    })
    after(async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      rmSync(dir, {recursive: true, force: true})
    })

    test('Ctrl-C ends the push with exit 130 within a second', async () => {
      const w = writeOciLayout(join(dir, 'img'), [1000])
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
      const args = ['push', '--from', `oci:${w.dir}`, '--image', `${host}/x/app:1`, '--registry-username', 'u']
      const r = await interrupt(args, {AZDEPLOY_REGISTRY_PASSWORD: 'never-sent-pw'}, () => requests > 0)
      assert.equal(r.code, 130, r.stderr)
      assert.match(r.stderr, /Error \(INTERRUPTED\)/)
      assert.ok(r.afterSigint < 1000, `exit ${r.afterSigint} ms after SIGINT`)
    })
  })
})
