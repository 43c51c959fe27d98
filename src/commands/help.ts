import {showHelp} from '../cli/help.js'
import {Args, Command} from '../cli/oclif.js'
import {ExitCode} from '../core/errors.js'

export default class HelpCommand extends Command {
  static override summary = 'Show help for azdeploy or one of its commands (same as COMMAND --help or -h).'
  static override strict = false
  static exitCodes = [ExitCode.Ok, ExitCode.InvalidInput]
  static override examples = ['<%= config.bin %> help up', '<%= config.bin %> up -h']
  static override args = {command: Args.string({description: 'Command to show help for.'})}

  async run(): Promise<void> {
    await showHelp(this.config, ['help', ...this.argv])
  }
}
