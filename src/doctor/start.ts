/**
 * The effective start command: ENTRYPOINT and CMD combined as Docker does, shell scripts split into simple commands,
 * and wrappers (exec, nohup, env, tini, dumb-init, gosu, sh -c …) peeled off so the rules see the real programs.
 */
import {parseShell, type Resolver} from './shell.js'
import type {Proc, StartCommand, Word} from './types.js'

export interface StartPart {
  form: 'exec' | 'shell'
  /** Exec form: the JSON strings. Shell form: the script as one word. */
  words: Word[]
  line?: number
  /** Starts with `[` but is not a JSON array of strings: Docker runs it as a shell command. */
  malformed?: boolean
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh'])

export function basename(p: string): string {
  const i = p.lastIndexOf('/')
  return i < 0 ? p : p.slice(i + 1)
}

/** Combines ENTRYPOINT and CMD the way Docker does; `shell` is the SHELL instruction (default /bin/sh -c). */
export function effectiveArgv(
  entrypoint: StartPart | undefined,
  cmd: StartPart | undefined,
  shell: string[] = ['/bin/sh', '-c'],
): Word[] {
  const wrap = (p: StartPart): Word[] =>
    p.form === 'exec' ? p.words : [...shell.map((text) => ({text, line: p.line})), ...p.words]
  if (entrypoint) {
    if (entrypoint.form === 'shell') return wrap(entrypoint)
    return [...entrypoint.words, ...(cmd ? wrap(cmd) : [])]
  }
  return cmd ? wrap(cmd) : []
}

/** Builds the start command model from the effective argv. */
export function buildStart(argv: Word[], resolve: Resolver, inherited = false): StartCommand {
  const procs: Proc[] = []
  collect(argv, resolve, procs, 0)
  const line = argv.find((w) => w.line !== undefined)?.line
  const out: StartCommand = {argv: argv.map((w) => w.text), procs}
  if (line !== undefined) out.line = line
  if (inherited) out.inherited = true
  return out
}

function collect(argv: Word[], resolve: Resolver, procs: Proc[], depth: number, background = false): void {
  const peeled = peel(argv.map((w) => w.text))
  const line = argv[peeled.skip]?.line ?? argv[0]?.line
  const rest = peeled.argv
  if (rest.length === 0) return
  const script = shellScript(rest)
  if (script !== undefined && depth < 4) {
    fromScript(script, line, resolve, procs, depth + 1, background)
    return
  }
  const proc: Proc = {
    argv: rest,
    background,
    nohup: peeled.nohup,
    assignments: peeled.assignments,
    redirects: [],
    execForm: true,
    text: rest.join(' '),
  }
  if (line !== undefined) proc.line = line
  procs.push(proc)
}

function fromScript(
  script: string,
  line: number | undefined,
  resolve: Resolver,
  procs: Proc[],
  depth: number,
  background: boolean,
): void {
  for (const c of parseShell(script, resolve)) {
    const peeled = peel(c.words)
    const rest = peeled.argv
    if (rest.length === 0) continue
    const bg = background || c.end === '&'
    const inner = shellScript(rest)
    if (inner !== undefined && depth < 4) {
      fromScript(inner, line, resolve, procs, depth + 1, bg)
      continue
    }
    const redirects: Proc['redirects'] = []
    for (const r of c.redirects) {
      if (!r.op.includes('>')) continue
      const fd = r.fd === '&' ? '&' : r.fd === '1' ? '1' : r.fd === '2' ? '2' : undefined
      if (fd) redirects.push({fd, target: r.target})
    }
    const proc: Proc = {
      argv: rest,
      background: bg,
      nohup: peeled.nohup,
      assignments: peeled.assignments,
      redirects,
      execForm: false,
      text: c.text,
    }
    if (line !== undefined) proc.line = line
    procs.push(proc)
  }
}

/** `sh -c SCRIPT` (also `-ec`, `-lc`, `bash -c`, `busybox sh -c`): the script, else undefined. */
function shellScript(words: string[]): string | undefined {
  const argv = basename(words[0] ?? '') === 'busybox' ? words.slice(1) : words
  if (!SHELLS.has(basename(argv[0] ?? ''))) return undefined
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!
    if (/^-[a-z]*c[a-z]*$/.test(a)) return argv[i + 1] ?? ''
    if (a === '-o' || a === '+o' || a === '-O' || a === '+O') i++
    if (!a.startsWith('-') && !a.startsWith('+')) return undefined
  }
  return undefined
}

const KEYWORDS = new Set(['exec', 'then', 'do', 'else', 'elif', '{', '}', '!', 'time', 'command', 'builtin'])

interface Peeled {
  argv: string[]
  skip: number
  nohup: boolean
  assignments: Record<string, string>
}

/** Removes leading assignments, shell keywords and process wrappers. */
export function peel(words: string[]): Peeled {
  let i = 0
  let nohup = false
  const assignments: Record<string, string> = {}
  const assign = (w: string): boolean => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w)
    if (!m) return false
    assignments[m[1]!] = m[2]!
    return true
  }
  for (let guard = 0; guard < 20 && i < words.length; guard++) {
    const w = words[i]!
    const b = basename(w)
    if (assign(w) || KEYWORDS.has(w)) {
      i++
    } else if (b === 'nohup') {
      nohup = true
      i++
    } else if (b === 'env') {
      i++
      while (i < words.length && (words[i]!.startsWith('-') || assign(words[i]!))) {
        if (words[i] === '-u' || words[i] === '-C') i++
        i++
      }
    } else if (b === 'tini' || b === 'tini-static' || b === 'catatonit') {
      i++
      while (i < words.length && words[i]!.startsWith('-')) {
        const f = words[i++]!
        if (f === '--') break
        if (f === '-p' || f === '-e') i++
      }
    } else if (b === 'dumb-init' || b === 'setsid' || b === 'chpst' || b === 'stdbuf') {
      i++
      while (i < words.length && words[i]!.startsWith('-')) i++
    } else if (b === 'gosu' || b === 'su-exec') {
      i += 2
    } else if (b === 'runuser' || b === 'sudo' || b === 's6-setuidgid') {
      i++
      while (i < words.length && words[i]!.startsWith('-')) {
        const f = words[i++]!
        if (f === '--') break
        if (f === '-u' || f === '-g') i++
      }
      if (b === 's6-setuidgid') i++
    } else if (/^wait-for(-it)?(\.sh)?$/.test(b) && words.includes('--', i)) {
      i = words.indexOf('--', i) + 1
    } else if (/(^|[-_])entrypoint(\.sh)?$/.test(b) && i + 1 < words.length && !words[i + 1]!.startsWith('-')) {
      // docker-entrypoint.sh style scripts end in `exec "$@"`: the rest is the command.
      i++
    } else if (b === 'ddtrace-run' || b === 'opentelemetry-instrument') {
      i++
    } else if (b === 'newrelic-admin' && words[i + 1] === 'run-program') {
      i += 2
    } else break
  }
  return {argv: words.slice(i), skip: i, nohup, assignments}
}
