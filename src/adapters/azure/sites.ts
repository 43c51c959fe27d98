/**
 * Site-level App Service calls for a SiteRef: production maps to the SDK's site methods, a slot to their `…Slot`
 * twins, so nothing above this file knows the difference.
 */
import type {ActualSite, ActualSiteConfig} from '../../core/model.js'
import {siteLabel} from '../../core/site-ref.js'
import type {AppServicePort, SiteCreate, SitePatch} from '../../ports/index.js'
import {isNotFound, toAzdeployError} from './arm-errors.js'
import {scmHostOf} from './scm-host.js'

type WebClient = import('@azure/arm-appservice').WebSiteManagementClient
type SdkSite = import('@azure/arm-appservice').Site
type SdkConfig = import('@azure/arm-appservice').SiteConfigResource
type SdkPatch = import('@azure/arm-appservice').SitePatchResource

interface Helpers {
  call: {abortSignal: AbortSignal}
  lro: {abortSignal: AbortSignal; updateIntervalInMs: number}
  guard<T>(what: string, fn: () => Promise<T>): Promise<T>
  orNull<T>(what: string, fn: () => Promise<T>): Promise<T | null>
  /** The cloud's App Service domain: an SCM host is accepted only under it (scm-host.ts). */
  appServiceDomain?: string | undefined
}

type SiteOperations = Pick<
  AppServicePort,
  | 'getSite'
  | 'getSiteConfig'
  | 'listAppSettings'
  | 'createSite'
  | 'patchSite'
  | 'patchSiteConfig'
  | 'putAppSettings'
  | 'deleteSite'
  | 'getContainerLog'
  | 'swapSlot'
  | 'restartSite'
>

export function createSiteOperations(client: () => Promise<WebClient>, h: Helpers): SiteOperations {
  const {call, lro, guard, orNull} = h
  const w = async () => (await client()).webApps
  return {
    async getSite(r) {
      const s = await orNull(`read web app ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).getSlot(r.resourceGroup, r.site, r.slot, call)
          : (await w()).get(r.resourceGroup, r.site, call),
      )
      return s ? toSite(s, h.appServiceDomain) : null
    },
    async getSiteConfig(r) {
      const c = await orNull(`read site config of ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).getConfigurationSlot(r.resourceGroup, r.site, r.slot, call)
          : (await w()).getConfiguration(r.resourceGroup, r.site, call),
      )
      return c ? toConfig(c) : null
    },
    async listAppSettings(r) {
      const d = await orNull(`read app settings of ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).listApplicationSettingsSlot(r.resourceGroup, r.site, r.slot, call)
          : (await w()).listApplicationSettings(r.resourceGroup, r.site, call),
      )
      return d ? {...(d.properties ?? {})} : null
    },
    async createSite(r, s: SiteCreate) {
      const body = siteBody(s)
      const res = await guard(`create web app ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).createOrUpdateSlot(r.resourceGroup, r.site, r.slot, body, lro)
          : (await w()).createOrUpdate(r.resourceGroup, r.site, body, lro),
      )
      return toSite(res, h.appServiceDomain)
    },
    async patchSite(r, p) {
      const body = sitePatchBody(p)
      await guard(`update web app ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).updateSlot(r.resourceGroup, r.site, r.slot, body, call)
          : (await w()).update(r.resourceGroup, r.site, body, call),
      )
    },
    async swapSlot(r, slot) {
      await guard(`swap slot ${slot} of ${r.site} into production`, async () =>
        (await w()).swapSlot(r.resourceGroup, r.site, slot, {targetSlot: 'production', preserveVnet: true}, lro),
      )
    },
    async patchSiteConfig(r, patch) {
      await guard(`update site config of ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).updateConfigurationSlot(r.resourceGroup, r.site, r.slot, patch as never, call)
          : (await w()).updateConfiguration(r.resourceGroup, r.site, patch as never, call),
      )
    },
    async putAppSettings(r, settings) {
      await guard(`update app settings of ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).updateApplicationSettingsSlot(r.resourceGroup, r.site, r.slot, {properties: settings}, call)
          : (await w()).updateApplicationSettings(r.resourceGroup, r.site, {properties: settings}, call),
      )
    },
    async deleteSite(r) {
      await guard(`delete web app ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).deleteSlot(r.resourceGroup, r.site, r.slot, {...call, deleteEmptyServerFarm: false})
          : (await w()).delete(r.resourceGroup, r.site, {...call, deleteEmptyServerFarm: false}),
      )
    },
    async restartSite(r) {
      await guard(`restart web app ${siteLabel(r)}`, async () =>
        r.slot
          ? (await w()).restartSlot(r.resourceGroup, r.site, r.slot, call)
          : (await w()).restart(r.resourceGroup, r.site, call),
      )
    },
    async getContainerLog(r) {
      try {
        const res = r.slot
          ? await (await w()).getWebSiteContainerLogsSlot(r.resourceGroup, r.site, r.slot, call)
          : await (await w()).getWebSiteContainerLogs(r.resourceGroup, r.site, call)
        const stream = (res as {readableStreamBody?: NodeJS.ReadableStream}).readableStreamBody
        if (!stream) return ''
        const chunks: Buffer[] = []
        for await (const c of stream) chunks.push(Buffer.from(c as Buffer))
        return Buffer.concat(chunks).toString('utf8')
      } catch (e) {
        if (isNotFound(e)) return ''
        throw toAzdeployError(e, `read the container log of ${siteLabel(r)}`)
      }
    },
  }
}

