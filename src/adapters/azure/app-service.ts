import type {ActualPlan} from '../../core/model.js'
import {resourceGroupOf} from '../../core/names.js'
import type {AppServicePort} from '../../ports/index.js'
import {isNotFound, toAzdeployError} from './arm-errors.js'
import {type ArmAdapterOptions, armClientOptions} from './arm-pipeline.js'
import {createSiteOperations} from './sites.js'

export type WebClient = import('@azure/arm-appservice').WebSiteManagementClient
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
    async listResources(group) {
      return orNull(`list the resources of resource group ${group}`, async () => {
        const out = []
        for await (const r of (await rgClient()).resources.listByResourceGroup(group, call)) {
          out.push({id: r.id ?? '', name: r.name ?? '', type: r.type ?? '', tags: {...(r.tags ?? {})}})
        }
        return out
      })
    },
    async getPlan(plan) {
      const p = await orNull(`read plan ${plan.name}`, async () =>
        (await webClient()).appServicePlans.get(plan.resourceGroup, plan.name, call),
      )
      return p ? toPlan(p) : null
    },
    async putPlan(plan, p) {
      const res = await guard(`create or update plan ${plan.name}`, async () =>
        (await webClient()).appServicePlans.createOrUpdate(
          plan.resourceGroup,
          plan.name,
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
    async deletePlan(plan) {
      await guard(`delete plan ${plan.name}`, async () =>
        (await webClient()).appServicePlans.delete(plan.resourceGroup, plan.name, call),
      )
    },
    async findSiteGroup(name) {
      return guard(`look up web app ${name}`, async () => {
        const want = name.toLowerCase()
        for await (const s of (await webClient()).webApps.list(call)) {
          if ((s.name ?? '').toLowerCase() === want && s.id) return resourceGroupOf(s.id) ?? null
        }
        return null
      })
    },
    async listSitesInPlan(plan) {
      return guard(`list apps in plan ${plan.name}`, async () => {
        const out = []
        for await (const s of (await webClient()).appServicePlans.listWebApps(plan.resourceGroup, plan.name, call))
          out.push(siteName(s, plan.resourceGroup))
        return out
      })
    },
    async sitesUsingIdentity(identityId) {
      return guard('list the web apps that use the pull identity', async () => {
        const want = identityId.toLowerCase()
        const out = []
        for await (const s of (await webClient()).webApps.list(call)) {
          const ids = Object.keys(s.identity?.userAssignedIdentities ?? {}).map((k) => k.toLowerCase())
          if (ids.includes(want)) out.push(siteName(s, ''))
        }
        return out
      })
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
    ...createSiteOperations(webClient, {call, lro, guard, orNull, appServiceDomain: o.target.appServiceDomain}),
  }
}

type SdkPlan = import('@azure/arm-appservice').AppServicePlan

const siteName = (s: {id?: string; name?: string}, group: string) => ({
  resourceGroup: resourceGroupOf(s.id ?? '') ?? group,
  name: s.name ?? '',
})

export function toPlan(p: SdkPlan): ActualPlan {
  const out: ActualPlan = {
    id: p.id ?? '',
    name: p.name ?? '',
    location: p.location,
    sku: p.sku?.name ?? '',
    capacity: p.sku?.capacity ?? 1,
    linux: p.reserved === true,
    tags: {...(p.tags ?? {})},
  }
  if (p.sku?.tier) out.tier = p.sku.tier
  return out
}
