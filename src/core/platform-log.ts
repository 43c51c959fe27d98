/**
 * The health gate's reading of App Service's platform log: did the container started by OUR write serve, fail
 * (and why), or is it still on its way? Pure; line parsing is platform-events.ts.
 *
 * Rules:
 * - Only lines at or after the write (minus `skewMs`, default 0) count: an old container's lines never prove
 *   anything, success or failure.
 * - A start "attempt" begins at a pull, a `docker run` or a `Starting container` line. Where the format shows the
 *   image (classic and docker families) and a digest is pinned, an attempt is ours only if it names that digest;
 *   the newer platform family shows no image, so any attempt after the write is taken as ours.
 * - `serving` needs the documented ready line (`… initialized successfully and is ready to serve requests`) in an
 *   attempt known to be ours (digest seen, or no digest pinned) whose pull did not fail ("Defaulting to local copy"
 *   means an old image may be what is running).
 * - The newer platform's success wording is undocumented: a started container with no failure line is `pending`
 *   (with `started: true`); the caller combines that with the URL answering. A missing success line is never a
 *   failure.
 * - `unproven`: nothing in the log shows a container started after the write (or only other images' attempts).
 * - The latest attempt decides; three or more attempts that exited make a crash loop.
 */
import {isLoopback, type LineFamily, type PlatformLine, parsePlatformLog} from './platform-events.js'

export type FailureClass =
  | 'wrong-port'
  | 'loopback-bind'
  | 'start-time-limit'
  | 'exited'
  | 'crash-loop'
  | 'pull-unauthorized'
  | 'pull-not-found'
  | 'pull-wrong-platform'
  | 'unknown'

export interface VerdictInput {
  /** Platform log text (several files may be concatenated; the container's own output may be mixed in). */
  log: string | readonly string[]
  /** When the restart-causing write was sent (epoch ms). */
  writtenAt: number
  /** The pinned digest, `sha256:…`. */
  digest?: string
  /** The port the release configures (WEBSITES_PORT). */
  port?: number
  /** Tolerated clock difference between this machine and App Service. Default 0. */
  skewMs?: number
}

export interface PlatformVerdict {
  state: 'serving' | 'failed' | 'pending' | 'unproven'
  /** The log lines that prove the state, as they were. */
  evidence: string[]
  failure?: {class: FailureClass; port?: number; fix: string}
  /** Family of the platform lines after the write, when there were any. */
  family?: Exclude<LineFamily, 'container' | 'other'>
  /** A container (ours, as far as the format can tell) started after the write. */
  started: boolean
}

/** Start attempts a crash loop takes. */
export const CRASH_LOOP_ATTEMPTS = 3

interface Attempt {
  /** true: names our digest; false: names another; undefined: the format cannot tell (or nothing pinned). */
  ours: boolean | undefined
  lines: PlatformLine[]
  started: boolean
  ready?: PlatformLine
  pullFailure?: PlatformLine
  failure?: PlatformLine
}

const PULL_FAIL = new Set(['pull-unauthorized', 'pull-not-found', 'pull-wrong-platform', 'pull-failed'])
const FAIL = new Set(['ping-failed', 'time-limit', 'exited'])

function attempts(lines: readonly PlatformLine[], digest: string | undefined): Attempt[] {
  const out: Attempt[] = []
  let cur: Attempt | undefined
  const open = (e: PlatformLine) => {
    cur = {ours: oursOf(e, digest), lines: [], started: false}
    out.push(cur)
  }
  for (const e of lines) {
    if (e.family === 'container' || e.family === 'other' || e.event === 'none') continue
    const ended = cur && (cur.ready || cur.failure || (cur.pullFailure && e.event === 'pull'))
    if (e.event === 'pull') open(e)
    else if (e.event === 'run' && (!cur || ended || cur.lines.some((l) => l.event === 'run'))) open(e)
    else if (e.event === 'start' && (!cur || ended || (cur.started && e.family === 'platform'))) open(e)
    if (!cur) continue
    if (e.event === 'run' && cur.ours === undefined) cur.ours = oursOf(e, digest)
    cur.lines.push(e)
    if (e.event === 'start' || e.event === 'running') cur.started = true
    else if (e.event === 'ready') cur.ready ??= e
    else if (PULL_FAIL.has(e.event)) cur.pullFailure = pickPullFailure(cur.pullFailure, e)
    else if (FAIL.has(e.event)) cur.failure ??= e
    else if (e.event === 'terminated' && !cur.failure) cur.failure = e
  }
  return out
}

function oursOf(e: PlatformLine, digest: string | undefined): boolean | undefined {
  if (!digest || !e.image) return undefined
  return e.digest === digest.toLowerCase()
}

/** A specific cause (unauthorized, not found, platform) beats the generic "Image pull failed". */
function pickPullFailure(prev: PlatformLine | undefined, e: PlatformLine): PlatformLine {
  if (!prev || prev.event === 'pull-failed') return e
  return prev
}

