/**
 * `azdeploy logs`: the container's output and App Service's platform log for it, read from the SCM (Kudu) site's
 * current Docker log files and merged in time order; `--follow` polls the files from per-file offsets.
 *
 * - Container logging off (`httpLogs.fileSystem.enabled` false): after consent, file system logging is turned on
 *   with a 35 MB / 3 day retention (the portal's default quota, and a few days keep /home small; a retention the
 *   app already has is kept); output appears from the container's next start. Config on but no container output
 *   file yet: a notice, nothing written.
 * - Each file is read from where the last read stopped (`Range`); only complete lines are taken while following.
 *   The first read of a file takes at most its last 2 MiB.
 * - Following: the listing is polled too (new files appear on restarts and at midnight); the interval doubles while
 *   nothing is new, up to `maxPollMs` (≤ 2 s). Lost connections and 5xx reconnect with the same backoff, said once
 *   on stderr per outage. A poll's offsets are committed only when all its reads succeeded (no line twice).
 * - Ctrl-C (the abort signal) ends following normally.
 */

import {escapeControl} from '../core/display.js'
import {AzdeployError, InputError, RejectedError} from '../core/errors.js'
import {classifyLogFile, completeLines, type LogEntry, mergeByTime, parseLogText, since} from '../core/log-lines.js'
import {siteRef} from '../core/site-ref.js'
import type {Reporter} from '../output/reporter.js'
import type {AppServicePort, Clock, KuduLogFile, KuduPort, SiteLogsConfigPort} from '../ports/index.js'

export const LOG_RETENTION = {retentionInMb: 35, retentionInDays: 3} as const
const INITIAL_TAIL_BYTES = 2 * 1024 * 1024
const MAX_BACKOFF_MS = 2000

export interface LogsOptions {
  app: string
  resourceGroup: string
  /** `--since` in milliseconds. */
  sinceMs?: number
  /** Asks to turn container logging on: true = yes, false = declined; throws when nobody can be asked. */
  confirm: (question: string) => Promise<boolean>
  pollMs: number
  maxPollMs: number
}

export interface LogsPorts {
  app: Pick<AppServicePort, 'getSite'>
  logsConfig: SiteLogsConfigPort
  kudu: (scmHost: string) => KuduPort
  clock: Clock
}

/** Poll intervals from `AZDEPLOY_LOGS_POLL_MS` (default 500) and `AZDEPLOY_LOGS_POLL_MAX_MS` (default 2000), ≤ 2 s. */
export function logsPolling(env: Record<string, string | undefined>): {pollMs: number; maxPollMs: number} {
  const num = (k: string, d: number) => {
    const v = Number(env[k])
    return env[k] && Number.isFinite(v) && v > 0 ? v : d
  }
  const pollMs = Math.min(num('AZDEPLOY_LOGS_POLL_MS', 500), MAX_BACKOFF_MS)
  return {
    pollMs,
    maxPollMs: Math.min(Math.max(num('AZDEPLOY_LOGS_POLL_MAX_MS', MAX_BACKOFF_MS), pollMs), MAX_BACKOFF_MS),
  }
}

/** Failures worth retrying, and reconnecting after while following: no connection, or the SCM site failing. */
export function isRetryableScmError(e: unknown): boolean {
  return e instanceof AzdeployError && (e.code === 'SCM_UNREACHABLE' || e.code === 'SCM_SERVICE_ERROR')
}

interface Tracked {
  href: string
  source: string
  instance: string
  offset: number
  /** Time of the last timestamped line, for lines without one. */
  lastAt: number
  /** The first read started mid-file: drop the partial line it begins with. */
  skipPartial: boolean
  gone: boolean
}

/** The logs as they are now, merged and filtered. */
export async function readLogs(
  o: LogsOptions,
  ports: LogsPorts,
  out: Reporter,
  signal: AbortSignal,
): Promise<{entries: LogEntry[]; showInstance: boolean}> {
  const {kudu, files} = await prepare(o, ports, out, signal)
  const tracked = new Map<string, Tracked>()
  track(tracked, files, true)
  const entries = await retrying(() => readNew(kudu, tracked, true), ports.clock, o, signal)
  return {entries: since(entries, cutoff(o, ports.clock)), showInstance: instances(tracked) > 1}
}

