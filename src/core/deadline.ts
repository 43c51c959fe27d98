/**
 * Overall deadlines: every wait of a command ends by one deadline. `up` and `rollback` take theirs from
 * `--timeout`; the other commands that wait on Azure or a registry have a fixed one, which AZDEPLOY_DEADLINE_MS
 * (core/knobs.ts) replaces for all of them. At the deadline the command stops with exit 7 (StillRunning) naming
 * what was still in progress; a Ctrl-C still wins (exit 130). Pure: README and each command's --help quote
 * `deadlineNote`.
 */
import type {Knobs} from './knobs.js'

/** Minutes each command may run when it has no --timeout. `logs --follow` has none: it follows until Ctrl-C. */
export const COMMAND_DEADLINE_MIN = {
  status: 10,
  releases: 10,
  logs: 10,
  down: 30,
  push: 60,
} as const

export type DeadlineCommand = keyof typeof COMMAND_DEADLINE_MIN

export interface Deadline {
  ms: number
  /** What set it, named in the error: `--timeout 300`, `AZDEPLOY_DEADLINE_MS=5000`, `push's 60 min deadline`. */
  source: string
  /** The `Try:` of the error at the deadline, when the command's own is better than the Azure one. */
  hint?: string
}

const HINTS: Partial<Record<DeadlineCommand, string>> = {
  push: 'Run the push again: blobs the registry already has are skipped; for a slow link raise AZDEPLOY_DEADLINE_MS',
}

export function commandDeadline(command: DeadlineCommand, knobs: Pick<Knobs, 'deadlineMs'>): Deadline {
  const hint = HINTS[command]
  const min = COMMAND_DEADLINE_MIN[command]
  const d =
    knobs.deadlineMs > 0
      ? {ms: knobs.deadlineMs, source: `AZDEPLOY_DEADLINE_MS=${knobs.deadlineMs}`}
      : {ms: min * 60_000, source: `the ${min} min deadline of \`${command}\``}
  return hint ? {...d, hint} : d
}

/** `--timeout` as the deadline of `up` / `rollback`. */
export function timeoutDeadline(timeoutSec: number): Deadline {
  return {ms: timeoutSec * 1000, source: `--timeout ${timeoutSec}`}
}

/** The sentence each command's --help carries. */
export function deadlineNote(command: DeadlineCommand): string {
  const follow = command === 'logs' ? ' (`--follow` runs until Ctrl-C)' : ''
  return `Stops waiting after ${COMMAND_DEADLINE_MIN[command]} minutes${follow} with exit 7; AZDEPLOY_DEADLINE_MS sets another deadline.`
}

/** Seconds or minutes, for messages. */
export function formatDeadline(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 120_000 || ms % 60_000 !== 0) return `${Math.round(ms / 1000)} s`
  return `${ms / 60_000} min`
}
