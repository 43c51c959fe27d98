/**
 * The release log over the release store: read the list (with `running` records of dead deploys shown as
 * `interrupted`), start a release (next id, status `running`), move it to its final status, bounded to `keep`.
 * Each write Merges only this release's keys, after deleting what the bound drops, so two writers never erase each
 * other's record. Call `startRelease` BEFORE the restart-causing write: when the tags are full it refuses first.
 */
import {lockState} from '../core/deploy-lock.js'
import {RejectedError} from '../core/errors.js'
import {planRecord, type RecordPlan, tagBudget} from '../core/release-plan.js'
import {type DecodedTags, releaseKey, TAG_LIMIT} from '../core/release-tags.js'
import {
  currentRelease,
  effectiveStatus,
  nextReleaseId,
  type Release,
  type ReleaseStatus,
  type StoredRelease,
  withStatus,
} from '../core/releases.js'
import {type SiteRef, siteLabel} from '../core/site-ref.js'
import type {ReleaseStore} from '../ports/releases.js'

export interface ReleaseList {
  /** Oldest first; `status` is the effective one. */
  releases: StoredRelease[]
  current?: StoredRelease
  /** `azdeploy.*` tags this version cannot read (kept untouched). */
  unreadable: Array<{key: string; reason: string}>
}

export async function listReleases(store: ReleaseStore, site: SiteRef, now: number): Promise<ReleaseList> {
  return releaseListOf(await store.list(site), now)
}

/** The list from tags already read (e.g. with the site itself: a site GET returns its tags). */
export function releaseListOf(t: DecodedTags, now: number): ReleaseList {
  const s = lockState(t.lockValue, now).state
  const held = s === 'held' || s === 'ours'
  const releases = t.releases.map((r) => ({...r, status: effectiveStatus(r, held)}))
  const current = currentRelease(releases)
  return current ? {releases, current, unreadable: t.unreadable} : {releases, unreadable: t.unreadable}
}

export type NewRelease = Omit<Release, 'id' | 'status' | 'createdAt'>

export interface WriteOptions {
  keep: number
  /** Told when fewer than `keep` releases could be kept (the user's own tags leave too little room). */
  onSqueezed?: (plan: RecordPlan) => void
  /** Overrides the store's signal (finishing a release after Ctrl-C must still reach Azure). */
  signal?: AbortSignal
}

/** Records a new `running` release with the next id; `writer` is this deploy's random key suffix. */
export async function startRelease(
  store: ReleaseStore,
  site: SiteRef,
  input: NewRelease,
  o: WriteOptions & {now: number; writer: string},
): Promise<StoredRelease> {
  const t = await store.list(site, callOf(o))
  const id = nextReleaseId(t.releases)
  const release: StoredRelease = {
    ...input,
    id,
    key: releaseKey(id, o.writer),
    status: 'running',
    createdAt: new Date(o.now).toISOString(),
  }
  await write(store, site, t, release, o)
  return release
}

/** Moves a release to `to` (see core/releases.ts for the allowed moves) and stores it. */
export async function finishRelease(
  store: ReleaseStore,
  site: SiteRef,
  release: StoredRelease,
  to: ReleaseStatus,
  o: WriteOptions,
): Promise<StoredRelease> {
  const next = withStatus(release, to)
  await write(store, site, await store.list(site, callOf(o)), next, o)
  return next
}

async function write(
  store: ReleaseStore,
  site: SiteRef,
  t: Awaited<ReturnType<ReleaseStore['list']>>,
  release: StoredRelease,
  o: WriteOptions,
): Promise<void> {
  const plan = planRecord(t, release, {keep: o.keep})
  if (!plan.fits) {
    throw new RejectedError(
      'RELEASE_TAGS_FULL',
      `${siteLabel(site)} has ${t.foreign} tags of its own; Azure allows ${TAG_LIMIT}, which leaves ${tagBudget(t.foreign)} of the ${plan.used} azdeploy needs to record this release`,
      'Remove a few tags from the web app (az tag update --operation Delete ...), then deploy again',
    )
  }
  if (plan.squeezed) o.onSqueezed?.(plan)
  // Make room first (a Merge that would pass 50 tags is refused), then write only this release's keys.
  await store.deleteKeys(site, plan.drop, callOf(o))
  await store.put(site, plan.merge, callOf(o))
}

const callOf = (o: WriteOptions) => (o.signal ? {signal: o.signal} : {})