/** Prints the logs as they are now, then what is added, until `signal` aborts. */
export async function followLogs(
  o: LogsOptions,
  ports: LogsPorts,
  out: Reporter,
  signal: AbortSignal,
  emit: (entries: LogEntry[], showInstance: boolean) => void,
): Promise<void> {
  try {
    const {kudu, files} = await prepare(o, ports, out, signal)
    const tracked = new Map<string, Tracked>()
    track(tracked, files, true)
    const backlog = await retrying(() => readNew(kudu, tracked, false), ports.clock, o, signal)
    emit(since(backlog, cutoff(o, ports.clock)), instances(tracked) > 1)
    let delay = o.pollMs
    let outage = false
    for (;;) {
      await ports.clock.sleep(delay, signal)
      try {
        track(tracked, await kudu.listDockerLogs(), false)
        const batch = await readNew(kudu, tracked, false)
        if (outage) out.info(`Reconnected to the SCM site ${kudu.host}`)
        outage = false
        if (batch.length) emit(batch, instances(tracked) > 1)
        delay = batch.length ? o.pollMs : Math.min(delay * 2, o.maxPollMs)
      } catch (e) {
        if (signal.aborted || !isRetryableScmError(e)) throw e
        if (!outage) out.warn(`${escapeControl((e as Error).message)}; reconnecting (Ctrl-C to stop)`)
        outage = true
        delay = Math.min(delay * 2, o.maxPollMs)
      }
    }
  } catch (e) {
    if (signal.aborted) return
    throw e
  }
}

async function prepare(o: LogsOptions, ports: LogsPorts, out: Reporter, signal: AbortSignal) {
  const site = await ports.app.getSite(siteRef(o.resourceGroup, o.app))
  if (!site) {
    throw new InputError(
      'APP_NOT_FOUND',
      `App '${o.app}' was not found in resource group '${o.resourceGroup}'`,
      'Check --app and --resource-group (and --subscription), or deploy it with `azdeploy up`',
    )
  }
  if (!site.scmHostName) {
    throw new RejectedError(
      'SCM_HOST_UNKNOWN',
      `App '${o.app}' names no SCM (Kudu) host, so its logs cannot be read`,
      'The app may not be an App Service web app, or its SCM site is disabled',
    )
  }
  const kudu = ports.kudu(site.scmHostName)
  const [logging, files] = await Promise.all([
    ports.logsConfig.getContainerLogging(siteRef(o.resourceGroup, o.app)),
    retrying(() => kudu.listDockerLogs(), ports.clock, o, signal),
  ])
  const hasAppOutput = files.some((f) => classifyLogFile(f.name)?.source === 'app')
  if (logging && !logging.enabled) {
    // A retention the app already has (set while logging was off) is kept.
    const keep = (v: number | undefined, d: number) => (v !== undefined && v > 0 ? v : d)
    const mb = keep(logging.retentionInMb, LOG_RETENTION.retentionInMb)
    const days = keep(logging.retentionInDays, LOG_RETENTION.retentionInDays)
    const yes = await o.confirm(
      `Container logging is off for ${o.app}. Turn on file system logging (keeps at most ${mb} MB, ${days} days)?`,
    )
    if (yes) {
      await ports.logsConfig.enableContainerLogging(siteRef(o.resourceGroup, o.app), {
        retentionInMb: mb,
        retentionInDays: days,
      })
      out.warn(
        `Turned on container logging for ${o.app} (file system, ${mb} MB, ${days} days): ` +
          "the container's output appears from its next start",
      )
    } else {
      out.warn(`Container logging stays off for ${o.app}: only App Service's platform log is shown`)
    }
  } else if (!hasAppOutput) {
    out.warn(`No container output logged for ${o.app} yet: it appears from the container's next start`)
  }
  return {kudu, files}
}

