/**
 * Which host is an app's SCM (Kudu) site: the one ARM marks `hostType: Repository` in `hostNameSslStates`, else an
 * enabled host name that is an SCM name under the cloud's App Service domain (`<app>.scm.azurewebsites.net`,
 * also `<app>.scm.<region-or-ase>.azurewebsites.net`). A custom domain that merely contains `.scm.` is never picked:
 * the SCM host is sent the user's Azure token.
 */
import {CLOUD_NAMES, resolveCloud} from '../../core/cloud.js'

/** Every cloud's App Service domain, for callers that do not know the cloud. */
export const APP_SERVICE_DOMAINS: readonly string[] = CLOUD_NAMES.map((n) => resolveCloud(n, {}).appServiceDomain)

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** True for `<label>.scm.<domain>` or `<label>.scm.<one-label>.<domain>`. */
export function isScmHostName(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase()
  return domains.some((d) => new RegExp(`^[a-z0-9-]+\\.scm\\.(?:[a-z0-9-]+\\.)?${escapeRe(d.toLowerCase())}$`).test(h))
}

export interface SiteHostNames {
  hostNameSslStates?: Array<{name?: string; hostType?: string}> | undefined
  enabledHostNames?: string[] | undefined
}

/** The SCM host of a site, or undefined; `domain` is the cloud's App Service domain (all clouds' when unknown). */
export function scmHostOf(site: SiteHostNames, domain?: string): string | undefined {
  const marked = site.hostNameSslStates?.find((h) => h.hostType === 'Repository')?.name
  if (marked) return marked
  const domains = domain ? [domain] : APP_SERVICE_DOMAINS
  return site.enabledHostNames?.find((h) => isScmHostName(h, domains))
}
