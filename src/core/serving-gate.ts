/**
 * The health gate's rules: one poll (the platform log as read, then the URL's answer) → keep waiting, serving,
 * unproven or failed. Pure and stateful per deploy; the verify phase (services/health.ts) does the I/O.
 *
 * Rules (each poll reads the log first, then probes the URL, so an answer is never older than the log it is
 * judged with; "answers" = 2xx/3xx on --health-path, else any status below 500, like App Service's ping):
 * 1. failed: platformVerdict (core/platform-log.ts) found a failure in the latest start attempt after the write.
 * 2. serving (log+http): the documented ready line in an attempt that named our digest (classic/docker families),
 *    then the URL answers.
 * 3. serving (start+http), newest platform family, whose success wording is undocumented: a `Starting container`
 *    after the write, no failure, a later platform line that is neither a known start/progress line nor a failure
 *    (the success line, whatever its words), then TWO consecutive answers read after that line. An old container
 *    answering during the start never counts: without such a line the gate keeps waiting.
 * 4. unproven (exit 0 with a warning, never "serving"): the URL answers but the log cannot prove which container
 *    does: the log could not be read twice in a row; the tail shows a ready line whose attempt names no image;
 *    no start after the write `logGraceMs` after it; or a newest-family start with no failure and no success line
 *    once the platform's start time limit has passed (it would have declared the failure by then) or at the
 *    deadline after that limit.
 * 5. Otherwise wait; at the deadline: unproven when rule 4's conditions hold, else timed-out.
 */
import {type PlatformLine, parsePlatformLog} from './platform-events.js'
import {type FailureClass, type PlatformVerdict, platformVerdict} from './platform-log.js'

export interface GateInput {
  /** When the restart-causing write was sent (epoch ms, this machine's clock). */
  writtenAt: number
  /** `sha256:…` of the deployed image. */
  digest?: string
  /** The configured port (WEBSITES_PORT). */
  port?: number
  /** --health-path given: demand 2xx/3xx. */
  strict: boolean
  /** Tolerated clock difference to App Service (ms). */
  skewMs: number
  /** How long after the write a log that shows no start still may (then: unproven). */
  logGraceMs: number
  /** WEBSITES_CONTAINER_START_TIME_LIMIT in ms (App Service default 230 s). */
  startLimitMs: number
}

export interface Poll {
  /** When the poll began (epoch ms). */
  at: number
  /** The log text ('' for none/204), or the error reading it. */
  log: string | Error
  /** HTTP status of the URL, null when it did not answer. */
  status: number | null
}

export interface GateFailure {
  class: FailureClass
  port?: number
  fix: string
}

export type GateStep =
  | {kind: 'wait'; detail: string}
  | {kind: 'serving'; proof: 'log+http' | 'start+http'; evidence: string[]}
  | {kind: 'unproven'; reason: string; evidence: string[]}
  | {kind: 'failed'; failure: GateFailure; evidence: string[]}

/** Newest-family lines that are part of every start, good or bad: never the success signal. */
const PROGRESS = /^(Starting watchers and probes|Waiting for|Initiating warmup|Pulling|Pull Image)/i
/** Time past the start limit before a silent newest-family start is called unproven. */
const LIMIT_MARGIN_MS = 10_000

export class ServingGate {
  private cutoff: number
  /** Where the log grace counts from: the write, then the latest restart. */
  private graceFrom: number
  private lastLineAt: number | undefined
  private logErrors = 0
  private answersAfterSignal = 0
  private last: {verdict?: PlatformVerdict; startAt?: number; answered: boolean; at: number} | undefined

  constructor(private readonly o: GateInput) {
    this.cutoff = o.writtenAt - o.skewMs
    this.graceFrom = o.writtenAt
  }

  /** After the gate restarted the site: only the starts after `at` (and after every line seen so far) count. */
  restartedAt(at: number): void {
    this.cutoff = Math.max(at - this.o.skewMs, (this.lastLineAt ?? Number.NEGATIVE_INFINITY) + 1)
    this.graceFrom = at
    this.answersAfterSignal = 0
  }

  answers(status: number | null): boolean {
    return status !== null && (this.o.strict ? status >= 200 && status < 400 : status < 500)
  }

