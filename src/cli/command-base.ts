import type {AppIO} from '../app/io.js'
import {AzdeployError, ExitCode, InterruptedError, SIGNAL_EXIT_CODES} from '../core/errors.js'
import {readKnobs} from '../core/knobs.js'
import type {Redactor} from '../core/redact.js'
import {createReporter, type Reporter} from '../output/reporter.js'
import type {ExitCleanup} from '../ports/cleanup.js'
import {Command, Errors, Flags, type Interfaces} from './oclif.js'
import {ask} from './prompt.js'
import {asAzdeployError, renderError, renderStack, runRedactor, wantsVerbose} from './render.js'
import {
  exitCleanup,
  type HandledSignal,
  runExitCleanup,
  SIGNAL_EXIT,
  type SignalWatch,
  watchSignals,
} from './signals.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof AzdeployCommand)['baseFlags'] & T['flags']
>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Exit codes every command that does work can return: done, a bug, bad flags, and the signals. */
export const COMMON_EXIT_CODES: readonly number[] = [ExitCode.Ok, ExitCode.Unexpected, ExitCode.InvalidInput]
export const withSignals = (...codes: number[]): number[] => [...COMMON_EXIT_CODES, ...codes, ...SIGNAL_EXIT_CODES]

const SIGNAL_WORDS: Record<HandledSignal, string> = {
  SIGINT: 'Interrupted',
  SIGTERM: 'Terminated (SIGTERM)',
  SIGHUP: 'Hung up (SIGHUP)',
}

/**
 * Shared flags, the reporter (human, CI or JSON, chosen once here), signal handling and error rendering.
 * Commands stay thin: parse → one service call → return the result (which is the --json document).
 */
