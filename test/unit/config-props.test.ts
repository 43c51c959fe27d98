// Property-based bad input for the pure config layer (fast-check): arbitrary and adversarial values for every
// flag, AZDEPLOY_* variable and azdeploy.yml key of `up` (and the targets of status/down/logs/rollback) must end in a
// config or in an AzdeployError with a documented exit code, one message naming the bad value, cut to a readable
// length, with no raw control character, within a time bound. Never another exception.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {ACTION_INPUTS, readInputs} from '../../src/action/inputs.js'
import {parseConfigText, readConfigFile} from '../../src/adapters/system/config-file.js'
import {
  checkConfigFile,
  envName,
  parseSettings,
  resolveAppTarget,
  resolveDeployConfig,
  resolveKeepReleases,
} from '../../src/core/config.js'
import {CONFIG_DEFINITION, CONFIG_KEYS, type ConfigKey} from '../../src/core/config-definition.js'
import {escapeControl, SHOWN_MAX, shown, shownPath} from '../../src/core/display.js'
import {AzdeployError, EXIT_CODE_TABLE, ExitCode} from '../../src/core/errors.js'
import {parseImageRef} from '../../src/core/image-ref.js'
import {parseDuration} from '../../src/core/log-lines.js'

const DOCUMENTED = new Set(EXIT_CODE_TABLE.map(([code]) => code))
/** The longest message a bad value may produce: the sentence around it plus one cut value (or two). */
const MAX_MESSAGE = 600
/** Per call: a slow regex or a quadratic loop over a long value shows up here. */
const MAX_MS = 1000
const RUNS = Number(process.env.PROPS_RUNS ?? 300)
// The suite is the same on every run (a fixed seed, so CI never turns red on a case no commit introduced);
// `PROPS_SEED=random PROPS_RUNS=5000` explores new cases, and a failure prints the seed to replay it with.
const SEED = process.env.PROPS_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.PROPS_SEED ?? 20261201)
fc.configureGlobal({seed: SEED, numRuns: RUNS})
// A C0 control other than \n and \t, DEL or a C1 control: none may reach a message unescaped.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

/** Adversarial strings: long, unicode, control characters and escape sequences, numbers as text, names JS knows. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({unit: 'grapheme', maxLength: 40}),
  fc.string({unit: 'binary', maxLength: 40}),
  fc.string({minLength: 200, maxLength: 5000}),
  fc.constantFrom(
    '',
    ' ',
    '\u001b]52;c;ZWNobyBwd25lZA==\u0007',
    '\u001b[2J\u001b[H',
    '\u009b31m',
    'a\nb',
    '\r',
    '\u0000',
    '-1',
    '0',
    '1.5',
    '1e3',
    '0x10',
    ' 7 ',
    'Infinity',
    'NaN',
    '99999999999999999999',
    '__proto__',
    'constructor',
    'toString',
    'production',
    '😀'.repeat(100),
    'é'.repeat(61),
    'x'.repeat(100_000),
  ),
  fc.integer().map(String),
  fc.double().map(String),
)

/** Any YAML-ish value: wrong types, nesting, long lists. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), {maxLength: 2000}),
  fc.jsonValue({maxDepth: 6}),
  fc.constant(deep(3000)),
)

function deep(n: number): unknown {
  let v: unknown = 'leaf'
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : {k: v}
  return v
}

/** A valid value of each key, so one bad key at a time can be told apart from the others. */
const VALID: Record<ConfigKey, unknown> = {
  app: 'shop-api',
  resourceGroup: 'shop-rg',
  location: 'westeurope',
  plan: 'shop-plan',
  sku: 'S1',
  instances: 2,
  image: 'registry.example.com/team/app:1',
  port: 8080,
  env: {LOG_LEVEL: 'info'},
  healthPath: '/healthz',
  slot: 'staging',
  timeout: 300,
  keepReleases: 20,
  registry: 'myacr',
  registryUsername: 'deploy',
  registryAuth: 'auto',
  subscription: 'sub',
  cloud: 'AzureCloud',
}

/** Runs fn; it must return, or throw an AzdeployError with a documented exit code and a readable message. */
function outcome<T>(what: string, fn: () => T): {ok: true; value: T} | {ok: false; error: AzdeployError} {
  const start = performance.now()
  let result: {ok: true; value: T} | {ok: false; error: AzdeployError}
  try {
    result = {ok: true, value: fn()}
  } catch (e) {
    if (!(e instanceof AzdeployError)) throw new Error(`${what}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`)
    result = {ok: false, error: e}
  }
  const ms = performance.now() - start
  assert.ok(ms < MAX_MS, `${what}: took ${Math.round(ms)} ms`)
  if (!result.ok) assertReadable(result.error, what)
  return result
}

