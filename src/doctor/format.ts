/** Human rendering of doctor findings, grouped by severity. Pure: returns a string (colours only when asked). */
import type {Finding, Severity} from './types.js'

const TITLES: Record<Severity, string> = {error: 'Errors', warning: 'Warnings', info: 'Notes'}
/** SGR colours: red errors, yellow warnings, dim notes. */
const COLORS: Record<Severity, string> = {error: '31', warning: '33', info: '2'}

/**
 * Colours only for a person at a terminal: human mode (a TTY on stderr, not CI), stdout a TTY too, NO_COLOR unset
 * (https://no-color.org: any non-empty value) and TERM not `dumb`. --json and CI output stay plain.
 */
export function useColor(o: {
  mode: 'human' | 'ci' | 'json'
  stdoutIsTTY: boolean
  env: Record<string, string | undefined>
}): boolean {
  return o.mode === 'human' && o.stdoutIsTTY && !o.env['NO_COLOR'] && o.env['TERM'] !== 'dumb'
}

/** `2 errors, 1 warning, 3 notes` (or `no findings`). */
export function summarize(findings: Finding[]): string {
  const n = (s: Severity) => findings.filter((f) => f.severity === s).length
  const part = (count: number, one: string, many: string) =>
    count === 0 ? undefined : `${count} ${count === 1 ? one : many}`
  const parts = [
    part(n('error'), 'error', 'errors'),
    part(n('warning'), 'warning', 'warnings'),
    part(n('info'), 'note', 'notes'),
  ].filter(Boolean)
  return parts.length === 0 ? 'no findings' : parts.join(', ')
}

/**
 * Renders findings as text:
 *
 *   Errors (1)
 *     Dockerfile:12  listen/loopback
 *       uvicorn listens on 127.0.0.1 …
 *       fix: Pass the host explicitly …
 */
export function formatFindings(findings: Finding[], opts: {file?: string; color?: boolean} = {}): string {
  const file = opts.file ?? 'Dockerfile'
  const paint = (sev: Severity, s: string, bold = false) =>
    opts.color ? `\u001b[${bold ? '1;' : ''}${COLORS[sev]}m${s}\u001b[0m` : s
  if (findings.length === 0) return `${file}: no findings.\n`
  const lines: string[] = []
  for (const sev of ['error', 'warning', 'info'] as const) {
    const group = findings.filter((f) => f.severity === sev)
    if (group.length === 0) continue
    if (lines.length > 0) lines.push('')
    lines.push(paint(sev, `${TITLES[sev]} (${group.length})`, true))
    for (const f of group) {
      lines.push(`  ${f.line !== undefined ? `${file}:${f.line}` : file}  ${paint(sev, f.rule)}`)
      lines.push(`    ${f.message}`)
      lines.push(`    fix: ${f.fix}`)
    }
  }
  lines.push('', `${summarize(findings)}.`)
  return `${lines.join('\n')}\n`
}
