/**
 * How every error leaves azdeploy, whoever raised it (a command, oclif's parser, an unknown command):
 * `Error (CODE): message` and `Try: hint` on stderr, and with --json also `{"error": {code, message, hint,
 * exitCode}}` as the one document on stdout.
 */

import {escapeControl, SHOWN_MAX, shown} from '../core/display.js'
import {AzdeployError, ExitCode} from '../core/errors.js'
import {SECRET_ENV} from '../core/secret.js'
import {chooseMode, colorAllowed, sgr} from '../output/color.js'
import {neutralizeCommands} from '../output/github.js'
import {Redactor, redactText} from '../output/redact.js'

/** A run's redactor, holding from the start the credentials the environment gives every command. */
export function runRedactor(env: Record<string, string | undefined>): Redactor {
  const redactor = new Redactor()
  for (const name of SECRET_ENV) redactor.add(env[name] ?? '')
  return redactor
}

export interface ErrorStreams {
  stdout: {write(s: string): unknown}
  stderr: {write(s: string): unknown; isTTY?: boolean}
}

/** Flags up to `--`: what the user gave to azdeploy itself. */
export function ownArgs(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--')
  return end < 0 ? argv : argv.slice(0, end)
}

export const wantsJson = (argv: readonly string[]) => ownArgs(argv).includes('--json')
export const wantsVerbose = (argv: readonly string[]) => ownArgs(argv).includes('--verbose')

/**
 * The error on stderr (and as the --json document), scrubbed by the run's redactor (patterns only without one). In a
 * terminal (human mode, colour allowed) the error line is red and `Try:` bold; CI and --json stay plain.
 */
export function renderError(
  error: AzdeployError,
  json: boolean,
  out: ErrorStreams = process,
  redactor: Redactor = new Redactor(),
  env: Record<string, string | undefined> = process.env,
): void {
  if (json) out.stdout.write(`${redactor.stringify({error: error.toJSON()}, 2)}\n`)
  const color = colorAllowed(chooseMode({json, env, stderr: {isTTY: out.stderr.isTTY === true}}), env)
  // Messages quote Azure's words, platform log lines and container output: no escape sequence reaches the terminal.
  // Redacted and escaped before it is painted, so a colour code never splits what the redactor looks for.
  const clean = (s: string) => escapeControl(redactor.text(s))
  const [first = '', ...more] = clean(`Error (${error.code}): ${error.message}`).split('\n')
  const lines = [sgr(color, '31', first), ...more]
  if (error.hint) lines.push(`${sgr(color, '1', 'Try:')} ${clean(error.hint)}`)
  const text = `${lines.join('\n')}\n`
  // In GitHub Actions, text from Azure must not be able to run a workflow command (a line starting with `::`).
  out.stderr.write(env['GITHUB_ACTIONS'] === 'true' ? neutralizeCommands(text) : text)
}

/** oclif's errors: its parser's (exit 2) become INVALID_FLAGS; anything else not ours is a bug. */
export function asAzdeployError(
  err: Error & {oclif?: {exit?: number}; parse?: unknown},
  o: {id?: string | undefined; verbose: boolean},
): AzdeployError {
  if (err instanceof AzdeployError) return err
  if (err.parse !== undefined || err.oclif?.exit === 2) {
    return new AzdeployError(
      'INVALID_FLAGS',
      ExitCode.InvalidInput,
      flagErrorText(redactText(err.message)),
      o.id ? `See \`azdeploy ${o.id} --help\`` : 'See `azdeploy --help`',
    )
  }
  return new AzdeployError(
    'UNEXPECTED',
    ExitCode.Unexpected,
    redactText(err.message || String(err)),
    o.verbose ? undefined : 'This is a bug in azdeploy: re-run with --verbose and report the output',
  )
}

/** With --verbose, the stack of an error that is not one of ours (or of what caused ours). */
export function renderStack(err: Error, out: ErrorStreams = process, redactor: Redactor = new Redactor()): void {
  if (err instanceof AzdeployError && err.cause === undefined) return
  out.stderr.write(`${redactor.text(String((err.cause as Error | undefined)?.stack ?? err.stack ?? ''))}\n`)
}

const LONG_WORD = new RegExp(`\\S{${SHOWN_MAX + 1},}`, 'g')

/** oclif's parse errors can span lines ("The following error occurred:", the errors, "See more help…"). */
function flagErrorText(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^The following errors? occurred:?$/i.test(l) && !/^See more help with/i.test(l))
    // oclif echoes the whole value ("Expected an integer but received: …"): a long one is cut.
    .map((l) =>
      shown(
        l.replace(LONG_WORD, (word) => shown(word)),
        4 * SHOWN_MAX,
      ),
    )
  return lines.join('; ') || shown(message)
}
