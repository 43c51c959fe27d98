/** The reporter's mode: --json, else CI lines when CI is set or stderr is no terminal, else human. */
export function chooseMode(o: {
  json: boolean
  env: Record<string, string | undefined>
  stderr: {isTTY?: boolean | undefined}
}): 'human' | 'ci' | 'json' {
  if (o.json) return 'json'
  const ci = o.env['CI'] !== undefined && o.env['CI'] !== '' && o.env['CI'] !== 'false'
  if (ci || !o.stderr.isTTY) return 'ci'
  return 'human'
}

/**
 * Whether output may be coloured: only for a person at a terminal (the reporter's human mode: stderr a TTY, no CI,
 * no --json), NO_COLOR unset (https://no-color.org: any non-empty value) and TERM not `dumb`.
 */
export function colorAllowed(mode: 'human' | 'ci' | 'json', env: Record<string, string | undefined>): boolean {
  return mode === 'human' && !env['NO_COLOR'] && env['TERM'] !== 'dumb'
}

/** Wraps `s` in an SGR colour (`31` red, `33` yellow, `2` dim, `1;31` bold red) when `on`. */
export const sgr = (on: boolean, code: string, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s)
