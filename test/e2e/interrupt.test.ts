// Signals while `up` waits for the new container: SIGINT (Ctrl-C), SIGTERM (a cancelled CI job) and SIGHUP stop it
// cleanly with 130, 143 and 129, say Azure may still be working and how to look (azdeploy status), no stack trace.
// The emulated container stays in its warm-up for good, so nothing but the signal can end the wait.
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {describe, test} from 'node:test'
import {cliEnv, e2eWorld, tempDir} from '../helpers/run-cli.js'
import {startCli} from '../helpers/spawn-cli.js'
import {upArgs} from './e2e-common.js'

const world = e2eWorld()

async function upThenSignal(signals: NodeJS.Signals[]) {
  const app = world.name('signal')
  world.em.setSiteBehavior(app, {staysStarting: true})
  const home = tempDir('signal')
  try {
    const cli = startCli([...upArgs(app, world.image), '--port', '8080', '--timeout', '120'], {
      cwd: home,
      env: cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home),
    })
    // Signal once the wait has begun and polled at least once.
    await cli.waitFor(/waiting for the container/)
    for (const s of signals) cli.kill(s)
    return {code: await cli.closed, stdout: cli.stdout, stderr: cli.stderr}
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

describe('azdeploy up: signals', () => {
  for (const [signal, code, words] of [
    ['SIGINT', 130, /Error \(INTERRUPTED\): Interrupted during/],
    ['SIGTERM', 143, /Error \(INTERRUPTED\): Terminated \(SIGTERM\) during/],
    ['SIGHUP', 129, /Error \(INTERRUPTED\): Hung up \(SIGHUP\) during/],
  ] as const) {
    test(`${signal} during the health wait exits ${code} and names azdeploy status`, async () => {
      const r = await upThenSignal([signal])
      assert.equal(r.code, code, `exit code\n${r.stderr}`)
      assert.match(r.stderr, words)
      assert.match(r.stderr, /Try: Azure may still be finishing the last request; run `azdeploy status`/)
      assert.doesNotMatch(r.stderr, /\n\s+at .*\(.*\.js:\d+/, 'no stack trace without --verbose')
      assert.equal(r.stdout, '')
    })
  }
})
