/**
 * The deploy lock: one tag, `azdeploy.lock`, on the web app (or slot), so two `up`/`rollback` never interleave.
 * Value (v1): `1|<nonce>|<since ms base36>|<expiresAt ms base36>|<holder>` (holder escaped like release fields and
 * shortened to fit 256 characters). Pure rules; the I/O is the release store's, the loop is services/deploy-lock.ts.
 *
 * Acquire = read → held by someone else and not expired → LockHeldError (or wait, with --lock-wait) → else Merge our
 * value → read again → our nonce there = acquired. The narrow race: two deploys that both read "free" and both
 * write can both read their own nonce back if one re-reads before the other's write lands; the window is one ARM
 * round trip, and the release records still survive it (they never share a key). A crashed holder's lock expires
 * at `expiresAt` (the deploy's timeout plus a margin; a live holder renews it). Release = Delete only if the tag
 * still holds our nonce.
 */
import {fitField, TAG_VALUE_MAX, unescapeField} from './release-tags.js'

export interface DeployLock {
  /** Display name and/or UPN of whoever holds it. */
  holder: string
  /** Random, unique per acquisition; proves which deploy wrote the tag. */
  nonce: string
  /** Epoch ms. */
  since: number
  expiresAt: number
}

/** How long past the deploy's own timeout a lock stays valid if its holder dies without releasing it. */
export const LOCK_MARGIN_MS = 120_000

export function encodeLock(l: DeployLock): string {
  if (!/^[a-z0-9]{8,32}$/.test(l.nonce)) throw new Error(`lock nonce must be 8-32 of [a-z0-9]: ${l.nonce}`)
  const head = `1|${l.nonce}|${Math.max(0, l.since).toString(36)}|${Math.max(0, l.expiresAt).toString(36)}|`
  return head + fitField(l.holder, TAG_VALUE_MAX - head.length, 'head')
}

export function decodeLock(value: string): DeployLock | null {
  const m = /^1\|([a-z0-9]{8,32})\|([0-9a-z]{1,12})\|([0-9a-z]{1,12})\|(.*)$/s.exec(value)
  if (!m) return null
  return {
    nonce: m[1]!,
    since: Number.parseInt(m[2]!, 36),
    expiresAt: Number.parseInt(m[3]!, 36),
    holder: unescapeField(m[4]!),
  }
}

export function newLock(holder: string, nonce: string, now: number, ttlMs: number): DeployLock {
  return {holder, nonce, since: now, expiresAt: now + ttlMs}
}

/** The same lock, valid for `ttlMs` more from `now` (a live holder's heartbeat). */
export function renewLock(l: DeployLock, now: number, ttlMs: number): DeployLock {
  return {...l, expiresAt: Math.max(l.expiresAt, now + ttlMs)}
}

/** The lock's time to live for a deploy that may take `timeoutMs`. */
export function lockTtl(timeoutMs: number): number {
  return Math.max(0, timeoutMs) + LOCK_MARGIN_MS
}

export type LockState =
  | {state: 'free'}
  | {state: 'ours'; lock: DeployLock}
  | {state: 'held'; lock: DeployLock}
  /** Held by someone who did not release it in time: may be taken over. */
  | {state: 'expired'; lock: DeployLock}

/**
 * What the tag's current value means to the deploy holding `nonce` (undefined before acquiring). A value we cannot
 * read (damaged, or a newer version's) counts as free: a lock nobody can interpret must not block deploys forever.
 */
export function lockState(value: string | undefined, now: number, nonce?: string): LockState {
  if (value === undefined) return {state: 'free'}
  const lock = decodeLock(value)
  if (!lock) return {state: 'free'}
  if (nonce !== undefined && lock.nonce === nonce) return {state: 'ours', lock}
  if (lock.expiresAt <= now) return {state: 'expired', lock}
  return {state: 'held', lock}
}

/** Poll delays while waiting for a held lock: `first`, doubling, at most `max`, never past `deadline`. */
export function nextLockPoll(
  previousMs: number | undefined,
  now: number,
  deadline: number,
  first = 1000,
  max = 15_000,
) {
  const want = previousMs === undefined ? first : Math.min(max, previousMs * 2)
  return Math.max(0, Math.min(want, deadline - now))
}
