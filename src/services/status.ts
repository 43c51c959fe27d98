/** `azdeploy status`: what runs where, read in one parallel batch, plus a live probe of the app. */
import {appUrl} from '../core/app-url.js'
import {InputError} from '../core/errors.js'
import {resourceGroupOf} from '../core/names.js'
import {decodeTags} from '../core/release-tags.js'
import type {Release} from '../core/releases.js'
import {siteRef} from '../core/site-ref.js'
import type {AppServicePort, HttpProbe} from '../ports/index.js'
import {releaseListOf} from './release-log.js'

export interface StatusOutcome {
  app: string
  resourceGroup: string
  state: string
  url: string | null
  image: string | null
  digest: string | null
  /**
   * The `repository:tag` (registry included) the running digest was deployed as: from the release that recorded
   * that digest (the current one first); null when no release names it (e.g. deployed by other means).
   */
  imageTag: string | null
  port: number | null
  plan: {name: string; sku: string; instances: number} | null
  health: {url: string; status: number | null; ok: boolean} | null
  /** The current release (newest that succeeded), from the site's tags; null when none is recorded. */
  release: {id: number; kind: string; image: string; digest: string; createdAt: string; actor: string} | null
}

export async function appStatus(
  t: {app: string; resourceGroup: string},
  ports: {app: AppServicePort; probe: HttpProbe},
  signal: AbortSignal,
): Promise<StatusOutcome> {
  const ref = siteRef(t.resourceGroup, t.app)
  const [site, config, settings] = await Promise.all([
    ports.app.getSite(ref),
    ports.app.getSiteConfig(ref),
    ports.app.listAppSettings(ref),
  ])
  if (!site) {
    throw new InputError(
      'APP_NOT_FOUND',
      `App '${t.app}' was not found in resource group '${t.resourceGroup}'`,
      'Check --app and --resource-group (and --subscription), or deploy it with `azdeploy up`',
    )
  }
  const planName = site.serverFarmId.split('/').pop() ?? ''
  const url = site.defaultHostName ? `https://${site.defaultHostName}` : null
  const healthUrl = url ? appUrl(url, config?.healthCheckPath) : null
  const [plan, status] = await Promise.all([
    ports.app.getPlan({resourceGroup: resourceGroupOf(site.serverFarmId) ?? t.resourceGroup, name: planName}),
    healthUrl ? ports.probe.get(healthUrl, signal) : Promise.resolve(null),
  ])
  const fx = config?.linuxFxVersion ?? ''
  const image = fx.replace(/^DOCKER\|/i, '') || null
  const digest = image?.includes('@') ? image.slice(image.indexOf('@') + 1) : null
  const portSetting = settings?.['WEBSITES_PORT']
  const strict = Boolean(config?.healthCheckPath)
  const list = releaseListOf(decodeTags(site.tags ?? {}), Date.now())
  const current = list.current
  return {
    app: site.name,
    resourceGroup: t.resourceGroup,
    state: site.state ?? 'Unknown',
    url,
    image,
    digest,
    imageTag: taggedAs(digest, current, list.releases),
    port: portSetting ? Number(portSetting) : null,
    plan: plan ? {name: plan.name, sku: plan.sku, instances: plan.capacity} : null,
    health: healthUrl
      ? {url: healthUrl, status, ok: status !== null && (strict ? status >= 200 && status < 400 : status < 500)}
      : null,
    release: current
      ? {
          id: current.id,
          kind: current.kind,
          image: current.image,
          digest: current.digest,
          createdAt: current.createdAt,
          actor: current.actor,
        }
      : null,
  }
}

/** The tagged reference a digest was deployed as: the current release when it is that digest, else the newest. */
function taggedAs(digest: string | null, current: Release | undefined, releases: readonly Release[]): string | null {
  if (!digest) return null
  if (current?.digest === digest) return /:[^/]+$/.test(current.image) ? current.image : null
  const newest = [...releases].reverse().find((r) => r.digest === digest)
  const image = newest?.image
  // A release of an image named by digest alone has no tag to show.
  return image && /:[^/]+$/.test(image) ? image : null
}
