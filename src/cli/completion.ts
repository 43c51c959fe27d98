/**
 * Shell completion scripts, generated from the oclif manifest (the commands and flags the CLI already knows, no
 * command module is loaded). The scripts are static: completing a word never starts node.
 * bash: a `complete -F` function; zsh: the same function through zsh's bashcompinit; fish: `complete -c` lines.
 */

export interface CompletionFlag {
  name: string
  char?: string | undefined
  /** Takes a value (an option flag), so the next word is the value: files then, or `options` when given. */
  takesValue: boolean
  options?: readonly string[] | undefined
  summary?: string | undefined
}

export interface CompletionCommand {
  id: string
  summary?: string | undefined
  flags: readonly CompletionFlag[]
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

/** A word that needs no quoting in any of the three shells (command ids, flag names, option values). */
const SAFE = /^[A-Za-z0-9][A-Za-z0-9._:/=+-]*$/
const safe = (w: string) => SAFE.test(w)

function words(commands: readonly CompletionCommand[]) {
  return commands
    .filter((c) => safe(c.id) && !c.id.includes(' '))
    .map((c) => ({
      ...c,
      flags: c.flags.filter((f) => safe(f.name) && (f.char === undefined || safe(f.char))),
    }))
}

export function completionScript(shell: Shell, bin: string, commands: readonly CompletionCommand[]): string {
  if (!safe(bin)) throw new Error(`not a completable command name: ${bin}`)
  if (shell === 'fish') return fishScript(bin, words(commands))
  const body = bashFunction(bin, words(commands))
  if (shell === 'bash') return `# ${bin} completion for bash. Load it with: eval "$(${bin} autocomplete bash)"\n${body}`
  return `# ${bin} completion for zsh. Load it with: eval "$(${bin} autocomplete zsh)"
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${body}`
}

function bashFunction(bin: string, commands: ReturnType<typeof words>): string {
  const fn = `_${bin.replaceAll(/[^A-Za-z0-9]/g, '_')}_complete`
  const ids = commands.map((c) => c.id).join(' ')
  const flagWords = (f: CompletionFlag) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])]
  const flagCases = commands
    .filter((c) => c.id !== 'help')
    .map((c) => {
      const all = c.flags.flatMap(flagWords)
      return `    ${c.id}) flags="${[...all, '--help'].join(' ')}" ;;`
    })
  const valueCases = commands.flatMap((c) => {
    const valued = c.flags.filter((f) => f.takesValue)
    const choices = valued
      .filter((f) => (f.options ?? []).some(safe))
      .map((f) => {
        const names = flagWords(f).map((n) => `"${c.id} ${n}"`)
        const options = (f.options ?? []).filter(safe).join(' ')
        return `    ${names.join('|')}) COMPREPLY=($(compgen -W "${options}" -- "$cur")); return ;;`
      })
    const free = valued.filter((f) => !(f.options ?? []).some(safe)).flatMap(flagWords)
    return free.length ? [...choices, `    ${free.map((n) => `"${c.id} ${n}"`).join('|')}) return ;;`] : choices
  })
  return `${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" flags=""
  local commands="${ids}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  # The word after a flag that takes a value: its choices, else files (complete -o default).
  case "\${COMP_WORDS[1]} $prev" in
${valueCases.join('\n')}
  esac
  case "\${COMP_WORDS[1]}" in
    help) [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
${flagCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); fi
}
complete -o default -F ${fn} ${bin}
`
}

/** fish quotes: single quotes, with `\\` and `'` escaped; one line. */
const fishQuote = (s: string) => `'${s.replaceAll(/[\r\n\t]+/g, ' ').replaceAll(/[\\']/g, (c) => `\\${c}`)}'`

function fishScript(bin: string, commands: ReturnType<typeof words>): string {
  const lines = [
    `# ${bin} completion for fish. Install it with: ${bin} autocomplete fish > ~/.config/fish/completions/${bin}.fish`,
  ]
  lines.push(`complete -c ${bin} -f`)
  const ids = commands.map((c) => c.id).join(' ')
  for (const c of commands) {
    const desc = c.summary ? ` -d ${fishQuote(c.summary)}` : ''
    lines.push(`complete -c ${bin} -n '__fish_use_subcommand' -a ${c.id}${desc}`)
  }
  lines.push(`complete -c ${bin} -n '__fish_seen_subcommand_from help' -a '${ids}'`)
  for (const c of commands) {
    for (const f of c.flags) {
      const short = f.char ? ` -s ${f.char}` : ''
      const value = f.takesValue
        ? (f.options ?? []).filter(safe).length
          ? ` -x -a '${(f.options ?? []).filter(safe).join(' ')}'`
          : ' -r -F'
        : ''
      const desc = f.summary ? ` -d ${fishQuote(f.summary)}` : ''
      lines.push(`complete -c ${bin} -n '__fish_seen_subcommand_from ${c.id}' -l ${f.name}${short}${value}${desc}`)
    }
  }
  return `${lines.join('\n')}\n`
}
