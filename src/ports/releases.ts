/**
 * Where releases and the deploy lock live: the web app's (or slot's) ARM tags. The adapter reads and writes tags;
 * encoding, bounding and lock rules are core's (release-tags.ts, release-plan.ts, deploy-lock.ts).
 */
import type {DeployLock} from '../core/deploy-lock.js'
import type {DecodedTags} from '../core/release-tags.js'
import type {StoredRelease} from '../core/releases.js'
import type {SiteRef} from '../core/site-ref.js'

export interface StoreCallOptions {
  /** Overrides the adapter's signal: releasing the lock after Ctrl-C must still reach Azure. */
  signal?: AbortSignal
}

export interface ReleaseStore {
  /** Every tag of the site, decoded: releases (oldest first), settings-name keys, the lock, the user's tag count. */
  list(site: SiteRef, o?: StoreCallOptions): Promise<DecodedTags>
  /** Merges these tags (release records and their settings-name keys); other tags are untouched. */
  put(site: SiteRef, tags: Readonly<Record<string, string>>, o?: StoreCallOptions): Promise<void>
  /** Deletes these tag names (those present); other tags are untouched. */
  deleteKeys(site: SiteRef, keys: readonly string[], o?: StoreCallOptions): Promise<void>
  /** The raw `azdeploy.lock` value, undefined when absent. */
  readLock(site: SiteRef, o?: StoreCallOptions): Promise<string | undefined>
  /** Merges the lock tag with this value. */
  writeLock(site: SiteRef, lock: DeployLock, o?: StoreCallOptions): Promise<void>
  /** Deletes the lock tag only if it still holds this lock's nonce; false when someone else holds it now. */
  deleteLock(site: SiteRef, lock: DeployLock, o?: StoreCallOptions): Promise<boolean>
}

export type {StoredRelease}
