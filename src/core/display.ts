/**
 * Text from outside azdeploy, made safe to show. Pure.
 *
 * - `shown(value)`: a user-given value echoed in an error message, cut to a readable length (with its length) and
 *   with its control characters made visible, so a 10 MB flag value or a name holding escape sequences still gives
 *   one readable line.
 * - `escapeControl(text, target)`: log lines, container output and Azure's words reach the terminal with their
 *   control characters made visible. A terminal obeys escape sequences (OSC 52 writes the clipboard, CSI moves the
 *   cursor and repaints, `\r` overwrites a line); the visible forms are the Unicode control pictures (`\x1b` → `␛`)
 *   and `\xNN` for C1 controls and DEL. The reporter's own colour codes are added after this, so they stay.
 */

/** How many characters of a user-given value an error message echoes. */
export const SHOWN_MAX = 80

/** C0 controls except \t and \n, DEL, C1 controls: what a terminal may act on. */
const TTY_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
/** Outside a terminal (CI logs, files): ESC and the C1 controls (0x9b is CSI, 0x9d OSC) start sequences. */
const PLAIN_CONTROLS = /[\u001b\u0080-\u009f]/g

function visible(c: string): string {
  const code = c.charCodeAt(0)
  if (code < 0x20) return String.fromCharCode(0x2400 + code) // ␀ … ␟ (␛ for ESC)
  return `\\x${code.toString(16)}` // DEL and C1: \x7f, \x9b, …
}

/**
 * Control characters of external text in a visible form. `tty`: every C0 control but tab and newline, DEL and C1;
 * `plain` (not a terminal): ESC and C1 only, which is what starts an escape sequence.
 */
export function escapeControl(text: string, target: 'tty' | 'plain' = 'tty'): string {
  return text.replace(target === 'tty' ? TTY_CONTROLS : PLAIN_CONTROLS, visible)
}

/** Control characters of a one-line value (tab and newline too) in a visible form. */
const escapeLine = (text: string) => text.replace(/[\t\n]/g, visible).replace(TTY_CONTROLS, visible)

/**
 * A user-given value as an error message echoes it: a list or mapping is shown as JSON, control characters
 * (newlines too) are made visible, and past `max` characters it is cut with `…` and its length, e.g.
 * `aaaaaaaa… (12000 characters)`. Cuts at a character, never inside a surrogate pair.
 */
export function shown(value: unknown, max = SHOWN_MAX): string {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'object' && value !== null
        ? (safeJson(value) ?? (Array.isArray(value) ? '[a list]' : '{a mapping}'))
        : String(value)
  if (text.length <= max) return escapeLine(text)
  const chars = Array.from(text)
  if (chars.length <= max) return escapeLine(text)
  return `${escapeLine(chars.slice(0, max).join(''))}… (${chars.length} characters)`
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined // a cycle, a BigInt, or nested too deeply
  }
}

/** A path as an error message echoes it: like `shown`, but a long one keeps its end (the file's name) too. */
export function shownPath(path: string, max = SHOWN_MAX): string {
  if (path.length <= max) return escapeLine(path)
  const chars = Array.from(path)
  if (chars.length <= max) return escapeLine(path)
  const tail = Math.ceil(max * 0.6)
  const head = chars.slice(0, max - tail).join('')
  return `${escapeLine(head)}…${escapeLine(chars.slice(-tail).join(''))} (${chars.length} characters)`
}