  observe(p: Poll): GateStep {
    const answered = this.answers(p.status)
    const http = `URL → ${p.status ?? 'no answer'}`
    if (p.log instanceof Error) {
      this.logErrors++
      this.last = {answered, at: p.at}
      if (this.logErrors >= 2 && answered)
        return this.unproven(`the platform log could not be read (${p.log.message})`, [], p.status)
      return {kind: 'wait', detail: `waiting for the container (the platform log is unreadable); ${http}`}
    }
    this.logErrors = 0
    const lines = parsePlatformLog(p.log)
    const lastAt = lines.filter((l) => l.at !== undefined).at(-1)?.at
    if (lastAt !== undefined) this.lastLineAt = Math.max(this.lastLineAt ?? lastAt, lastAt)
    const v = platformVerdict({
      log: p.log,
      writtenAt: this.cutoff,
      ...(this.o.digest ? {digest: this.o.digest} : {}),
      ...(this.o.port !== undefined ? {port: this.o.port} : {}),
    })
    const recent = lines.filter((l) => l.at !== undefined && l.at >= this.cutoff)
    const startAt = recent.filter((l) => l.event === 'start' && l.family === 'platform').at(-1)?.at
    this.last = {verdict: v, answered, at: p.at, ...(startAt !== undefined ? {startAt} : {})}
    if (v.state === 'failed') return {kind: 'failed', failure: v.failure!, evidence: safeEvidence(v.evidence)}
    if (v.state === 'serving') {
      if (answered) return {kind: 'serving', proof: 'log+http', evidence: [...safeEvidence(v.evidence), http]}
      return {kind: 'wait', detail: `waiting for the container: it reported ready; ${http}`}
    }
    if (v.state === 'pending' && v.family === 'platform' && v.started && startAt !== undefined) {
      return this.newestFamily(recent, startAt, v, p, answered, http)
    }
    if (answered && readyWithoutImage(v, recent)) {
      return this.unproven('the log tail shows a container ready but not which image it runs', v.evidence, p.status)
    }
    if (v.state === 'unproven') {
      if (answered && p.at - this.graceFrom >= this.o.logGraceMs)
        return this.unproven('the platform log shows no container started after the deploy', v.evidence, p.status)
      return {kind: 'wait', detail: `waiting for the container to start; ${http}`}
    }
    return {kind: 'wait', detail: `waiting for the container to report ready; ${http}`}
  }

  /** The verdict when time runs out: unproven when the log cannot decide but the URL answers, else null. */
  atDeadline(): Exclude<GateStep, {kind: 'wait'}> | null {
    const l = this.last
    if (!l?.answered) return null
    if (!l.verdict) return this.unproven('the platform log could not be read', [], null)
    const v = l.verdict
    if (v.state === 'unproven')
      return this.unproven('the platform log shows no container started after the deploy', v.evidence, null)
    if (v.family === 'platform' && v.started && l.startAt !== undefined && l.at - l.startAt >= this.o.startLimitMs)
      return this.silentStart(v)
    return null
  }

  private newestFamily(
    recent: PlatformLine[],
    startAt: number,
    v: PlatformVerdict,
    p: Poll,
    answered: boolean,
    http: string,
  ): GateStep {
    const signal = recent.find(
      (l) => l.family === 'platform' && l.event === 'none' && (l.at ?? 0) >= startAt && !PROGRESS.test(l.message),
    )
    if (signal && answered) {
      this.answersAfterSignal++
      if (this.answersAfterSignal >= 2)
        return {kind: 'serving', proof: 'start+http', evidence: [...safeEvidence(v.evidence), signal.raw, http]}
      return {kind: 'wait', detail: `waiting for the container: it started (confirming); ${http}`}
    }
    this.answersAfterSignal = 0
    if (answered && p.at - startAt >= this.o.startLimitMs + LIMIT_MARGIN_MS) return this.silentStart(v)
    return {kind: 'wait', detail: `waiting for the container: it started; ${http}`}
  }

  private silentStart(v: PlatformVerdict): Exclude<GateStep, {kind: 'wait'}> {
    return this.unproven(
      'the new container started and no failure was reported within the start time limit, but this log format has no known success line',
      v.evidence,
      null,
    )
  }

  private unproven(reason: string, evidence: string[], status: number | null): Exclude<GateStep, {kind: 'wait'}> {
    const http = status === null ? [] : [`URL → ${status}`]
    return {kind: 'unproven', reason, evidence: [...safeEvidence(evidence), ...http]}
  }
}

/** A container reported ready after the write, but the lines left in the tail name no image to tell whose. */
function readyWithoutImage(v: PlatformVerdict, recent: readonly PlatformLine[]): boolean {
  return recent.some((l) => l.event === 'ready') && !parsePlatformLog(v.evidence).some((l) => l.image !== undefined)
}

/** Setting names whose values App Service logs on `docker run` and that are safe to show. */
const SHOWN = /^(WEBSITES?_PORT|PORT|WEBSITE_SITE_NAME|WEBSITE_HOSTNAME|WEBSITE_ROLE_INSTANCE_ID|WEBSITE_AUTH_ENABLED)$/

/** Log lines as evidence: `-e NAME=value` values are hidden unless known harmless (a setting may be a secret). */
export function safeEvidence(lines: readonly string[]): string[] {
  return lines.map((l) =>
    l.replace(/(-e\s+)([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g, (_m, e: string, n: string, val: string) =>
      SHOWN.test(n) ? `${e}${n}=${val}` : `${e}${n}=***`,
    ),
  )
}

/** One line per failure class, for the error message. */
export function describeFailure(f: GateFailure): string {
  switch (f.class) {
    case 'wrong-port':
      return `nothing answered App Service's ping on port ${f.port ?? '?'}`
    case 'loopback-bind':
      return 'the app listens on 127.0.0.1, which App Service cannot reach'
    case 'start-time-limit':
      return 'the container did not start within the start time limit'
    case 'exited':
      return 'the container exited during startup'
    case 'crash-loop':
      return 'the container keeps exiting (crash loop)'
    case 'pull-unauthorized':
      return 'App Service was not authorized to pull the image'
    case 'pull-not-found':
      return 'the registry has no such image'
    case 'pull-wrong-platform':
      return 'the image is not built for linux/amd64'
    default:
      return 'the container failed to start'
  }
}
