/** `azdeploy releases`: the history on the web app (its tags, read with the site: one ARM call), newest first. */
import {InputError} from '../core/errors.js'
import {decodeTags} from '../core/release-tags.js'
import type {StoredRelease} from '../core/releases.js'
import {siteRef} from '../core/site-ref.js'
import type {AppServicePort} from '../ports/index.js'
import {type ReleaseList, releaseListOf} from './release-log.js'

export interface ReleaseRow {
  id: number
  image: string
  digest: string
  /** null: no WEBSITES_PORT was set (App Service probes 80 and 8080). */
  port: number | null
  createdAt: string
  actor: string
  kind: string
  status: string
  current: boolean
}

export interface ReleasesOutcome {
  releases: ReleaseRow[]
}

export function releaseRow(r: StoredRelease, current: StoredRelease | undefined): ReleaseRow {
  return {
    id: r.id,
    image: r.image,
    digest: r.digest,
    port: r.port || null,
    createdAt: r.createdAt,
    actor: r.actor,
    kind: r.kind,
    status: r.status,
    current: r.key === current?.key,
  }
}

/** The releases of an app (with the site's tags), or APP_NOT_FOUND. */
export async function readReleases(
  t: {app: string; resourceGroup: string},
  app: Pick<AppServicePort, 'getSite'>,
  now: number,
): Promise<ReleaseList> {
  const site = await app.getSite(siteRef(t.resourceGroup, t.app))
  if (!site) {
    throw new InputError(
      'APP_NOT_FOUND',
      `App '${t.app}' was not found in resource group '${t.resourceGroup}'`,
      'Check --app and --resource-group (and --subscription), or deploy it with `azdeploy up`',
    )
  }
  return releaseListOf(decodeTags(site.tags ?? {}), now)
}

/** Newest first, at most `n`; the current release is always listed (last, when older than the `n` newest). */
export function releaseRows(list: ReleaseList, n: number): ReleaseRow[] {
  const newest = [...list.releases].reverse().slice(0, Math.max(1, n))
  if (list.current && !newest.some((r) => r.key === list.current?.key)) newest.push(list.current)
  return newest.map((r) => releaseRow(r, list.current))
}
