// Microsoft.Web site sub-resources: config/web, app settings, container logs, restart.
import {type EmulatorContext, isResponse, ok, type Route, route, strMap} from './http.js'
import {
  appSettingsBody,
  appSettingsFromArray,
  configBody,
  DEFAULT_CONFIG,
  findSite,
  mergeConfig,
  replaceAppSettings,
  restartSite,
  SITE_OR_SLOT,
} from './web-site.js'

// Every route here serves a site and its slots alike (captures: sub, rg, site, slot | undefined).
const SITE = SITE_OR_SLOT

export function webConfigRoutes(ctx: EmulatorContext): Route[] {
  return [
    route(`${SITE}/config/web`, {
      GET: (_req, [sub, rg, name, slot]) => {
        const site = findSite(ctx, sub!, rg!, name!, slot)
        return isResponse(site) ? site : ok(configBody(site))
      },
      PATCH: (req, [sub, rg, name, slot]) => {
        const site = findSite(ctx, sub!, rg!, name!, slot)
        if (isResponse(site)) return site
        const props = req.body.properties as Record<string, unknown> | undefined
        let changed = mergeConfig(site, props ?? {})
        const settings = appSettingsFromArray(props?.appSettings)
        if (settings) changed = replaceAppSettings(site, settings) || changed
        if (changed) void restartSite(site)
        return ok(configBody(site))
      },
      // PUT is treated as a full replace: unspecified fields go back to their defaults (reference §3.5).
      PUT: (req, [sub, rg, name, slot]) => {
        const site = findSite(ctx, sub!, rg!, name!, slot)
        if (isResponse(site)) return site
        const props = (req.body.properties as Record<string, unknown> | undefined) ?? {}
        const before = JSON.stringify(site.config)
        site.config = {...DEFAULT_CONFIG}
        mergeConfig(site, props)
        let changed = before !== JSON.stringify(site.config)
        const settings = appSettingsFromArray(props.appSettings)
        if (settings) changed = replaceAppSettings(site, settings) || changed
        if (changed) void restartSite(site)
        return ok(configBody(site))
      },
    }),
    route(`${SITE}/config/appsettings/list`, {
      POST: (_req, [sub, rg, name, slot]) => {
        const site = findSite(ctx, sub!, rg!, name!, slot)
        return isResponse(site) ? site : ok(appSettingsBody(site))
      },
    }),
    route(`${SITE}/config/appsettings`, {
      PUT: (req, [sub, rg, name, slot]) => {
        const site = findSite(ctx, sub!, rg!, name!, slot)
        if (isResponse(site)) return site
        if (replaceAppSettings(site, strMap(req.body.properties))) void restartSite(site)
        return ok(appSettingsBody(site))
      },
    }),
    route(`${SITE}/containerlogs`, {
      POST: (_req, [sub, rg, name, slot]) => {
        const site = findSite(ctx, sub!, rg!, name!, slot)
        if (isResponse(site)) return site
        // Real ARM returns the last lines of the docker log (reference §5.1), 204 when there are none.
        const logs = site.runtime.tail(ctx.state.containerLogTailLines)
        return logs ? {status: 200, body: logs, headers: {'content-type': 'text/plain'}} : {status: 204}
      },
    }),
    route(`${SITE}/restart`, {
      POST: (_req, [sub, rg, name, slot]) => {
        const site = findSite(ctx, sub!, rg!, name!, slot)
        if (isResponse(site)) return site
        void restartSite(site)
        return {status: 200}
      },
    }),
  ]
}
