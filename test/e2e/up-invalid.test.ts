// Every bad input to `azdeploy up` stops with exit 2 (or 3/4 where Azure decides), a message naming the bad value,
// and ZERO ARM writes.
import assert from 'node:assert/strict'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, test} from 'node:test'
import {describeRun, e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {assertExit, assertNoWrites, type ErrorDoc, hasGroup, requestLog, upArgs} from './e2e-common.js'

const world = e2eWorld()
const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

/** Runs `up` for a fresh app with the given overrides; expects `exit` and zero writes; returns the JSON error. */
async function rejects(
  extra: string[],
  expect: {exit: number; code: string | RegExp; names?: string; base?: string[]},
  opts: {env?: Record<string, string>; cwd?: string} = {},
): Promise<ErrorDoc['error']> {
  const {em} = world
  const app = world.name('bad')
  const base = expect.base ?? [...upArgs(app, world.image2)]
  em.resetLog()
  const human = await world.cli([...base, ...extra], opts)
  assertExit(human, expect.exit)
  assertNoWrites(em, human)
  const code = typeof expect.code === 'string' ? new RegExp(`^${expect.code}$`) : expect.code
  const shown = /^Error \(([A-Z0-9_]+)\): /m.exec(human.stderr)?.[1]
  assert.match(shown ?? '', code, `stderr has 'Error (CODE): message'\n${describeRun(human)}`)
  assert.match(human.stderr, /^Try: \S/m, `a hint follows the error\n${describeRun(human)}`)
  if (expect.names !== undefined) {
    assert.ok(human.stderr.includes(expect.names), `the message names '${expect.names}'\n${describeRun(human)}`)
  }
  em.resetLog()
  const json = await world.cli([...base, ...extra, '--json'], opts)
  assertExit(json, expect.exit)
  assertNoWrites(em, json)
  const doc = jsonOf<ErrorDoc>(json)
  assert.match(doc.error.code, code)
  assert.equal(doc.error.exitCode, expect.exit)
  assert.ok(doc.error.message.length > 0)
  assert.equal(hasGroup(em, `rg-${app}`), false, 'no resource group was created')
  return doc.error
}

describe('azdeploy up: invalid input', () => {
  test('an invalid app name', async () => {
    const bad = 'Bad_Name!'
    await rejects([], {
      exit: 2,
      code: 'INVALID_APP_NAME',
      names: bad,
      base: ['up', '--app', bad, '-g', 'rg-x', '-l', 'westeurope', '--image', world.image2],
    })
  })

  for (const port of ['0', '70000', 'abc']) {
    test(`port ${port}`, async () => {
      // INVALID_PORT (our rule) or INVALID_FLAGS (oclif's integer parser): both exit 2 and name the value.
      await rejects(['--port', port], {exit: 2, code: /^(INVALID_PORT|INVALID_FLAGS)$/, names: port})
    })
  }

  test('a malformed image reference', async () => {
    await rejects([], {
      exit: 2,
      code: 'INVALID_IMAGE',
      names: 'Bad/Name',
      base: ['up', '--app', world.name('img'), '-g', 'rg-img', '-l', 'westeurope', '--image', 'Bad/Name'],
    })
  })

  test('an unknown SKU (D1 cannot run Linux)', async () => {
    await rejects(['--sku', 'D1'], {exit: 2, code: 'INVALID_SKU', names: 'D1'})
  })

  test('a location that is not a region / offers no Linux plans', async () => {
    for (const location of ['West!Europe', 'marsnorth']) {
      const app = world.name('loc')
      const base = ['up', '--app', app, '-g', `rg-${app}`, '-l', location, '--image', world.image2]
      await rejects([], {exit: 2, code: 'INVALID_LOCATION', names: location, base})
    }
  })

  test('--env with a name azdeploy manages', async () => {
    await rejects(['--env', 'WEBSITES_PORT=9000'], {exit: 2, code: 'MANAGED_SETTING', names: 'WEBSITES_PORT'})
    await rejects(['--env', 'DOCKER_REGISTRY_SERVER_PASSWORD=x'], {
      exit: 2,
      code: 'MANAGED_SETTING',
      names: 'DOCKER_REGISTRY_SERVER_PASSWORD',
    })
  })

  test('an unknown key in azdeploy.yml (found in the working directory, or given with --config)', async () => {
    const dir = tempDir('e2e-config')
    dirs.push(dir)
    writeFileSync(join(dir, 'azdeploy.yml'), `app: ${world.name('cfg')}\nimage: ${world.image2}\ncolour: blue\n`)
    await rejects([], {exit: 2, code: 'INVALID_CONFIG', names: 'colour', base: ['up', '-l', 'westeurope']}, {cwd: dir})
    const other = join(dir, 'nested')
    mkdirSync(other)
    const file = join(other, 'deploy.yml')
    writeFileSync(file, `image: ${world.image2}\nhealthpath: /x\n`)
    const err = await rejects(['--config', file], {exit: 2, code: 'INVALID_CONFIG', names: 'healthpath'})
    assert.match(err.hint ?? '', /healthPath/, 'suggests the right spelling')
  })

  test('no --app', async () => {
    await rejects([], {exit: 2, code: 'APP_REQUIRED', names: '--app', base: ['up', '--image', world.image2]})
  })

  test('a new app without a location', async () => {
    const app = world.name('noloc')
    await rejects([], {
      exit: 2,
      code: 'LOCATION_REQUIRED',
      names: app,
      base: ['up', '--app', app, '-g', `rg-${app}`, '--image', world.image2],
    })
  })

  test('an unknown flag', async () => {
    await rejects(['--colour', 'blue'], {exit: 2, code: 'INVALID_FLAGS', names: 'colour'})
  })

  test('a tag missing from the registry is IMAGE_NOT_FOUND', async () => {
    const ref = `${world.registry.host}/team/app:no-such-tag`
    await rejects([], {
      exit: 2,
      code: 'IMAGE_NOT_FOUND',
      names: 'no-such-tag',
      base: ['up', '--app', world.name('nf'), '-g', 'rg-nf', '-l', 'westeurope', '--image', ref],
    })
  })

  test('an image without a linux/amd64 variant', async () => {
    await rejects([], {
      exit: 2,
      code: 'NO_AMD64_IMAGE',
      names: 'arm64',
      base: ['up', '--app', world.name('arm'), '-g', 'rg-arm', '-l', 'westeurope', '--image', world.armImage],
    })
  })

  test('a name someone else holds is NAME_TAKEN (exit 4), before any write', async () => {
    const err = await rejects([], {
      exit: 4,
      code: 'NAME_TAKEN',
      names: 'taken-app',
      base: ['up', '--app', 'taken-app', '-g', 'rg-taken', '-l', 'westeurope', '--image', world.image2],
    })
    assert.match(err.hint ?? '', /--app/)
  })

  test('not logged in (az says so) is exit 3, without touching ARM', async () => {
    const {em} = world
    em.resetLog()
    const app = world.name('nologin')
    const r = await world.cli([...upArgs(app, world.image2)], {
      env: {FAKE_AZ_LOGGED_OUT: '1'},
    })
    assertExit(r, 3)
    assertNoWrites(em, r)
    assert.match(r.stderr, /^Error \([A-Z_]+\): /m)
    assert.match(r.stderr, /az login|azdeploy login/, describeRun(r))
    assert.equal(em.requests.length, 0, `no ARM request without a token\n${requestLog(em)}`)
  })
})
