// The command's deadline and Ctrl-C, through the built CLI: a `--lock-wait` longer than `--timeout` ends at the
// deadline (exit 7, naming the lock wait, nothing written); a Ctrl-C while a long-running operation stays
// InProgress is exit 130 at once, never turned into a deadline. (Faults at each write step: fault-matrix.test.ts.)
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {describe, test} from 'node:test'
import {encodeLock} from '../../src/core/deploy-lock.js'
import {CLI_ENTRY, cliEnv, describeRun, e2eWorld, tempDir} from '../helpers/run-cli.js'
import {upArgs} from './e2e-common.js'
import {assertClean} from './fault-kinds.js'

const world = e2eWorld()

describe('the deadline bounds the lock wait (built CLI)', () => {
  test('--lock-wait beyond --timeout ends at the deadline: exit 7 naming the lock wait, nothing written', async () => {
    const app = world.name('fm-lock')
    const setup = await world.cli(upArgs(app, world.image, '--port', '8080'))
    assert.equal(setup.code, 0, describeRun(setup))
    const s = world.em.site(app)
    assert.ok(s)
    const since = Date.now()
    s.tags['azdeploy.lock'] = encodeLock({
      holder: 'alice@example.com',
      nonce: 'abcdefgh12',
      since,
      expiresAt: since + 600_000,
    })
    const fx = s.config['linuxFxVersion']
    const r = await world.cli(upArgs(app, world.image2, '--port', '8080', '--timeout', '6', '--lock-wait', '600'), {
      env: {AZDEPLOY_LOCK_POLL_MS: '50'},
    })
    assertClean(r, 7, /^TIMEOUT$/)
    assert.match(
      r.stderr,
      /Stopped waiting after 6 s \(--timeout 6\): 'the wait for the deploy lock' was still in progress/,
      describeRun(r),
    )
    assert.ok(r.ms < 20_000, `ended near --timeout, not --lock-wait (${Math.round(r.ms)} ms)`)
    assert.equal(s.config['linuxFxVersion'], fx, 'nothing changed')
    assert.ok(String(s.tags['azdeploy.lock']).includes('alice@example.com'), "alice's lock is left alone")
  })
})

describe('Ctrl-C wins over the deadline (built CLI)', () => {
  test('SIGINT while a long-running operation stays InProgress: exit 130 at once, not 7', async () => {
    const app = world.name('fm-int')
    const fault = world.em.addFault({
      method: 'PUT',
      pathRegex: new RegExp(`/serverfarms/${app}-plan$`, 'i'),
      lro: {status: 'InProgress'},
    })
    const home = tempDir('fm-int')
    try {
      const child = spawn(
        process.execPath,
        [CLI_ENTRY, ...upArgs(app, world.image2, '--port', '8080', '--timeout', '60')],
        {
          cwd: home,
          env: cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home, {}),
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      )
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c
      })
      let sentAt = 0
      const polling = setInterval(() => {
        // Once the plan's operation has been polled at least once: the CLI is inside the LRO wait.
        const polled = world.em.requests.some((q) => q.method === 'GET' && /\/operationresults\//i.test(q.path))
        if (!sentAt && fault.taken === 1 && polled) {
          sentAt = performance.now()
          child.kill('SIGINT')
        }
      }, 10)
      const code = await new Promise<number | null>((resolve) => {
        const killer = setTimeout(() => child.kill('SIGKILL'), 45_000)
        child.on('close', (c) => {
          clearTimeout(killer)
          clearInterval(polling)
          resolve(c)
        })
      })
      assert.equal(code, 130, stderr)
      assert.match(stderr, /^Error \(INTERRUPTED\): /m)
      assert.doesNotMatch(stderr, /TIMEOUT/)
      assert.ok(performance.now() - sentAt < 3000, `exit ${Math.round(performance.now() - sentAt)} ms after SIGINT`)
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  })
})
