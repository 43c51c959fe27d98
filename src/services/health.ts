/**
 * The verify phase: proof that the NEW container serves. Each poll reads App Service's platform log (ARM
 * `containerlogs`, a tail that may be empty), then probes the URL; core/serving-gate.ts judges the pair (its header
 * lists the rules). Polling backs off from `intervalMs` up to 1 s, until `timeoutMs`.
 *
 * Fresh AcrPull assignment: within `propagationMs` of it, an "unauthorized" pull is the role still reaching the
 * registry, not a failure: the site is restarted (at once, then after `pullRetryMs`, doubling up to 60 s) and the
 * wait goes on; after that window, or when time runs out, the failure stands.
 */
import {InterruptedError, StillRunningError, UnhealthyError} from '../core/errors.js'
import {type EventKind, parsePlatformLog} from '../core/platform-events.js'
import type {FailureClass} from '../core/platform-log.js'
import {describeFailure, type GateFailure, type GateStep, ServingGate} from '../core/serving-gate.js'
import type {Clock, HttpProbe} from '../ports/index.js'

export interface HealthOptions {
  url: string
  /** A health path was given: demand 2xx/3xx. Otherwise any answer below 500 counts, as App Service's ping does. */
  strict: boolean
  /** The deployed reference, `…@sha256:…` (its digest is what the log must name where the format shows it). */
  pinnedImage: string
  /** When the restart-causing write started (epoch ms). */
  since: number
  timeoutMs: number
  intervalMs: number
  port?: number
  signal: AbortSignal
  readLog: () => Promise<string>
  onProgress: (detail: string) => void
  /** WEBSITES_CONTAINER_START_TIME_LIMIT in seconds (default 230). */
  startLimitSec?: number
  /** Log lines may be this much older than `since` (clock skew; default 2000 ms). */
  skewMs?: number
  /** A log with no start after the write is unproven this long after it (default 60 000 ms). */
  logGraceMs?: number
  /** When a NEW AcrPull role assignment was made by this deploy (epoch ms). */
  roleAssignedAt?: number
  /** How long after `roleAssignedAt` an unauthorized pull is taken as propagation (default 600 000 ms). */
  propagationMs?: number
  /** First pause between propagation restarts (default 10 000 ms; doubles, at most 60 s). */
  pullRetryMs?: number
  /** Restarts the site (needed for propagation retries). */
  restartSite?: () => Promise<void>
}

export type ServingProof = 'log+http' | 'start+http'

/** The verify phase's answer, with the evidence behind it (log lines as they were, and the URL's answers). */
export type ServingVerdict =
  | {state: 'serving'; proof: ServingProof; evidence: string[]; restarts: number}
  | {state: 'unproven'; reason: string; evidence: string[]; restarts: number}
  | {
      state: 'failed'
      /** The decisive log line. */
      line: string
      failure: {class: FailureClass; port?: number; fix: string}
      hint: string
      evidence: string[]
      restarts: number
    }
  | {state: 'timed-out'; message: string; hint: string; evidence: string[]; restarts: number}
  | {state: 'interrupted'; evidence: string[]; restarts: number}

const MAX_PULL_RETRY_MS = 60_000
const FAILURE_EVENTS = new Set<EventKind>([
  'pull-unauthorized',
  'pull-not-found',
  'pull-wrong-platform',
  'pull-failed',
  'ping-failed',
  'time-limit',
  'exited',
  'terminated',
])

/** Verify phase: polls log and URL until the new container serves, fails, or time runs out. Never throws. */
export async function verifyServing(o: HealthOptions, probe: HttpProbe, clock: Clock): Promise<ServingVerdict> {
  const digest = /@(sha256:[0-9a-f]{64})/i.exec(o.pinnedImage)?.[1]
  const gate = new ServingGate({
    writtenAt: o.since,
    ...(digest ? {digest} : {}),
    ...(o.port !== undefined ? {port: o.port} : {}),
    strict: o.strict,
    skewMs: o.skewMs ?? 2000,
    logGraceMs: o.logGraceMs ?? 60_000,
    startLimitMs: (o.startLimitSec ?? 230) * 1000,
  })
  const deadline = clock.now() + o.timeoutMs
  const retry = propagationRetry(o, clock)
  let interval = o.intervalMs
  let lastStatus: number | null = null
  let lastDetail = ''
  const interrupted = (): ServingVerdict => ({state: 'interrupted', evidence: [], restarts: retry.restarts})
  for (;;) {
    if (o.signal.aborted) return interrupted()
    const at = clock.now()
    const log = await o.readLog().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))
    if (o.signal.aborted) return interrupted()
    lastStatus = await probe.get(o.url, o.signal)
    const step = gate.observe({at, log, status: lastStatus})
    const absorbed = step.kind === 'failed' ? await retry.absorb(step.failure) : false
    if (absorbed) {
      if (absorbed === 'restarted') gate.restartedAt(at)
      lastDetail = `the registry refused the pull: the new AcrPull role is still propagating (restart ${retry.restarts})`
    } else if (step.kind !== 'wait') {
      return finish(step, o, retry.restarts)
    } else lastDetail = step.detail
    o.onProgress(lastDetail.replace('URL', o.url))
    if (clock.now() + interval > deadline) {
      const late = gate.atDeadline()
      if (late) return finish(late, o, retry.restarts)
      if (step.kind === 'failed') return finish(step, o, retry.restarts)
      return timedOut(o, lastStatus, lastDetail, retry.restarts)
    }
    try {
      await clock.sleep(interval, o.signal)
    } catch (e) {
      if (o.signal.aborted) return interrupted()
      throw e
    }
    interval = Math.min(1000, interval * 2)
  }
}

