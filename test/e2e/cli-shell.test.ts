// The command shell through the built CLI: one error format everywhere (stderr line always, plus the JSON document
// on stdout with --json), unknown commands with a suggestion, -h / help / -v / version, and each command's own
// EXIT CODES section in its --help. No Azure endpoint answers (ARM points at a closed port).
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {type CliResult, describeRun, jsonOf, runCli, tempDir} from '../helpers/run-cli.js'

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
  'autocomplete',
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
  autocomplete: [0, 1, 2],
  doctor: [0, 1, 2, 3, 4, 129, 130, 143],
  down: [0, 1, 2, 3, 4, 7, 8, 129, 130, 143],
  help: [0, 2],
  init: [0, 1, 2, 129, 130, 143],
  login: [0, 1, 2, 3, 4, 129, 130, 143],
  logout: [0, 1, 2],
  logs: [0, 1, 2, 3, 4, 7, 129, 130, 143],
  push: [0, 1, 2, 3, 4, 7, 8, 129, 130, 143],
  status: [0, 1, 2, 3, 4, 7, 129, 130, 143],
  releases: [0, 1, 2, 3, 4, 7, 129, 130, 143],
  rollback: [0, 1, 2, 3, 4, 5, 6, 7, 129, 130, 143],
  up: [0, 1, 2, 3, 4, 5, 6, 7, 8, 129, 130, 143],
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

  test('every help fits 80 columns: wrapped lines indented, examples continued with \\, defaults as [default: …]', async () => {
    const helps = await Promise.all([[], ...COMMANDS.map((c) => [c])].map((c) => cli([...c, '--help'])))
    for (const r of helps) {
      assert.equal(r.code, 0, describeRun(r))
      const lines = r.stdout.split('\n')
      const where = (i: number) => `${r.stdout.slice(0, 60)}…, line ${i + 1}: ${lines[i]}`
      let section = ''
      lines.forEach((line, i) => {
        assert.ok([...line].length <= 80, `wider than 80: ${where(i)}`)
        if (/^[A-Z][A-Z ]+$/.test(line)) section = line
        if (section === 'EXAMPLES' && line !== section && line.trim()) {
          // A command (`$ …`, under its description when it has one), its continuation after ` \`, or a description.
          const continued = lines[i - 1]?.endsWith(' \\')
          if (continued) assert.match(line, /^ {6,8}\S/, `an example continues 4 deeper: ${where(i)}`)
          else if (!/^ {2}(?: {2})?\$ \S/.test(line)) {
            assert.match(line, /^ {2}\S/, `a description: ${where(i)}`)
            assert.doesNotMatch(line, /^ {2}(?:[A-Z_]+=\S* )*azdeploy /, `a command without its $: ${where(i)}`)
          }
        }
        if (section === 'EXIT CODES' && line !== section && line.trim()) {
          assert.match(
            line,
            /^ {2}(\d+) +\S|^ {5,7}\S/,
            `an exit code row, or its meaning continued under itself: ${where(i)}`,
          )
        }
        if (/^(FLAGS|[A-Z]+ FLAGS|ARGUMENTS)$/.test(section)) {
          assert.doesNotMatch(
            line,
            /\(default|default:(?<!\[default:)|\[defaults?\b(?!:)/i,
            `a default is [default: …]: ${where(i)}`,
          )
        }
      })
    }
  })

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

describe('shell completion', () => {
  /** Loads the script into a fresh bash and completes the words (the last one is being typed). */
  function complete(script: string, words: string[]): string[] {
    const dir = tempDir('complete')
    try {
      const file = join(dir, 'azdeploy.bash')
      writeFileSync(file, script)
      const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"
        complete -p azdeploy; _azdeploy_complete; printf '%s\\n' "\${COMPREPLY[@]}"`
      const out = execFileSync('bash', ['--norc', '--noprofile', '-c', program, 'bash', file, ...words], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const [registered, ...offered] = out.split('\n')
      assert.equal(registered, 'complete -o default -F _azdeploy_complete azdeploy', 'installed for azdeploy')
      return offered.filter(Boolean)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }
  const flagsOfHelp = (help: string) => [...help.matchAll(/^ {2}(?:-\w, | {4})(--[\w-]+)/gm)].map((m) => m[1]!)

  test('bash: names every command, completes `st` to status, the flags of up, and files after a path flag', async () => {
    const r = await cli(['autocomplete', 'bash'])
    assert.equal(r.code, 0, describeRun(r))
    assert.equal(r.stderr, '')
    assert.deepEqual(complete(r.stdout, ['azdeploy', 'st']), ['status'])
    assert.deepEqual(
      complete(r.stdout, ['azdeploy', '']).filter((w) => !w.startsWith('-')),
      COMMANDS,
    )
    assert.deepEqual(complete(r.stdout, ['azdeploy', 'help', 'ro']), ['rollback'])
    const up = await cli(['up', '--help'])
    const expected = flagsOfHelp(up.stdout)
    assert.ok(expected.includes('--image') && expected.includes('--no-rollback') && expected.length > 20)
    const offered = complete(r.stdout, ['azdeploy', 'up', '--'])
    for (const f of expected) assert.ok(offered.includes(f), `up ${f} is completed`)
    assert.deepEqual(complete(r.stdout, ['azdeploy', 'up', '--no-w']), ['--no-wait'])
    assert.deepEqual(complete(r.stdout, ['azdeploy', 'up', '-g']), ['-g'], 'short flags too')
    // After --config the word is a value: no flags offered, bash falls back to files (complete -o default).
    assert.deepEqual(complete(r.stdout, ['azdeploy', 'up', '--config', '--']), [])
  })

  test('zsh and fish scripts; an unknown shell is UNKNOWN_SHELL naming it (exit 2)', async () => {
    const zsh = await cli(['autocomplete', 'zsh'])
    assert.equal(zsh.code, 0, describeRun(zsh))
    assert.match(zsh.stdout, /bashcompinit[\s\S]*complete -o default -F _azdeploy_complete azdeploy/)
    const fish = await cli(['autocomplete', 'fish'])
    assert.match(fish.stdout, /^complete -c azdeploy -n '__fish_use_subcommand' -a status -d /m)
    assert.match(fish.stdout, /^complete -c azdeploy -n '__fish_seen_subcommand_from up' -l image -r -F/m)
    const bad = await cli(['autocomplete', 'tcsh'])
    assertError(bad, 'UNKNOWN_SHELL', {json: false, hint: /autocomplete bash/})
    assert.match(bad.stderr, /'tcsh'/)
  })
})
