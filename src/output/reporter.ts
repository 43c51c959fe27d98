import {escapeControl} from '../core/display.js'
import type {Plan} from '../core/plan.js'
import {chooseMode, colorAllowed, sgr} from './color.js'
import {formatPlan} from './format-plan.js'
import {annotation, maskCommands, neutralizeCommands, workflowCommand} from './github.js'
import {Redactor} from './redact.js'
import {fitLine, waitEnded, waitSuffix} from './wait-line.js'

/** A stage that waits on something outside azdeploy (a container, the lock, a swap, a push). */
export interface StageOptions {
  /**
   * In a terminal the spinner shows the time waited against `limitMs` (when there is one) and "Ctrl-C to stop", and
   * the stage ends `✔ <name>: <done> after 14.2 s`. CI and JSON output are the same as any stage's.
   */
  wait?: {limitMs?: number; done: string}
}

/** A wait outside any stage (terminal only): `done` ends it with `✔ <text> after X s`, `stop` just clears it. */
export interface WaitLine {
  update(detail: string): void
  done(text: string): void
  stop(): void
}

/**
 * One reporter interface, three renderers: human (TTY: spinners on stderr), CI (plain timestamped lines on
 * stderr, GitHub Actions groups) and JSON (stderr quiet except warnings; stdout holds only the JSON document,
 * written by the command base). Services talk to this interface only.
 */
export interface Reporter {
  readonly mode: 'human' | 'ci' | 'json'
  /** Runs fn as a named stage, showing progress and its elapsed time. */
  stage<T>(name: string, fn: (update: (detail: string) => void) => Promise<T>, opts?: StageOptions): Promise<T>
  /**
   * A wait that is not a stage of its own (e.g. for the deploy lock): in a terminal a spinner line with the time
   * waited against `limitMs` and "Ctrl-C to stop"; nothing in CI or JSON (say what is awaited with `info`).
   */
  wait(label: string, o?: {limitMs?: number}): WaitLine
  info(message: string): void
  warn(message: string): void
  plan(plan: Plan): void
  /** A progress bar per item (e.g. an image layer) in a terminal; nothing elsewhere (stages report totals). */
  progress(key: string, label: string, done: number, total: number): void
  /** Debug trace, only with --verbose. Always redacted. */
  debug(message: string): void
  /** The final human summary on stdout (ignored in JSON mode: the command prints the document). */
  result(lines: string[]): void
  /**
   * A secret value the run now holds (registry password, a setting's value from the environment, a token): masked
   * in every later line, result and --json document of the run (the shared `Redactor`), and in GitHub Actions also
   * announced with `::add-mask::` before any later line, in every mode (JSON too).
   */
  mask(value: string): void
  /** The failure as a GitHub `::error::` annotation (GitHub Actions only; the command base prints the text). */
  annotateError(message: string, title?: string): void
  /** Elapsed milliseconds of each finished stage, in order. */
  readonly timings: Array<{stage: string; ms: number}>
  /** The stage running, or the one that failed (for Ctrl-C and error messages). */
  readonly current: string | undefined
}