function assertReadable(e: AzdeployError, what: string): void {
  assert.ok(DOCUMENTED.has(e.exitCode), `${what}: exit code ${e.exitCode} is not documented`)
  assert.ok(
    e.message.length <= MAX_MESSAGE,
    `${what}: message of ${e.message.length} chars: ${e.message.slice(0, 300)}`,
  )
  assert.ok((e.hint ?? '').length <= MAX_MESSAGE, `${what}: hint of ${(e.hint ?? '').length} chars`)
  assert.doesNotMatch(e.message, RAW_CONTROL, `${what}: raw control character in ${JSON.stringify(e.message)}`)
  assert.ok(!e.message.includes('\n'), `${what}: one line, got ${JSON.stringify(e.message)}`)
}

/** The message names the bad value: its readable form, or (cut) the first characters of it. */
function assertNames(e: AzdeployError, value: unknown, key: string): void {
  const s = shown(value)
  const head = s.endsWith(')') && s.includes('… (') ? s.slice(0, s.lastIndexOf('… (')) : s
  const named =
    e.message.includes(head.slice(0, SHOWN_MAX)) ||
    e.message.includes(key) ||
    (key === 'env' && e.message.startsWith('Setting name'))
  assert.ok(named, `the message names neither ${key} nor ${JSON.stringify(head.slice(0, 40))}: ${e.message}`)
}

const textKeys = CONFIG_KEYS.filter((k) => CONFIG_DEFINITION[k].type === 'string')
const flagOf = (k: ConfigKey) => CONFIG_DEFINITION[k].flag

