/**
 * App Service platform log lines → events. Three families of platform lines exist and one log can mix them
 * (azure-reference §5.1), plus the container's own output when the caller merged it in:
 *   classic    `2020-02-27 20:26:50.967 INFO  - Pulling image: …`           space, no T/Z, a level
 *   docker     `2023-09-28T12:27:37.414Z INFO  - Container … initialized …` 3-digit fraction, padded level, ` - `
 *   platform   `2026-01-21T12:43:18.4886328Z Starting container: …`        7-digit fraction, no level, no pulls
 *   container  `2026-01-21T12:43:19.123456789Z Listening on …`             Docker's 9-digit stdout timestamps
 * Only the fraction length tells `platform` from `container`. Pure.
 */
import {parseTimestamp} from './log-lines.js'

export type LineFamily = 'classic' | 'docker' | 'platform' | 'container' | 'other'

export type EventKind =
  | 'pull'
  | 'pull-ok'
  | 'pull-failed'
  | 'pull-unauthorized'
  | 'pull-not-found'
  | 'pull-wrong-platform'
  | 'run'
  | 'start'
  | 'running'
  | 'ready'
  | 'ping-failed'
  | 'time-limit'
  | 'exited'
  | 'terminated'
  | 'site-stopped'
  | 'listen'
  | 'none'

export interface PlatformLine {
  /** Epoch ms; a line without a timestamp takes the previous line's (undefined at the very start). */
  at: number | undefined
  family: LineFamily
  /** The message after timestamp and level. */
  message: string
  /** The line as it was (trimmed at the end), for evidence. */
  raw: string
  event: EventKind
  /** Image reference of a pull or `docker run`. */
  image?: string
  /** `sha256:…` named on a pull or `docker run`. */
  digest?: string
  /** Container name (`api_0_5b07493a`, `e441855b391f_api`). */
  container?: string
  /** Port: pinged (ping failure), configured (`docker run`), or listened on (container output). */
  port?: number
  /** For `listen`: the address the app bound. */
  host?: string
}

const LEVEL = '(?:INFO|ERROR|WARN|WARNING|DEBUG|TRACE|FATAL|CRITICAL)'
const CLASSIC = new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\s+${LEVEL}\\s+-\\s+(.*)$`)
const DOCKER = new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z\\s+${LEVEL}\\s+-\\s+(.*)$`)
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d+))?Z\s?(.*)$/
const DIGEST = /@(sha256:[0-9a-f]{64})/i

export function familyOf(line: string): {family: LineFamily; message: string} {
  let m = CLASSIC.exec(line)
  if (m) return {family: 'classic', message: m[1]!}
  m = DOCKER.exec(line)
  if (m) return {family: 'docker', message: m[1]!}
  m = ISO.exec(line)
  if (m) return {family: m[1]?.length === 7 ? 'platform' : 'container', message: m[2]!}
  return {family: 'other', message: line}
}

type Rule = [EventKind, RegExp, (m: RegExpExecArray, e: PlatformLine) => void]
const none = () => {}

/** Platform messages, first match wins (the specific pull causes before the generic pull failure). */
const PLATFORM_RULES: Rule[] = [
  ['pull', /^Pulling image:\s*(\S+)/i, (m, e) => setImage(e, m[1]!)],
  ['pull-ok', /Pull Image successful/i, none],
  ['pull-unauthorized', /unauthorized|authentication required|denied: requested access|access (is )?denied/i, none],
  [
    'pull-not-found',
    /manifest unknown|manifest for \S+ not found|not found: manifest|repository does not exist|name unknown/i,
    none,
  ],
  [
    'pull-wrong-platform',
    /Unsupported image manifest|no matching manifest for linux\/amd64|exec format error|does not match the detected host platform/i,
    none,
  ],
  ['pull-failed', /Image pull failed|Pull Image failed|ImagePullFailure|Failed to pull image/i, none],
  ['run', /^docker run\b/i, (_m, e) => parseRun(e)],
  ['ready', /^Container (\S+) for site \S+ initialized successfully and is ready to serve requests/i, setName],
  [
    'ping-failed',
    /^Container (\S+) didn't respond to HTTP pings on port: (\d+)/i,
    (m, e) => {
      setName(m, e)
      e.port = Number(m[2])
    },
  ],
  ['time-limit', /did not start within expected time limit|Site startup probe failed after/i, none],
  ['exited', /^Container (\S+) for site \S+ has exited, failing site start/i, setName],
  ['terminated', /^Site container: (\S+?) terminated during site startup/i, setName],
  [
    'site-stopped',
    /^Stopping site \S+ because it failed during startup|^Failed to start site|^Site: \S+ stopped/i,
    none,
  ],
  ['start', /^Starting container:\s*(\S+?)\.?$/i, setName],
  ['start', /^Starting container for site/i, none],
  ['running', /^Container is running|^Container start method finished after/i, none],
]