export abstract class AzdeployCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true
  /** The exit codes this command can return; its --help lists them (cli/help.ts). */
  static exitCodes: readonly number[] = COMMON_EXIT_CODES

  static override baseFlags = {
    verbose: Flags.boolean({
      summary: 'Print a redacted HTTP trace and stack traces of unexpected errors.',
      helpGroup: 'GLOBAL',
    }),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  protected reporter!: Reporter
  /** The run's secret set: every write (reporter lines, the result, the --json document, the error) goes through it. */
  protected readonly redactor: Redactor = runRedactor(process.env)
  /** Aborted by the first SIGINT (Ctrl-C), SIGTERM or SIGHUP; services pass it to pollers and SDK calls. */
  protected readonly abort = new AbortController()
  /** Synchronous steps to run when the process must exit at once (a second signal); see cli/signals.ts. */
  protected readonly exitCleanup: ExitCleanup = exitCleanup
  #signals?: SignalWatch

  public override async init(): Promise<void> {
    // Watch signals first: a Ctrl-C during start-up is still a clean interrupt.
    this.#signals = watchSignals(
      (sig) => this.abort.abort(new InterruptedError(SIGNAL_WORDS[sig], undefined, SIGNAL_EXIT[sig])),
      (sig, first) => this.exitNow(sig, first),
    )
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
      redactor: this.redactor,
    })
    readKnobs(process.env) // a bad AZDEPLOY_*_MS value stops here, before any file, network or Azure call
  }

  /** A second signal: no more waiting. Runs the registered cleanup synchronously, says what it did, exits. */
  private exitNow(sig: HandledSignal, first: HandledSignal): never {
    const cleaned = runExitCleanup()
    if (process.stderr.isTTY) process.stderr.write('\r\u001b[2K')
    const again = sig === first ? `${SIGNAL_WORDS[sig]} again` : `${SIGNAL_WORDS[first]}, then ${sig}`
    const what = cleaned.length ? `; ${cleaned.join('; ')}` : ''
    const error = new InterruptedError(`${again}: stopped at once${what}`, this.interruptHint(), SIGNAL_EXIT[sig])
    renderError(error, this.jsonEnabled(), process, this.redactor)
    process.exit(error.exitCode)
  }

  /** The hint of an interrupt: what may still be going on. */
  protected interruptHint(): string {
    return (
      this.localHint() ??
      'Azure may still be finishing the last request; run `azdeploy status` to see where the app stands'
    )
  }

  private localHint(): string | undefined {
    return (this.flags as {local?: boolean} | undefined)?.local
      ? 'Nothing in Azure was touched (a local run)'
      : undefined
  }

  /** A question on the terminal: the answer, or undefined for Ctrl-D / end of input. Ctrl-C interrupts. */
  protected ask(question: string): Promise<string | undefined> {
    return ask(question, {signal: this.abort.signal, onCtrlC: () => this.#signals?.raise('SIGINT')})
  }

  /** Consent for a change the user did not spell out: --yes, else a y/N prompt in a terminal, else no. */
  protected async confirm(question: string, yes: boolean | undefined): Promise<boolean> {
    if (yes) return true
    if (!process.stdin.isTTY || !process.stderr.isTTY || this.jsonEnabled()) return false
    return /^y(es)?$/i.test((await this.ask(`${question} [y/N]`))?.trim() ?? '')
  }

  /** What the composition root needs from the process: working directory, environment, Ctrl-C, output, prompts. */
  protected io(): AppIO {
    return {
      cwd: process.cwd(),
      env: process.env,
      signal: this.abort.signal,
      reporter: this.reporter,
      cleanup: this.exitCleanup,
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY) && !this.jsonEnabled(),
      confirm: (q, yes) => this.confirm(q, yes),
      ask: async (q) => (process.stdin.isTTY && process.stderr.isTTY && !this.jsonEnabled() ? this.ask(q) : null),
    }
  }

  /** The --json document (oclif's, and a command's own): every string scrubbed by the run's redactor. */
  public override logJson(json: unknown): void {
    super.logJson(this.redactor.json(json))
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.#signals?.stop()
    if (this.reporter?.mode === 'human' && !this.abort.signal.aborted) await this.updateNotice()
    await super.finally(err)
  }

  /** In a terminal only: a newer release an earlier run found, and the day's look-up in a detached child. */
  private async updateNotice(): Promise<void> {
    const {afterCommand} = await import('../app/update-notice.js')
    const n = this.config.name
    const notice = afterCommand({
      name: n,
      version: this.config.version,
      mode: this.reporter.mode,
      env: process.env,
      now: Date.now(),
    })
    if (notice) this.reporter.info(notice)
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    if (err instanceof Errors.ExitError) throw err
    const verbose = wantsVerbose(this.argv)
    const error = this.interrupted(err) ?? asAzdeployError(err, {id: this.id, verbose})
    renderError(error, this.jsonEnabled(), process, this.redactor)
    if (verbose) renderStack(err, process, this.redactor)
    // After the text, so stderr still begins with `Error (CODE):`; the runner reads the annotation anywhere.
    this.reporter?.annotateError(error.hint ? `${error.message}\nTry: ${error.hint}` : error.message, error.code)
    throw new Errors.ExitError(error.exitCode)
  }

  /** After a signal: the error to show, with the signal's exit code; undefined when the error is not about it. */
  private interrupted(err: Error): AzdeployError | undefined {
    const sig = this.#signals?.received
    if (!sig || !this.abort.signal.aborted) return undefined
    const code = SIGNAL_EXIT[sig]
    // A service said what it stopped (e.g. "the local container … was removed"): keep its words.
    if (err instanceof InterruptedError && err !== this.abort.signal.reason) {
      return new InterruptedError(err.message, err.hint ?? this.localHint(), code)
    }
    if (err instanceof AzdeployError && !(err instanceof InterruptedError)) return undefined
    // Whatever was in flight was stopped by the signal: stopping watching does not stop Azure.
    const during = this.reporter?.current ? ` during '${this.reporter.current}'` : ''
    return new InterruptedError(`${SIGNAL_WORDS[sig]}${during}`, this.interruptHint(), code)
  }
}
