import type {AppIO} from '../app/io.js'
import {AzdeployError, EXIT_CODE_TABLE, ExitCode, InterruptedError} from '../core/errors.js'
import {readKnobs} from '../core/knobs.js'
import {neutralizeCommands} from '../output/github.js'
import {redactText} from '../output/redact.js'
import {createReporter, type Reporter} from '../output/reporter.js'
import {Command, Errors, Flags, type Interfaces} from './oclif.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof AzdeployCommand)['baseFlags'] & T['flags']
>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Shown at the end of every command's --help. */
export const EXIT_CODES_HELP = `EXIT CODES\n${EXIT_CODE_TABLE.map(([c, m]) => `  ${String(c).padEnd(4)}${m}`).join('\n')}`

/**
 * Shared flags, the reporter (human, CI or JSON, chosen once here), Ctrl-C handling and error rendering.
 * Commands stay thin: parse → one service call → return the result (which is the --json document).
 */
export abstract class AzdeployCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    verbose: Flags.boolean({
      summary: 'Print a redacted HTTP trace and stack traces of unexpected errors.',
      helpGroup: 'GLOBAL',
    }),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  protected reporter!: Reporter
  /** Aborted on Ctrl-C; services pass it to pollers and SDK calls. */
  protected readonly abort = new AbortController()
  #onSigint?: () => void

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof AzdeployCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
    this.reporter = createReporter({
      json: this.jsonEnabled(),
      verbose: Boolean((flags as {verbose?: boolean}).verbose),
      env: process.env,
      stderr: process.stderr,
      stdout: process.stdout,
    })
    readKnobs(process.env) // a bad AZDEPLOY_*_MS value stops here, before any file, network or Azure call
    let interrupts = 0
    this.#onSigint = () => {
      interrupts++
      if (interrupts > 1) process.exit(ExitCode.Interrupted)
      this.abort.abort(new InterruptedError('Interrupted'))
    }
    process.on('SIGINT', this.#onSigint)
  }

  /** Consent for a change the user did not spell out: --yes, else a y/N prompt in a terminal, else no. */
  protected async confirm(question: string, yes: boolean | undefined): Promise<boolean> {
    if (yes) return true
    if (!process.stdin.isTTY || !process.stderr.isTTY || this.jsonEnabled()) return false
    const {createInterface} = await import('node:readline/promises')
    const rl = createInterface({input: process.stdin, output: process.stderr})
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
    } finally {
      rl.close()
    }
  }

  /** A line typed at a prompt in a terminal (null without one, or with --json). */
  protected async ask(question: string): Promise<string | null> {
    if (!process.stdin.isTTY || !process.stderr.isTTY || this.jsonEnabled()) return null
    const {createInterface} = await import('node:readline/promises')
    const rl = createInterface({input: process.stdin, output: process.stderr})
    try {
      return await rl.question(question, {signal: this.abort.signal})
    } finally {
      rl.close()
    }
  }

  /** What the composition root needs from the process: working directory, environment, Ctrl-C, output, prompts. */
  protected io(): AppIO {
    return {
      cwd: process.cwd(),
      env: process.env,
      signal: this.abort.signal,
      reporter: this.reporter,
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY) && !this.jsonEnabled(),
      confirm: (q, yes) => this.confirm(q, yes),
      ask: (q) => this.ask(q),
    }
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    if (this.#onSigint) process.off('SIGINT', this.#onSigint)
    await super.finally(err)
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    if (err instanceof Errors.ExitError) throw err
    const verbose = process.argv.includes('--verbose')
    let error: AzdeployError
    if (this.abort.signal.aborted && (!(err instanceof AzdeployError) || err instanceof InterruptedError)) {
      // Whatever was in flight was stopped by Ctrl-C: stopping watching does not stop Azure.
      error = new InterruptedError(
        `Interrupted${this.reporter?.current ? ` during '${this.reporter.current}'` : ''}`,
        'Azure may still be finishing the last request; run `azdeploy status` to see where the app stands',
      )
    } else if (err instanceof AzdeployError) {
      error = err
    } else if ((err as {parse?: unknown}).parse !== undefined || err.oclif?.exit === 2) {
      error = new AzdeployError(
        'INVALID_FLAGS',
        ExitCode.InvalidInput,
        redactText(flagErrorText(err.message)),
        `See \`azdeploy ${this.id ?? ''} --help\``,
      )
    } else {
      error = new AzdeployError(
        'UNEXPECTED',
        ExitCode.Unexpected,
        redactText(err.message || String(err)),
        verbose ? undefined : 'This is a bug in azdeploy: re-run with --verbose and report the output',
      )
    }
    if (this.jsonEnabled()) {
      process.stdout.write(`${JSON.stringify({error: error.toJSON()}, null, 2)}\n`)
    } else {
      const lines = [`Error (${error.code}): ${error.message}`]
      if (error.hint) lines.push(`Try: ${error.hint}`)
      const text = `${lines.join('\n')}\n`
      process.stderr.write(process.env['GITHUB_ACTIONS'] === 'true' ? neutralizeCommands(text) : text)
    }
    // After the text, so stderr still begins with `Error (CODE):`; the runner reads the annotation anywhere.
    this.reporter?.annotateError(error.hint ? `${error.message}\nTry: ${error.hint}` : error.message, error.code)
    if (verbose && !(err instanceof AzdeployError && err.cause === undefined)) {
      process.stderr.write(`${redactText(String((err.cause as Error | undefined)?.stack ?? err.stack ?? ''))}\n`)
    }
    throw new Errors.ExitError(error.exitCode)
  }
}

/** oclif's parse errors can span lines ("The following error occurred:", the errors, "See more help…"). */
function flagErrorText(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^The following errors? occurred:?$/i.test(l) && !/^See more help with/i.test(l))
  return lines.join('; ') || message
}
