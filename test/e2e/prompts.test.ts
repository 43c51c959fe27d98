// Confirmation prompts on a real pseudo-terminal: Ctrl-C at the prompt is exit 130 and Ctrl-D (end of input) is
// "not confirmed"; in both cases nothing is deleted or changed, and never an UNEXPECTED error. And the waits of a
// deploy on a terminal: time waited against the limit, how to stop, and how long it took.
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {before, describe, test} from 'node:test'
import {cliEnv, e2eWorld, tempDir} from '../helpers/run-cli.js'
import {startCliOnTty} from '../helpers/spawn-cli.js'
import {assertExit, mustSite, upArgs} from './e2e-common.js'

const world = e2eWorld()
const CTRL_C = '\x03'
const CTRL_D = '\x04'

async function answer(args: string[], prompt: RegExp, key: string) {
  const home = tempDir('prompt')
  try {
    const cli = startCliOnTty(args, {
      cwd: home,
      env: cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home),
    })
    await cli.waitFor(prompt)
    cli.child.stdin?.write(key)
    const code = await cli.closed
    return {code, out: cli.stdout}
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

describe('prompts on a terminal', () => {
  const app = world.name('prompt')
  const rg = `rg-${app}`
  before(async () => {
    assertExit(await world.cli([...upArgs(app, world.image), '--port', '8080']), 0)
    world.em.resetLog()
  })

  test('down: Ctrl-C at "Type the app name" is exit 130 and deletes nothing', async () => {
    const r = await answer(['down', '--app', app, '-g', rg], /to confirm:/, CTRL_C)
    assert.equal(r.code, 130, r.out)
    assert.match(r.out, /Error \(INTERRUPTED\): Interrupted at the prompt; nothing was changed/)
    assert.doesNotMatch(r.out, /UNEXPECTED|bug/)
    assert.ok(mustSite(world.em, rg, app), 'the app is still there')
  })

  test('down: Ctrl-D at "Type the app name" is NOT_CONFIRMED (exit 2) and deletes nothing', async () => {
    const r = await answer(['down', '--app', app, '-g', rg], /to confirm:/, CTRL_D)
    assert.equal(r.code, 2, r.out)
    assert.match(r.out, /Error \(NOT_CONFIRMED\): No confirmation \(end of input\); nothing deleted/)
    assert.doesNotMatch(r.out, /UNEXPECTED|bug/)
    assert.ok(mustSite(world.em, rg, app), 'the app is still there')
  })

  for (const [key, name] of [
    [CTRL_C, 'Ctrl-C'],
    [CTRL_D, 'Ctrl-D'],
  ] as const) {
    test(`logs: ${name} at "turn on container logging?" changes nothing`, async () => {
      const before = world.em.requests.length
      const r = await answer(['logs', '--app', app, '-g', rg], /\[y\/N\]/, key)
      if (key === CTRL_C) {
        assert.equal(r.code, 130, r.out)
        assert.match(r.out, /Error \(INTERRUPTED\): Interrupted at the prompt; nothing was changed/)
      } else {
        // Not confirmed: logging stays off, and the platform log is shown anyway.
        assert.equal(r.code, 0, r.out)
        assert.match(r.out, /Container logging stays off/)
      }
      assert.doesNotMatch(r.out, /UNEXPECTED|bug/)
      const writes = world.em.requests.slice(before).filter((q) => q.method === 'PUT' || q.method === 'PATCH')
      assert.deepEqual(writes, [], 'logging was not turned on')
    })
  }
})

describe('waits on a terminal', () => {
  test('up: the health wait shows seconds of --timeout and Ctrl-C, and ends "answered after X s"', async () => {
    const app = world.name('ttywait')
    const home = tempDir('ttywait')
    try {
      const env = {...cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home), CI: '', TERM: 'xterm'}
      const cli = startCliOnTty([...upArgs(app, world.image), '--port', '8080', '--timeout', '120'], {cwd: home, env})
      const code = await cli.closed
      assert.equal(code, 0, cli.stdout)
      assert.match(cli.stdout, /Wait until the new container serves.*\(\d+ s of 120 s, Ctrl-C to stop\)/)
      assert.match(cli.stdout, /✔ Wait until the new container serves: answered after \d+\.\d s/)
      assert.doesNotMatch(cli.stdout, /^\d{4}-\d\d-\d\dT/m, 'not the CI lines')
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  })
})
