import {AzdeployCommand, COMMON_EXIT_CODES} from '../cli/command-base.js'
import {type CompletionCommand, completionScript, SHELLS, type Shell} from '../cli/completion.js'
import {Args} from '../cli/oclif.js'
import {InputError} from '../core/errors.js'

export default class Autocomplete extends AzdeployCommand<typeof Autocomplete> {
  static override summary = 'Print a shell completion script for bash, zsh or fish.'
  static override description =
    `The script completes commands, their flags, and files after a flag that takes a path. It is generated from the commands this azdeploy has: print it again after an upgrade.

bash:  eval "$(azdeploy autocomplete bash)"   (add that line to ~/.bashrc)
zsh:   eval "$(azdeploy autocomplete zsh)"    (add that line to ~/.zshrc)
fish:  azdeploy autocomplete fish > ~/.config/fish/completions/azdeploy.fish`

  static override exitCodes = COMMON_EXIT_CODES
  static override enableJsonFlag = false
  static override examples = [
    '<%= config.bin %> autocomplete',
    '<%= config.bin %> autocomplete bash > ~/.local/share/bash-completion/completions/<%= config.bin %>',
    '<%= config.bin %> autocomplete fish > ~/.config/fish/completions/<%= config.bin %>.fish',
  ]

  static override args = {
    shell: Args.string({description: 'bash, zsh or fish. [default: the name of $SHELL, else bash]'}),
  }

  async run(): Promise<void> {
    const isShell = (s: string): s is Shell => (SHELLS as readonly string[]).includes(s)
    const given = this.args.shell
    if (given !== undefined && !isShell(given)) {
      throw new InputError(
        'UNKNOWN_SHELL',
        `'${given}' is not a shell azdeploy completes: use bash, zsh or fish`,
        'Run `azdeploy autocomplete bash` (or zsh, fish)',
      )
    }
    const login = (process.env['SHELL'] ?? '').split('/').pop() ?? ''
    const chosen: Shell = given ?? (isShell(login) ? login : 'bash')
    const commands: CompletionCommand[] = this.config.commands
      .filter((c) => !c.hidden)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((c) => ({
        id: c.id,
        summary: c.summary,
        flags: Object.values(c.flags)
          .filter((f) => !f.hidden)
          .map((f) => ({
            name: f.name,
            char: f.char,
            takesValue: f.type === 'option',
            options: f.type === 'option' ? f.options : undefined,
            summary: f.summary,
          })),
      }))
    process.stdout.write(completionScript(chosen, this.config.bin, commands))
  }
}
