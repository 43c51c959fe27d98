// The command shell through the built CLI: one error format everywhere (stderr line always, plus the JSON document
// on stdout with --json), unknown commands with a suggestion, -h / help / -v / version, and each command's own
// EXIT CODES section in its --help. No Azure endpoint answers (ARM points at a closed port).
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {type CliResult, describeRun, jsonOf, runCli} from '../helpers/run-cli.js'

const cli = (args: string[]) => runCli(args, {arm: {url: 'https://127.0.0.1:9/'}, timeoutMs: 30_000})
type ErrorDoc = {error: {code: string; message: string; hint?: string; exitCode: number}}

/** Exit 2, `Error (CODE): …` + `Try: …` on stderr; with --json also the document on stdout. */
function assertError(r: CliResult, code: string, o: {json: boolean; exit?: number; hint?: RegExp}) {
  const exit = o.exit ?? 2
  assert.equal(r.code, exit, describeRun(r))
  const [first, second] = r.stderr.trimEnd().split('\n').slice(-2)
  assert.match(first ?? '', new RegExp(`^Error \\(${code}\\): \\S`), describeRun(r))
  assert.match(second ?? '', /^Try: \S/, describeRun(r))
  if (o.hint) assert.match(second ?? '', o.hint)
  if (o.json) {
    const doc = jsonOf<ErrorDoc>(r)
    assert.equal(doc.error.code, code)
    assert.equal(doc.error.exitCode, exit)
    assert.equal(`Try: ${doc.error.hint}`, second)
  } else {
    assert.equal(r.stdout, '', describeRun(r))
  }
}

const COMMANDS = [
  'doctor',
  'down',
  'help',
  'init',
  'login',
  'logout',
  'logs',
  'push',
  'releases',
  'rollback',
  'status',
  'up',
  'version',
  'whoami',
]
/** What each command can return (pinned; cli/help.ts renders them from the command's `exitCodes`). */
const EXIT_CODES: Record<string, number[]> = {
  doctor: [0, 1, 2, 3, 4, 129, 130, 143],
  down: [0, 1, 2, 3, 4, 7, 129, 130, 143],
  help: [0, 2],
  init: [0, 1, 2, 129, 130, 143],
  login: [0, 1, 2, 3, 4, 129, 130, 143],
  logout: [0, 1, 2],
  logs: [0, 1, 2, 3, 4, 7, 129, 130, 143],
  push: [0, 1, 2, 3, 4, 7, 129, 130, 143],
  status: [0, 1, 2, 3, 4, 7, 129, 130, 143],
  releases: [0, 1, 2, 3, 4, 7, 129, 130, 143],
  rollback: [0, 1, 2, 3, 4, 5, 6, 7, 129, 130, 143],
  up: [0, 1, 2, 3, 4, 5, 6, 7, 129, 130, 143],
  version: [0, 1, 2],
  whoami: [0, 1, 2, 3, 4, 129, 130, 143],
}

function exitCodesOf(help: string): number[] {
  const section = help.split('\nEXIT CODES\n')[1]
  assert.ok(section, `no EXIT CODES section:\n${help}`)
  return section
    .split('\n')
    .filter((l) => /^ {2}\d+/.test(l))
    .map((l) => Number.parseInt(l, 10))
}

