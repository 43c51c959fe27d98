// azdeploy.yml and the runtime knobs through the built CLI: setting values keep their text, oversized files, a
// directory as --config and bad AZDEPLOY_*_MS values are input errors (exit 2) before any ARM request, and every
// config key is a flag of `up`.
import assert from 'node:assert/strict'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, test} from 'node:test'
import {CONFIG_DEFINITION} from '../../src/core/config-definition.js'
import {type CliResult, describeRun, e2eWorld, jsonOf, tempDir} from '../helpers/run-cli.js'
import {assertExit, type ErrorDoc, mustSite, requestLog} from './e2e-common.js'

const world = e2eWorld()
const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

function dirWith(files: Record<string, string>): string {
  const dir = tempDir('e2e-cfg')
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

/** Expects exit 2 with `code`, the message naming each of `names`, a Try: hint, and no ARM request at all. */
function assertInputError(r: CliResult, code: string, ...names: string[]): void {
  assertExit(r, 2)
  assert.match(r.stderr, new RegExp(`^Error \\(${code}\\): `, 'm'), describeRun(r))
  assert.match(r.stderr, /^Try: \S/m, describeRun(r))
  for (const n of names) assert.ok(r.stderr.includes(n), `the message names '${n}'\n${describeRun(r)}`)
  assert.doesNotMatch(r.stderr, /UNEXPECTED|bug in azdeploy/, describeRun(r))
  assert.equal(world.em.requests.length, 0, `no ARM request\n${requestLog(world.em)}`)
}

describe('azdeploy.yml', () => {
  test('setting values reach the app exactly as written (no YAML number or boolean coercion)', async () => {
    const app = world.name('text')
    const rg = `rg-${app}`
    const yml = [
      `app: ${app}`,
      `resourceGroup: ${rg}`,
      'location: westeurope',
      `image: ${world.image}`,
      'port: 8080',
      'env:',
      '  ZIP: 007',
      '  MASK: 0x1F',
      '  BIG: 12345678901234567890',
      '  RATIO: 1.50',
      '  ENABLED: True',
      '  QUOTED: "0012"',
      '',
    ].join('\n')
    const r = await world.cli(['up', '--json'], {cwd: dirWith({'azdeploy.yml': yml})})
    assertExit(r, 0)
    jsonOf(r)
    const s = mustSite(world.em, rg, app).appSettings
    assert.equal(s.ZIP, '007')
    assert.equal(s.MASK, '0x1F')
    assert.equal(s.BIG, '12345678901234567890')
    assert.equal(s.RATIO, '1.50')
    assert.equal(s.ENABLED, 'True')
    assert.equal(s.QUOTED, '0012')
  })

  test('a file over 1 MB is refused at once, naming the file and its size', async () => {
    const big = `app: big-1\nimage: ${world.image}\n# ${'x'.repeat(1024 * 1024)}\n`
    const dir = dirWith({'huge.yml': big})
    world.em.resetLog()
    const r = await world.cli(['up', '--dry-run', '--config', 'huge.yml'], {cwd: dir})
    assertInputError(r, 'CONFIG_TOO_LARGE', join(dir, 'huge.yml'), String(Buffer.byteLength(big)))
  })

  test('more than 1,000 settings are refused, naming the file and the count', async () => {
    const env = Array.from({length: 1001}, (_, i) => `  S${i}: v`).join('\n')
    const dir = dirWith({'azdeploy.yml': `app: many-1\nimage: ${world.image}\nenv:\n${env}\n`})
    world.em.resetLog()
    const r = await world.cli(['up', '--dry-run', '-l', 'westeurope'], {cwd: dir})
    assertInputError(r, 'CONFIG_TOO_LARGE', join(dir, 'azdeploy.yml'), '1001')
  })

  test('--config naming a directory is an input error naming the path', async () => {
    const dir = dirWith({})
    mkdirSync(join(dir, 'conf'))
    for (const command of [['up', '--dry-run', '--app', 'dir-1', '--image', world.image], ['status']]) {
      world.em.resetLog()
      const r = await world.cli([...command, '--config', 'conf'], {cwd: dir})
      assertInputError(r, 'CONFIG_NOT_A_FILE', join(dir, 'conf'))
      world.em.resetLog()
      const json = await world.cli([...command, '--config', 'conf', '--json'], {cwd: dir})
      assertExit(json, 2)
      assert.equal(jsonOf<ErrorDoc>(json).error.code, 'CONFIG_NOT_A_FILE')
    }
  })
})

describe('runtime knobs', () => {
  for (const [name, value] of [
    ['AZDEPLOY_POLL_INTERVAL_MS', 'abc'],
    ['AZDEPLOY_LRO_INTERVAL_MS', '-5'],
    ['AZDEPLOY_MAX_RETRIES', '2.5'],
  ] as const) {
    test(`${name}=${value} stops up at once with exit 2 naming the variable and value`, async () => {
      world.em.resetLog()
      const app = world.name('knob')
      const r = await world.cli(['up', '--dry-run', '--app', app, '-l', 'westeurope', '--image', world.image], {
        env: {[name]: value},
      })
      assertInputError(r, 'INVALID_KNOB', `${name}='${value}'`)
    })
  }

  test('status refuses a bad knob too', async () => {
    world.em.resetLog()
    const r = await world.cli(['status', '--app', 'knob-status'], {env: {AZDEPLOY_ROLE_PROPAGATION_MS: 'soon'}})
    assertInputError(r, 'INVALID_KNOB', "AZDEPLOY_ROLE_PROPAGATION_MS='soon'")
  })
})

describe('flags', () => {
  test('every azdeploy.yml key is a flag of up, with its short name', async () => {
    const r = await world.cli(['up', '--help'])
    assertExit(r, 0)
    for (const d of Object.values(CONFIG_DEFINITION)) {
      const char = 'char' in d ? `-${d.char}, ` : ''
      assert.ok(r.stdout.includes(`${char}--${d.flag}`), `up --help lists ${char}--${d.flag}\n${r.stdout}`)
    }
  })
})