export interface ReporterOptions {
  json: boolean
  verbose: boolean
  env: Record<string, string | undefined>
  stderr: NodeJS.WriteStream | {write(s: string): boolean; isTTY?: boolean; columns?: number}
  stdout: {write(s: string): boolean}
  now?: () => number
  /** The run's secret set (shared with the command's --json document and error text); a fresh one if absent. */
  redactor?: Redactor
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export function createReporter(o: ReporterOptions): Reporter {
  const mode = chooseMode(o)
  const now = o.now ?? (() => performance.now())
  const color = colorAllowed(mode, o.env)
  const paint = (code: string, s: string) => sgr(color, code, s)
  const inActions = o.env['GITHUB_ACTIONS'] === 'true'
  const github = mode === 'ci' && inActions
  const masked = new Set<string>()
  // Text from Azure inside a plain line must not start a line with `::` (the runner would run it as a command).
  const plain = (s: string) => (inActions ? neutralizeCommands(s) : s)
  // Messages quote Azure and container output: their control characters are shown, never obeyed (core/display.ts).
  const external = (s: string) => escapeControl(s, mode === 'human' ? 'tty' : 'plain')
  // Results (status, releases, doctor…) quote Azure too; only colour codes (SGR: no cursor, no clipboard) stay.
  const externalKeepingColour = (s: string) =>
    s
      .split(/(\u001b\[[0-9;]*m)/)
      .map((part, i) => (i % 2 ? part : external(part)))
      .join('')
  const redactor = o.redactor ?? new Redactor()
  const err = (s: string) => o.stderr.write(redactor.text(s))
  const stamp = () => new Date().toISOString()
  const timings: Array<{stage: string; ms: number}> = []
  let current: string | undefined

  const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`
  // Progress bars sit above the spinner line; each redraw moves up over the previous block.
  const bars = new Map<string, string>()
  let drawnBars = 0
  const drawBars = () => {
    let s = `\r\u001b[2K${drawnBars > 0 ? `\u001b[${drawnBars}A` : ''}`
    for (const line of bars.values()) s += `\u001b[2K${line}\n`
    drawnBars = bars.size
    err(s)
    draw()
  }

  // The one spinner line of a terminal: the innermost running stage or wait is drawn, every 80 ms.
  interface Spin {
    label: string
    detail: string
    start: number
    wait?: {limitMs?: number} | undefined
  }
  const spins: Spin[] = []
  let frame = 0
  let timer: NodeJS.Timeout | undefined
  const spinText = (sp: Spin) => {
    const tail = sp.wait ? waitSuffix(now() - sp.start, sp.wait.limitMs) : ''
    const columns = (o.stderr as {columns?: number}).columns
    return fitLine(sp.label, sp.detail, tail, columns ? columns - 2 : undefined)
  }
  const draw = () => {
    const top = spins.at(-1)
    if (top) err(`\r\u001b[2K${paint('36', FRAMES[frame++ % FRAMES.length]!)} ${spinText(top)}`)
  }
  const push = (sp: Spin) => {
    spins.push(sp)
    draw()
    if (!timer) {
      timer = setInterval(draw, 80)
      timer.unref()
    }
  }
  const pop = (sp: Spin) => {
    const i = spins.indexOf(sp)
    if (i >= 0) spins.splice(i, 1)
    if (spins.length === 0 && timer) {
      clearInterval(timer)
      timer = undefined
    }
  }
  /** A line of its own while the spinner runs: clear the spinner, write, draw it again below. */
  const above = (s: string) => {
    if (spins.length === 0) return err(s)
    drawnBars = 0 // the bars stay above this line; the next redraw starts below it
    const r = err(`\r\u001b[2K${s}`)
    draw()
    return r
  }
  const ended = (ok: boolean, name: string, ms: number, waitDone?: string) => {
    const mark = ok ? paint('32', '✔') : paint('31', '✘')
    const how = ok && waitDone ? `: ${waitEnded(waitDone, ms)}` : ` ${paint('2', `(${secs(ms)})`)}`
    err(`\r\u001b[2K${mark} ${name}${how}\n`)
  }

  return {
    mode,
    timings,
    get current() {
      return current
    },
    async stage(name, fn, opts) {
      const start = now()
      current = name
      const sp: Spin = {label: name, detail: '', start, wait: opts?.wait}
      if (mode === 'human') push(sp)
      else if (mode === 'ci') {
        err(github ? workflowCommand('group', name) : `${stamp()} ${name}…\n`)
      }
      const update = (d: string) => {
        sp.detail = d
        if (mode === 'ci') err(plain(`${stamp()}   ${name}: ${d}\n`))
        else if (mode === 'human' && spins.at(-1) === sp) draw()
      }
      try {
        const value = await fn(update)
        current = undefined
        const ms = now() - start
        timings.push({stage: name, ms})
        if (mode === 'human') {
          pop(sp)
          ended(true, name, ms, opts?.wait?.done)
        } else if (mode === 'ci') err(`${github ? '::endgroup::\n' : ''}${stamp()} ${name} done (${secs(ms)})\n`)
        return value
      } catch (error) {
        const ms = now() - start
        timings.push({stage: name, ms})
        if (mode === 'human') {
          pop(sp)
          ended(false, name, ms)
        } else if (mode === 'ci') err(`${github ? '::endgroup::\n' : ''}${stamp()} ${name} failed (${secs(ms)})\n`)
        throw error
      } finally {
        pop(sp)
        bars.clear()
        drawnBars = 0
      }
    },
    wait(label, w) {
      const sp: Spin = {
        label,
        detail: '',
        start: now(),
        wait: {...(w?.limitMs !== undefined ? {limitMs: w.limitMs} : {})},
      }
      if (mode !== 'human') return {update() {}, done() {}, stop() {}}
      let open = true
      push(sp)
      const close = () => {
        if (!open) return false
        open = false
        pop(sp)
        err(`\r\u001b[2K`)
        draw()
        return true
      }
      return {
        update(d) {
          sp.detail = d
          if (open && spins.at(-1) === sp) draw()
        },
        done(text) {
          const ms = now() - sp.start
          if (close()) above(`${paint('32', '✔')} ${waitEnded(text, ms)}\n`)
        },
        stop() {
          close()
        },
      }
    },
    info(text) {
      if (mode === 'json') return
      const message = external(text)
      if (mode === 'ci') err(plain(`${stamp()} ${message}\n`))
      else above(`${message}\n`)
    },
    warn(text) {
      const message = external(text)
      if (github) err(annotation('warning', message))
      else if (mode === 'ci') err(`${stamp()} warning: ${message}\n`)
      else above(`${paint('33', 'warning:')} ${message}\n`)
    },
    plan(plan) {
      if (mode === 'json') return
      err(plain(`${formatPlan(plan)}\n`))
    },
    progress(key, label, done, total) {
      if (mode !== 'human' || total <= 0) return
      const width = 24
      const filled = Math.min(width, Math.round((done / total) * width))
      const pct = Math.min(100, Math.floor((done / total) * 100))
      bars.set(
        key,
        `  ${label.padEnd(14)} ${paint('36', '█'.repeat(filled))}${'░'.repeat(width - filled)} ${String(pct).padStart(3)}%`,
      )
      drawBars()
    },
    mask(value) {
      redactor.add(value)
      if (!inActions || masked.has(value)) return
      masked.add(value)
      // Written as is: redacting the command itself would announce the wrong value.
      o.stderr.write(maskCommands(value))
    },
    annotateError(message, title) {
      if (inActions && mode !== 'human') err(annotation('error', message, title))
    },
    debug(message) {
      if (o.verbose) above(plain(`${mode === 'ci' ? `${stamp()} ` : ''}debug: ${message}\n`))
    },
    result(lines) {
      if (mode === 'json') return
      o.stdout.write(redactor.text(plain(externalKeepingColour(`${lines.join('\n')}\n`))))
    },
  }
}
