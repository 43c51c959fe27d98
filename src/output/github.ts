/**
 * GitHub Actions as text: workflow commands (`::group::`, `::error::`, `::add-mask::`, …) escaped the way the runner
 * unescapes them, and the `name=value` / `name<<DELIMITER` records of the GITHUB_OUTPUT file. Pure: the caller
 * writes the text. The job summary's markdown lives in github-summary.ts.
 */

/** Message data of a workflow command: `%` first, then CR and LF (the runner reverses exactly these). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A property value (`title=…`, `file=…`): as data, plus `:` and `,`, which end a property. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * Plain text (which may hold text from Azure) made unable to start a workflow command: the runner reads any line
 * whose first non-blank characters are `::` as one, so such a `::` gets a zero-width space between its colons.
 */
export function neutralizeCommands(s: string): string {
  return s.replace(/(^|[\r\n])([ \t]*)::/g, '$1$2:\u200b:')
}

/** One workflow command line, e.g. `::error title=Deploy failed::message%0Asecond line`. */
export function workflowCommand(
  name: string,
  message: string,
  properties: Record<string, string | undefined> = {},
): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',')
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}\n`
}

/**
 * `::add-mask::` lines for a secret: the whole value and, for a multi-line one, each line (the runner masks per
 * line of output). Values shorter than 4 characters are not announced: masking `1` or `on` would garble every log
 * line without protecting anything.
 */
export function maskCommands(value: string): string {
  const parts = new Set([value, ...value.split(/\r?\n/)].map((v) => v.trim()).filter((v) => v.length >= 4))
  return [...parts].map((v) => workflowCommand('add-mask', v)).join('')
}

/** An error or warning annotation; the hint (a `Try:` line) goes into the same annotation. */
export function annotation(kind: 'error' | 'warning' | 'notice', message: string, title?: string): string {
  return workflowCommand(kind, message, {title})
}

const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/

/**
 * Step outputs in the GITHUB_OUTPUT file format: `name=value` for a one-line value, else
 * `name<<DELIMITER\nvalue\nDELIMITER` with a delimiter that occurs in no value. `delimiter()` returns a fresh
 * random token (the caller's randomness keeps this pure).
 */
export function outputRecords(outputs: Record<string, string>, delimiter: () => string): string {
  let text = ''
  for (const [name, value] of Object.entries(outputs)) {
    if (!OUTPUT_NAME.test(name)) throw new Error(`invalid output name ${JSON.stringify(name)}`)
    if (!/[\r\n]/.test(value)) {
      text += `${name}=${value}\n`
      continue
    }
    let d = delimiter()
    while (value.includes(d) || name.includes(d)) d = delimiter()
    text += `${name}<<${d}\n${value}\n${d}\n`
  }
  return text
}

/** Parses GITHUB_OUTPUT text the way the runner does (for tests and self-checks). */
export function parseOutputRecords(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1)
      if (end === -1) throw new Error(`unterminated output ${heredoc[1]}`)
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n')
      i = end
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) throw new Error(`malformed output line ${JSON.stringify(line)}`)
    out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}
