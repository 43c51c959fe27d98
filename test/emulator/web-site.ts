// Microsoft.Web/sites model helpers: wire bodies, siteConfig merging, identity resolution, restarts.
import type {ArmResponse} from './faults.js'
import {armError, type EmulatorContext, isResponse, notFound, obj, ok, RG, requireRg, strMap} from './http.js'
import {
  type EmulatorState,
  guid,
  type Json,
  key,
  rgId,
  type SiteBehavior,
  type SiteIdentity,
  type SiteRecord,
} from './state.js'

/** A site or one of its slots: captures (subscription, resourceGroup, site, slot | undefined). */
export const SITE_OR_SLOT = `${RG}/providers/microsoft\\.web/sites/([^/]+)(?:/slots/([^/]+))?`

export const DEFAULT_CONFIG: Json = {
  numberOfWorkers: 1,
  netFrameworkVersion: 'v4.0',
  linuxFxVersion: '',
  windowsFxVersion: null,
  acrUseManagedIdentityCreds: false,
  acrUserManagedIdentityID: null,
  alwaysOn: false,
  http20Enabled: false,
  minTlsVersion: '1.2',
  scmMinTlsVersion: '1.2',
  ftpsState: 'FtpsOnly',
  healthCheckPath: null,
  appCommandLine: '',
  vnetRouteAllEnabled: false,
  webSocketsEnabled: false,
  use32BitWorkerProcess: true,
  scmIpSecurityRestrictionsUseMain: false,
}

/** Fields never stored in config (served by other endpoints). */
const NOT_CONFIG = new Set(['appSettings', 'connectionStrings', 'azureStorageAccounts', 'metadata'])

/** Behavior of a site (`app`) or slot (`app/slot`); a slot without its own falls back to its site's. */
export function behaviorFor(state: EmulatorState, site: string): SiteBehavior {
  const name = site.toLowerCase()
  const own = state.siteBehaviors.get(name) ?? state.siteBehaviors.get(name.split('/')[0]!)
  return {...state.defaultSiteBehavior, ...own}
}

/** Merges siteConfig fields into the site's config; returns true when anything changed. */
export function mergeConfig(site: SiteRecord, patch: Json): boolean {
  let changed = false
  for (const [k, v] of Object.entries(patch)) {
    if (NOT_CONFIG.has(k) || v === undefined) continue
    if (JSON.stringify(site.config[k]) !== JSON.stringify(v)) {
      site.config[k] = v
      changed = true
    }
  }
  return changed
}

/** siteConfig.appSettings ([{name, value}]) → dictionary; undefined when absent. */
export function appSettingsFromArray(x: unknown): Record<string, string> | undefined {
  if (!Array.isArray(x)) return undefined
  const out: Record<string, string> = {}
  for (const p of x) {
    const o = obj(p)
    if (typeof o.name === 'string') out[o.name] = o.value == null ? '' : String(o.value)
  }
  return out
}

/** Replaces the app settings; returns true when they changed. */
export function replaceAppSettings(site: SiteRecord, next: Record<string, string>): boolean {
  const a = site.appSettings
  const same = Object.keys(a).length === Object.keys(next).length && Object.entries(next).every(([k, v]) => a[k] === v)
  site.appSettings = {...next}
  return !same
}

/** Recycles the site's container (overlapped: the old one serves until the new one is warm). */
export function restartSite(site: SiteRecord): Promise<boolean> {
  return site.runtime.restart(String(site.config.linuxFxVersion ?? ''), site.appSettings)
}

/** Resolves a requested identity block against the emulated identities. */
export function resolveIdentity(
  state: EmulatorState,
  input: unknown,
  existing: SiteIdentity | null,
): SiteIdentity | null | ArmResponse {
  const want = obj(input)
  const type = String(want.type ?? 'None')
  if (/^none$/i.test(type)) return null
  const out: SiteIdentity = {type}
  if (/systemassigned/i.test(type)) {
    out.principalId = existing?.principalId ?? guid()
    out.tenantId = existing?.tenantId ?? state.defaultTenantId
    state.principals.add(out.principalId.toLowerCase())
  }
  if (/userassigned/i.test(type)) {
    out.userAssignedIdentities = {}
    for (const id of Object.keys(obj(want.userAssignedIdentities))) {
      const ident = state.identities.get(key(id))
      if (!ident) {
        return armError(
          400,
          'FailedIdentityOperation',
          `Resource '${id}' was not found or is not a user assigned identity.`,
        )
      }
      out.userAssignedIdentities[ident.id] = {principalId: ident.principalId, clientId: ident.clientId}
    }
  }
  return out
}