/**
 * The single site PATCH of an update: site properties, the changed siteConfig fields and (when given) the full
 * settings list as `siteConfig.appSettings`. Never `tags`: the release history lives there.
 */
export function sitePatchBody(p: SitePatch): SdkPatch {
  const siteConfig =
    p.siteConfig || p.appSettings
      ? {
          ...(p.siteConfig ?? {}),
          ...(p.appSettings
            ? {appSettings: Object.entries(p.appSettings).map(([name, value]) => ({name, value}))}
            : {}),
        }
      : undefined
  return {
    ...(p.httpsOnly !== undefined ? {httpsOnly: p.httpsOnly} : {}),
    ...(p.identity
      ? {
          identity: {
            type: p.identity.type as never,
            userAssignedIdentities: Object.fromEntries(p.identity.userAssignedIdentityIds.map((id) => [id, {}])),
          },
        }
      : {}),
    ...(siteConfig ? {siteConfig} : {}),
  } as SdkPatch
}

function siteBody(s: SiteCreate): SdkSite {
  return {
    location: s.location,
    kind: 'app,linux,container',
    tags: s.tags,
    ...(s.identityId ? {identity: {type: 'UserAssigned', userAssignedIdentities: {[s.identityId]: {}}}} : {}),
    serverFarmId: s.planId,
    reserved: true,
    httpsOnly: true,
    siteConfig: {
      ...s.siteConfig,
      appSettings: Object.entries(s.settings).map(([n, value]) => ({name: n, value})),
    },
  } as SdkSite
}

export function toSite(s: SdkSite, domain?: string): ActualSite {
  const out: ActualSite = {
    id: s.id ?? '',
    name: s.name ?? '',
    location: s.location,
    kind: s.kind ?? '',
    serverFarmId: s.serverFarmId ?? '',
    httpsOnly: s.httpsOnly === true,
    userAssignedIdentityIds: Object.keys(s.identity?.userAssignedIdentities ?? {}),
    tags: {...(s.tags ?? {})},
  }
  if (s.defaultHostName) out.defaultHostName = s.defaultHostName
  const scm = scmHostOf(s, domain)
  if (scm) out.scmHostName = scm
  if (s.state) out.state = s.state
  if (s.identity?.type) out.identityType = s.identity.type
  return out
}

function toConfig(c: SdkConfig): ActualSiteConfig {
  const out: ActualSiteConfig = {}
  const keys = [
    'linuxFxVersion',
    'acrUseManagedIdentityCreds',
    'acrUserManagedIdentityID',
    'alwaysOn',
    'http20Enabled',
    'minTlsVersion',
    'ftpsState',
    'healthCheckPath',
  ] as const
  for (const k of keys) {
    const v = (c as Record<string, unknown>)[k]
    if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v
  }
  return out
}
