// Microsoft.Web: serverfarms, sites (create/get/patch/delete/list), checknameavailability, geoRegions.
import type {ArmResponse} from './faults.js'
import {
  armError,
  type EmulatorContext,
  isResponse,
  notFound,
  obj,
  ok,
  RG,
  type Route,
  requireRg,
  route,
  strMap,
  webError,
} from './http.js'
import {SiteRuntime} from './site-runtime.js'
import {key, type Plan, rgId, type SiteRecord} from './state.js'
import {
  appSettingsFromArray,
  behaviorFor,
  DEFAULT_CONFIG,
  findSite,
  mergeConfig,
  replaceAppSettings,
  resolveIdentity,
  restartSite,
  siteBody,
} from './web-site.js'

const WEB = '/providers/microsoft\\.web'
const TIERS: Record<string, string> = {F: 'Free', D: 'Shared', B: 'Basic', S: 'Standard', P: 'Premium', I: 'Isolated'}

export const GEO_REGIONS: Array<[string, string]> = [
  ['westeurope', 'West Europe'],
  ['northeurope', 'North Europe'],
  ['eastus', 'East US'],
  ['eastus2', 'East US 2'],
  ['westus2', 'West US 2'],
  ['uksouth', 'UK South'],
  ['southeastasia', 'Southeast Asia'],
  ['australiaeast', 'Australia East'],
  ['francecentral', 'France Central'],
  ['germanywestcentral', 'Germany West Central'],
  ['swedencentral', 'Sweden Central'],
  ['centralus', 'Central US'],
]

function tierOf(sku: string): string {
  const m = /^([A-Z])\d+(v\d)?$/i.exec(sku)
  if (!m) return 'Standard'
  const base = TIERS[m[1]!.toUpperCase()] ?? 'Standard'
  return m[2] ? `${base}${m[2].toUpperCase()}` : base
}

