// Generated bad input through the built CLI (fast-check, a fixed seed so a failure names its case): one bad value
// per run, given as a flag, an AZDEPLOY_* variable or an azdeploy.yml key of `up` (and a few of status, down, logs,
// push, rollback). Each run must end in exit 2 with ONE `Error (CODE):` message naming the bad value (cut to a
// readable length), a `Try:` hint, no stack trace and no raw control character, in bounded time, with zero ARM
// writes. The many-run properties over the same code live in test/unit/config-props.test.ts (in-process).
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import fc from 'fast-check'
import {checkConfigFile, envName, resolveDeployConfig} from '../../src/core/config.js'
import {CONFIG_DEFINITION, type ConfigKey} from '../../src/core/config-definition.js'
import {shown} from '../../src/core/display.js'
import {AzdeployError} from '../../src/core/errors.js'
import {type CliResult, describeRun, e2eWorld, tempDir} from '../helpers/run-cli.js'
import {assertNoWrites} from './e2e-common.js'

const world = e2eWorld()
const SEED = Number(process.env.PROPS_SEED ?? 20261201)
const CASES = Number(process.env.PROPS_CLI_CASES ?? 24)
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m

/** Text values a shell can pass (no NUL): long, unicode, escape sequences, numbers out of range, JS names. */
const value = fc
  .oneof(
    fc.string({minLength: 1, maxLength: 30}),
    fc.string({unit: 'grapheme', minLength: 1, maxLength: 30}),
    fc.string({unit: 'binary', minLength: 1, maxLength: 30}),
    fc.string({minLength: 300, maxLength: 3000}),
    fc.constantFrom(
      '\u001b]52;c;ZWNobyBwd25lZA==\u0007',
      '\u001b[2J\u001b[31mred',
      'x'.repeat(20_000),
      '😀'.repeat(90),
      '-1',
      '0',
      '1.5',
      '1e3',
      '0x10',
      '99999999999999999999',
      '__proto__',
      'a\nb',
    ),
  )
  .filter((v) => !v.includes('\u0000'))

const UP_KEYS: ConfigKey[] = ['app', 'resourceGroup', 'location', 'plan', 'sku', 'instances', 'image', 'port']
UP_KEYS.push('healthPath', 'slot', 'timeout', 'keepReleases', 'registryAuth', 'env')

type Via = 'flag' | 'env' | 'file'
interface Case {
  key: ConfigKey
  via: Via
  value: string
}

/** Whether the pure layer refuses this one value (only refused values make a case: a valid one would deploy). */
function refused(c: Case): boolean {
  const base = checkConfigFile({app: 'props-app', image: world.image2, location: 'westeurope'}, 'azdeploy.yml')
  const setting = `${c.value}=v`
  try {
    if (c.key === 'env') resolveDeployConfig({env: [setting]}, {}, base)
    else if (c.via === 'env') resolveDeployConfig({}, {[envName(c.key)]: c.value}, base)
    else resolveDeployConfig({[CONFIG_DEFINITION[c.key].flag]: c.value}, {}, base)
    return false
  } catch (e) {
    return e instanceof AzdeployError
  }
}

/** argv, environment and (for `file`) the azdeploy.yml text of one case. */
function invocation(c: Case, app: string): {args: string[]; env: Record<string, string>; yml?: string} {
  const d = CONFIG_DEFINITION[c.key]
  const base: Record<string, string> = {app, 'resource-group': `rg-${app}`, location: 'westeurope'}
  base.image = world.image2
  if (c.key === 'env') return {args: ['up', ...flagsOf(base), '--env', `${c.value}=v`], env: {}}
  if (c.via === 'flag') {
    // An integer flag is oclif's to refuse when it is not a number: still exit 2 and one message.
    return {args: ['up', ...flagsOf({...base, [d.flag]: c.value})], env: {}}
  }
  if (c.via === 'env') {
    const rest = Object.fromEntries(Object.entries(base).filter(([k]) => k !== d.flag))
    return {args: ['up', ...flagsOf(rest)], env: {[envName(c.key)]: c.value}}
  }
  const rest = Object.fromEntries(Object.entries(base).filter(([k]) => k !== d.flag))
  const literal = d.type === 'integer' && /^-?\d+(\.\d+)?$/.test(c.value) ? c.value : JSON.stringify(c.value)
  return {args: ['up', ...flagsOf(rest)], env: {}, yml: `${c.key}: ${literal}\n`}
}