/** The app saying where it listens: `Listening on http://127.0.0.1:3000`, `Now listening on: http://[::]:80`, … */
const LISTEN =
  /\b(?:listen(?:ing|s)?|running|started|serving|bound|server)\b[^\n]*?(?:(?:https?:\/\/)?(\[[^\]]+\]|\d{1,3}(?:\.\d{1,3}){3}|localhost|\*|\+|0\.0\.0\.0|::)\s*:\s*|\bport\s*[:=]?\s*)(\d{2,5})\b/i

function setName(m: RegExpExecArray, e: PlatformLine): void {
  if (m[1]) e.container = m[1]
}

function setImage(e: PlatformLine, ref: string): void {
  e.image = ref
  const d = DIGEST.exec(ref)
  if (d) e.digest = d[1]!.toLowerCase()
}

function parseRun(e: PlatformLine): void {
  const name = /--name\s+(\S+)/.exec(e.message)
  if (name) e.container = name[1]!
  const d = /(\S+@sha256:[0-9a-f]{64})/i.exec(e.message)
  if (d) setImage(e, d[1]!)
  const port = /-e\s+WEBSITES_PORT=(\d+)/.exec(e.message) ?? /--expose=(\d+)/.exec(e.message)
  const published = /-p\s+\d+:(\d+)/.exec(e.message)
  const p = port ?? published
  if (p) e.port = Number(p[1])
}

function classify(e: PlatformLine): void {
  if (e.family === 'container' || e.family === 'other') {
    if (/exec format error/i.test(e.message)) e.event = 'pull-wrong-platform'
    else {
      const l = LISTEN.exec(e.message)
      if (l) {
        e.event = 'listen'
        e.port = Number(l[2])
        if (l[1]) e.host = l[1].replace(/^\[|\]$/g, '')
      }
    }
    return
  }
  for (const [kind, re, fill] of PLATFORM_RULES) {
    const m = re.exec(e.message)
    if (m) {
      e.event = kind
      fill(m, e)
      return
    }
  }
}

/**
 * Lines of one or more logs → events in time order (stable: equal times keep their input order; a line without a
 * timestamp stays after the line it followed).
 */
export function parsePlatformLog(log: string | readonly string[]): PlatformLine[] {
  const raws = typeof log === 'string' ? log.split('\n') : log.flatMap((l) => l.split('\n'))
  const out: PlatformLine[] = []
  let last: number | undefined
  for (const r of raws) {
    const raw = r.replace(/\s+$/, '')
    if (raw.trim() === '') continue
    const ts = parseTimestamp(raw)
    if (ts) last = ts.at
    const {family, message} = familyOf(raw)
    const e: PlatformLine = {at: last, family, message: message.trim(), raw, event: 'none'}
    classify(e)
    out.push(e)
  }
  return out
    .map((e, i) => ({e, i}))
    .sort((a, b) => (a.e.at ?? Number.NEGATIVE_INFINITY) - (b.e.at ?? Number.NEGATIVE_INFINITY) || a.i - b.i)
    .map((x) => x.e)
}

export function isLoopback(host: string | undefined): boolean {
  return host !== undefined && /^(127\.\d+\.\d+\.\d+|localhost|::1)$/i.test(host)
}
