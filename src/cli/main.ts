/**
 * The entry of bin/run.js: loads the oclif config and dispatches. Help (`help X`, `X --help`, `X -h`, no command),
 * the version (`version`, `--version`, `-v`), an unknown command (COMMAND_NOT_FOUND with a suggestion) and every
 * error that no command rendered leave in the project's one format (cli/render.ts), also under --json.
 */
import {AzdeployError} from '../core/errors.js'
import {commandNotFound, helpFlags, showHelp} from './help.js'
import {Config, Errors, flush, type Interfaces} from './oclif.js'
import {asAzdeployError, ownArgs, renderError, renderStack, runRedactor, wantsJson, wantsVerbose} from './render.js'

const VERSION_WORDS = ['version', '--version', '-v']

export interface MainOptions {
  /** import.meta.url of the bin script. */
  dir: string
  argv?: string[]
  development?: boolean
}

export async function main(o: MainOptions): Promise<void> {
  const argv = o.argv ?? process.argv.slice(2)
  if (o.development) process.env['NODE_ENV'] = 'development'
  let config: Interfaces.Config | undefined
  try {
    config = await Config.load(o.dir)
    await dispatch(config, argv)
    await flush()
  } catch (err) {
    process.exit(await fail(err as Error, argv, config))
  }
}

async function dispatch(config: Interfaces.Config, argv: string[]): Promise<void> {
  const [first, ...rest] = argv
  if (first === undefined) return showHelp(config, [])
  const own = ownArgs(argv)
  if (first === 'help' || own.some((a) => helpFlags(config).includes(a))) return showHelp(config, argv)
  if (VERSION_WORDS.includes(first)) return void (await config.runCommand('version', rest))
  const command = config.findCommand(first)
  if (!command) throw commandNotFound(first, config)
  await config.runCommand(first, rest, command)
}

/** Renders what no command rendered; returns the exit code. */
async function fail(
  err: Error & {oclif?: {exit?: number}},
  argv: string[],
  config: Interfaces.Config | undefined,
): Promise<number> {
  // A command already rendered its error and threw oclif's ExitError with the code.
  if (err instanceof Errors.ExitError) return err.oclif.exit ?? 1
  const first = argv[0]
  const id = first && config?.findCommand(first) ? first : undefined
  const verbose = wantsVerbose(argv)
  const error = asAzdeployError(err, {id, verbose})
  const redactor = runRedactor(process.env)
  renderError(error, wantsJson(argv), process, redactor)
  if (verbose && !(err instanceof AzdeployError)) renderStack(err, process, redactor)
  await flush().catch(() => {})
  return error.exitCode
}
