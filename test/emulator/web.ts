// Microsoft.Web/sites: create (PUT), get, patch, delete, list per resource group.
import {
  type EmulatorContext,
  isResponse,
  lroAccepted,
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
import {key, rgId, type SiteRecord} from './state.js'
import {
  appSettingsFromArray,
  behaviorFor,
  DEFAULT_CONFIG,
  findSite,
  mergeConfig,
  patchSite,
  replaceAppSettings,
  resolveIdentity,
  restartSite,
  siteBody,
} from './web-site.js'

const WEB = '/providers/microsoft\\.web'

export function webRoutes(ctx: EmulatorContext): Route[] {
  const {state} = ctx
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
    // All sites of the subscription (webApps.list), for finding an app by its global name.
    route(`^/subscriptions/([^/]+)${WEB}/sites`, {
      GET: (_req, [sub]) => {
        const prefix = `/subscriptions/${key(sub!)}/`
        return ok({value: [...state.sites.values()].filter((s) => key(s.id).startsWith(prefix)).map(siteBody)})
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
        // A PUT on an existing site (createOrUpdate) is applied as Microsoft.Web applies a full site PUT, which
        // (unlike a generic ARM full PUT) does not reset what the body leaves out:
        // - siteConfig fields named in the body replace the stored ones; fields it omits keep their values;
        // - siteConfig.appSettings, when present, REPLACES the whole dictionary (settings it does not name are
        //   deleted, like PUT config/appsettings); when absent the stored settings stay;
        // - top-level tags, when present, replace the tag set; when absent they stay.
        // Image and settings changed together recycle the container ONCE (runtime.restarts counts it).
        const sc = obj(props.siteConfig)
        let changed = mergeConfig(site, sc)
        const settings = appSettingsFromArray(sc.appSettings)
        if (settings) changed = replaceAppSettings(site, settings) || changed
        state.sites.set(key(id), site)
        if (!existing || changed) void restartSite(site)
        if (state.lro) return lroAccepted(req.baseUrl, sub!, site.location, siteBody(site))
        return ok(siteBody(site), existing ? 200 : 201)
      },
      PATCH: (req, [sub, rg, name]) => {
        const site = getSite(sub!, rg!, name!)
        return isResponse(site) ? site : patchSite(ctx, site, req.body)
      },
      DELETE: async (req, [sub, rg, name]) => {
        const site = getSite(sub!, rg!, name!)
        if (isResponse(site)) return site
        state.sites.delete(key(site.id))
        // The SDK's and ARM's default (WebAppsDeleteOptionalParams): an App Service plan left empty goes with its
        // last app unless the call says deleteEmptyServerFarm=false.
        if (req.query.get('deleteEmptyServerFarm')?.toLowerCase() !== 'false') {
          const farm = key(site.serverFarmId)
          if (![...state.sites.values()].some((s) => key(s.serverFarmId) === farm)) state.plans.delete(farm)
        }
        await site.runtime.close()
        for (const [k, slot] of state.slots) {
          if (k.startsWith(`${key(site.id)}/slots/`)) {
            state.slots.delete(k)
            await slot.runtime.close()
          }
        }
        return {status: 200}
      },
    }),
  ]
}