describe('errors in every mode', () => {
  for (const json of [false, true]) {
    const j = json ? ['--json'] : []
    test(`an unknown command${json ? ' with --json' : ''}: COMMAND_NOT_FOUND, exit 2`, async () => {
      assertError(await cli(['nosuch', ...j]), 'COMMAND_NOT_FOUND', {json, hint: /azdeploy --help/})
    })
    test(`an unknown flag${json ? ' with --json' : ''}: INVALID_FLAGS naming it, exit 2`, async () => {
      const r = await cli(['status', '--nosuch', ...j])
      assertError(r, 'INVALID_FLAGS', {json, hint: /azdeploy status --help/})
      assert.match(r.stderr, /--nosuch/)
    })
    test(`a flag without its value${json ? ' with --json' : ''}: INVALID_FLAGS, exit 2`, async () => {
      assertError(await cli(['status', ...j, '--app']), 'INVALID_FLAGS', {json})
    })
    test(`an unexpected argument${json ? ' with --json' : ''}: INVALID_FLAGS, exit 2`, async () => {
      assertError(await cli(['doctor', 'a', 'b', ...j]), 'INVALID_FLAGS', {json})
    })
    test(`a command's own error${json ? ' with --json' : ''} is on stderr too`, async () => {
      const r = await cli(['down', '--app', 'shop-api', ...j])
      assertError(r, 'CONFIRMATION_REQUIRED', {json, hint: /--yes/})
    })
  }

  for (const [typed, meant] of [
    ['upp', 'up'],
    ['stauts', 'status'],
    ['stat', 'status'],
    ['dwn', 'down'],
    ['whoamii', 'whoami'],
  ] as const) {
    test(`a typo: \`azdeploy ${typed}\` suggests \`${meant}\``, async () => {
      const r = await cli([typed])
      assertError(r, 'COMMAND_NOT_FOUND', {json: false, hint: new RegExp(`did you mean \`${meant}\`\\?`)})
      assert.match(r.stderr, new RegExp(`'${typed}' is not an azdeploy command`))
    })
  }

  test('`help nope` and `nope --help`: COMMAND_NOT_FOUND (exit 2), with --json too', async () => {
    assertError(await cli(['help', 'nope']), 'COMMAND_NOT_FOUND', {json: false})
    assertError(await cli(['help', 'nope', '--json']), 'COMMAND_NOT_FOUND', {json: true})
    assertError(await cli(['nope', '--help']), 'COMMAND_NOT_FOUND', {json: false})
    assertError(await cli(['help', 'statsu']), 'COMMAND_NOT_FOUND', {json: false, hint: /did you mean `status`/})
  })

  test('flags before the command: COMMAND_NOT_FOUND saying the command comes first', async () => {
    const r = await cli(['--json', 'up'])
    assertError(r, 'COMMAND_NOT_FOUND', {json: true})
    assert.match(r.stderr, /takes the command first/)
  })
})

describe('help and version', () => {
  test('-v, --version and version print the version; version --json is a document', async () => {
    for (const args of [['-v'], ['--version'], ['version']]) {
      const r = await cli(args)
      assert.equal(r.code, 0, describeRun(r))
      assert.match(r.stdout, /^azdeploy\/0\.1\.0 \S+ node-v\d+/)
    }
    const j = await cli(['version', '--json'])
    assert.equal(j.code, 0, describeRun(j))
    assert.equal(jsonOf(j)['version'], '0.1.0')
  })

  test('the root help lists every command, help and version included', async () => {
    for (const args of [[], ['--help'], ['-h'], ['help']]) {
      const r = await cli(args)
      assert.equal(r.code, 0, describeRun(r))
      for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^ {2}${c} `, 'm'), `${args.join(' ')}: ${c}`)
    }
  })

  for (const c of COMMANDS) {
    test(`${c}: -h, --help and \`help ${c}\` show the same help, ending with only its exit codes`, async () => {
      const [h, help, word] = await Promise.all([cli([c, '-h']), cli([c, '--help']), cli(['help', c])])
      for (const r of [h, help, word]) {
        assert.equal(r.code, 0, describeRun(r))
        assert.match(r.stdout, new RegExp(`\\$ azdeploy ${c}`))
      }
      assert.equal(h.stdout, help.stdout)
      assert.equal(word.stdout, help.stdout)
      assert.deepEqual(exitCodesOf(help.stdout), EXIT_CODES[c])
    })
  }

  test('commands without --timeout name their overall deadline in --help', async () => {
    const minutes: Record<string, number> = {status: 10, releases: 10, logs: 10, down: 30, push: 60}
    for (const [c, min] of Object.entries(minutes)) {
      const r = await cli([c, '--help'])
      assert.match(
        r.stdout.replace(/\s+/g, ' '),
        new RegExp(`Stops waiting after ${min} minutes.*exit 7; AZDEPLOY_DEADLINE_MS`),
        c,
      )
    }
  })

  test('only the commands that take the deploy lock list exit code 6', async () => {
    for (const c of COMMANDS) {
      const r = await cli([c, '--help'])
      if (c === 'up' || c === 'rollback') assert.match(r.stdout, /^ {2}6 /m)
      else assert.doesNotMatch(r.stdout, /^ {2}6 /m)
    }
  })
})