export function platformVerdict(input: VerdictInput): PlatformVerdict {
  const cutoff = input.writtenAt - (input.skewMs ?? 0)
  const recent = parsePlatformLog(input.log).filter((e) => e.at !== undefined && e.at >= cutoff)
  const platformLines = recent.filter((e) => e.family !== 'container' && e.family !== 'other')
  const family = platformLines.at(-1)?.family as PlatformVerdict['family']
  const all = attempts(recent, input.digest)
  const mine = all.filter((a) => a.ours !== false)
  const base = family ? {family} : {}
  const last = mine.at(-1)
  if (!last) {
    const others = all.flatMap((a) => a.lines.filter((l) => l.event === 'pull' || l.event === 'run').slice(0, 1))
    return {state: 'unproven', evidence: others.map((l) => l.raw), started: false, ...base}
  }
  const stdout = recent.filter((e) => e.family === 'container' || e.family === 'other')
  const evidence = (extra: PlatformLine[] = []) =>
    [...last.lines, ...extra].sort((a, b) => (a.at ?? 0) - (b.at ?? 0)).map((l) => l.raw)
  const crashed = mine.filter((a) => a.failure && (a.failure.event === 'exited' || a.failure.event === 'terminated'))
  if (
    crashed.length >= CRASH_LOOP_ATTEMPTS &&
    (last.failure?.event === 'exited' || last.failure?.event === 'terminated')
  ) {
    const fix = fixFor('crash-loop', input.port, {attempts: crashed.length})
    const ev = crashed.map((a) => a.failure!.raw)
    return {state: 'failed', evidence: ev, failure: {class: 'crash-loop', fix}, started: true, ...base}
  }
  const wrongPlatform = stdout.find((e) => e.event === 'pull-wrong-platform')
  if (last.pullFailure || (last.failure && wrongPlatform)) {
    const line = last.pullFailure ?? wrongPlatform!
    const cls = line.event === 'pull-failed' ? 'unknown' : (line.event as FailureClass)
    const failure = {class: cls, fix: fixFor(cls, input.port, {pull: true})}
    return {
      state: 'failed',
      evidence: evidence(line === wrongPlatform ? [line] : []),
      failure,
      started: last.started,
      ...base,
    }
  }
  if (last.failure) {
    const {cls, port, listen} = failureClass(last.failure, stdout, input.port)
    const fix = fixFor(cls, port, {listen})
    const failure = port === undefined ? {class: cls, fix} : {class: cls, port, fix}
    return {state: 'failed', evidence: evidence(listen ? [listen] : []), failure, started: last.started, ...base}
  }
  if (last.ready && (last.ours === true || !input.digest)) {
    return {state: 'serving', evidence: evidence(), started: true, ...base}
  }
  return {state: 'pending', evidence: evidence(), started: last.started || last.ready !== undefined, ...base}
}

function failureClass(
  f: PlatformLine,
  stdout: readonly PlatformLine[],
  configured: number | undefined,
): {cls: FailureClass; port?: number; listen?: PlatformLine} {
  if (f.event === 'exited' || f.event === 'terminated') return {cls: 'exited'}
  const pinged = f.port ?? configured
  const listen = stdout.filter((e) => e.event === 'listen').at(-1)
  if (listen && isLoopback(listen.host)) return {cls: 'loopback-bind', port: listen.port!, listen}
  if (listen && pinged !== undefined && listen.port !== pinged) return {cls: 'wrong-port', port: pinged, listen}
  if (f.event === 'ping-failed') return {cls: 'wrong-port', port: pinged!}
  return pinged === undefined ? {cls: 'start-time-limit'} : {cls: 'start-time-limit', port: pinged}
}

export function fixFor(
  cls: FailureClass,
  port: number | undefined,
  x: {listen?: PlatformLine; attempts?: number; pull?: boolean} = {},
): string {
  const p = port ?? '<port>'
  switch (cls) {
    case 'wrong-port':
      return x.listen?.port !== undefined && x.listen.port !== port
        ? `App Service pinged port ${p} but the app listens on ${x.listen.port}: deploy with --port ${x.listen.port} (sets WEBSITES_PORT), or make the app listen on ${p}`
        : `Nothing answered on port ${p}: make the app listen on 0.0.0.0:${p}, or deploy with --port set to the port it listens on (WEBSITES_PORT)`
    case 'loopback-bind':
      return `The app listens on ${x.listen?.host ?? '127.0.0.1'}:${p}, which App Service cannot reach: bind to 0.0.0.0 (e.g. HOST=0.0.0.0 or --host 0.0.0.0)`
    case 'start-time-limit':
      return `The container did not answer on port ${p} in time: check it listens on 0.0.0.0:${p} in the foreground; if it only starts slowly, raise WEBSITES_CONTAINER_START_TIME_LIMIT (seconds, max 1800)`
    case 'exited':
      return "The container's main process exited during startup: read its output with `azdeploy logs`, and try the image locally with `docker run`"
    case 'crash-loop':
      return `The container keeps exiting (${x.attempts ?? CRASH_LOOP_ATTEMPTS} starts since the deploy): read its output with \`azdeploy logs\` and fix the crash; \`azdeploy rollback\` restores the previous release`
    case 'pull-unauthorized':
      return "App Service could not authenticate to the registry: give the web app's identity AcrPull on the registry (Container Registry Repository Reader if it uses ABAC permissions) and check acrUseManagedIdentityCreds"
    case 'pull-not-found':
      return 'The registry has no such image: push it first, or check the repository, tag and digest'
    case 'pull-wrong-platform':
      return 'The image has no linux/amd64 variant App Service can run: build with --platform linux/amd64'
    default:
      return x.pull
        ? 'App Service could not pull the image (it may fall back to an older local copy): check the registry credentials and that the image exists; `azdeploy logs` shows the cause'
        : 'Read the platform log with `azdeploy logs` for the cause'
  }
}
