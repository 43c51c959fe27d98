// The built CLI as a long-running child, for tests that signal it or talk to it while it runs: wait for a line on
// its output, send signals, then await its exit code (killed after `timeoutMs`, then the code is -1).
import {type ChildProcess, spawn} from 'node:child_process'
import {CLI_ENTRY} from './run-cli.js'

export interface RunningCli {
  child: ChildProcess
  readonly stdout: string
  readonly stderr: string
  /** Resolves once stdout + stderr match `re`; rejects when the CLI exits first. */
  waitFor(re: RegExp): Promise<void>
  /** The exit code, or -1 when it was killed by a signal (or the timeout). */
  readonly closed: Promise<number>
  kill(signal: NodeJS.Signals): void
}

/** Spawns `command args` (default: node <built CLI> args). */
export function startCli(
  args: string[],
  o: {env: Record<string, string>; cwd: string; timeoutMs?: number; command?: string[]},
): RunningCli {
  const [bin, ...pre] = o.command ?? [process.execPath, CLI_ENTRY]
  const child = spawn(bin!, [...pre, ...args], {cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  const waiting = new Set<() => void>()
  const check = () => {
    for (const w of [...waiting]) w()
  }
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c
    check()
  })
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c
    check()
  })
  child.stdin?.on('error', () => {})
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000)
  const closed = new Promise<number>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(code ?? -1)
    }),
  )
  return {
    child,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    waitFor: (re) =>
      new Promise<void>((resolve, reject) => {
        const w = () => {
          if (!re.test(stdout + stderr)) return
          waiting.delete(w)
          resolve()
        }
        waiting.add(w)
        w()
        void closed.then(() => {
          if (!waiting.has(w)) return
          waiting.delete(w)
          reject(new Error(`exited before printing ${re}:\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`))
        })
      }),
    closed,
    kill: (signal) => {
      child.kill(signal)
    },
  }
}

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`

/**
 * The built CLI on a pseudo-terminal (util-linux `script`), so its prompts are asked: write keys with
 * `child.stdin.write` ('\x03' is Ctrl-C, '\x04' Ctrl-D). stdout holds the terminal's output (stderr included).
 */
export function startCliOnTty(args: string[], o: {env: Record<string, string>; cwd: string}): RunningCli {
  const line = [process.execPath, CLI_ENTRY, ...args].map(shellQuote).join(' ')
  return startCli([], {...o, command: ['script', '-qfec', line, '/dev/null']})
}

/**
 * SIGINT and SIGTERM sent together reach the CLI's handlers in either order: the second one forces the exit, so
 * the exit code is the second's (130 or 143) and the message names both. Returns the message's `stopped at once…`.
 */
export function assertForcedExit(code: number, stderr: string): string {
  const m = /Error \(INTERRUPTED\): (Interrupted, then SIGTERM|Terminated \(SIGTERM\), then SIGINT): (.*)/.exec(stderr)
  if (!m) throw new Error(`no forced-exit error:\n${stderr}`)
  const expected = m[1]!.endsWith('SIGTERM') ? 143 : 130
  if (code !== expected) throw new Error(`exit ${code}, expected ${expected} after "${m[1]}":\n${stderr}`)
  return m[2]!
}
