/**
 * What one write to the release store does: the tags to Merge (this release and its settings-names key) and the
 * tags to Delete (releases past the bound, settings-names keys no kept release uses), inside the tag budget:
 *   azdeploy's keys ≤ min(AZDEPLOY_TAG_BUDGET = 40, 50 − the user's own tags), one slot always reserved for the lock.
 * When the budget is tighter than `keep`, older releases go first (never the current one nor the one being
 * written) and `squeezed` says so. Pure.
 */

import {shown} from './display.js'
import {InputError} from './errors.js'
import {AZDEPLOY_TAG_BUDGET, type DecodedTags, releaseTags, settingsKey, TAG_LIMIT} from './release-tags.js'
import {currentRelease, MAX_KEEP, releasesToDrop, type StoredRelease, sortReleases} from './releases.js'
import {wholeNumber} from './validate.js'

export interface RecordPlan {
  merge: Record<string, string>
  /** Keys to delete (a Delete of the tags the store holds under these names). */
  drop: string[]
  dropped: StoredRelease[]
  /** Fewer than `keep` releases remain because of the tag budget (the user has many tags of their own). */
  squeezed: boolean
  /** False when even the current release and this one do not fit next to the user's tags: nothing is written. */
  fits: boolean
  /** azdeploy tags after the write (lock slot included) and what it may use. */
  used: number
  budget: number
}

/** The budget for azdeploy's keys given the user's own tags. */
export function tagBudget(foreign: number): number {
  return Math.max(0, Math.min(AZDEPLOY_TAG_BUDGET, TAG_LIMIT - foreign))
}

function usage(kept: readonly StoredRelease[], unreadable: number): number {
  const sets = new Set(kept.filter((r) => r.settings.names.length).map((r) => settingsKey(r.settings.names)))
  return kept.length + sets.size + unreadable + 1
}

/** Plans writing `release` (new, or a status change of an existing record with the same key). */
export function planRecord(tags: DecodedTags, release: StoredRelease, o: {keep: number}): RecordPlan {
  const others = tags.releases.filter((r) => r.key !== release.key)
  const all = sortReleases([...others, release])
  const budget = tagBudget(tags.foreign)
  const dropped = releasesToDrop(all, {keep: o.keep, protect: [release.key]})
  const gone = new Set(dropped.map((r) => r.key))
  let kept = all.filter((r) => !gone.has(r.key))
  let squeezed = false
  const current = currentRelease(all)
  while (usage(kept, tags.unreadable.length) > budget) {
    const victim = kept.find((r) => r !== current && r.key !== release.key)
    if (!victim) break
    squeezed = true
    dropped.push(victim)
    kept = kept.filter((r) => r !== victim)
  }
  const used = usage(kept, tags.unreadable.length)
  const fits = used <= budget
  const keepSets = new Set(kept.filter((r) => r.settings.names.length).map((r) => settingsKey(r.settings.names)))
  const staleSets = tags.settingsKeys.filter((k) => !keepSets.has(k.toLowerCase()))
  if (!fits) return {merge: {}, drop: [], dropped: [], squeezed, fits, used, budget}
  return {
    merge: releaseTags(release),
    drop: [...dropped.map((r) => r.key), ...staleSets],
    dropped: sortReleases(dropped),
    squeezed,
    fits,
    used,
    budget,
  }
}

/** `--keep` / `releases.keep`: 1…30 (a bound that leaves room for the user's own tags). */
export function validateKeep(value: number | string, flag = 'releases.keep'): number {
  const n = wholeNumber(value)
  if (!Number.isInteger(n) || n < 1 || n > MAX_KEEP) {
    throw new InputError(
      'INVALID_KEEP',
      `${flag} ${typeof value === 'string' ? `"${shown(value)}"` : shown(value)} must be a whole number from 1 to ${MAX_KEEP}`,
      `Releases are kept as tags on the web app (at most 50 per resource, shared with your own); e.g. ${flag}: 20`,
    )
  }
  return n
}

/** A short random key suffix for one deploy, from random bytes (the caller supplies them: core has no I/O). */
export function writerId(bytes: Uint8Array): string {
  let n = 0
  for (const b of bytes.subarray(0, 4)) n = n * 256 + b
  return n.toString(36).padStart(6, '0').slice(-6)
}
