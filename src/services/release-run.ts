/**
 * The release around one changing `up` or `rollback`, and the deploy lock that keeps two of them apart:
 *   existing site: take the lock (fail at once naming the holder, or wait `--lock-wait`) → record the release
 *                  `running` (the release log refuses a full tag set here, before anything restarts) → the change
 *                  (apply + the health wait) → `succeeded`, or `failed` / `interrupted` (Ctrl-C) → release the lock.
 *   first deploy:  there is no site to hold tags yet, so the site create itself carries the lock and the `running`
 *                  record (`createTags`); from there on it is the same. Two first deploys racing to create the same
 *                  app are not kept apart (documented limitation: the second create replaces the first's tags).
 * The lock is released and the record finished on every path, Ctrl-C included (with their own short signal).
 */
import {randomBytes} from 'node:crypto'
import {type DeployLock, encodeLock, lockTtl, newLock} from '../core/deploy-lock.js'
import {escapeControl} from '../core/display.js'
import {writerId} from '../core/release-plan.js'
import {LOCK_KEY, releaseKey, releaseTags} from '../core/release-tags.js'
import {canTransition, type ReleaseStatus, type StoredRelease} from '../core/releases.js'
import type {SiteRef} from '../core/site-ref.js'
import type {Reporter, WaitLine} from '../output/reporter.js'
import type {Clock} from '../ports/index.js'
import type {ReleaseStore} from '../ports/releases.js'
import {acquireLock, holdDeployLock, RELEASE_TIMEOUT_MS} from './deploy-lock.js'
import {finishRelease, type NewRelease, startRelease} from './release-log.js'

export interface ReleaseRunOptions {
  store: ReleaseStore
  clock: Clock
  site: SiteRef
  /** False on a first deploy: the site create carries the lock and the record. */
  siteExists: boolean
  keep: number
  /** Who holds the lock (the release's actor). */
  holder: string
  /** `--lock-wait` in ms (0: fail at once when held). */
  lockWaitMs: number
  /** The deploy's own timeout: a crashed holder's lock expires this plus a margin after it was taken. */
  timeoutMs: number
  signal: AbortSignal
  out: Reporter
  /** Test knobs: first lock poll and its cap. */
  lockPollMs?: number
  lockPollMaxMs?: number
  renewEveryMs?: number
  /** A rollback: the release it replaces, marked `rolled back` once the rollback serves. */
  replaces?: StoredRelease
}

export interface ReleaseHandle {
  /** The lock was held by someone else first and we waited: re-read and re-plan before writing. */
  waited: boolean
  /** Tags the site create must carry (first deploy only). Call `prepare` first. */
  createTags(): Record<string, string>
  /** Records the release `running`: call before the restart-causing write (a first deploy's create carries it). */
  start(release: NewRelease): Promise<StoredRelease>
  /** The release recorded so far, if any. */
  started(): StoredRelease | undefined
}

export interface ReleaseRunResult<T> {
  value: T
  release?: StoredRelease
}

/**
 * Runs `fn` under the deploy lock with a release record. `fn` calls `h.start(...)` once it knows it will change
 * something (or returns without, e.g. when a re-plan after waiting finds nothing left to do). A rollback's
 * `replaces` is marked `rolled back` after its own record is `succeeded`, still under the lock.
 */
