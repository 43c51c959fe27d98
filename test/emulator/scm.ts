// The SCM (Kudu) side of emulated sites: `GET /api/logs/docker` and the listed files (`/api/vfs/LogFiles/<name>`,
// with `Range: bytes=N-`), on each site's own listener (its SCM host is the same 127.0.0.1:<port> as the app),
// Entra-bearer only. Plus the ARM `GET|PUT .../sites/{app}/config/logs` that switches container logging.
//
// Files of the site's own instance: `<date>_<instance>_docker.log` = the runtime's platform log lines,
// `<date>_<instance>_default_docker.log` = the simulated container's stdout (listed only while
// `httpLogs.fileSystem.enabled`). `writeLine` adds files of further instances (any timestamps) for tests.
// Faults: the next matching SCM request(s) get a status (e.g. 503) or a dropped connection.
import {randomBytes} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {type EmulatorContext, isResponse, ok, type Route, route} from './http.js'
import type {SiteRuntime} from './site-runtime.js'
import type {Json, SiteRecord} from './state.js'
import {allSites, findSite, SITE_OR_SLOT} from './web-site.js'

/** Handles a request on a site's listener when it is an SCM request; returns false otherwise. */
export type ScmHandler = (req: IncomingMessage, res: ServerResponse, runtime: SiteRuntime) => boolean

export interface ScmFault {
  /** Case-insensitive substring of the request path; any SCM path when omitted. */
  pathIncludes?: string
  /** Answer with this status (and a small JSON body)… */
  status?: number
  /** …or destroy the connection without an answer… */
  drop?: boolean
  /** …or accept the request and never answer. */
  hang?: boolean
  /** How many requests (default 1). */
  times?: number
}

export interface ScmRequest {
  path: string
  range?: string
  /** What the Authorization header held. */
  auth: 'bearer' | 'wrong-bearer' | 'basic' | 'none'
  status: number
  at: number
}

export interface ScmControl {
  requests: ScmRequest[]
  addFault(f: ScmFault): void
  clearFaults(): void
  /** Appends a raw line (with its own timestamp, or none) to a file of another instance of the site. */
  writeLine(site: SiteRecord, instance: string, source: 'app' | 'platform', line: string): void
  /** The site's stored `config/logs` properties. */
  logsConfig(site: SiteRecord): Json
  setContainerLogging(site: SiteRecord, enabled: boolean): void
}

interface Extra {
  lines: string[]
  updated: number
}

const DEFAULT_LOGS_CONFIG = (): Json => ({
  applicationLogs: {fileSystem: {level: 'Off'}, azureTableStorage: null, azureBlobStorage: null},
  httpLogs: {fileSystem: {retentionInMb: 35, retentionInDays: null, enabled: false}, azureBlobStorage: null},
  failedRequestsTracing: {enabled: false},
  detailedErrorMessages: {enabled: false},
})

