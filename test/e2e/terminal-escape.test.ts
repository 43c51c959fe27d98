// Text from outside (the container's log lines, Azure's error messages) never reaches the terminal with its escape
// sequences live: OSC 52 (`ESC ] 52 ; c ; … BEL`) would write the user's clipboard, CSI would repaint the screen.
// On a pseudo-terminal (util-linux `script`) `azdeploy logs` shows them escaped (`␛]52;c;…␇`); piped, ESC is
// still escaped; `--json` keeps the line as it was (JSON escapes it). An Azure error message is escaped too.
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {after, before, describe, test} from 'node:test'
import {cliEnv, describeRun, e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {startCliOnTty} from '../helpers/spawn-cli.js'
import {assertExit, mustSite, upArgs} from './e2e-common.js'

const world = e2eWorld()
const OSC52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007'
const CLEAR = '\u001b[2J\u001b[H'
const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

describe('escape sequences in external text', () => {
  const app = world.name('esc')
  const rg = `rg-${app}`
  const marker = `hostile-${Date.now()}`

  before(async () => {
    assertExit(await world.cli(upArgs(app, world.image2)), 0)
    const site = mustSite(world.em, rg, app)
    world.em.scm.setContainerLogging(site, true)
    world.em.scm.writeLine(site, 'lw1HOSTILE', 'app', `${new Date().toISOString()} ${marker} ${OSC52} ${CLEAR}end`)
  })

  test('logs on a terminal: the OSC 52 and CSI sequences are shown escaped, never sent raw', async () => {
    const home = tempDir('esc-tty')
    dirs.push(home)
    const env = cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, home)
    const cli = startCliOnTty(['logs', '--app', app, '-g', rg], {env, cwd: home})
    const code = await cli.closed
    const out = cli.stdout
    assert.equal(code, 0, `exit 0\n${out}`)
    const line = out.split(/\r?\n/).find((l) => l.includes(marker))
    assert.ok(line, `the hostile line is printed\n${out}`)
    assert.ok(line.includes('␛]52;c;ZWNobyBwd25lZA==␇ ␛[2J␛[Hend'), `escaped in place: ${JSON.stringify(line)}`)
    assert.ok(!out.includes('\u001b]52'), 'no raw OSC 52 reached the terminal')
    assert.ok(!out.includes('\u0007'), 'no raw BEL reached the terminal')
    assert.ok(!out.includes('\u001b[2J'), 'no raw screen clear reached the terminal')
  })

  test('logs piped: ESC is still escaped; --json keeps the line as written', async () => {
    const piped = await world.cli(['logs', '--app', app, '-g', rg])
    assertExit(piped, 0)
    const line = piped.stdout.split('\n').find((l) => l.includes(marker)) ?? ''
    assert.ok(line.includes('␛]52;c;ZWNobyBwd25lZA==\u0007 ␛[2J␛[Hend'), `ESC escaped: ${JSON.stringify(line)}`)
    assert.ok(!piped.stdout.includes('\u001b'), describeRun(piped))

    const json = await world.cli(['logs', '--app', app, '-g', rg, '--json'])
    assertExit(json, 0)
    const lines = jsonOf<Array<{message: string}>>(json)
    assert.ok(
      lines.some((l) => l.message === `${marker} ${OSC52} ${CLEAR}end`),
      'the data is unchanged in --json',
    )
  })

  test("an Azure error message holding escape sequences is shown escaped (exit 4, Azure's words kept)", async () => {
    world.em.addFault({
      method: 'PATCH',
      pathIncludes: `/sites/${app}`,
      status: 409,
      times: Infinity,
      body: {error: {code: 'Conflict', message: `Site busy ${OSC52}${CLEAR}try later`}},
    })
    try {
      const r = await world.cli(upArgs(app, world.image, '--port', '8080'))
      assertExit(r, 4)
      assert.ok(r.stderr.includes('Site busy ␛]52;c;ZWNobyBwd25lZA==␇␛[2J␛[Htry later'), describeRun(r))
      assert.ok(!r.stderr.includes('\u001b'), `no raw ESC on stderr\n${describeRun(r)}`)
    } finally {
      world.em.clearFaults()
    }
  })
})
