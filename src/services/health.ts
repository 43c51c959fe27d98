/**
 * Proof that the new container serves: App Service's own container log must show the container started from the
 * image we deployed initialised (or failed: then we stop at once with its reason), and the app URL must answer.
 * Polling backs off from `intervalMs` up to 1 s. Without a readable log, an answering URL is accepted with a note.
 */
import {InterruptedError, StillRunningError, UnhealthyError} from '../core/errors.js'
import type {Clock, HttpProbe} from '../ports/index.js'

export interface HealthOptions {
  url: string
  /** A health path was given: demand 2xx/3xx. Otherwise any answer below 500 counts, as App Service's ping does. */
  strict: boolean
  pinnedImage: string
  /** When the restart-causing write started (epoch ms); log lines older than this (minus skew) are ignored. */
  since: number
  timeoutMs: number
  intervalMs: number
  port?: number
  signal: AbortSignal
  readLog: () => Promise<string>
  onProgress: (detail: string) => void
}

export type ContainerVerdict = {state: 'pending'} | {state: 'started'} | {state: 'failed'; line: string}

const SKEW_MS = 5000
const TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/

/** Reads App Service's Docker log: what happened to the container pulled from `pinnedImage` since `since`. */
export function containerVerdict(log: string, pinnedImage: string, since: number): ContainerVerdict {
  const lines = log.split(/\r?\n/)
  let pulled = false
  let verdict: ContainerVerdict = {state: 'pending'}
  const digest = pinnedImage.slice(pinnedImage.indexOf('@') + 1)
  for (const line of lines) {
    const ts = TS.exec(line)?.[1]
    if (ts && Date.parse(ts) < since - SKEW_MS) continue
    if (/Pulling image:/i.test(line)) {
      pulled = line.includes(digest)
      verdict = {state: 'pending'}
      continue
    }
    if (!pulled) continue
    if (/initialized successfully and is ready to serve requests/i.test(line)) verdict = {state: 'started'}
    else if (
      /didn't respond to HTTP pings|has exited, failing site start|Pull Image failed|ImagePullFailure|failing site start|exec format error|manifest unknown|unauthorized/i.test(
        line,
      )
    )
      verdict = {
        state: 'failed',
        line: line
          .replace(TS, '')
          .replace(/^\s*(ERROR|INFO)\s*-\s*/, '')
          .trim(),
      }
  }
  return verdict
}

export function failureHint(line: string, port?: number): string {
  if (/HTTP pings/i.test(line))
    return `The container must listen on 0.0.0.0:${port ?? '<port>'} (not 127.0.0.1) in the foreground; check --port and \`azdeploy doctor\``
  if (/exec format error/i.test(line))
    return 'The image is not built for linux/amd64: build with --platform linux/amd64'
  if (/unauthorized|Pull Image failed|ImagePullFailure|manifest unknown/i.test(line))
    return "App Service could not pull the image: check the app's identity has AcrPull on the registry, or the registry credentials"
  return 'Read the container output with `az webapp log tail`, fix the image, and run `azdeploy up` again'
}

/** The verify phase's answer, with the evidence behind it. It never throws (but for programming errors). */
export type ServingVerdict =
  | {state: 'serving'; proof: 'log+http' | 'http'; evidence: string[]}
  | {state: 'failed'; line: string; hint: string; evidence: string[]}
  | {state: 'timed-out'; message: string; hint: string; evidence: string[]}
  | {state: 'interrupted'; evidence: string[]}

/** Verify phase: polls the container log and the URL until the new container serves, fails, or time runs out. */
export async function verifyServing(o: HealthOptions, probe: HttpProbe, clock: Clock): Promise<ServingVerdict> {
  const deadline = clock.now() + o.timeoutMs
  let interval = o.intervalMs
  let logUsable = true
  let lastStatus: number | null = null
  const evidence: string[] = []
  const note = (line: string) => {
    if (evidence.at(-1) !== line) evidence.push(line)
  }
  for (;;) {
    if (o.signal.aborted) return {state: 'interrupted', evidence}
    const [verdict, status] = await Promise.all([
      logUsable
        ? o
            .readLog()
            .then((l) => (l ? containerVerdict(l, o.pinnedImage, o.since) : null))
            .catch(() => null)
        : null,
      probe.get(o.url, o.signal),
    ])
    if (verdict === null) logUsable = false
    lastStatus = status
    if (verdict?.state === 'failed') {
      note(`container log: ${verdict.line}`)
      return {state: 'failed', line: verdict.line, hint: failureHint(verdict.line, o.port), evidence}
    }
    if (verdict?.state === 'started') note('container log: the new container reported ready')
    note(`${o.url} → ${status ?? 'no answer'}`)
    const answers = status !== null && (o.strict ? status >= 200 && status < 400 : status < 500)
    if (answers && (verdict?.state === 'started' || !logUsable))
      return {state: 'serving', proof: logUsable ? 'log+http' : 'http', evidence}
    o.onProgress(
      `${verdict?.state === 'started' ? 'container started' : 'waiting for the container'}; ${o.url} → ${status ?? 'no answer'}`,
    )
    if (clock.now() + interval > deadline) {
      return {
        state: 'timed-out',
        message: `Stopped waiting after ${Math.round(o.timeoutMs / 1000)} s: ${o.url} ${lastStatus === null ? 'did not answer' : `answered ${lastStatus}`}${verdict?.state === 'started' ? '' : ' and the new container has not reported ready'}`,
        hint: 'App Service may still be starting it (it allows 230 s): run `azdeploy status`, or raise --timeout',
        evidence,
      }
    }
    try {
      await clock.sleep(interval, o.signal)
    } catch (e) {
      if (o.signal.aborted) return {state: 'interrupted', evidence}
      throw e
    }
    interval = Math.min(1000, interval * 2)
  }
}

/** The verdict as the deploy's outcome: serving returns, anything else is the error it stands for. */
export function requireServing(v: ServingVerdict, signal?: AbortSignal): {proof: 'log+http' | 'http'} {
  switch (v.state) {
    case 'serving':
      return {proof: v.proof}
    case 'failed':
      throw new UnhealthyError(`The new container did not start: ${v.line}`, v.hint)
    case 'timed-out':
      throw new StillRunningError(v.message, v.hint)
    case 'interrupted':
      // The signal's own reason: the command shell then names the stage that was interrupted.
      throw signal?.reason ?? new InterruptedError('Interrupted while waiting for the app to answer')
  }
}

/** verifyServing that throws its verdict's error unless the container serves. */
export async function waitHealthy(
  o: HealthOptions,
  probe: HttpProbe,
  clock: Clock,
): Promise<{proof: 'log+http' | 'http'}> {
  return requireServing(await verifyServing(o, probe, clock))
}
