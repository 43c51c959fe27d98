/**
 * Signals and the exit-cleanup registry. The first SIGINT (Ctrl-C), SIGTERM or SIGHUP aborts the command: what it
 * waits for stops and it cleans up the normal way, then exits 130 / 143 / 129. A second one does not wait: the
 * registered synchronous steps run (remove the local container, delete a temp env file) and the process exits.
 * CI runners cancel with SIGINT, then SIGTERM a few seconds later: both paths leave nothing behind.
 */
import {ExitCode, type SignalExitCode} from '../core/errors.js'
import type {ExitCleanup} from '../ports/cleanup.js'

export const SIGNAL_EXIT: Readonly<Record<HandledSignal, SignalExitCode>> = {
  SIGHUP: ExitCode.HungUp,
  SIGINT: ExitCode.Interrupted,
  SIGTERM: ExitCode.Terminated,
}
export type HandledSignal = 'SIGHUP' | 'SIGINT' | 'SIGTERM'
const HANDLED = Object.keys(SIGNAL_EXIT) as HandledSignal[]

interface Step {
  run(): void
  describe: string | undefined
}
const steps = new Set<Step>()

/** The process-wide registry: one command runs per process. */
export const exitCleanup: ExitCleanup = {
  onExit(run, describe) {
    const step: Step = {run, describe}
    steps.add(step)
    return () => {
      steps.delete(step)
    }
  },
}

/** Runs (once) every registered step, newest first; returns what they did. Never throws. */
export function runExitCleanup(): string[] {
  const done: string[] = []
  for (const step of [...steps].reverse()) {
    steps.delete(step)
    try {
      step.run()
      if (step.describe) done.push(step.describe)
    } catch {
      // best effort on the way out: the other steps still run
    }
  }
  return done
}

let exitHook = false
/** Whatever ends the process (process.exit, a crash), registered steps still run. */
export function installExitCleanup(): void {
  if (exitHook) return
  exitHook = true
  process.on('exit', () => runExitCleanup())
}

export interface SignalWatch {
  /** The first signal received, if any. */
  readonly received: HandledSignal | undefined
  /** What a signal (or a Ctrl-C read by a prompt in raw mode) does: abort first, exit at once the next time. */
  raise(signal: HandledSignal): void
  stop(): void
}

/** Watches SIGINT, SIGTERM and SIGHUP: the first aborts `abort`, the next calls `forced` (which must exit). */
export function watchSignals(
  abort: (signal: HandledSignal) => void,
  forced: (signal: HandledSignal, first: HandledSignal) => never,
): SignalWatch {
  installExitCleanup()
  let received: HandledSignal | undefined
  const raise = (signal: HandledSignal) => {
    if (received) forced(signal, received)
    received = signal
    abort(signal)
  }
  const handlers = HANDLED.map((s) => [s, () => raise(s)] as const)
  for (const [s, h] of handlers) process.on(s, h)
  return {
    get received() {
      return received
    },
    raise,
    stop: () => {
      for (const [s, h] of handlers) process.off(s, h)
    },
  }
}
