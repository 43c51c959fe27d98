/**
 * The release store over the ARM Tags API at the site's scope (`@azure/arm-resources` `tagsOperations`):
 *   GET   {siteId}/providers/Microsoft.Resources/tags/default                        getAtScope
 *   PATCH {siteId}/providers/Microsoft.Resources/tags/default {operation: Merge|Delete}  beginUpdateAtScopeAndWait
 * Merge adds or overwrites only the names sent; Delete removes the name/value pairs sent (we send the values we
 * just read). Neither touches site config or app settings, so neither should restart the app (expected, not
 * verified: azure-reference §3.5). The SDK is imported on first use.
 */

import {type DeployLock, decodeLock, encodeLock} from '../../core/deploy-lock.js'
import {AuthError} from '../../core/errors.js'
import {decodeTags, LOCK_KEY} from '../../core/release-tags.js'
import {type SiteRef, siteLabel, siteResourceId} from '../../core/site-ref.js'
import type {ReleaseStore, StoreCallOptions} from '../../ports/releases.js'
import {toAzdeployError} from './arm-errors.js'
import {type ArmAdapterOptions, armClientOptions} from './arm-pipeline.js'

type RmClient = import('@azure/arm-resources').ResourceManagementClient

export function createReleaseStore(o: ArmAdapterOptions): ReleaseStore {
  const opts = armClientOptions(o.target, o.debug, o.env)
  let client: Promise<RmClient> | undefined
  const tags = async () => {
    client ??= import('@azure/arm-resources').then(
      (m) => new m.ResourceManagementClient(o.credential, o.subscriptionId, opts),
    )
    return (await client).tagsOperations
  }
  // The SDK's path is "/{scope}/providers/…" with the scope not encoded: pass the id without its leading slash.
  const scope = (site: SiteRef) => siteResourceId(o.subscriptionId, site).slice(1)
  const signal = (c?: StoreCallOptions) => c?.signal ?? o.signal

  async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      const err = toAzdeployError(e, what)
      if (err instanceof AuthError && err.code === 'AUTHORIZATION_FAILED') {
        throw new AuthError(
          err.code,
          err.message,
          'Writing tags needs Microsoft.Resources/tags/write on the web app: ask for Contributor, or add Tag Contributor',
          {cause: e},
        )
      }
      throw err
    }
  }

  async function read(site: SiteRef, c?: StoreCallOptions): Promise<Record<string, string>> {
    return guard(`read the release tags of ${siteLabel(site)}`, async () => {
      const res = await (await tags()).getAtScope(scope(site), {abortSignal: signal(c)})
      return {...(res.properties?.tags ?? {})}
    })
  }

  async function patch(site: SiteRef, operation: 'Merge' | 'Delete', t: Record<string, string>, c?: StoreCallOptions) {
    const what = `${operation === 'Merge' ? 'write' : 'delete'} release tags on ${siteLabel(site)}`
    await guard(what, async () =>
      (await tags()).beginUpdateAtScopeAndWait(
        scope(site),
        {operation, properties: {tags: t}},
        {abortSignal: signal(c), updateIntervalInMs: o.pollIntervalMs ?? 2000},
      ),
    )
  }

  /** The stored name for `key` (tag names are case-insensitive) and its value. */
  const find = (all: Record<string, string>, key: string) =>
    Object.entries(all).find(([k]) => k.toLowerCase() === key.toLowerCase())

  return {
    async list(site, c) {
      return decodeTags(await read(site, c))
    },
    async put(site, t, c) {
      if (Object.keys(t).length) await patch(site, 'Merge', {...t}, c)
    },
    async deleteKeys(site, keys, c) {
      if (!keys.length) return
      const all = await read(site, c)
      const present = Object.fromEntries(keys.map((k) => find(all, k)).filter((e) => e !== undefined))
      if (Object.keys(present).length) await patch(site, 'Delete', present, c)
    },
    async readLock(site, c) {
      return find(await read(site, c), LOCK_KEY)?.[1]
    },
    async writeLock(site, lock, c) {
      await patch(site, 'Merge', {[LOCK_KEY]: encodeLock(lock)}, c)
    },
    async deleteLock(site: SiteRef, lock: DeployLock, c) {
      const entry = find(await read(site, c), LOCK_KEY)
      if (!entry) return true
      if (decodeLock(entry[1])?.nonce !== lock.nonce) return false
      await patch(site, 'Delete', {[entry[0]]: entry[1]}, c)
      return true
    },
  }
}