export function createScm(ctx: Pick<EmulatorContext, 'state'>, token: string) {
  const configs = new WeakMap<SiteRecord, Json>()
  const extras = new WeakMap<SiteRecord, Map<string, Extra>>()
  const machines = new WeakMap<SiteRuntime, {machine: string; date: string}>()
  const faults: Array<ScmFault & {left: number}> = []
  const requests: ScmRequest[] = []

  const configOf = (site: SiteRecord) => {
    const c = configs.get(site) ?? DEFAULT_LOGS_CONFIG()
    configs.set(site, c)
    return c
  }
  const loggingOn = (site: SiteRecord) =>
    ((configOf(site).httpLogs as Json | null)?.fileSystem as Json | null)?.enabled === true
  const machineOf = (runtime: SiteRuntime) => {
    const date = new Date().toISOString().slice(0, 10).replace(/-/g, '_')
    const m = machines.get(runtime) ?? {machine: `lw0sdlwk${randomBytes(3).toString('hex').toUpperCase()}`, date}
    machines.set(runtime, m)
    return m
  }

  /** name → {content, updated} of every file the site lists now. */
  const filesOf = (site: SiteRecord) => {
    const files = new Map<string, {content: string; updated: number}>()
    const {machine, date} = machineOf(site.runtime)
    files.set(`${date}_${machine}_docker.log`, {content: site.runtime.logs, updated: Date.now()})
    if (loggingOn(site)) {
      files.set(`${date}_${machine}_default_docker.log`, {content: site.runtime.appLogs, updated: Date.now()})
    }
    for (const [name, x] of extras.get(site) ?? []) {
      if (loggingOn(site) || !name.endsWith('_default_docker.log')) {
        files.set(name, {content: x.lines.join(''), updated: x.updated})
      }
    }
    return files
  }

  const handle: ScmHandler = (req, res, runtime) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')
    if (!/^\/api\/(logs\/docker|vfs\/LogFiles\/)/i.test(path)) return false
    const authz = req.headers.authorization ?? ''
    const entry: ScmRequest = {
      path,
      auth:
        authz === `Bearer ${token}` ? 'bearer' : /^bearer /i.test(authz) ? 'wrong-bearer' : authz ? 'basic' : 'none',
      status: 0,
      at: Date.now(),
    }
    if (req.headers.range) entry.range = req.headers.range
    requests.push(entry)
    const send = (status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
      entry.status = status
      res.writeHead(status, {'content-type': 'application/json; charset=utf-8', ...headers})
      res.end(body)
    }
    if (entry.auth !== 'bearer') {
      send(401, JSON.stringify({Message: 'Authorization has been denied for this request.'}), {
        'www-authenticate': 'Bearer realm="emulator"',
      })
      return true
    }
    const fi = faults.findIndex((f) => !f.pathIncludes || path.toLowerCase().includes(f.pathIncludes.toLowerCase()))
    const fault = faults[fi]
    if (fault) {
      if (--fault.left <= 0) faults.splice(fi, 1)
      if (fault.drop) {
        entry.status = -1
        req.socket.destroy()
      } else if (fault.hang) {
        entry.status = -2
      } else {
        send(fault.status ?? 503, JSON.stringify({Message: 'Injected fault.'}))
      }
      return true
    }
    const site = allSites(ctx.state).find((s) => s.runtime === runtime)
    if (!site) {
      send(404, JSON.stringify({Message: 'Site not found.'}))
      return true
    }
    const files = filesOf(site)
    if (/^\/api\/logs\/docker$/i.test(path.replace(/\/+$/, ''))) {
      const list = [...files].map(([name, f]) => ({
        machineName: machineFromName(name),
        lastUpdated: new Date(f.updated).toISOString(),
        size: Buffer.byteLength(f.content),
        href: `https://${runtime.host}/api/vfs/LogFiles/${encodeURIComponent(name)}`,
        path: `/home/LogFiles/${name}`,
      }))
      send(200, JSON.stringify(list))
      return true
    }
    const file = files.get(path.replace(/^\/api\/vfs\/LogFiles\//i, ''))
    if (!file) {
      send(404, JSON.stringify({Message: `'${path}' not found.`}))
      return true
    }
    const bytes = Buffer.from(file.content)
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    if (!range) {
      send(200, bytes, {'content-type': 'application/octet-stream', 'accept-ranges': 'bytes'})
    } else if (Number(range[1]) >= bytes.length) {
      send(416, '', {'content-range': `bytes */${bytes.length}`})
    } else {
      const start = Number(range[1])
      send(206, bytes.subarray(start), {
        'content-type': 'application/octet-stream',
        'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      })
    }
    return true
  }

  const control: ScmControl = {
    requests,
    addFault: (f) => faults.push({...f, left: f.times ?? 1}),
    clearFaults: () => {
      faults.length = 0
    },
    writeLine(site, instance, source, line) {
      const m = extras.get(site) ?? new Map<string, Extra>()
      extras.set(site, m)
      const name = `${machineOf(site.runtime).date}_${instance}_${source === 'app' ? 'default_' : ''}docker.log`
      const x = m.get(name) ?? {lines: [], updated: 0}
      x.lines.push(line.endsWith('\n') ? line : `${line}\n`)
      x.updated = Date.now()
      m.set(name, x)
    },
    logsConfig: configOf,
    setContainerLogging(site, enabled) {
      const c = configOf(site)
      c.httpLogs = {...(c.httpLogs as Json), fileSystem: {retentionInMb: 35, retentionInDays: 3, enabled}}
    },
  }

  const SITE = SITE_OR_SLOT
  const body = (site: SiteRecord) => ({
    id: `${site.id}/config/logs`,
    name: 'logs',
    type: 'Microsoft.Web/sites/config',
    location: site.location,
    properties: configOf(site),
  })
  const routes = (full: EmulatorContext): Route[] => [
    route(`${SITE}/config/logs`, {
      GET: (_req, [sub, rg, name, slot]) => {
        const site = findSite(full, sub!, rg!, name!, slot)
        return isResponse(site) ? site : ok(body(site))
      },
      PUT: (req, [sub, rg, name, slot]) => {
        const site = findSite(full, sub!, rg!, name!, slot)
        if (isResponse(site)) return site
        const props = (req.body.properties ?? {}) as Json
        const fs = ((props.httpLogs as Json | undefined)?.fileSystem ?? {}) as Json
        const mb = fs.retentionInMb
        if (mb !== undefined && mb !== null && (typeof mb !== 'number' || mb < 25 || mb > 100)) {
          return {status: 400, body: {Code: 'BadRequest', Message: 'RetentionInMb must be between 25 and 100.'}}
        }
        configs.set(site, {...DEFAULT_LOGS_CONFIG(), ...props})
        return ok(body(site))
      },
    }),
  ]

  return {handle, control, routes}
}

function machineFromName(name: string): string {
  return /^\d{4}_\d{2}_\d{2}_([^_]+)_/.exec(name)?.[1] ?? ''
}
