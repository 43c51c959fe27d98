/**
 * Help, rendered by the bundled oclif's Help class (the same copy of @oclif/core that runs the commands), plus
 * each command's own EXIT CODES section, built from the `exitCodes` it declares.
 */
import {shown} from '../core/display.js'
import {EXIT_CODE_TABLE, InputError} from '../core/errors.js'
import {fitHelp} from './help-layout.js'
import {Help, type Interfaces} from './oclif.js'
import {suggestCommand} from './suggest.js'

type Config = Interfaces.Config
type Loadable = Parameters<Help['showCommandHelp']>[0]

/** The rows of the EXIT CODES section for these codes, in the table's order and words. */
export function exitCodeRows(codes: readonly number[]): Array<[string, string]> {
  return EXIT_CODE_TABLE.filter(([c]) => codes.includes(c)).map(([c, m]) => [String(c), m])
}

class AzdeployHelp extends Help {
  protected override log(...args: string[]): void {
    super.log(...args.map((a) => fitHelp(a, this.opts.maxWidth, this.config.bin)))
  }

  protected override formatCommand(command: Loadable): string {
    const codes = (command as {exitCodes?: number[]}).exitCodes
    const text = super.formatCommand(command)
    // oclif's own list layout: a meaning longer than the terminal wraps under itself, like a flag's summary.
    return codes?.length ? `${text}\n\n${this.section('EXIT CODES', exitCodeRows(codes))}` : text
  }
}

/** The error for a word that is not a command, with the nearest command id as the hint. */
export function commandNotFound(typed: string, config: Config): InputError {
  if (typed.startsWith('-')) {
    return new InputError(
      'COMMAND_NOT_FOUND',
      `No command before ${shown(typed)}: azdeploy takes the command first, then its flags`,
      'See `azdeploy --help` for the commands',
    )
  }
  const ids = config.commands.filter((c) => !c.hidden).map((c) => c.id)
  const near = suggestCommand(typed, ids)
  return new InputError(
    'COMMAND_NOT_FOUND',
    `'${shown(typed)}' is not an azdeploy command`,
    near ? `did you mean \`${near}\`? (\`azdeploy ${near} --help\`)` : 'See `azdeploy --help` for the commands',
  )
}

/**
 * The command help is asked for: the first word before `--`, or the second after a leading `help` (`help up`);
 * `help -h` is the help of `help`.
 */
function subjectOf(argv: readonly string[], helpFlags: readonly string[]): string | undefined {
  const end = argv.indexOf('--')
  const own = end < 0 ? argv : argv.slice(0, end)
  const words = own.filter((a) => !a.startsWith('-'))
  const flagged = own.some((a) => helpFlags.includes(a))
  return words[0] === 'help' && (words.length > 1 || !flagged) ? words[1] : words[0]
}

export const helpFlags = (config: Config): string[] => [
  '--help',
  ...((config.pjson.oclif as {additionalHelpFlags?: string[]}).additionalHelpFlags ?? []),
]

/** Shows root or command help; an unknown subject is COMMAND_NOT_FOUND (exit 2) with a suggestion. */
export async function showHelp(config: Config, argv: readonly string[]): Promise<void> {
  const subject = subjectOf(argv, helpFlags(config))
  const help = new AzdeployHelp(config, config.pjson.oclif.helpOptions)
  if (subject === undefined) return help.showHelp([])
  const command = config.findCommand(subject)
  if (command) return help.showCommandHelp(command)
  if (config.findTopic(subject)) return help.showHelp([subject])
  throw commandNotFound(subject, config)
}
