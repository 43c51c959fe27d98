/**
 * One deadline per command: the signal every adapter, poller and wait gets aborts on Ctrl-C (the entry point's
 * signal) OR when the deadline passes. At the deadline whatever was waiting (an ARM request, a long-running
 * operation's poll, the lock wait, the health wait, a registry upload) ends, and the error becomes one
 * StillRunningError (exit 7) naming what was still in progress. A Ctrl-C is never turned into a deadline.
 */
import {type Deadline, formatDeadline} from '../core/deadline.js'
import {AzdeployError, InterruptedError, StillRunningError} from '../core/errors.js'
import type {AppIO} from './io.js'

const HINT =
  'Azure may still be working on it: run `azdeploy status` to see where the app stands, then run the command again; raise the deadline if Azure is slow'

/** Runs `run` with an AppIO whose signal also aborts at the deadline; translates what the deadline cut. */
export async function withDeadline<T>(io: AppIO, d: Deadline, run: (io: AppIO) => Promise<T>): Promise<T> {
  const deadlineAt = Date.now() + d.ms
  const stop = new AbortController()
  const stopped = `Stopped waiting after ${formatDeadline(d.ms)} (${d.source})`
  const hint = d.hint ?? HINT
  const reason = new StillRunningError(stopped, hint)
  const timer = setTimeout(() => stop.abort(reason), d.ms)
  const earlier = io.deadlineAt
  const inner: AppIO = {
    ...io,
    signal: AbortSignal.any([io.signal, stop.signal]),
    outerSignal: io.outerSignal ?? io.signal,
    deadlineAt: earlier !== undefined ? Math.min(earlier, deadlineAt) : deadlineAt,
  }
  try {
    return await run(inner)
  } catch (e) {
    if (!stop.signal.aborted || io.signal.aborted || !cutByDeadline(e, reason)) throw e
    const during = (e instanceof InterruptedError && e.during) || io.reporter.current
    throw new StillRunningError(`${stopped}${during ? `: ${quote(during)} was still in progress` : ''}`, hint)
  } finally {
    clearTimeout(timer)
  }
}

/** How long a recovery step (a slot swap back) may take once the deadline has passed. */
export const RECOVERY_MS = 5 * 60_000

/** A signal for recovery after the deadline: Ctrl-C (the entry point's signal) or RECOVERY_MS from now. */
export function recoverySignal(io: AppIO, ms = RECOVERY_MS): AbortSignal {
  return AbortSignal.any([io.outerSignal ?? io.signal, AbortSignal.timeout(ms)])
}

/** The error is the abort itself (not, say, an ARM error that arrived at the same moment). */
function cutByDeadline(e: unknown, reason: StillRunningError): boolean {
  if (e === reason || e instanceof InterruptedError) return true
  if (e instanceof AzdeployError) return false
  return (e as {name?: string})?.name === 'AbortError'
}

const quote = (what: string) => (/\s/.test(what) && !what.startsWith("'") ? `'${what}'` : what)
