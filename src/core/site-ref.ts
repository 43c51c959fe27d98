/**
 * Which web app (or slot) an operation is about. A slot is its own ARM resource with its own tags, identity and
 * release list. Pure.
 */
export interface SiteRef {
  resourceGroup: string
  site: string
  /** A deployment slot; undefined (or `production`) means the production site itself. */
  slot?: string
}

const enc = (s: string) => encodeURIComponent(s)

/**
 * The ARM resource id: `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{site}`, plus
 * `/slots/{slot}` for a slot. Segments are URI-encoded (names are normally plain; this keeps a stray `/` or `?` from
 * changing the path). `production` is the production site, not a slot named so.
 */
export function siteResourceId(subscriptionId: string, ref: SiteRef): string {
  const base = `/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(ref.resourceGroup)}/providers/Microsoft.Web/sites/${enc(ref.site)}`
  return isSlot(ref) ? `${base}/slots/${enc(ref.slot!)}` : base
}

export function isSlot(ref: SiteRef): boolean {
  return ref.slot !== undefined && ref.slot !== '' && ref.slot.toLowerCase() !== 'production'
}

/** `api` or `api/staging`, for messages. */
export function siteLabel(ref: SiteRef): string {
  return isSlot(ref) ? `${ref.site}/${ref.slot}` : ref.site
}

/** A SiteRef; `production` (or no slot) is the production site itself. */
export const siteRef = (resourceGroup: string, site: string, slot?: string): SiteRef =>
  slot && isSlot({resourceGroup, site, slot}) ? {resourceGroup, site, slot} : {resourceGroup, site}