export function siteConfigSubset(site: SiteRecord): Json {
  const c = site.config
  return {
    numberOfWorkers: c.numberOfWorkers,
    linuxFxVersion: c.linuxFxVersion,
    windowsFxVersion: c.windowsFxVersion ?? null,
    acrUseManagedIdentityCreds: c.acrUseManagedIdentityCreds,
    acrUserManagedIdentityID: c.acrUserManagedIdentityID ?? null,
    alwaysOn: c.alwaysOn,
    http20Enabled: c.http20Enabled,
    functionAppScaleLimit: 0,
    minimumElasticInstanceCount: 0,
    appSettings: null,
  }
}

export function siteBody(site: SiteRecord): Json {
  const host = site.runtime.host
  const scmHost = host
  return {
    id: site.id,
    name: site.slot ? `${site.name}/${site.slot}` : site.name,
    type: site.slot ? 'Microsoft.Web/sites/slots' : 'Microsoft.Web/sites',
    kind: site.kind,
    location: site.location,
    tags: site.tags,
    ...(site.identity ? {identity: site.identity} : {}),
    properties: {
      name: site.slot ? `${site.name}(${site.slot})` : site.name,
      state: 'Running',
      hostNames: [host],
      enabledHostNames: [host, scmHost],
      defaultHostName: host,
      hostNameSslStates: [
        {name: host, sslState: 'Disabled', hostType: 'Standard'},
        {name: scmHost, sslState: 'Disabled', hostType: 'Repository'},
      ],
      serverFarmId: site.serverFarmId,
      reserved: site.reserved,
      httpsOnly: site.httpsOnly,
      enabled: site.enabled,
      usageState: 'Normal',
      availabilityState: 'Normal',
      resourceGroup: site.resourceGroup,
      outboundIpAddresses: '127.0.0.1',
      siteConfig: siteConfigSubset(site),
    },
  }
}

export function configBody(site: SiteRecord): Json {
  return {
    id: `${site.id}/config/web`,
    name: 'web',
    type: 'Microsoft.Web/sites/config',
    location: site.location,
    properties: {...site.config, appSettings: null, connectionStrings: null},
  }
}

export function appSettingsBody(site: SiteRecord): Json {
  return {
    id: `${site.id}/config/appsettings`,
    name: 'appsettings',
    type: 'Microsoft.Web/sites/config',
    location: site.location,
    properties: {...site.appSettings},
  }
}

/** The site, or its slot when `slot` is given (a 404 ARM response when missing). */
export function findSite(
  ctx: EmulatorContext,
  sub: string,
  rg: string,
  name: string,
  slot?: string,
): SiteRecord | ArmResponse {
  const r = requireRg(ctx, sub, rg)
  if (isResponse(r)) return r
  const id = `${rgId(sub, rg)}/providers/Microsoft.Web/sites/${name}`
  const site = ctx.state.sites.get(key(id))
  if (!site) return notFound('Microsoft.Web/sites', name, r.name)
  if (slot === undefined) return site
  return (
    ctx.state.slots.get(key(`${id}/slots/${slot}`)) ?? notFound('Microsoft.Web/sites/slots', `${name}/${slot}`, r.name)
  )
}

/** Every site and slot. */
export function allSites(state: EmulatorState): SiteRecord[] {
  return [...state.sites.values(), ...state.slots.values()]
}

/**
 * A site (or slot) PATCH (webApps.update / updateSlot): only the properties named change. siteConfig fields it
 * names replace the stored ones; `siteConfig.appSettings`, when present, replaces the whole dictionary (like the
 * PUT); image and settings changed in one PATCH recycle the container ONCE. Tags, when sent, replace the set.
 */
export function patchSite(ctx: EmulatorContext, site: SiteRecord, body: Json): ArmResponse {
  const props = obj(body.properties)
  if (body.identity !== undefined) {
    const identity = resolveIdentity(ctx.state, body.identity, site.identity)
    if (isResponse(identity)) return identity
    site.identity = identity
  }
  if (body.tags !== undefined) site.tags = strMap(body.tags)
  if (props.serverFarmId !== undefined && !site.slot) {
    const plan = ctx.state.plans.get(key(String(props.serverFarmId)))
    if (!plan) return armError(404, 'NotFound', `Cannot find ServerFarm with name ${props.serverFarmId}.`)
    site.serverFarmId = plan.id
  }
  if (props.httpsOnly !== undefined) site.httpsOnly = Boolean(props.httpsOnly)
  if (props.enabled !== undefined) site.enabled = Boolean(props.enabled)
  const sc = obj(props.siteConfig)
  let changed = mergeConfig(site, sc)
  const settings = appSettingsFromArray(sc.appSettings)
  if (settings) changed = replaceAppSettings(site, settings) || changed
  if (changed) void restartSite(site)
  return ok(siteBody(site))
}