function cutoff(o: LogsOptions, clock: Clock): number | undefined {
  return o.sinceMs === undefined ? undefined : clock.now() - o.sinceMs
}

function instances(tracked: Map<string, Tracked>): number {
  return new Set([...tracked.values()].map((t) => t.instance)).size
}

/**
 * Starts tracking listed files not seen before. On the first listing only the newest file of each (instance, source)
 * is read, from its last 2 MiB at most; older ones are skipped. Files that appear later are read from the start.
 */
function track(tracked: Map<string, Tracked>, files: KuduLogFile[], initial: boolean): void {
  const newest = new Map<string, KuduLogFile>()
  for (const f of files) {
    const kind = classifyLogFile(f.name)
    if (!kind) continue
    const k = `${kind.instance}|${kind.source}`
    const best = newest.get(k)
    if (!best || `${f.name}|${f.lastUpdated}` > `${best.name}|${best.lastUpdated}`) newest.set(k, f)
  }
  for (const f of files) {
    const kind = classifyLogFile(f.name)
    if (!kind || tracked.has(f.href)) continue
    const skip = initial && newest.get(`${kind.instance}|${kind.source}`) !== f
    const offset = skip ? f.size : initial ? Math.max(0, f.size - INITIAL_TAIL_BYTES) : 0
    tracked.set(f.href, {
      href: f.href,
      source: kind.source,
      instance: kind.instance,
      offset,
      lastAt: 0,
      skipPartial: !skip && offset > 0,
      gone: false,
    })
  }
}

/**
 * Reads what each tracked file gained and merges it in time order. `final`: also take a last line without its
 * newline (a one-off read); otherwise it waits for the next poll. Offsets move only when every read succeeded.
 */
async function readNew(kudu: KuduPort, tracked: Map<string, Tracked>, final: boolean): Promise<LogEntry[]> {
  const live = [...tracked.values()].filter((t) => !t.gone)
  const reads = await Promise.all(live.map((t) => readChunk(kudu, t, final)))
  for (const r of reads) r.commit()
  return mergeByTime(reads.map((r) => r.entries))
}

async function readChunk(kudu: KuduPort, t: Tracked, final: boolean) {
  const r = await kudu.readFile(t.href, t.offset)
  if (!r) return {entries: [], commit: () => Object.assign(t, {gone: true})}
  let start = t.offset
  let data = r.data
  if (r.from < t.offset) {
    // The server sent more than asked (no Range support), or the file was truncated and rewritten.
    if (r.from + data.length >= t.offset) data = data.subarray(t.offset - r.from)
    else start = r.from
  } else if (r.from > t.offset) {
    start = r.from
  } else if (data.length === 0 && r.size !== undefined && r.size < t.offset) {
    return {entries: [], commit: () => Object.assign(t, {offset: 0, skipPartial: false})}
  }
  let skipped = 0
  if (t.skipPartial) {
    const nl = data.indexOf(0x0a)
    if (nl < 0) return {entries: [], commit: () => undefined}
    skipped = nl + 1
    data = data.subarray(skipped)
  }
  const lines = final ? {text: new TextDecoder().decode(data), bytes: data.length} : completeLines(data)
  const parsed = parseLogText(lines.text, t, t.lastAt)
  return {
    entries: parsed.entries,
    commit: () => Object.assign(t, {offset: start + skipped + lines.bytes, lastAt: parsed.lastAt, skipPartial: false}),
  }
}

/** Up to three attempts for retryable SCM failures, with the poll backoff between them. */
async function retrying<T>(fn: () => Promise<T>, clock: Clock, o: LogsOptions, signal: AbortSignal): Promise<T> {
  let delay = o.pollMs
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (e) {
      if (signal.aborted || attempt >= 3 || !isRetryableScmError(e)) throw e
      await clock.sleep(delay, signal)
      delay = Math.min(delay * 2, o.maxPollMs)
    }
  }
}