/** Restarts with backoff while an unauthorized pull is within the propagation window of a fresh role. */
function propagationRetry(o: HealthOptions, clock: Clock) {
  let backoff = o.pullRetryMs ?? 10_000
  let nextAt = Number.NEGATIVE_INFINITY
  const state = {
    restarts: 0,
    /** Taken as propagation ('restarted' now, or 'waiting' for the next restart), or false: the failure stands. */
    async absorb(f: GateFailure): Promise<'restarted' | 'waiting' | false> {
      if (f.class !== 'pull-unauthorized' || o.roleAssignedAt === undefined || !o.restartSite) return false
      const now = clock.now()
      if (now - o.roleAssignedAt > (o.propagationMs ?? 600_000)) return false
      if (now < nextAt) return 'waiting'
      await o.restartSite()
      state.restarts++
      nextAt = clock.now() + backoff
      backoff = Math.min(MAX_PULL_RETRY_MS, backoff * 2)
      return 'restarted'
    },
  }
  return state
}

function finish(step: Exclude<GateStep, {kind: 'wait'}>, o: HealthOptions, restarts: number): ServingVerdict {
  const withUrl = (ev: string[]) => ev.map((l) => l.replace(/^URL → /, `${o.url} → `))
  switch (step.kind) {
    case 'serving':
      return {state: 'serving', proof: step.proof, evidence: withUrl(step.evidence), restarts}
    case 'unproven':
      return {state: 'unproven', reason: step.reason, evidence: withUrl(step.evidence), restarts}
    case 'failed': {
      const failing = parsePlatformLog(step.evidence).find((l) => FAILURE_EVENTS.has(l.event))
      const line = failing?.raw ?? step.evidence.at(-1) ?? ''
      return {state: 'failed', line, failure: step.failure, hint: step.failure.fix, evidence: step.evidence, restarts}
    }
  }
}

function timedOut(o: HealthOptions, status: number | null, detail: string, restarts: number): ServingVerdict {
  return {
    state: 'timed-out',
    message: `Stopped waiting after ${Math.round(o.timeoutMs / 1000)} s: ${o.url} ${status === null ? 'did not answer' : `answered ${status}`}; ${detail.replace(/; URL → .*$/, '')}`,
    hint: 'App Service may still be starting it (it allows 230 s): run `azdeploy status`, or raise --timeout',
    evidence: [],
    restarts,
  }
}

/** How `up` reports the gate's outcome: serving or unproven return; anything else is the error it stands for. */
export function requireServing(
  v: ServingVerdict,
  signal?: AbortSignal,
): {proof: ServingProof} | {proof: 'unproven'; reason: string} {
  switch (v.state) {
    case 'serving':
      return {proof: v.proof}
    case 'unproven':
      return {proof: 'unproven', reason: v.reason}
    case 'failed': {
      const where = v.failure.port !== undefined ? `, port ${v.failure.port}` : ''
      const lines = v.evidence.map((l) => `  ${l}`).join('\n')
      const retried = v.restarts > 0 ? `; restarted ${v.restarts} time(s) while a new AcrPull role propagated` : ''
      throw new UnhealthyError(
        `The new container did not start: ${describeFailure(v.failure)} (failure class: ${v.failure.class}${where}${retried})${lines ? `\nPlatform log:\n${lines}` : ''}`,
        v.hint,
      )
    }
    case 'timed-out':
      throw new StillRunningError(v.message, v.hint)
    case 'interrupted':
      // The signal's own reason: the command shell then names the stage that was interrupted.
      throw signal?.reason ?? new InterruptedError('Interrupted while waiting for the app to answer')
  }
}

/** verifyServing that throws its verdict's error unless the container serves (or the log cannot tell). */
export async function waitHealthy(
  o: HealthOptions,
  probe: HttpProbe,
  clock: Clock,
): Promise<ReturnType<typeof requireServing>> {
  return requireServing(await verifyServing(o, probe, clock))
}
