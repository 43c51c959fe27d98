/**
 * App Service Docker log lines: which file holds what, leading ISO timestamps, merging several files in time order,
 * `--since` durations and the printed forms. Pure: no I/O, no clock (callers pass `now`).
 *
 * File names (Kudu `/api/logs/docker`, under /home/LogFiles): `<yyyy_mm_dd>_<instance>_default_docker.log` holds
 * the container's stdout/stderr (source `app`), `<yyyy_mm_dd>_<instance>_docker.log` App Service's platform log
 * for that container (source `platform`). Any other `<date>_<instance>_<name>_docker.log` (a sidecar) keeps its name.
 */
import {shown} from './display.js'
import {InputError} from './errors.js'

export interface LogEntry {
  /** Epoch milliseconds; the sub-millisecond part of the timestamp is kept as a fraction, for ordering only. */
  at: number
  /** ISO 8601 UTC, millisecond precision. */
  time: string
  /** `app`, `platform`, or a sidecar's name. */
  source: string
  /** App Service instance (machine) name. */
  instance: string
  /** The line without its timestamp. */
  message: string
}

/** The `--json` form of one line (NDJSON in follow mode, an array otherwise). */
export interface LogLineJson {
  time: string
  source: string
  instance: string
  message: string
}

export interface LogFileKind {
  date: string
  instance: string
  source: string
}

const FILE = /^(\d{4}_\d{2}_\d{2})_([^_]+)_(?:(.+)_)?docker\.log$/i

/** Classifies a Docker log file by its name (a path or URL is reduced to its last segment); null if not one. */
export function classifyLogFile(nameOrPath: string): LogFileKind | null {
  const base = nameOrPath.split(/[/\\]/).pop() ?? ''
  const m = FILE.exec(base)
  if (!m) return null
  const extra = m[3]?.toLowerCase()
  const source = extra === undefined ? 'platform' : extra === 'default' ? 'app' : m[3]!
  return {date: m[1]!, instance: m[2]!, source}
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?(?:\s|$)/

/** The leading timestamp of a line (UTC when it has no zone, as App Service writes them) and the rest of it. */
export function parseTimestamp(line: string): {at: number; rest: string} | null {
  const m = STAMP.exec(line)
  if (!m) return null
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m
  let at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (Number.isNaN(at)) return null
  if (zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!
    const minutes = Number(z[2]) * 60 + Number(z[3])
    at -= (z[1] === '+' ? 1 : -1) * minutes * 60_000
  }
  const digits = frac.padEnd(3, '0')
  at += Number(digits.slice(0, 3)) + (digits.length > 3 ? Number(`0.${digits.slice(3)}`) : 0)
  return {at, rest: line.slice(m[0].length)}
}

/**
 * Splits a chunk of one log file into entries. A line without a timestamp (a stack trace, a wrapped message) takes
 * the time of the line before it, or `fallbackAt` at the start of the chunk. Empty lines are dropped.
 */
export function parseLogText(
  text: string,
  file: {source: string; instance: string},
  fallbackAt: number,
): {entries: LogEntry[]; lastAt: number} {
  const entries: LogEntry[] = []
  let last = fallbackAt
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line.trim() === '') continue
    const p = parseTimestamp(line)
    if (p) last = p.at
    entries.push({
      at: last,
      time: new Date(Math.floor(last)).toISOString(),
      source: file.source,
      instance: file.instance,
      message: p ? p.rest : line,
    })
  }
  return {entries, lastAt: last}
}

/**
 * Merges per-file entry lists (each in file order) into one list in time order. Ties keep the order of the lists;
 * each list keeps its own order even where its clock went backwards.
 */
export function mergeByTime(lists: ReadonlyArray<ReadonlyArray<LogEntry>>): LogEntry[] {
  const heads = lists.map(() => 0)
  const total = lists.reduce((n, l) => n + l.length, 0)
  const out: LogEntry[] = []
  while (out.length < total) {
    let best = -1
    let bestAt = Number.POSITIVE_INFINITY
    for (let i = 0; i < lists.length; i++) {
      const e = lists[i]![heads[i]!]
      if (e && (best < 0 || e.at < bestAt)) {
        best = i
        bestAt = e.at
      }
    }
    out.push(lists[best]![heads[best]!]!)
    heads[best]!++
  }
  return out
}

const UNITS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/** `90s`, `10m`, `2h`, `1d`, `1w` or combinations like `1h30m` → milliseconds. */
export function parseDuration(text: string, flag = '--since'): number {
  const t = text.trim().toLowerCase()
  const parts = [...t.matchAll(/(\d+)([smhdw])/g)]
  if (!t || parts.map((p) => p[0]).join('') !== t) {
    throw new InputError(
      'INVALID_DURATION',
      `${flag} "${shown(text)}" is not a duration`,
      `Use a number and a unit (s, m, h, d, w), e.g. ${flag} 10m, ${flag} 2h or ${flag} 1d`,
    )
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0)
  if (ms <= 0) throw new InputError('INVALID_DURATION', `${flag} "${shown(text)}" must be longer than zero`)
  return ms
}

/** Entries at or after `cutoff` (epoch ms). */
export function since(entries: ReadonlyArray<LogEntry>, cutoff: number | undefined): LogEntry[] {
  return cutoff === undefined ? [...entries] : entries.filter((e) => e.at >= cutoff)
}

/** Complete lines of a byte chunk: the text up to and including the last newline, and how many bytes that is. */
export function completeLines(chunk: Uint8Array): {text: string; bytes: number} {
  const nl = chunk.lastIndexOf(0x0a)
  if (nl < 0) return {text: '', bytes: 0}
  return {text: new TextDecoder().decode(chunk.subarray(0, nl + 1)), bytes: nl + 1}
}

/** `2026-11-28T10:00:00.123Z [app] message`, with the instance in the label when several instances log. */
export function formatEntry(e: LogEntry, showInstance: boolean): string {
  return `${e.time} [${e.source}${showInstance ? ` ${e.instance}` : ''}] ${e.message}`
}

export function toJson(e: LogEntry): LogLineJson {
  return {time: e.time, source: e.source, instance: e.instance, message: e.message}
}
