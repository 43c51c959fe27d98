// The update notice through the built CLI on a pseudo-terminal, against a loopback stand-in for the npm registry
// (never the real one): the day's look-up happens after a command, in the background; the next run shows it;
// --help never looks, and CI, GitHub Actions, the opt-out and pipes show nothing and ask nothing.
import assert from 'node:assert/strict'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {setTimeout as delay} from 'node:timers/promises'
import {cliEnv, runCli, tempDir} from '../helpers/run-cli.js'
import {startCliOnTty} from '../helpers/spawn-cli.js'

const NOTICE = /azdeploy 0\.2\.0 is available: npm i -g azdeploy/
const NO_ARM = {url: 'https://127.0.0.1:9/'}
let server: Server
let url = ''
const requests: string[] = []
let latest = '0.2.0'

before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '')
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({latest, next: '0.3.0-beta.1'}))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
after(() => new Promise<void>((r) => server.close(() => r())))

async function onTty(args: string[], home: string, extra: Record<string, string> = {}) {
  const env = cliEnv(NO_ARM, home, {
    CI: '',
    TERM: 'xterm',
    AZDEPLOY_UPDATE_REGISTRY: url,
    AZDEPLOY_NO_UPDATE_NOTIFIER: '',
    ...extra,
  })
  const cli = startCliOnTty(args, {cwd: home, env})
  const code = await cli.closed
  return {code, out: cli.stdout}
}

/** The detached child writes the cache after the command exited: wait for it (bounded). */
async function cacheOf(file: string): Promise<{checkedAt: number; latest?: string}> {
  const deadline = Date.now() + 15_000
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no ${file}`)
    await delay(25)
  }
  return JSON.parse(readFileSync(file, 'utf8'))
}

describe('update notice', () => {
  test('a terminal run looks once in the background; the next run says a newer release is out', async () => {
    const home = tempDir('update')
    const file = join(home, 'azdeploy', 'update-check.json')
    try {
      requests.length = 0
      for (const args of [['--help'], ['up', '--help'], ['help', 'status']]) {
        const r = await onTty(args, home)
        assert.equal(r.code, 0, r.out)
      }
      assert.deepEqual(requests, [], '--help reaches no registry')
      assert.equal(existsSync(file), false)

      const first = await onTty(['version'], home)
      assert.equal(first.code, 0, first.out)
      assert.doesNotMatch(first.out, NOTICE, 'nothing known yet')
      const cache = await cacheOf(file)
      assert.equal(cache.latest, '0.2.0')
      assert.ok(Math.abs(Date.now() - cache.checkedAt) < 60_000)
      assert.deepEqual(requests, ['/-/package/azdeploy/dist-tags'])

      const second = await onTty(['version'], home)
      assert.equal(second.code, 0, second.out)
      assert.match(second.out, NOTICE)
      assert.equal(requests.length, 1, 'checked today: no second look-up')

      const offs: Array<Record<string, string>> = [
        {CI: 'true'},
        {GITHUB_ACTIONS: 'true'},
        {AZDEPLOY_NO_UPDATE_NOTIFIER: '1'},
      ]
      for (const extra of offs) {
        const r = await onTty(['version'], home, extra)
        assert.equal(r.code, 0, r.out)
        assert.doesNotMatch(r.out, NOTICE, JSON.stringify(extra))
      }
      const piped = await runCli(['version'], {
        arm: NO_ARM,
        home,
        env: {CI: '', AZDEPLOY_UPDATE_REGISTRY: url, AZDEPLOY_NO_UPDATE_NOTIFIER: ''},
      })
      assert.doesNotMatch(piped.stdout + piped.stderr, NOTICE, 'not without a terminal')
      const json = await onTty(['version', '--json'], home)
      assert.doesNotMatch(json.out, NOTICE, 'not with --json')
      assert.equal(requests.length, 1)
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  })

  test('a day-old cache is looked up again; the same version shows nothing; CI never looks', async () => {
    const home = tempDir('update-old')
    const file = join(home, 'azdeploy', 'update-check.json')
    try {
      requests.length = 0
      latest = '0.1.0'
      const ci = await onTty(['version'], home, {CI: 'true'})
      assert.equal(ci.code, 0, ci.out)
      assert.deepEqual(requests, [], 'CI never looks')
      const dayAgo = Date.now() - 25 * 3_600_000
      await onTty(['version'], home) // creates the directory via the child
      await cacheOf(file)
      writeFileSync(file, JSON.stringify({checkedAt: dayAgo, latest: '0.2.0'}))
      requests.length = 0
      const r = await onTty(['version'], home)
      assert.match(r.out, NOTICE, 'the cached answer is shown while the new look-up runs')
      const deadline = Date.now() + 15_000
      while (JSON.parse(readFileSync(file, 'utf8')).checkedAt === dayAgo && Date.now() < deadline) await delay(25)
      assert.deepEqual(requests, ['/-/package/azdeploy/dist-tags'])
      assert.equal((await cacheOf(file)).latest, '0.1.0')
      const again = await onTty(['version'], home)
      assert.doesNotMatch(again.out, /is available/)
    } finally {
      latest = '0.2.0'
      rmSync(home, {recursive: true, force: true})
    }
  })
})