function flagsOf(flags: Record<string, string>): string[] {
  return Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v])
}

const caseArb = fc
  .record({key: fc.constantFrom(...UP_KEYS), via: fc.constantFrom<Via>('flag', 'env', 'file'), value})
  .map((c) => (c.key === 'env' ? {...c, via: 'flag' as Via} : c))
  .filter((c) => c.via === 'flag' || c.value.trim() !== '')

/** The checks every bad-input run shares; `names` is a text the one message must contain. */
function assertOneReadableError(r: CliResult, names: string[], what: string): void {
  const run = `${what}\n${describeRun(r).slice(0, 4000)}`
  assert.equal(r.code, 2, `exit 2: ${run}`)
  assert.equal(r.stderr.match(/^Error \(/gm)?.length, 1, `one error message: ${run}`)
  assert.match(r.stderr, /^Try: \S/m, `a hint: ${run}`)
  assert.doesNotMatch(r.stderr, STACK_LINE, `no stack trace: ${run}`)
  assert.doesNotMatch(r.stderr, RAW_CONTROL, `no raw control character: ${run}`)
  assert.ok(r.stderr.length < 1500, `a readable length (${r.stderr.length} chars): ${run}`)
  assert.ok(
    names.some((n) => r.stderr.includes(n)),
    `names one of ${JSON.stringify(names)}: ${run}`,
  )
  assert.ok(r.ms < 20_000, `in bounded time (${Math.round(r.ms)} ms)`)
}

/** How the message may name the value: its cut, escaped form (first 20 characters), or the key/flag/variable. */
function namesOf(c: Case): string[] {
  const d = CONFIG_DEFINITION[c.key]
  const head = shown(c.value).slice(0, 20)
  const file = c.via === 'file' ? ['azdeploy.yml'] : []
  return [head, `--${d.flag}`, envName(c.key), c.key, 'Setting name', 'Expected an integer', ...file]
}

describe('bad input through the CLI (generated)', () => {
  test(`${CASES} generated cases: exit 2, one readable message naming the value, zero ARM writes`, async () => {
    const cases = fc
      .sample(caseArb, {seed: SEED, numRuns: CASES * 20})
      .filter(refused)
      .slice(0, CASES)
    assert.equal(cases.length, CASES, 'enough refused cases were generated')
    for (const [i, c] of cases.entries()) {
      const app = world.name('props')
      const inv = invocation(c, app)
      const cwd = tempDir('props-cwd')
      if (inv.yml !== undefined) writeFileSync(join(cwd, 'azdeploy.yml'), inv.yml)
      world.em.resetLog()
      const r = await world.cli(inv.args, {env: inv.env, cwd})
      const what = `case ${i} (seed ${SEED}): ${c.key} via ${c.via} = ${JSON.stringify(shown(c.value, 60))}`
      assertOneReadableError(r, namesOf(c), what)
      assertNoWrites(world.em, r)
    }
  })

  test('other commands: a bad app name, --since, --config device, unknown flag: one message, no writes', async () => {
    const long = `a${'b'.repeat(5000)}`
    const runs: Array<[string[], string[]]> = [
      [['status', '--app', '\u001b]52;c;eA==\u0007'], ['␛]52;c;eA==␇']],
      [['down', '--app', long, '--yes'], ['characters)']],
      [['logs', '--app', 'ok-app', '--since', `${'9'.repeat(400)}x`], ['characters)']],
      [['rollback', '--app', 'Bad_Name!', '--yes'], ['Bad_Name!']],
      [['push', '--image', `registry.example.com/${'A'.repeat(300)}:1`], ['characters)']],
      [['up', '--config', '/dev/zero', '--app', 'props-zero'], ['/dev/zero']],
      [['up', '--app', 'props-x', `--${'z'.repeat(500)}`], ['characters)']],
      [['up', '--app', 'props-x', '--instances', 'x'.repeat(500)], ['characters)']],
    ]
    for (const [args, names] of runs) {
      world.em.resetLog()
      const r = await world.cli(args)
      assertOneReadableError(r, names, args.join(' ').slice(0, 120))
      assertNoWrites(world.em, r)
    }
  })
})
