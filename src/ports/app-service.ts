/** App Service through ARM: resource groups, plans, web apps and their slots (every site call takes a SiteRef). */
import type {ActualPlan, ActualSite, ActualSiteConfig} from '../core/model.js'
import type {SiteConfigPatch} from '../core/plan.js'
import type {SiteRef} from '../core/site-ref.js'
import type {GroupResource} from '../core/teardown.js'

/** Site config as written: the pull identity is named by its client id. */
export type SiteConfigWrite = Omit<SiteConfigPatch, 'acrUserManagedIdentity'> & {acrUserManagedIdentityID?: string}

export interface SiteCreate {
  location: string
  planId: string
  siteConfig: SiteConfigWrite
  settings: Record<string, string>
  identityId?: string
  tags: Record<string, string>
}

export interface PlanRef {
  resourceGroup: string
  name: string
}

export interface PlanWrite {
  location: string
  sku: string
  tier: string
  capacity: number
  tags: Record<string, string>
}

/**
 * One site PATCH (webApps.update / updateSlot): site properties, changed siteConfig fields and the full settings
 * list together, so the app restarts once. Never carries tags (release history lives in the site's tags).
 */
export interface SitePatch {
  httpsOnly?: boolean
  identity?: {type: string; userAssignedIdentityIds: string[]}
  siteConfig?: SiteConfigWrite
  /** The COMPLETE settings dictionary: it replaces the whole set. */
  appSettings?: Record<string, string>
}

export interface ResourceGroupPort {
  getResourceGroup(name: string): Promise<{exists: boolean; location?: string}>
  createResourceGroup(name: string, location: string, tags: Record<string, string>): Promise<void>
  deleteResourceGroup(name: string): Promise<void>
  /** Every resource in the group (`resources.listByResourceGroup`) with its tags; null when there is no such group. */
  listResources(group: string): Promise<GroupResource[] | null>
}

/** A web app named with its group. */
export interface SiteName {
  resourceGroup: string
  name: string
}

export interface AppServicePort extends ResourceGroupPort {
  getPlan(plan: PlanRef): Promise<ActualPlan | null>
  putPlan(plan: PlanRef, p: PlanWrite): Promise<ActualPlan>
  deletePlan(plan: PlanRef): Promise<void>
  listSitesInPlan(plan: PlanRef): Promise<SiteName[]>
  /** The web apps of the subscription whose `identity.userAssignedIdentities` names this identity (one list). */
  sitesUsingIdentity(identityId: string): Promise<SiteName[]>
  getSite(site: SiteRef): Promise<ActualSite | null>
  getSiteConfig(site: SiteRef): Promise<ActualSiteConfig | null>
  listAppSettings(site: SiteRef): Promise<Record<string, string> | null>
  checkNameAvailability(name: string): Promise<{available: boolean; message?: string}>
  /** The resource group of the web app with this (globally unique) name in the subscription, or null: one list call. */
  findSiteGroup(name: string): Promise<string | null>
  listLinuxRegions(tier: string): Promise<string[]>
  createSite(site: SiteRef, create: SiteCreate): Promise<ActualSite>
  patchSite(site: SiteRef, patch: SitePatch): Promise<void>
  patchSiteConfig(site: SiteRef, patch: SiteConfigWrite): Promise<void>
  putAppSettings(site: SiteRef, settings: Record<string, string>): Promise<void>
  /** Deletes the web app (or slot) and never its plan (`deleteEmptyServerFarm: false`: the SDK's default deletes an
   * emptied plan; azdeploy deletes plans itself, only when asked and only its own). */
  deleteSite(site: SiteRef): Promise<void>
  /** Swaps `slot` into production (POST .../slots/{slot}/slotsswap {targetSlot: 'production'}); waits for the LRO. */
  swapSlot(site: SiteRef, slot: string): Promise<void>
  /** The current Docker log of the site (App Service's container log), or '' when none is available. */
  getContainerLog(site: SiteRef): Promise<string>
  /** Restarts the site's container (`POST …/restart`): a new start, with a new image pull. */
  restartSite(site: SiteRef): Promise<void>
}