describe('config properties (fast-check)', () => {
  it('one bad azdeploy.yml key of any type: a config, or one readable exit-2 error naming the key or value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CONFIG_KEYS), anyValue, (key, value) => {
        const raw = {...VALID, [key]: value}
        const r = outcome(`${key}=${shown(value, 40)}`, () =>
          resolveDeployConfig({}, {}, checkConfigFile(raw, 'azdeploy.yml')),
        )
        if (!r.ok) {
          assert.equal(r.error.exitCode, ExitCode.InvalidInput)
          assertNames(r.error, value, key)
        }
      }),
      {numRuns: RUNS},
    )
  })

  it('one bad flag or AZDEPLOY_* value (text, as the shell gives it): a config or one readable exit-2 error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...textKeys), nasty, fc.boolean(), (key, value, viaEnv) => {
        const valid = checkConfigFile(VALID, 'azdeploy.yml')
        const flags = viaEnv ? {} : {[flagOf(key)]: value}
        const env = viaEnv ? {[envName(key)]: value} : {}
        const r = outcome(`${viaEnv ? envName(key) : `--${flagOf(key)}`}=${shown(value, 40)}`, () =>
          resolveDeployConfig(flags, env, valid),
        )
        if (!r.ok) {
          assert.equal(r.error.exitCode, ExitCode.InvalidInput)
          assertNames(r.error, value, key)
        } else if (key !== 'registryUsername' && key !== 'registry' && key !== 'subscription' && key !== 'cloud') {
          // What a validated key accepted holds no control character and is of a readable length.
          const got = JSON.stringify(r.value)
          assert.doesNotMatch(
            got.replace(/\\u[0-9a-f]{4}/g, (u) => JSON.parse(`"${u}"`)),
            RAW_CONTROL,
          )
        }
      }),
      {numRuns: RUNS},
    )
  })

  it('integer keys take whole numbers in range only, as a number or as decimal text', () => {
    const intKeys = CONFIG_KEYS.filter((k) => CONFIG_DEFINITION[k].type === 'integer')
    const numberish = fc.oneof(fc.integer(), fc.double(), nasty, fc.integer({min: -5, max: 4000}).map(String))
    fc.assert(
      fc.property(fc.constantFrom(...intKeys), numberish, fc.boolean(), (key, value, viaEnv) => {
        const base = checkConfigFile({...VALID, sku: 'I1V2'}, 'azdeploy.yml')
        const file = viaEnv ? base : {...base, [key]: value}
        const env = viaEnv ? {[envName(key)]: String(value)} : {}
        const r = outcome(`${key}=${shown(value, 40)}`, () => resolveDeployConfig({}, env, file))
        const d = CONFIG_DEFINITION[key] as {minimum: number; maximum: number}
        const text = String(value).trim()
        const n = Number(text)
        const whole = (typeof value === 'number' || /^\d+$/.test(text)) && Number.isSafeInteger(n)
        const inRange = whole && n >= d.minimum && n <= d.maximum
        if (env[envName(key)] === '') return // an empty variable is unset
        assert.equal(r.ok, inRange, `${key}=${JSON.stringify(value)}: ${r.ok ? 'accepted' : r.error.message}`)
        if (r.ok) {
          const field = {instances: 'instances', port: 'port', timeout: 'timeoutSec', keepReleases: 'keepReleases'}
          assert.equal((r.value as unknown as Record<string, unknown>)[field[key as keyof typeof field]], n)
        }
      }),
      {numRuns: RUNS},
    )
  })

  it('--env NAME=VALUE: every valid name is kept with its value; a bad name is one exit-2 error naming it', () => {
    const name = fc.oneof(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,30}$/),
      fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'WEBSITES_PORT', '1X', 'A-B', ''),
      nasty,
    )
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.string()), {maxLength: 8}), (pairs) => {
        const r = outcome('--env', () =>
          parseSettings(
            pairs.map(([n, v]) => `${n}=${v}`),
            undefined,
            {},
          ),
        )
        if (!r.ok) return
        // NAME=VALUE splits at the first `=`: a generated name holding one gives a shorter name, the rest is value.
        const expected = new Map(
          pairs.map(([n, v]) => {
            const arg = `${n}=${v}`
            const at = arg.indexOf('=')
            return [arg.slice(0, at), arg.slice(at + 1)] as const
          }),
        )
        assert.deepEqual(
          Object.keys(r.value).sort(),
          [...expected.keys()].sort(),
          'every setting given is kept, under its own name',
        )
        for (const [n, v] of expected) assert.equal(Object.getOwnPropertyDescriptor(r.value, n)?.value.reveal(), v)
      }),
      {numRuns: RUNS},
    )
  })

  it('any mapping of unknown keys, deep nesting, huge lists or a non-mapping: one readable exit-2 error', () => {
    const junk = fc.oneof(
      fc.dictionary(nasty, anyValue, {maxKeys: 5}),
      fc.array(anyValue, {maxLength: 3}),
      anyValue,
      fc.constant({env: Object.fromEntries(Array.from({length: 1001}, (_, i) => [`S${i}`, 'v']))}),
      fc.constant({env: {A: {nested: true}}}),
      fc.constant({env: {A: [1, 2]}}),
    )
    fc.assert(
      fc.property(junk, (raw) => {
        outcome('file', () => resolveDeployConfig({}, {}, checkConfigFile(raw, 'azdeploy.yml')))
      }),
      {numRuns: RUNS},
    )
  })

  it('status/down/logs/rollback targets and options: a target, or one readable error', () => {
    fc.assert(
      fc.property(
        fc.record({app: nasty, 'resource-group': fc.option(nasty, {nil: undefined})}),
        nasty,
        nasty,
        (flags, keep, since) => {
          outcome('target', () => resolveAppTarget(flags, {}, {}))
          outcome('AZDEPLOY_KEEP_RELEASES', () => resolveKeepReleases({}, {AZDEPLOY_KEEP_RELEASES: keep}, {}))
          outcome('--since', () => parseDuration(since))
          outcome('--image', () => parseImageRef(since))
        },
      ),
      {numRuns: RUNS},
    )
  })

  it('GitHub Action inputs (INPUT_*): the inputs of up, or one readable exit-2 error', () => {
    const inputs = fc.dictionary(fc.constantFrom(...ACTION_INPUTS), nasty, {maxKeys: 4})
    fc.assert(
      fc.property(inputs, (given) => {
        const env = Object.fromEntries(Object.entries(given).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
        const r = outcome('inputs', () => readInputs(env))
        if (r.ok) outcome('inputs → config', () => resolveDeployConfig(r.value.up, {}, {}))
      }),
      {numRuns: RUNS},
    )
  })

  it('azdeploy.yml text: any YAML (or not YAML) gives a config or one readable exit-2 error, quickly', async () => {
    const yamlText = fc.oneof(
      nasty,
      anyValue.map((v) => JSON.stringify({app: 'a1', ...(typeof v === 'object' && v ? v : {v})})),
      fc.constantFrom(
        `app: ${'['.repeat(3000)}${']'.repeat(3000)}`,
        'a: &a [*a, *a]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\ne: [*d, *d, *d]',
        `v: ${'[{k: '.repeat(1000)}`,
        `${'- '.repeat(2000)}x`,
        Array.from({length: 1500}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
        'app: a1\nenv:\n  SCRIPT: |\n' + `${' '.repeat(120)}indented [text] {in} a block scalar\n`,
        'app: a1\napp: a2',
        'app: a1\n---\napp: a2',
        '!!binary aGVsbG8=',
        'app: !!binary aGVsbG8=',
        'env:\n  A: !!js/function "x"',
        '\u0000\u001b[31m',
        'env:\n  __proto__: x\n  B: y',
        `env:\n${Array.from({length: 1001}, (_, i) => `  S${i}: v`).join('\n')}`,
        'port: 0x1F90',
        'timeout: 1.5',
        'instances: .inf',
        'app: 1e3',
      ),
    )
    await fc.assert(
      fc.asyncProperty(yamlText, async (text) => {
        const start = performance.now()
        try {
          resolveDeployConfig({}, {}, await parseConfigText(text, 'azdeploy.yml'))
        } catch (e) {
          if (!(e instanceof AzdeployError)) throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message}`)
          assertReadable(e, `yaml ${shown(text, 40)}`)
          assert.equal(e.exitCode, ExitCode.InvalidInput)
        }
        assert.ok(performance.now() - start < 2000, 'parsed in under 2 s')
      }),
      {numRuns: Math.ceil(RUNS / 2)},
    )
  })

  it("deep YAML is refused before the parser recurses; a block scalar's indented text is not nesting", async () => {
    await assert.rejects(parseConfigText(`v: ${'['.repeat(65)}`, 'azdeploy.yml'), /65 brackets deep/)
    await assert.rejects(parseConfigText(`${'- '.repeat(300)}x`, 'azdeploy.yml'), /indented 300 levels deep/)
    await assert.rejects(parseConfigText(`v: [a'b, ${'['.repeat(65)}`, 'azdeploy.yml'), /66 brackets deep/)
    const script = `app: a1\nenv:\n  SCRIPT: |\n${' '.repeat(120)}echo "[{" # not nesting\n`
    assert.equal((await parseConfigText(script, 'azdeploy.yml')).app, 'a1')
  })

  it('--config that is not a regular file (a device, a FIFO, a directory) is one exit-2 error, at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'props-config-'))
    try {
      writeFileSync(join(dir, 'ok.yml'), 'app: a1\n')
      for (const path of ['/dev/zero', '/dev/null', '/dev/stdin', dir]) {
        const start = performance.now()
        await assert.rejects(readConfigFile(path, dir), (e: AzdeployError) => {
          assert.equal(e.exitCode, ExitCode.InvalidInput, e.message)
          assert.match(e.code, /CONFIG_NOT_A_FILE/)
          return true
        })
        assert.ok(performance.now() - start < 1000)
      }
      assert.equal((await readConfigFile('ok.yml', dir)).file.app, 'a1')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('shown and escapeControl', () => {
  it('shown: short values as they are, long ones cut with their length, control characters visible', () => {
    assert.equal(shown('shop-api'), 'shop-api')
    assert.equal(shown('x'.repeat(SHOWN_MAX)), 'x'.repeat(SHOWN_MAX))
    assert.equal(shown('x'.repeat(12_000)), `${'x'.repeat(SHOWN_MAX)}… (12000 characters)`)
    assert.equal(shown('😀'.repeat(100)), `${'😀'.repeat(SHOWN_MAX)}… (100 characters)`, 'never splits a pair')
    assert.equal(shown('a\u001b]52;c;eA==\u0007\nb'), 'a␛]52;c;eA==␇␊b')
    assert.equal(shown([1, 2]), '[1,2]')
    assert.equal(shown(Number.NaN), 'NaN')
    assert.match(shown(deep(20_000)), /./, 'a value too deep for JSON is still shown')
    const path = `/home/me/${'d/'.repeat(100)}Dockerfile`
    assert.equal(shownPath(path), `${path.slice(0, 32)}…${path.slice(-48)} (${path.length} characters)`)
    assert.ok(shownPath(path).includes('d/d/Dockerfile'), 'a long path keeps its file name')
  })

  it('escapeControl: on a terminal C0 (not \\n, \\t), DEL and C1 visible; elsewhere ESC and C1 only', () => {
    const line = 'a\tb\u001b]52;c;eA==\u0007\r\u009b2J\u007f\n'
    assert.equal(escapeControl(line, 'tty'), 'a\tb␛]52;c;eA==␇␍\\x9b2J\\x7f\n')
    assert.equal(escapeControl(line, 'plain'), 'a\tb␛]52;c;eA==\u0007\r\\x9b2J\u007f\n')
    fc.assert(
      fc.property(fc.string({unit: 'binary'}), (s) => {
        assert.doesNotMatch(escapeControl(s, 'tty'), RAW_CONTROL)
        assert.doesNotMatch(escapeControl(s, 'plain'), /[\u001b\u0080-\u009f]/)
      }),
      {numRuns: RUNS},
    )
  })
})