export async function runRelease<T>(
  o: ReleaseRunOptions,
  fn: (h: ReleaseHandle) => Promise<T>,
): Promise<ReleaseRunResult<T>> {
  const writer = writerId(randomBytes(4))
  const nonce = randomBytes(12).toString('hex')
  let waited = false
  let line: WaitLine | undefined
  let lock: DeployLock
  let release: StoredRelease | undefined
  let pending: StoredRelease | undefined
  if (o.siteExists) {
    lock = await acquireLock(o.store, o.clock, {
      site: o.site,
      holder: o.holder,
      timeoutMs: o.timeoutMs,
      waitMs: o.lockWaitMs,
      signal: o.signal,
      nonce,
      settle: true,
      ...(o.lockPollMs !== undefined ? {pollFirstMs: o.lockPollMs} : {}),
      ...(o.lockPollMaxMs !== undefined ? {pollMaxMs: o.lockPollMaxMs} : {}),
      onWait: (held, ms) => {
        if (!waited) o.out.info(`waiting for the deploy lock: held by ${held.holder} since ${iso(held.since)}`)
        waited = true
        line ??= o.out.wait('waiting for the deploy lock', {limitMs: o.lockWaitMs})
        void ms
      },
      onTakeover: (expired) => o.out.warn(`took over the deploy lock ${expired.holder} left to expire`),
    }).catch((e: unknown) => {
      line?.stop()
      throw e
    })
    line?.done('deploy lock taken')
  } else {
    lock = newLock(o.holder, nonce, o.clock.now(), lockTtl(o.timeoutMs))
  }
  const write = {
    keep: o.keep,
    onSqueezed: () => o.out.warn('fewer releases kept: the web app has many tags of its own'),
  }
  const handle: ReleaseHandle = {
    waited,
    createTags() {
      if (!pending) throw new Error('createTags before start')
      return {...releaseTags(pending), [LOCK_KEY]: encodeLock(lock)}
    },
    async start(input) {
      if (o.siteExists) {
        release = await startRelease(o.store, o.site, input, {...write, now: o.clock.now(), writer})
      } else {
        pending = {...input, id: 1, key: releaseKey(1, writer), status: 'running', createdAt: iso(o.clock.now())}
        release = pending
      }
      return release
    },
    started: () => release,
  }
  return holdDeployLock(
    o.store,
    o.clock,
    {site: o.site, timeoutMs: o.timeoutMs, ...(o.renewEveryMs ? {renewEveryMs: o.renewEveryMs} : {})},
    lock,
    async () => {
      handle.waited = waited
      let value: T
      try {
        value = await fn(handle)
      } catch (e) {
        if (release) await finish(o, release, o.signal.aborted ? 'interrupted' : 'failed', write)
        throw e
      }
      if (!release) return {value}
      const done = await finish(o, release, 'succeeded', write)
      if (done && o.replaces) await markReplaced(o, o.replaces, write)
      return {value, release: done ?? release}
    },
  )
}

/** Stores the final status with its own signal (works after Ctrl-C); a failure is a warning, never the error. */
async function finish(
  o: ReleaseRunOptions,
  release: StoredRelease,
  to: ReleaseStatus,
  write: {keep: number},
): Promise<StoredRelease | undefined> {
  try {
    return await finishRelease(o.store, o.site, release, to, {
      ...write,
      signal: AbortSignal.timeout(RELEASE_TIMEOUT_MS),
    })
  } catch (e) {
    o.out.warn(`could not record release ${release.id} as ${to}: ${text(e)}`)
    return undefined
  }
}

/** The release a rollback replaced, as stored now, becomes `rolled back` (it stays in the history). */
async function markReplaced(o: ReleaseRunOptions, replaced: StoredRelease, write: {keep: number}): Promise<void> {
  try {
    const signal = AbortSignal.timeout(RELEASE_TIMEOUT_MS)
    const now = (await o.store.list(o.site, {signal})).releases.find((r) => r.key === replaced.key)
    if (now && canTransition(now.status, 'rolled back'))
      await finishRelease(o.store, o.site, now, 'rolled back', {...write, signal})
  } catch (e) {
    o.out.warn(`could not mark release ${replaced.id} as rolled back: ${text(e)}`)
  }
}

const iso = (ms: number) => new Date(ms).toISOString()
/** An error's words for a warning: Azure's text, with its control characters made visible. */
const text = (e: unknown) => escapeControl(e instanceof Error ? e.message : String(e))