export function webRoutes(ctx: EmulatorContext): Route[] {
  const {state} = ctx
  const sitesOfPlan = (planId: string) => [...state.sites.values()].filter((s) => key(s.serverFarmId) === key(planId))
  const planBody = (p: Plan, provisioningState = 'Succeeded') => ({
    id: p.id,
    name: p.name,
    type: 'Microsoft.Web/serverfarms',
    kind: p.kind,
    location: p.location,
    tags: p.tags,
    sku: p.sku,
    properties: {
      status: 'Ready',
      reserved: p.reserved,
      numberOfSites: sitesOfPlan(p.id).length,
      numberOfWorkers: p.sku.capacity,
      maximumNumberOfWorkers: 30,
      resourceGroup: p.resourceGroup,
      provisioningState,
    },
  })
  const lroAccepted = (baseUrl: string, sub: string, location: string, body: unknown): ArmResponse => {
    const loc = location.replace(/\s+/g, '').toLowerCase() || 'westeurope'
    const url = `${baseUrl}/subscriptions/${sub}/providers/Microsoft.Web/locations/${loc}/operationResults/${crypto.randomUUID()}?api-version=2025-05-01`
    return {status: 202, body, headers: {'azure-asyncoperation': url}}
  }
  const siteNameTaken = (name: string) =>
    state.takenNames.has(name.toLowerCase()) || [...state.sites.values()].some((s) => key(s.name) === key(name))
  const takenError = (name: string) =>
    webError(
      409,
      'Conflict',
      `Website with given name ${name} already exists.`,
      '54001',
      'Website with given name {0} already exists.',
      [name],
    )
  const getSite = (sub: string, rg: string, name: string) => findSite(ctx, sub, rg, name)

  return [
    route(`^/subscriptions/([^/]+)${WEB}/checknameavailability`, {
      POST: (req) => {
        const name = String(req.body.name ?? '')
        if (!/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/i.test(name) || name.length < 2) {
          return ok({nameAvailable: false, reason: 'Invalid', message: `The name '${name}' is not valid.`})
        }
        if (siteNameTaken(name)) {
          const message = `Hostname '${name}' already exists. Please select a different name.`
          return ok({nameAvailable: false, reason: 'AlreadyExists', message})
        }
        return ok({nameAvailable: true, reason: null, message: null})
      },
    }),
    route(`^/subscriptions/([^/]+)${WEB}/georegions`, {
      GET: (_req, [sub]) =>
        ok({
          value: GEO_REGIONS.map(([n, display]) => ({
            id: `/subscriptions/${sub}/providers/Microsoft.Web/geoRegions/${display}`,
            name: display,
            type: 'Microsoft.Web/geoRegions',
            properties: {
              name: display,
              displayName: display,
              orgDomain: `PUBLIC;${n.toUpperCase()};LINUX;LINUXDYNAMIC`,
            },
          })),
        }),
    }),
    route(`^/subscriptions/([^/]+)${WEB}/(sites|serverfarms)`, {
      GET: (_req, [sub, kind]) => {
        const inSub = (id: string) => key(id).startsWith(key(`/subscriptions/${sub}/`))
        if (kind!.toLowerCase() === 'sites')
          return ok({value: [...state.sites.values()].filter((s) => inSub(s.id)).map(siteBody)})
        return ok({value: [...state.plans.values()].filter((p) => inSub(p.id)).map((p) => planBody(p))})
      },
    }),
    route(`${RG}${WEB}/serverfarms/([^/]+)`, {
      GET: (_req, [sub, rg, name]) => {
        const r = requireRg(ctx, sub!, rg!)
        if (isResponse(r)) return r
        const p = state.plans.get(key(`${rgId(sub!, rg!)}/providers/Microsoft.Web/serverfarms/${name}`))
        return p ? ok(planBody(p)) : notFound('Microsoft.Web/serverFarms', name!, r.name)
      },
      PUT: (req, [sub, rg, name]) => {
        const r = requireRg(ctx, sub!, rg!)
        if (isResponse(r)) return r
        const id = `${rgId(sub!, r.name)}/providers/Microsoft.Web/serverfarms/${name}`
        const existing = state.plans.get(key(id))
        const sku = obj(req.body.sku)
        const skuName = String(sku.name ?? existing?.sku.name ?? 'B1')
        const props = obj(req.body.properties)
        const plan: Plan = {
          id: existing?.id ?? id,
          subscriptionId: sub!,
          resourceGroup: r.name,
          name: existing?.name ?? name!,
          location: String(req.body.location ?? existing?.location ?? ''),
          kind: String(req.body.kind ?? existing?.kind ?? 'app'),
          sku: {...sku, name: skuName, tier: String(sku.tier ?? tierOf(skuName)), capacity: Number(sku.capacity ?? 1)},
          tags: req.body.tags !== undefined ? strMap(req.body.tags) : (existing?.tags ?? {}),
          reserved: Boolean(props.reserved ?? existing?.reserved ?? false),
        }
        if (!plan.location) return armError(400, 'LocationRequired', 'The location property is required.')
        state.plans.set(key(id), plan)
        if (state.lro) return lroAccepted(req.baseUrl, sub!, plan.location, planBody(plan, 'InProgress'))
        return ok(planBody(plan), existing ? 200 : 201)
      },
      DELETE: (_req, [sub, rg, name]) => {
        const id = key(`${rgId(sub!, rg!)}/providers/Microsoft.Web/serverfarms/${name}`)
        const p = state.plans.get(id)
        if (!p) return {status: 204}
        const sites = sitesOfPlan(p.id)
        if (sites.length) {
          const msg = `Server farm '${p.name}' cannot be deleted because it has web app(s) ${sites.map((s) => s.name).join(',')} assigned to it.`
          return webError(
            409,
            'Conflict',
            msg,
            '11001',
            'Server farm {0} cannot be deleted because it has web app(s) {1} assigned to it.',
            [p.name, sites.map((s) => s.name).join(',')],
          )
        }
        state.plans.delete(id)
        return {status: 200}
      },
    }),
    route(`${RG}${WEB}/serverfarms/([^/]+)/sites`, {
      GET: (_req, [sub, rg, name]) => {
        const r = requireRg(ctx, sub!, rg!)
        if (isResponse(r)) return r
        const p = state.plans.get(key(`${rgId(sub!, rg!)}/providers/Microsoft.Web/serverfarms/${name}`))
        if (!p) return notFound('Microsoft.Web/serverFarms', name!, r.name)
        return ok({value: sitesOfPlan(p.id).map(siteBody)})
      },
    }),
    route(`${RG}${WEB}/sites`, {
      GET: (_req, [sub, rg]) => {
        const r = requireRg(ctx, sub!, rg!)
        if (isResponse(r)) return r
        const prefix = key(rgId(sub!, rg!)) + '/'
        return ok({value: [...state.sites.values()].filter((s) => key(s.id).startsWith(prefix)).map(siteBody)})
      },
    }),
    route(`${RG}${WEB}/sites/([^/]+)`, {
      GET: (_req, [sub, rg, name]) => {
        const s = getSite(sub!, rg!, name!)
        return isResponse(s) ? s : ok(siteBody(s))
      },
      PUT: async (req, [sub, rg, name]) => {
        const r = requireRg(ctx, sub!, rg!)
        if (isResponse(r)) return r
        const id = `${rgId(sub!, r.name)}/providers/Microsoft.Web/sites/${name}`
        const existing = state.sites.get(key(id))
        if (!existing && siteNameTaken(name!)) return takenError(name!)
        const props = obj(req.body.properties)
        const farmId = String(props.serverFarmId ?? existing?.serverFarmId ?? '')
        const plan = state.plans.get(key(farmId))
        if (!plan) {
          const farm = farmId.split('/').pop() || farmId
          const msg = `Cannot find ServerFarm with name ${farm}.`
          return webError(404, 'NotFound', msg, '51004', 'Cannot find {0} with name {1}.', ['ServerFarm', farm])
        }
        const identity =
          req.body.identity !== undefined
            ? resolveIdentity(state, req.body.identity, existing?.identity ?? null)
            : (existing?.identity ?? null)
        if (isResponse(identity)) return identity
        let site: SiteRecord
        if (existing) {
          site = existing
        } else {
          const runtime = new SiteRuntime(name!, ctx.tls, () => behaviorFor(state, name!), ctx.scm)
          await runtime.listen()
          site = {
            id,
            subscriptionId: sub!,
            resourceGroup: r.name,
            name: name!,
            location: '',
            kind: 'app',
            tags: {},
            identity: null,
            serverFarmId: plan.id,
            reserved: false,
            httpsOnly: false,
            enabled: true,
            config: {...DEFAULT_CONFIG},
            appSettings: {},
            runtime,
          }
        }
        site.location = String(req.body.location ?? (existing?.location || plan.location))
        site.kind = String(req.body.kind ?? site.kind)
        if (req.body.tags !== undefined || !existing) site.tags = strMap(req.body.tags)
        site.identity = identity
        site.serverFarmId = plan.id
        site.reserved = Boolean(props.reserved ?? site.reserved)
        site.httpsOnly = Boolean(props.httpsOnly ?? site.httpsOnly)
        site.enabled = Boolean(props.enabled ?? site.enabled)
        const sc = obj(props.siteConfig)
        let changed = mergeConfig(site, sc)
        const settings = appSettingsFromArray(sc.appSettings)
        if (settings) changed = replaceAppSettings(site, settings) || changed
        state.sites.set(key(id), site)
        if (!existing || changed) restartSite(site)
        if (state.lro) return lroAccepted(req.baseUrl, sub!, site.location, siteBody(site))
        return ok(siteBody(site), existing ? 200 : 201)
      },
      PATCH: (req, [sub, rg, name]) => {
        const site = getSite(sub!, rg!, name!)
        if (isResponse(site)) return site
        const props = obj(req.body.properties)
        if (req.body.identity !== undefined) {
          const identity = resolveIdentity(state, req.body.identity, site.identity)
          if (isResponse(identity)) return identity
          site.identity = identity
        }
        if (req.body.tags !== undefined) site.tags = strMap(req.body.tags)
        if (props.serverFarmId !== undefined) {
          const plan = state.plans.get(key(String(props.serverFarmId)))
          if (!plan) return armError(404, 'NotFound', `Cannot find ServerFarm with name ${props.serverFarmId}.`)
          site.serverFarmId = plan.id
        }
        if (props.httpsOnly !== undefined) site.httpsOnly = Boolean(props.httpsOnly)
        if (props.enabled !== undefined) site.enabled = Boolean(props.enabled)
        const sc = obj(props.siteConfig)
        let changed = mergeConfig(site, sc)
        const settings = appSettingsFromArray(sc.appSettings)
        if (settings) changed = replaceAppSettings(site, settings) || changed
        if (changed) restartSite(site)
        return ok(siteBody(site))
      },
      DELETE: async (_req, [sub, rg, name]) => {
        const site = getSite(sub!, rg!, name!)
        if (isResponse(site)) return site
        state.sites.delete(key(site.id))
        await site.runtime.close()
        return {status: 200}
      },
    }),
  ]
}
