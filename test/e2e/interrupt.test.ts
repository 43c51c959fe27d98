// Ctrl-C while `up` waits for the new container: a clean stop with exit 130 that says Azure may still be working
// and how to look (azdeploy status), without a stack trace.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {rmSync} from 'node:fs'
import {describe, test} from 'node:test'
import {CLI_ENTRY, cliEnv, e2eWorld, tempDir} from '../helpers/run-cli.js'
import {upArgs} from './e2e-common.js'

const world = e2eWorld()

describe('azdeploy up: Ctrl-C', () => {
  test('SIGINT during the health wait exits 130 and names azdeploy status', async () => {
    const app = world.name('sigint')
    // Still warming up when interrupted (neverStarts could already be logged as failed at the first poll on a busy
    // machine, ending the wait with exit 5 before the SIGINT).
    world.em.setSiteBehavior(app, {startDelayMs: 120_000})
    const home = tempDir('sigint')
    try {
      const child = spawn(
        process.execPath,
        [CLI_ENTRY, ...upArgs(app, world.image), '--port', '8080', '--timeout', '120'],
        {
          cwd: home,
          env: cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let stderr = ''
      let stdout = ''
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c
      })
      const code = await new Promise<number | null>((resolve) => {
        const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          // Interrupt once the wait has begun and polled at least once.
          if (!stderr.includes('waiting for the container') && (stderr + c).includes('waiting for the container')) {
            child.kill('SIGINT')
          }
          stderr += c
        })
        child.on('close', (c) => {
          clearTimeout(killer)
          resolve(c)
        })
      })
      assert.equal(code, 130, `exit code\n${stderr}`)
      assert.match(stderr, /Error \(INTERRUPTED\)/)
      assert.match(stderr, /azdeploy status/)
      assert.doesNotMatch(stderr, /\n\s+at .*\(.*\.js:\d+/, 'no stack trace without --verbose')
      assert.equal(stdout, '')
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  })
})
