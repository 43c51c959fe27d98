// Control/inspection endpoints of the emulator (not ARM): same listener, same bearer token, never logged in
// `requests` and never faulted. For tests and benchmarks that run the emulator out of process (main.ts).
//   GET  /_emulator/sites                                  every site and slot: restarts, serving image, host…
//   GET  /_emulator/sites/{app}[/slots/{slot}]             one of them (404 when missing)
//   PUT  /_emulator/sites/{app}[/slots/{slot}]/behavior    body: SiteBehavior (replaces the site's behavior)
//   GET  /_emulator/settings | PUT /_emulator/settings     {latencyMs, lro, containerLogTailLines, defaultSiteBehavior}
import type {ArmResponse} from './faults.js'
import {armError, obj, ok} from './http.js'
import type {EmulatorState, SiteBehavior, SiteRecord} from './state.js'
import {allSites} from './web-site.js'

export interface EmulatorSettings {
  latencyMs: number
}

export interface SiteInspection {
  id: string
  name: string
  slot: string | null
  /** The site's app URL host (its defaultHostName). */
  host: string
  /** Container (re)starts begun so far (create, config/settings writes that recycle, restart, swap warm-up). */
  restarts: number
  /** linuxFxVersion of the container serving now ('' when none). */
  servingImage: string
  servingContainer: string
  /** A new container is starting (the old one, if any, still serves). */
  starting: boolean
  linuxFxVersion: string
  tags: Record<string, string>
}

export function inspect(s: SiteRecord): SiteInspection {
  return {
    id: s.id,
    name: s.name,
    slot: s.slot ?? null,
    host: s.runtime.host,
    restarts: s.runtime.restarts,
    servingImage: s.runtime.servingImage,
    servingContainer: s.runtime.servingContainer,
    starting: s.runtime.starting,
    linuxFxVersion: String(s.config.linuxFxVersion ?? ''),
    tags: s.tags,
  }
}

/** The site (or its slot) named `app` in any resource group. */
export function siteNamed(state: EmulatorState, app: string, slot?: string): SiteRecord | undefined {
  return allSites(state).find(
    (s) => s.name.toLowerCase() === app.toLowerCase() && (s.slot ?? '').toLowerCase() === (slot ?? '').toLowerCase(),
  )
}

export function handleControl(
  state: EmulatorState,
  settings: EmulatorSettings,
  method: string,
  path: string,
  body: Record<string, unknown>,
): ArmResponse {
  const settingsBody = () => ({
    latencyMs: settings.latencyMs,
    lro: state.lro,
    containerLogTailLines: state.containerLogTailLines,
    defaultSiteBehavior: state.defaultSiteBehavior,
  })
  if (/^\/_emulator\/settings$/i.test(path)) {
    if (method === 'PUT') {
      if (body.latencyMs !== undefined) settings.latencyMs = Math.max(0, Number(body.latencyMs) || 0)
      if (body.lro !== undefined) state.lro = Boolean(body.lro)
      if (body.containerLogTailLines !== undefined) {
        state.containerLogTailLines = Math.max(1, Number(body.containerLogTailLines) || 1)
      }
      if (body.defaultSiteBehavior !== undefined)
        state.defaultSiteBehavior = obj(body.defaultSiteBehavior) as SiteBehavior
    }
    return ok(settingsBody())
  }
  if (/^\/_emulator\/sites$/i.test(path)) return ok({value: allSites(state).map(inspect)})
  const m = /^\/_emulator\/sites\/([^/]+)(?:\/slots\/([^/]+))?(\/behavior)?$/i.exec(path)
  if (m) {
    const [, app, slot, behavior] = m as unknown as [string, string, string | undefined, string | undefined]
    if (behavior) {
      if (method !== 'PUT') return armError(405, 'MethodNotAllowed', 'Use PUT to set a site behavior.')
      state.siteBehaviors.set((slot ? `${app}/${slot}` : app).toLowerCase(), obj(body) as SiteBehavior)
      return ok({behavior: body})
    }
    const s = siteNamed(state, app, slot)
    return s ? ok(inspect(s)) : armError(404, 'NotFound', `No emulated site '${app}${slot ? `/${slot}` : ''}'.`)
  }
  return armError(404, 'NotFound', `Unknown emulator control endpoint '${method} ${path}'.`)
}
