/**
 * Releases: every `up` and `rollback` is a numbered record kept on the web app itself (see release-tags.ts for how
 * it is stored). This file is the model and its rules: ids, order, which release is current, status transitions
 * and which records to keep. Pure: no I/O, no clock (callers pass `now`).
 *
 * Settings: a release records the NAMES of the app settings azdeploy manages and one fingerprint over their
 * values, never a value. The fingerprint only tells "same values or not" (rollback can warn that settings changed);
 * it cannot restore them.
 */
import {createHash} from 'node:crypto'

export type ReleaseKind = 'deploy' | 'rollback'
export type ReleaseStatus = 'running' | 'succeeded' | 'failed' | 'rolled back' | 'interrupted'

export interface ReleaseSettings {
  /** Names of the azdeploy-managed app settings, sorted. */
  names: string[]
  /** `settingsFingerprint` of their values: 16 hex digits. */
  hash: string
}

export interface Release {
  /** Monotonic per site (and per slot): 1, 2, 3, … */
  id: number
  /** The image as the user named it, `repo:tag` (registry included), for display. */
  image: string
  /** `sha256:<64 hex>`: what was actually deployed. */
  digest: string
  /** WEBSITES_PORT; 0 when none was set (App Service probes 80 and 8080). */
  port: number
  settings: ReleaseSettings
  /** ISO 8601 UTC, millisecond precision. */
  createdAt: string
  /** Who deployed: display name and/or UPN, or the CI identity. */
  actor: string
  /** Git commit SHA of the source, when known. */
  source?: string
  kind: ReleaseKind
  status: ReleaseStatus
  /** For a rollback: the id of the release whose image it restored. */
  restores?: number
}

/** A release as stored: `key` tells apart two records that got the same id in a race (see release-tags.ts). */
export interface StoredRelease extends Release {
  key: string
}

export const DEFAULT_KEEP = 20
export const MAX_KEEP = 30

/** Order: id, then creation time, then key (only a race without the lock makes the first two tie). */
export function compareReleases(a: StoredRelease | Release, b: StoredRelease | Release): number {
  if (a.id !== b.id) return a.id - b.id
  const t = Date.parse(a.createdAt) - Date.parse(b.createdAt)
  if (t !== 0) return t
  const ka = 'key' in a ? a.key : ''
  const kb = 'key' in b ? b.key : ''
  return ka < kb ? -1 : ka > kb ? 1 : 0
}

export function sortReleases<T extends Release>(releases: readonly T[]): T[] {
  return [...releases].sort(compareReleases)
}

/** The next id: one more than the highest ever recorded here (pruned ids are not reused while a newer one exists). */
export function nextReleaseId(releases: readonly Release[]): number {
  return releases.reduce((max, r) => Math.max(max, r.id), 0) + 1
}

/**
 * The current release: the newest (by `compareReleases`) with status `succeeded`. A rollback is itself a release
 * (kind `rollback`), so after a rollback the rollback record is current; the records it rolled back from are
 * marked `rolled back`. `running`, `failed` and `interrupted` records never become current: the app still runs the
 * image of the current one (App Service keeps the old container while a new one fails to start).
 * Undefined when nothing has succeeded yet.
 */
export function currentRelease<T extends Release>(releases: readonly T[]): T | undefined {
  let best: T | undefined
  for (const r of releases) if (r.status === 'succeeded' && (!best || compareReleases(r, best) > 0)) best = r
  return best
}

const TRANSITIONS: Record<ReleaseStatus, readonly ReleaseStatus[]> = {
  running: ['succeeded', 'failed', 'interrupted'],
  // A later rollback restored an earlier image over this one.
  succeeded: ['rolled back'],
  // The health gate failed and the previous image was put back.
  failed: ['rolled back'],
  // Found stale later (its deploy died); it may still be reverted.
  interrupted: ['rolled back', 'failed'],
  'rolled back': [],
}

export function canTransition(from: ReleaseStatus, to: ReleaseStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

/** The release with its new status; throws (a bug in the caller) for a move the rules above do not allow. */
export function withStatus<T extends Release>(release: T, to: ReleaseStatus): T {
  if (!canTransition(release.status, to)) {
    throw new Error(`release ${release.id}: status '${release.status}' cannot become '${to}'`)
  }
  return {...release, status: to}
}

/**
 * What a reader should show: a `running` record whose deploy no longer holds the lock (it crashed, or the lock
 * expired) is `interrupted`. `lockHeld` = the deploy lock is currently held (by anyone, not expired).
 */
export function effectiveStatus(release: Release, lockHeld: boolean): ReleaseStatus {
  return release.status === 'running' && !lockHeld ? 'interrupted' : release.status
}

/**
 * The fingerprint of the managed settings' values: sha256 over a canonical form (names sorted, each name and value
 * length-prefixed so no two different maps share a form), first 16 hex digits. Only equality is meaningful.
 * Caveat (documented): like any unsalted hash it lets someone who can read the tags confirm a GUESS of all the
 * values at once; it never lets them read a value.
 */
export function settingsFingerprint(values: Readonly<Record<string, string>>): ReleaseSettings {
  const names = Object.keys(values).sort()
  const h = createHash('sha256').update('azdeploy.settings.v1\n')
  for (const n of names) {
    const v = values[n]!
    h.update(`${n.length}:${n}=${v.length}:${v}\n`)
  }
  return {names, hash: h.digest('hex').slice(0, 16)}
}

export interface PruneOptions {
  /** Keep at most this many (newest); the current release is kept even when older. */
  keep: number
  /** Never drop these keys (e.g. the record this deploy is writing). */
  protect?: readonly string[]
}

/**
 * Which records to drop: everything but the newest `keep`, except the current release and protected keys, which
 * are always kept (so the result may hold `keep + 1`). Returns the records to drop, oldest first.
 */
export function releasesToDrop<T extends StoredRelease>(releases: readonly T[], o: PruneOptions): T[] {
  const keep = Math.max(1, Math.floor(o.keep))
  const sorted = sortReleases(releases)
  const current = currentRelease(sorted)
  const protect = new Set(o.protect ?? [])
  const newest = new Set(sorted.slice(-keep).map((r) => r.key))
  return sorted.filter((r) => !newest.has(r.key) && r !== current && !protect.has(r.key))
}
