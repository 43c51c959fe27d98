// Microsoft.Web: serverfarms (plans), the subscription-wide site/plan lists, checknameavailability, geoRegions.
import {
  armError,
  type EmulatorContext,
  isResponse,
  lroAccepted,
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
import {key, type Plan, rgId} from './state.js'
import {siteBody} from './web-site.js'

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

export function tierOf(sku: string): string {
  const m = /^([A-Z])\d+(v\d)?$/i.exec(sku)
  if (!m) return 'Standard'
  const base = TIERS[m[1]!.toUpperCase()] ?? 'Standard'
  return m[2] ? `${base}${m[2].toUpperCase()}` : base
}

export function planRoutes(ctx: EmulatorContext): Route[] {
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
  const siteNameTaken = (name: string) =>
    state.takenNames.has(name.toLowerCase()) || [...state.sites.values()].some((s) => key(s.name) === key(name))

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
  ]
}
