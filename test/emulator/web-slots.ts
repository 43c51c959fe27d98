// Microsoft.Web deployment slots: PUT/GET/DELETE .../sites/{app}/slots/{slot} (and the list), the production
// site's config/slotConfigNames, and the two swap LROs. A slot is a SiteRecord (kept in state.slots) with its own
// runtime/listener (its defaultHostName), config, app settings and identity; the config/web, appsettings,
// containerlogs, restart and config/logs routes serve slots through SITE_OR_SLOT.
//
// Swap (reference §4, §5.1): the source gets the target's sticky settings (config/slotConfigNames) and is
// restarted; once it is warm the serving containers, site config and non-sticky settings trade places. When the
// source does not warm up the operation fails and the source's settings are reverted; the target is untouched.
// Slot-specific siteConfig (alwaysOn, IP restrictions, CORS, VNet routing), identities and host names stay.
// After a swap the slot keeps the container that served production (not restarted with the slot's sticky
// values: the emulator only models the warm-up of the source).
import {randomUUID} from 'node:crypto'
import type {ArmResponse} from './faults.js'
import {
  armError,
  type EmulatorContext,
  isResponse,
  lroAccepted,
  obj,
  ok,
  RG,
  type Route,
  route,
  strMap,
  webError,
} from './http.js'
import {SiteRuntime} from './site-runtime.js'
import {type EmulatorState, type Json, key, type SiteRecord, type SlotConfigNames} from './state.js'
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

const SITES = `${RG}/providers/microsoft\\.web/sites/([^/]+)`

/** Slots allowed per app by plan tier (reference §4); Free/Shared/Basic have none. */
export function slotLimit(tier: string): number {
  if (/^(free|shared|basic)/i.test(tier)) return 0
  if (/^standard/i.test(tier)) return 5
  return 20
}

const emptyNames = (): SlotConfigNames => ({
  appSettingNames: [],
  connectionStringNames: [],
  azureStorageConfigNames: [],
})

const slotsOf = (state: EmulatorState, site: SiteRecord) =>
  [...state.slots.entries()].filter(([k]) => k.startsWith(`${key(site.id)}/slots/`)).map(([, s]) => s)

export function slotRoutes(ctx: EmulatorContext): Route[] {
  const {state} = ctx
  const slotsExceeded = (tier: string) => {
    const msg = `Cannot complete the operation because the site will exceed the number of slots allowed for the '${tier}' SKU.`
    // Code/Message as App Service answers (seen in Azure/azure-functions-ux#1309, vscode-azureappservice#520);
    // the ExtendedCode is the emulator's own.
    return webError(
      409,
      'Conflict',
      msg,
      '04101',
      "Cannot complete the operation because the site will exceed the number of slots allowed for the '{0}' SKU.",
      [tier],
    )
  }

  const putSlot = async (req: Parameters<Route['methods'][string]>[0], m: string[]): Promise<ArmResponse> => {
    const [sub, rg, name, slotName] = m as [string, string, string, string]
    const parent = findSite(ctx, sub, rg, name)
    if (isResponse(parent)) return parent
    const plan = state.plans.get(key(parent.serverFarmId))
    const tier = plan?.sku.tier ?? 'Basic'
    const id = `${parent.id}/slots/${slotName}`
    const existing = state.slots.get(key(id))
    if (!existing && slotsOf(state, parent).length >= slotLimit(tier)) return slotsExceeded(tier)
    const props = obj(req.body.properties)
    const identity =
      req.body.identity !== undefined
        ? resolveIdentity(state, req.body.identity, existing?.identity ?? null)
        : (existing?.identity ?? null)
    if (isResponse(identity)) return identity
    let slot = existing
    if (!slot) {
      const runtime = new SiteRuntime(
        `${parent.name}__${slotName}`,
        ctx.tls,
        () => behaviorFor(state, `${parent.name}/${slotName}`),
        ctx.scm,
      )
      await runtime.listen()
      slot = {
        ...parent,
        id,
        slot: slotName,
        tags: {},
        identity: null,
        config: {...DEFAULT_CONFIG},
        appSettings: {},
        runtime,
        slotConfigNames: undefined,
      }
    }
    slot.location = String(req.body.location ?? parent.location)
    slot.kind = String(req.body.kind ?? slot.kind)
    if (req.body.tags !== undefined || !existing) slot.tags = strMap(req.body.tags)
    slot.identity = identity
    slot.serverFarmId = parent.serverFarmId
    slot.reserved = Boolean(props.reserved ?? slot.reserved)
    slot.httpsOnly = Boolean(props.httpsOnly ?? slot.httpsOnly)
    // Same full-PUT rules as the site PUT (web.ts).
    const sc = obj(props.siteConfig)
    let changed = mergeConfig(slot, sc)
    const settings = appSettingsFromArray(sc.appSettings)
    if (settings) changed = replaceAppSettings(slot, settings) || changed
    state.slots.set(key(id), slot)
    if (!existing || changed) void restartSite(slot)
    if (state.lro) return lroAccepted(req.baseUrl, sub, slot.location, siteBody(slot))
    return ok(siteBody(slot), existing ? 200 : 201)
  }

  const swap = (req: Parameters<Route['methods'][string]>[0], m: string[]): ArmResponse => {
    const [sub, rg, name, fromSlot] = m as [string, string, string, string | undefined]
    const parent = findSite(ctx, sub, rg, name)
    if (isResponse(parent)) return parent
    const targetSlot = String(req.body.targetSlot ?? '')
    if (!targetSlot) return armError(400, 'BadRequest', "The parameter 'targetSlot' is required.")
    const pick = (n: string | undefined) =>
      n === undefined || /^production$/i.test(n) ? parent : findSite(ctx, sub, rg, name, n)
    // swapSlotWithProduction: POST sites/{app}/slotsswap {targetSlot: 'staging'} swaps production with staging.
    const source = fromSlot === undefined ? pick(targetSlot) : pick(fromSlot)
    const target = fromSlot === undefined ? parent : pick(targetSlot)
    if (isResponse(source)) return source
    if (isResponse(target)) return target
    if (source === target) return armError(400, 'BadRequest', 'The source and target slots of a swap must differ.')
    const opId = randomUUID()
    state.operations.set(opId, {status: 'InProgress'})
    void runSwap(state, parent, source, target).then((error) => {
      state.operations.set(opId, error ? {status: 'Failed', error} : {status: 'Succeeded'})
    })
    return lroAccepted(req.baseUrl, sub, parent.location, undefined, opId)
  }

  return [
    route(`${SITES}/slots`, {
      GET: (_req, [sub, rg, name]) => {
        const parent = findSite(ctx, sub!, rg!, name!)
        return isResponse(parent) ? parent : ok({value: slotsOf(state, parent).map(siteBody)})
      },
    }),
    route(`${SITES}/slots/([^/]+)`, {
      GET: (_req, [sub, rg, name, slot]) => {
        const s = findSite(ctx, sub!, rg!, name!, slot!)
        return isResponse(s) ? s : ok(siteBody(s))
      },
      PUT: putSlot,
      PATCH: (req, [sub, rg, name, slot]) => {
        const s = findSite(ctx, sub!, rg!, name!, slot!)
        return isResponse(s) ? s : patchSite(ctx, s, req.body)
      },
      DELETE: async (_req, [sub, rg, name, slot]) => {
        const s = findSite(ctx, sub!, rg!, name!, slot!)
        if (isResponse(s)) return s
        state.slots.delete(key(s.id))
        await s.runtime.close()
        return {status: 200}
      },
    }),
    route(`${SITES}/config/slotConfigNames`, {
      GET: (_req, [sub, rg, name]) => {
        const s = findSite(ctx, sub!, rg!, name!)
        return isResponse(s) ? s : ok(slotNamesBody(s))
      },
      // Full replace (reference §4): names left out are no longer sticky.
      PUT: (req, [sub, rg, name]) => {
        const s = findSite(ctx, sub!, rg!, name!)
        if (isResponse(s)) return s
        const p = obj(req.body.properties)
        const list = (x: unknown) => (Array.isArray(x) ? x.map(String) : [])
        s.slotConfigNames = {
          appSettingNames: list(p.appSettingNames),
          connectionStringNames: list(p.connectionStringNames),
          azureStorageConfigNames: list(p.azureStorageConfigNames),
        }
        return ok(slotNamesBody(s))
      },
    }),
    route(`${SITES}/slotsswap`, {POST: (req, [sub, rg, name]) => swap(req, [sub!, rg!, name!])}),
    route(`${SITES}/slots/([^/]+)/slotsswap`, {POST: swap}),
  ]
}

