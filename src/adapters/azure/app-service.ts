import type {ActualPlan, ActualSite, ActualSiteConfig} from '../../core/model.js'
import type {AppServicePort, SiteCreate} from '../../ports/index.js'
import {isNotFound, toAzdeployError} from './arm-errors.js'
import {type ArmAdapterOptions, armClientOptions} from './arm-pipeline.js'
import {scmHostOf} from './scm-host.js'

type WebClient = import('@azure/arm-appservice').WebSiteManagementClient
type RgClient = import('@azure/arm-resources').ResourceManagementClient

export type AppServiceAdapterOptions = ArmAdapterOptions

export function createAppServiceAdapter(o: AppServiceAdapterOptions): AppServicePort {
  const opts = armClientOptions(o.target, o.debug, o.env, o.signal)
  let web: Promise<WebClient> | undefined
  let rg: Promise<RgClient> | undefined
  const webClient = () => {
    web ??= import('@azure/arm-appservice').then(
      (m) => new m.WebSiteManagementClient(o.credential, o.subscriptionId, opts),
    )
    return web
  }
  const rgClient = () => {
    rg ??= import('@azure/arm-resources').then(
      (m) => new m.ResourceManagementClient(o.credential, o.subscriptionId, opts),
    )
    return rg
  }
  const call = {abortSignal: o.signal}
  const lro = {abortSignal: o.signal, updateIntervalInMs: o.pollIntervalMs ?? 2000}
  async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      throw toAzdeployError(e, what)
    }
  }
  async function orNull<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn()
    } catch (e) {
      if (isNotFound(e)) return null
      throw toAzdeployError(e, what)
    }
  }

  return {
    async getResourceGroup(name) {
      const g = await orNull(`read resource group ${name}`, async () =>
        (await rgClient()).resourceGroups.get(name, call),
      )
      return g ? {exists: true, location: g.location} : {exists: false}
    },
    async createResourceGroup(name, location, tags) {
      await guard(`create resource group ${name}`, async () =>
        (await rgClient()).resourceGroups.createOrUpdate(name, {location, tags}, call),
      )
    },
    async deleteResourceGroup(name) {
      await guard(`delete resource group ${name}`, async () =>
        (await rgClient()).resourceGroups.beginDeleteAndWait(name, lro),
      )
    },
    async getPlan(group, name) {
      const p = await orNull(`read plan ${name}`, async () =>
        (await webClient()).appServicePlans.get(group, name, call),
      )
      return p ? toPlan(p) : null
    },
    async putPlan(group, name, p) {
      const res = await guard(`create or update plan ${name}`, async () =>
        (await webClient()).appServicePlans.createOrUpdate(
          group,
          name,
          {
            location: p.location,
            kind: 'linux',
            reserved: true,
            sku: {name: p.sku, tier: p.tier, capacity: p.capacity},
            tags: p.tags,
          },
          lro,
        ),
      )
      return toPlan(res)
    },
    async deletePlan(group, name) {
      await guard(`delete plan ${name}`, async () => (await webClient()).appServicePlans.delete(group, name, call))
    },
    async listSitesInPlan(group, name) {
      return guard(`list apps in plan ${name}`, async () => {
        const out: string[] = []
        for await (const s of (await webClient()).appServicePlans.listWebApps(group, name, call)) out.push(s.name ?? '')
        return out
      })
    },
    async getSite(group, name) {
      const s = await orNull(`read web app ${name}`, async () => (await webClient()).webApps.get(group, name, call))
      return s ? toSite(s, o.target.appServiceDomain) : null
    },
    async getSiteConfig(group, name) {
      const c = await orNull(`read site config of ${name}`, async () =>
        (await webClient()).webApps.getConfiguration(group, name, call),
      )
      return c ? toConfig(c) : null
    },
    async listAppSettings(group, name) {
      const d = await orNull(`read app settings of ${name}`, async () =>
        (await webClient()).webApps.listApplicationSettings(group, name, call),
      )
      return d ? {...(d.properties ?? {})} : null
    },
    async checkNameAvailability(name) {
      const r = await guard(`check the name ${name}`, async () =>
        (await webClient()).checkNameAvailability(name, 'Microsoft.Web/sites', call),
      )
      return r.nameAvailable === false ? {available: false, message: r.message ?? r.reason ?? ''} : {available: true}
    },
    async listLinuxRegions(tier) {
      return guard('list regions', async () => {
        const out: string[] = []
        for await (const g of (await webClient()).listGeoRegions({
          sku: tier as never,
          linuxWorkersEnabled: true,
          ...call,
        })) {
          const n = (g as {name?: string; displayName?: string}).name ?? (g as {displayName?: string}).displayName
          if (n) out.push(n.replace(/\s+/g, '').toLowerCase())
        }
        return out
      })
    },
    async createSite(group, name, s: SiteCreate) {
      const res = await guard(`create web app ${name}`, async () =>
        (await webClient()).webApps.createOrUpdate(
          group,
          name,
          {
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
          },
          lro,
        ),
      )
      return toSite(res, o.target.appServiceDomain)
    },
    async patchSite(group, name, p) {
      await guard(`update web app ${name}`, async () =>
        (await webClient()).webApps.update(
          group,
          name,
          {
            ...(p.httpsOnly !== undefined ? {httpsOnly: p.httpsOnly} : {}),
            ...(p.identity
              ? {
                  identity: {
                    type: p.identity.type as never,
                    userAssignedIdentities: Object.fromEntries(
                      p.identity.userAssignedIdentityIds.map((id) => [id, {}]),
                    ),
                  },
                }
              : {}),
          } as never,
          call,
        ),
      )
    },
    async patchSiteConfig(group, name, patch) {
      await guard(`update site config of ${name}`, async () =>
        (await webClient()).webApps.updateConfiguration(group, name, patch as never, call),
      )
    },
    async putAppSettings(group, name, settings) {
      await guard(`update app settings of ${name}`, async () =>
        (await webClient()).webApps.updateApplicationSettings(group, name, {properties: settings}, call),
      )
    },
    async deleteSite(group, name) {
      await guard(`delete web app ${name}`, async () => (await webClient()).webApps.delete(group, name, call))
    },
    async getContainerLog(group, name) {
      try {
        const res = await (await webClient()).webApps.getWebSiteContainerLogs(group, name, call)
        const stream = (res as {readableStreamBody?: NodeJS.ReadableStream; body?: unknown}).readableStreamBody
        if (!stream) return ''
        const chunks: Buffer[] = []
        for await (const c of stream) chunks.push(Buffer.from(c as Buffer))
        return Buffer.concat(chunks).toString('utf8')
      } catch (e) {
        if (isNotFound(e)) return ''
        throw toAzdeployError(e, `read the container log of ${name}`)
      }
    },
  }
}

type SdkPlan = import('@azure/arm-appservice').AppServicePlan
type SdkSite = import('@azure/arm-appservice').Site
type SdkConfig = import('@azure/arm-appservice').SiteConfigResource

function toPlan(p: SdkPlan): ActualPlan {
  const out: ActualPlan = {
    id: p.id ?? '',
    name: p.name ?? '',
    location: p.location,
    sku: p.sku?.name ?? '',
    capacity: p.sku?.capacity ?? 1,
    linux: p.reserved === true,
  }
  if (p.sku?.tier) out.tier = p.sku.tier
  return out
}

function toSite(s: SdkSite, domain?: string): ActualSite {
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
