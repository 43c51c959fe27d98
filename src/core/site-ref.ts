/**
 * Which web app a step, a read or a write is about: the production site or one of its deployment slots.
 * Everything below the planner takes a SiteRef; nothing assumes production.
 */
export interface SiteRef {
  resourceGroup: string
  /** The web app's name (for a slot: the app the slot belongs to). */
  site: string
  /** A deployment slot of `site`; undefined means production. */
  slot?: string
}

export const siteRef = (resourceGroup: string, site: string, slot?: string): SiteRef =>
  slot ? {resourceGroup, site, slot} : {resourceGroup, site}

/** `shop-api` or `shop-api/staging`, for messages. */
export const siteLabel = (r: SiteRef): string => (r.slot ? `${r.site}/${r.slot}` : r.site)

/** The ARM resource id of the site or slot. */
export const siteResourceId = (subscriptionId: string, r: SiteRef): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.Web/sites/${r.site}${
    r.slot ? `/slots/${r.slot}` : ''
  }`