/** siteConfig fields that stay with their slot on a swap (deploy-staging-slots.md: not swapped). */
const SLOT_SPECIFIC = [
  'alwaysOn',
  'ipSecurityRestrictions',
  'scmIpSecurityRestrictions',
  'scmIpSecurityRestrictionsUseMain',
  'cors',
  'vnetRouteAllEnabled',
]

/** `incoming` config with the slot-specific fields of `own` kept. */
function keepSlotSpecific(incoming: Json, own: Json): Json {
  const out = {...incoming}
  for (const k of SLOT_SPECIFIC) {
    if (k in own) out[k] = own[k]
    else delete out[k]
  }
  return out
}

function slotNamesBody(site: SiteRecord) {
  return {
    id: `${site.id}/config/slotConfigNames`,
    name: 'slotConfigNames',
    type: 'Microsoft.Web/sites/config',
    properties: site.slotConfigNames ?? emptyNames(),
  }
}

/** Plays a swap; resolves the LRO error when the source failed to warm up. */
async function runSwap(
  state: EmulatorState,
  parent: SiteRecord,
  source: SiteRecord,
  target: SiteRecord,
): Promise<{code: string; message: string} | undefined> {
  const sticky = new Set((parent.slotConfigNames?.appSettingNames ?? []).map((n) => n.toLowerCase()))
  // Settings ending in _EXTENSION_VERSION never swap (deploy-staging-slots.md "which settings are swapped").
  const isSticky = (n: string) => sticky.has(n.toLowerCase()) || /_EXTENSION_VERSION$/i.test(n)
  const part = (s: Record<string, string>, want: boolean) =>
    Object.fromEntries(Object.entries(s).filter(([n]) => isSticky(n) === want))
  const original = {...source.appSettings}
  // Phase 1: apply the target's sticky settings to the source and warm it up.
  source.appSettings = {...part(original, false), ...part(target.appSettings, true)}
  const warm = await restartSite(source)
  if (!warm || !state.slots.has(key(source.slot ? source.id : target.id))) {
    source.appSettings = original
    const name = source.slot ?? 'production'
    return {
      code: 'Conflict',
      message: `Cannot swap site slots for site '${parent.name}' because the '${name}' slot did not respond to http ping. (CODE: 417)`,
    }
  }
  // Phase 2: switch routing: containers, config and non-sticky settings trade places.
  source.runtime.swapContainers(target.runtime)
  const config = source.config
  source.config = keepSlotSpecific(target.config, config)
  target.config = keepSlotSpecific(config, target.config)
  const targetSettings = target.appSettings
  target.appSettings = {...source.appSettings}
  source.appSettings = {...part(targetSettings, false), ...part(original, true)}
  return undefined
}
