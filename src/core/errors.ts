/**
 * The error family every layer throws. Adapters translate SDK and HTTP errors into these at their boundary;
 * the command base renders them (human, CI or --json) and exits with `exitCode`.
 * Pure: no I/O, no imports from adapters.
 */
export const ExitCode = {
  Ok: 0,
  Unexpected: 1,
  InvalidInput: 2,
  Auth: 3,
  Rejected: 4,
  Unhealthy: 5,
  LockHeld: 6,
  StillRunning: 7,
  /** Docker is needed (a build, `up --local`, `down --local`) and missing from PATH or its engine does not answer. */
  DockerUnavailable: 8,
  /** 128 + the signal's number: SIGHUP, SIGINT (Ctrl-C), SIGTERM (how CI runners cancel, after SIGINT). */
  HungUp: 129,
  Interrupted: 130,
  Terminated: 143,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** The table shown in README and `--help`; pinned by a unit test. */
export const EXIT_CODE_TABLE: ReadonlyArray<readonly [number, string]> = [
  [ExitCode.Ok, 'done, or nothing to change'],
  [ExitCode.Unexpected, 'unexpected failure (a bug: please report it, with --verbose output)'],
  [ExitCode.InvalidInput, 'invalid flags, azdeploy.yml, image reference, or an image that does not exist'],
  [ExitCode.Auth, 'not logged in, or a missing permission (Azure RBAC or registry)'],
  [ExitCode.Rejected, 'Azure or the registry rejected the request (quota, SKU, name taken, service error)'],
  [ExitCode.Unhealthy, 'the new container did not become healthy; see `azdeploy status` and logs'],
  [ExitCode.LockHeld, 'deploy lock held by someone else (another `up` or `rollback` on this app)'],
  [
    ExitCode.StillRunning,
    "stopped waiting at the deadline (--timeout, or the command's); Azure may still be working, see `azdeploy status`",
  ],
  [
    ExitCode.DockerUnavailable,
    'Docker is needed and not available: no `docker` on PATH, or its engine does not answer',
  ],
  [ExitCode.HungUp, 'stopped by SIGHUP (the terminal closed); handled like Ctrl-C'],
  [ExitCode.Interrupted, 'interrupted (Ctrl-C, SIGINT); Azure may still be finishing the last request'],
  [ExitCode.Terminated, 'stopped by SIGTERM (e.g. a cancelled CI job); handled like Ctrl-C'],
]

/** The exit codes of a signal, which every command that does work can return. */
export const SIGNAL_EXIT_CODES: readonly ExitCode[] = [ExitCode.HungUp, ExitCode.Interrupted, ExitCode.Terminated]

export interface ErrorJson {
  code: string
  message: string
  hint?: string
  exitCode: number
}

export class AzdeployError extends Error {
  readonly code: string
  readonly exitCode: ExitCode
  readonly hint?: string

  constructor(code: string, exitCode: ExitCode, message: string, hint?: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'AzdeployError'
    this.code = code
    this.exitCode = exitCode
    if (hint !== undefined) this.hint = hint
  }

  /** Leaves out cause, request and response on purpose: they may hold tokens. */
  toJSON(): ErrorJson {
    const out: ErrorJson = {code: this.code, message: this.message, exitCode: this.exitCode}
    if (this.hint) out.hint = this.hint
    return out
  }
}

export class InputError extends AzdeployError {
  constructor(code: string, message: string, hint?: string) {
    super(code, ExitCode.InvalidInput, message, hint)
    this.name = 'InputError'
  }
}

export class AuthError extends AzdeployError {
  constructor(code: string, message: string, hint?: string, options?: {cause?: unknown}) {
    super(code, ExitCode.Auth, message, hint, options)
    this.name = 'AuthError'
  }
}

export class RejectedError extends AzdeployError {
  constructor(code: string, message: string, hint?: string, options?: {cause?: unknown}) {
    super(code, ExitCode.Rejected, message, hint, options)
    this.name = 'RejectedError'
  }
}

export class UnhealthyError extends AzdeployError {
  constructor(message: string, hint?: string) {
    super('UNHEALTHY', ExitCode.Unhealthy, message, hint)
    this.name = 'UnhealthyError'
  }
}

/** Another `up`/`rollback` holds the app's deploy lock (the `azdeploy.lock` tag). Names the holder and since when. */
export class LockHeldError extends AzdeployError {
  readonly holder: string
  readonly since: string
  readonly expiresAt: string

  constructor(target: string, lock: {holder: string; since: number; expiresAt: number}, waitedMs = 0) {
    const since = new Date(lock.since).toISOString()
    const expiresAt = new Date(lock.expiresAt).toISOString()
    super(
      'LOCK_HELD',
      ExitCode.LockHeld,
      `${target} is being deployed by ${lock.holder} since ${since}${waitedMs > 0 ? ` (waited ${Math.round(waitedMs / 1000)} s)` : ''}`,
      `Wait for it to finish and retry, or pass --lock-wait SECONDS to wait for it; if that deploy crashed, its lock expires at ${expiresAt}`,
    )
    this.name = 'LockHeldError'
    this.holder = lock.holder
    this.since = since
    this.expiresAt = expiresAt
  }
}

export class StillRunningError extends AzdeployError {
  constructor(message: string, hint?: string) {
    super('TIMEOUT', ExitCode.StillRunning, message, hint)
    this.name = 'StillRunningError'
  }
}

/** The Docker CLI is not on PATH (`missing`), or the engine it talks to does not answer (`stopped`). */
export class DockerUnavailableError extends AzdeployError {
  readonly reason: 'missing' | 'stopped'

  constructor(reason: 'missing' | 'stopped', message: string, hint: string) {
    super('DOCKER_UNAVAILABLE', ExitCode.DockerUnavailable, message, hint)
    this.name = 'DockerUnavailableError'
    this.reason = reason
  }
}

export type SignalExitCode = typeof ExitCode.HungUp | typeof ExitCode.Interrupted | typeof ExitCode.Terminated

export class InterruptedError extends AzdeployError {
  /** What was in progress when the wait was cut (e.g. "create web app shop-api"), when known. */
  readonly during?: string

  constructor(message: string, hint?: string, exitCode: SignalExitCode = ExitCode.Interrupted, during?: string) {
    super('INTERRUPTED', exitCode, message, hint)
    this.name = 'InterruptedError'
    if (during !== undefined) this.during = during
  }
}

export function isAzdeployError(e: unknown): e is AzdeployError {
  return e instanceof AzdeployError
}
