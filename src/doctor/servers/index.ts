/**
 * What the analyzer knows about the programs a start command runs: where they listen (flags, environment and
 * defaults), whether they are development servers, reload on change, build at start, daemonize, or write logs to
 * files. Each program is recognised by the name it is run by (also through `python -m`, `npx`, `poetry run` …).
 */
import {basename} from '../start.js'
import type {Proc} from '../types.js'
import {type Handler, logFlags, type Server, type ServerCtx} from './common.js'
import {compiled, goFlags} from './compiled.js'
import {node} from './node.js'
import {python} from './python.js'
import {ruby} from './ruby.js'
import {system} from './system.js'

export type {Kind, Server, ServerCtx} from './common.js'
export {optValues} from './common.js'

/** Resolves `python -m x`, `npx x`, `poetry run x` … to the program actually run. */
export function program(argv: string[]): {prog: string; args: string[]} {
  let words = argv
  for (let guard = 0; guard < 5; guard++) {
    const b = basename(words[0] ?? '')
    if (/^python[0-9.]*$/.test(b) || b === 'pypy3') {
      let i = 1
      while (i < words.length && words[i]!.startsWith('-') && words[i] !== '-m' && words[i] !== '-c') {
        if (words[i] === '-X' || words[i] === '-W') i++
        i++
      }
      if (words[i] === '-m') {
        words = [words[i + 1] ?? '', ...words.slice(i + 2)]
        continue
      }
      const script = words[i] ?? ''
      return {prog: basename(script) === 'manage.py' ? 'manage.py' : 'python', args: words.slice(i + 1)}
    }
    if (b === 'npx' || b === 'bunx' || b === 'pnpx') {
      let i = 1
      while (i < words.length && words[i]!.startsWith('-')) i++
      words = words.slice(i)
      continue
    }
    if (['poetry', 'pipenv', 'uv', 'pdm', 'hatch', 'rye'].includes(b) && words[1] === 'run') {
      let i = 2
      while (i < words.length && words[i]!.startsWith('-')) i++
      words = words.slice(i)
      continue
    }
    if ((b === 'bundle' && words[1] === 'exec') || (['pnpm', 'yarn', 'npm'].includes(b) && words[1] === 'exec')) {
      words = words.slice(2)
      continue
    }
    if (b === 'node' || b === 'nodejs') {
      const script = nodeScript(words)
      if (script && /(^|\/)next(\/dist\/bin\/next)?$/.test(script.path)) {
        words = ['next', ...words.slice(script.index + 1)]
        continue
      }
    }
    return {prog: b, args: words.slice(1)}
  }
  return {prog: basename(words[0] ?? ''), args: words.slice(1)}
}

function nodeScript(words: string[]): {path: string; index: number} | undefined {
  for (let i = 1; i < words.length; i++) {
    const a = words[i]!
    if (a === '-r' || a === '--require' || a === '--import' || a === '--loader') i++
    else if (!a.startsWith('-')) return {path: a, index: i}
  }
  return undefined
}

const ONESHOT = new Set(
  'while until if for done fi esac echo printf mkdir cp mv rm ln chmod chown touch cat sed awk envsubst export cd set true false test [ source . sleep id whoami wait ls find grep update-ca-certificates ldconfig rsync'.split(
    ' ',
  ),
)
const HANDLERS: Handler[] = [python, node, ruby, compiled, system]

function isKeepAliveSleep(args: string[]): boolean {
  const a = args[0] ?? ''
  return a === 'infinity' || a === 'inf' || (/^\d+$/.test(a) && Number(a) >= 3600)
}

/** Classifies one simple command of the start command. */
export function analyzeProc(p: Proc, ctx: ServerCtx): Server {
  const {prog, args} = program(p.argv)
  const env = (n: string) => p.assignments[n] ?? ctx.env(n)
  const s: Server = {name: prog, kind: 'app', listens: [], logFiles: []}
  if (!HANDLERS.some((h) => h(s, prog, args, env, ctx, p.argv))) {
    // An unknown program (the app's own binary): Go-style listen flags and generic log-file flags.
    goFlags(s, args)
    logFlags(s, args, ['--log-file', '--logfile', '--log-path', '-log_dir', '--log_dir'])
    if (ONESHOT.has(prog)) s.kind = prog === 'sleep' && isKeepAliveSleep(args) ? 'keepalive' : 'oneshot'
  }
  if (s.kind === 'app' && (s.listens.length > 0 || s.dev)) s.kind = 'server'
  return s
}
