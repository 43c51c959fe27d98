/**
 * The deploy lock over the release store: acquire (fail at once naming the holder, or wait up to `--lock-wait`
 * with backoff), renew while the deploy runs, release on the way out — Ctrl-C included (the release uses its own
 * short signal, since the command's is already aborted). The rules are core/deploy-lock.ts.
 */
import {randomBytes} from 'node:crypto'
import {type DeployLock, lockState, lockTtl, newLock, nextLockPoll, renewLock} from '../core/deploy-lock.js'
import {InterruptedError, LockHeldError} from '../core/errors.js'
import {type SiteRef, siteLabel} from '../core/site-ref.js'
import type {Clock} from '../ports/index.js'
import type {ReleaseStore} from '../ports/releases.js'

export interface LockOptions {
  site: SiteRef
  /** Display name and/or UPN of the signed-in user (or the CI identity). */
  holder: string
  /** The deploy's own timeout: the lock outlives a crashed holder by this plus LOCK_MARGIN_MS. */
  timeoutMs: number
  /** `--lock-wait` in ms; 0 = fail at once when held. */
  waitMs: number
  signal: AbortSignal
  /** Test knobs: the first poll delay and its cap (they double in between). */
  pollFirstMs?: number
  pollMaxMs?: number
  nonce?: string
  /** Held by someone else; we wait (called before each sleep). */
  onWait?: (held: DeployLock, waitedMs: number) => void
  /** We took over a lock its holder left to expire. */
  onTakeover?: (expired: DeployLock) => void
  /**
   * Read the lock back a second time, after twice as long as our write took (at least 50 ms), before holding it.
   * Two deploys that both read "free" and both wrote: the one whose write landed first can read its own nonce back
   * before the other's write lands; the second look sees the later write and backs off (it counts as held). This
   * narrows the race of a store without compare-and-swap to writes further apart than one write's own time.
   */
  settle?: boolean
}

const LOCK_WAIT_INTERRUPTED = 'Interrupted while waiting for the deploy lock'

/** How long releasing the lock may take after Ctrl-C. */
export const RELEASE_TIMEOUT_MS = 15_000

export async function acquireLock(store: ReleaseStore, clock: Clock, o: LockOptions): Promise<DeployLock> {
  const nonce = o.nonce ?? randomBytes(12).toString('hex')
  const ttl = lockTtl(o.timeoutMs)
  const start = clock.now()
  const deadline = start + Math.max(0, o.waitMs)
  const call = {signal: o.signal}
  let delay: number | undefined
  const lockWaitCut = () =>
    new InterruptedError(LOCK_WAIT_INTERRUPTED, undefined, undefined, 'the wait for the deploy lock')
  for (;;) {
    if (o.signal.aborted) throw lockWaitCut()
    // Once waiting, a look cut by Ctrl-C or the deadline is the lock wait that was cut.
    const read = store.readLock(o.site, call)
    const found =
      delay === undefined
        ? await read
        : await read.catch((e: unknown) => {
            throw o.signal.aborted ? lockWaitCut() : e
          })
    const seen = lockState(found, clock.now())
    if (seen.state === 'held') {
      const now = clock.now()
      if (now >= deadline) throw new LockHeldError(siteLabel(o.site), seen.lock, now - start)
      delay = nextLockPoll(delay, now, deadline, o.pollFirstMs, o.pollMaxMs)
      o.onWait?.(seen.lock, now - start)
      await sleep(clock, delay, o.signal)
      continue
    }
    const mine = newLock(o.holder, nonce, clock.now(), ttl)
    try {
      const writing = clock.now()
      await store.writeLock(o.site, mine, call)
      const writeMs = clock.now() - writing
      let back = lockState(await store.readLock(o.site, call), clock.now(), nonce)
      if (back.state === 'ours' && o.settle) {
        await sleep(clock, Math.max(50, 2 * writeMs), o.signal)
        back = lockState(await store.readLock(o.site, call), clock.now(), nonce)
      }
      if (back.state === 'ours') {
        if (seen.state === 'expired') o.onTakeover?.(seen.lock)
        return mine
      }
    } catch (e) {
      // The write may have landed before the interruption: do not leave our lock behind.
      if (o.signal.aborted) await releaseLock(store, o.site, mine).catch(() => false)
      throw e
    }
    // Another deploy wrote between our read and our re-read: it holds the lock now. Loop (wait or fail).
  }
}

/** Extends our lock; false when it is no longer ours (it expired and someone took it over). */
export async function renewDeployLock(
  store: ReleaseStore,
  clock: Clock,
  site: SiteRef,
  lock: DeployLock,
  ttlMs: number,
  signal: AbortSignal,
): Promise<DeployLock | null> {
  const now = clock.now()
  if (lockState(await store.readLock(site, {signal}), now, lock.nonce).state !== 'ours') return null
  const renewed = renewLock(lock, now, ttlMs)
  await store.writeLock(site, renewed, {signal})
  return renewed
}

/** Deletes the lock if it is still ours, with its own timeout (works after Ctrl-C). */
export async function releaseLock(store: ReleaseStore, site: SiteRef, lock: DeployLock): Promise<boolean> {
  return store.deleteLock(site, lock, {signal: AbortSignal.timeout(RELEASE_TIMEOUT_MS)})
}

/**
 * Runs `fn` holding the lock: renews it every third of its lifetime while `fn` runs, and releases it however `fn`
 * ends (success, error, Ctrl-C). `onLost` is told if a renewal finds the lock taken over.
 */
export async function withDeployLock<T>(
  store: ReleaseStore,
  clock: Clock,
  o: LockOptions & {renewEveryMs?: number; onLost?: () => void},
  fn: (lock: DeployLock) => Promise<T>,
): Promise<T> {
  return holdDeployLock(store, clock, o, await acquireLock(store, clock, o), fn)
}

/**
 * Runs `fn` holding a lock already taken (by acquireLock, or written with the site's creation): renews it every
 * third of its lifetime (a failed renewal is retried at the next beat: before a new site exists it cannot succeed)
 * and releases it however `fn` ends.
 */
export async function holdDeployLock<T>(
  store: ReleaseStore,
  clock: Clock,
  o: Pick<LockOptions, 'site' | 'timeoutMs'> & {renewEveryMs?: number; onLost?: () => void},
  taken: DeployLock,
  fn: (lock: DeployLock) => Promise<T>,
): Promise<T> {
  let lock = taken
  const ttl = lockTtl(o.timeoutMs)
  const stop = new AbortController()
  const beat = (async () => {
    for (;;) {
      await clock.sleep(o.renewEveryMs ?? Math.max(1000, Math.floor(ttl / 3)), stop.signal)
      const renewed = await renewDeployLock(store, clock, o.site, lock, ttl, stop.signal).catch(() => lock)
      if (!renewed) {
        o.onLost?.()
        return
      }
      lock = renewed
    }
  })().catch(() => {})
  try {
    return await fn(lock)
  } finally {
    stop.abort()
    await beat
    await releaseLock(store, o.site, lock).catch(() => false)
  }
}

async function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal)
  } catch {
    throw new InterruptedError(LOCK_WAIT_INTERRUPTED, undefined, undefined, 'the wait for the deploy lock')
  }
}
