/**
 * The words of a wait in a terminal (pure): while it runs, elapsed time against its limit and how to stop it;
 * when it ends, what happened and after how long. CI and JSON output never use these (their lines are pinned).
 */

/** Whole seconds while waiting: `12 s`. */
const wholeSecs = (ms: number) => `${Math.max(0, Math.floor(ms / 1000))} s`

/** `(12 s of 230 s, Ctrl-C to stop)`, or `(12 s, Ctrl-C to stop)` for a wait without a limit. */
export function waitSuffix(elapsedMs: number, limitMs?: number): string {
  const limit = limitMs !== undefined && limitMs > 0 ? ` of ${wholeSecs(limitMs)}` : ''
  return `(${wholeSecs(elapsedMs)}${limit}, Ctrl-C to stop)`
}

/** `answered after 14.2 s`. */
export function waitEnded(what: string, elapsedMs: number): string {
  return `${what} after ${(Math.max(0, elapsedMs) / 1000).toFixed(1)} s`
}

/**
 * A spinner line that fits the terminal: a line wider than the terminal wraps, and the next redraw (which clears
 * only the cursor's line) would leave the wrapped part behind. The detail is cut first, then the whole line.
 */
export function fitLine(head: string, detail: string, tail: string, columns: number | undefined): string {
  const join = (d: string) => [head, d, tail].filter(Boolean).join(' ')
  const full = join(detail)
  if (!columns || columns <= 0 || [...full].length < columns) return full
  const room = columns - 1 - [...join('')].length - 2
  if (room >= 8) return join(`${[...detail].slice(0, room - 1).join('')}…`)
  return `${[...join('')].slice(0, Math.max(1, columns - 2)).join('')}…`
}
