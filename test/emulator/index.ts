// Stateful HTTPS ARM emulator for tests. Real @azure SDK clients talk to it over TLS on 127.0.0.1.
// Options, site behaviors, slots/swaps, the Tags API and the /_emulator control endpoints: see README.md here.
//
// Trusting its certificate (test CA from test/helpers/tls.ts):
// - in-process SDK clients: pass `tlsOptions: {ca: ensureTestCa().ca}` in the client options (core-rest-pipeline
//   applies it through tlsPolicy -> https.Agent({ca})). Alternatively `agent: new https.Agent({ca})`.
// - child processes (the CLI under test): env NODE_EXTRA_CA_CERTS=<emulator.caCertPath>.
import {randomUUID} from 'node:crypto'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {ensureTestCa} from '../helpers/tls.js'
import {handleControl, inspect, type SiteInspection, siteNamed} from './control.js'
import {type ArmResponse, type Fault, type FaultHandle, FaultList, type LroFault} from './faults.js'
import {type ArmRequest, armError, type EmulatorContext, lroAccepted, type Route} from './http.js'
import type {LogFormat} from './platform-log.js'
import {registryRoutes} from './registry.js'
import {resourceRoutes} from './resources.js'
import {createScm, type ScmControl} from './scm.js'
import {createState, type EmulatorState, key, type SiteBehavior, type SiteRecord, type Subscription} from './state.js'
import {tagRoutes} from './tags.js'
import {webRoutes} from './web.js'
import {webConfigRoutes} from './web-config.js'
import {planRoutes} from './web-plans.js'
import {slotRoutes} from './web-slots.js'

export type {SiteInspection} from './control.js'
export type {Fault, FaultHandle, LroFault} from './faults.js'
export type {FailureScenario, LogFormat} from './platform-log.js'
export type {ScmControl, ScmFault} from './scm.js'
export type {EmulatorState, SiteBehavior, Subscription} from './state.js'

export interface ArmEmulatorOptions {
  /**
   * Delay every ARM response by this many milliseconds (default: env AZDEPLOY_EMULATOR_LATENCY_MS, else 0).
   * Only ARM: the emulated containers (app URLs) and Kudu answer at once.
   */
  latencyMs?: number
  /** Start delay of every new container unless a site behavior says otherwise (default 30 ms; 0 = next tick). */
  startDelayMs?: number
  /** Platform log family of every site unless its behavior says otherwise (default 'docker'). */
  logFormat?: LogFormat
  /** Lines ARM `containerlogs` returns (the log's tail; default 100). */
  containerLogTailLines?: number
  /** Expected bearer token (default 'test-arm-token'). */
  token?: string
  subscriptions?: Subscription[]
}

export interface RequestLogEntry {
  method: string
  path: string
  query: Record<string, string>
  status: number
  /** Date.now() when the request arrived. */
  at: number
}

export interface ArmEmulator {
  /** e.g. https://127.0.0.1:PORT (no trailing slash) */
  url: string
  caCertPath: string
  /** PEM of the test CA, for `tlsOptions: {ca}`. */
  ca: string
  state: EmulatorState
  requests: RequestLogEntry[]
  /** Number of logged read requests (GET/HEAD and POST .../list, checknameavailability, containerlogs). */
  reads(): number
  /** Number of logged write requests (PUT/PATCH/DELETE and every other POST). */
  writes(): number
  resetLog(): void
  /** Injects a fault (faults.ts); the handle counts the requests it answered. */
  addFault(fault: Fault): FaultHandle
  clearFaults(): void
  /** Behavior of a site (`app`) or slot (`app/slot`); a slot without its own uses its site's. */
  setSiteBehavior(app: string, behavior: SiteBehavior): void
  /** The site (or slot) named `app` in any resource group. */
  site(app: string, slot?: string): SiteRecord | undefined
  /** Container (re)starts of the site or slot so far (0 when it does not exist). */
  restarts(app: string, slot?: string): number
  /** Every site and slot, as `GET /_emulator/sites` reports them. */
  inspect(): SiteInspection[]
  /** Changes the ARM response delay from now on. */
  setLatency(ms: number): void
  /** The sites' SCM (Kudu) endpoints: request log, faults, extra log lines, `config/logs`. */
  scm: ScmControl
  close(): Promise<void>
}

/** POSTs that only read (list secrets/settings, name checks, logs). */
const READ_POST = /(\/list|\/checknameavailability|\/containerlogs)$/i

const envLatency = () => Number.parseInt(process.env.AZDEPLOY_EMULATOR_LATENCY_MS ?? '', 10) || 0

export function isReadRequest(e: {method: string; path: string}): boolean {
  const m = e.method.toUpperCase()
  return m === 'GET' || m === 'HEAD' || (m === 'POST' && READ_POST.test(e.path))
}

export async function startArmEmulator(opts: ArmEmulatorOptions = {}): Promise<ArmEmulator> {
  const tls = ensureTestCa()
  const state = createState(opts.subscriptions)
  if (opts.startDelayMs !== undefined) state.defaultSiteBehavior.startDelayMs = opts.startDelayMs
  if (opts.logFormat) state.defaultSiteBehavior.logFormat = opts.logFormat
  if (opts.containerLogTailLines) state.containerLogTailLines = opts.containerLogTailLines
  const settings = {latencyMs: opts.latencyMs ?? envLatency()}
  const token = opts.token ?? 'test-arm-token'
  const scm = createScm({state}, token)
  const ctx: EmulatorContext = {state, tls: {cert: tls.cert, key: tls.key}, scm: scm.handle}
  const routes: Route[] = [
    ...tagRoutes(ctx),
    ...resourceRoutes(ctx),
    ...planRoutes(ctx),
    ...webRoutes(ctx),
    ...slotRoutes(ctx),
    ...webConfigRoutes(ctx),
    ...scm.routes(ctx),
    ...registryRoutes(ctx),
  ]
  const faults = new FaultList()
  const requests: RequestLogEntry[] = []
  const timers = new Set<NodeJS.Timeout>()
  let baseUrl = ''

  const dispatch = async (req: ArmRequest, auth: string | undefined): Promise<ArmResponse> => {
    if (auth !== `Bearer ${token}`) {
      return armError(
        401,
        'AuthenticationFailed',
        'Authentication failed. The Authorization header is missing or invalid.',
      )
    }
    if (/^\/_emulator(\/|$)/i.test(req.path)) return handleControl(state, settings, req.method, req.path, req.body)
    const fault = faults.take(req.method, req.path, req.body)
    if (fault?.lro) return lroFault(state, req, fault.lro)
    if (fault) return fault
    const sub = /^\/subscriptions\/([^/]+)\/./i.exec(req.path)?.[1]
    if (sub && !state.subscriptions.has(key(sub))) {
      return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`)
    }
    for (const r of routes) {
      const m = r.re.exec(req.path)
      if (!m) continue
      const h = r.methods[req.method]
      if (!h) return armError(405, 'MethodNotAllowed', `The requested method ${req.method} is not allowed.`)
      return h(req, m.slice(1))
    }
    return armError(404, 'InvalidResourceType', `The emulator does not implement '${req.method} ${req.path}'.`)
  }

  const server: Server = createServer({cert: tls.cert, key: tls.key}, (req, res) => {
    const at = Date.now()
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const url = new URL(`${baseUrl}${req.url ?? '/'}`) // not new URL(u, base): '//x' would be a host
      // Collapses '//' (SDK scope parameters given with a leading slash) and drops a trailing slash.
      const path =
        decodeURIComponent(url.pathname)
          .replace(/\/{2,}/g, '/')
          .replace(/\/+$/, '') || '/'
      const method = (req.method ?? 'GET').toUpperCase()
      let result: ArmResponse
      const text = Buffer.concat(chunks).toString('utf8')
      let body: Record<string, unknown> = {}
      try {
        body = text ? JSON.parse(text) : {}
        result = await dispatch({method, path, query: url.searchParams, body, baseUrl}, req.headers.authorization)
      } catch (err) {
        result =
          err instanceof SyntaxError
            ? armError(400, 'InvalidRequestContent', `The request content was invalid: ${err.message}`)
            : armError(500, 'InternalServerError', `Emulator error: ${(err as Error).stack}`)
      }
      const control = /^\/_emulator(\/|$)/i.test(path)
      if (!control)
        requests.push({method, path, query: Object.fromEntries(url.searchParams), status: result.status, at})
      const send = () => {
        timers.delete(timer)
        const headers: Record<string, string> = {'x-ms-request-id': randomUUID(), ...result.headers}
        let payload = ''
        if (result.body !== undefined && result.status !== 204) {
          payload = typeof result.body === 'string' ? result.body : JSON.stringify(result.body)
          if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
            headers['content-type'] = typeof result.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8'
          }
        }
        res.writeHead(result.status, headers)
        res.end(method === 'HEAD' ? undefined : payload)
      }
      if (result.hang) return
      if (result.reset) {
        req.socket.destroy()
        return
      }
      const timer = setTimeout(send, control ? 0 : settings.latencyMs)
      timers.add(timer)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: baseUrl,
    caCertPath: tls.caCertPath,
    ca: tls.ca,
    state,
    requests,
    reads: () => requests.filter(isReadRequest).length,
    writes: () => requests.filter((e) => !isReadRequest(e)).length,
    resetLog: () => {
      requests.length = 0
    },
    addFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    setSiteBehavior: (app, behavior) => {
      state.siteBehaviors.set(app.toLowerCase(), behavior)
    },
    site: (app, slot) => siteNamed(state, app, slot),
    restarts: (app, slot) => siteNamed(state, app, slot)?.runtime.restarts ?? 0,
    inspect: () => [...state.sites.values(), ...state.slots.values()].map(inspect),
    setLatency: (ms) => {
      settings.latencyMs = ms
    },
    scm: scm.control,
    close: async () => {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      await Promise.all([...state.sites.values(), ...state.slots.values()].map((s) => s.runtime.close()))
    },
  }
}

/** A long-running-operation fault: 202 + a monitor that reads InProgress, then ends Failed / Canceled (or never). */
function lroFault(state: EmulatorState, req: ArmRequest, f: LroFault): ArmResponse {
  const opId = randomUUID()
  const sub = /^\/subscriptions\/([^/]+)/i.exec(req.path)?.[1] ?? [...state.subscriptions.values()][0]?.subscriptionId
  const never = f.status === 'InProgress'
  state.operations.set(opId, {
    status: f.status,
    pending: never ? Number.POSITIVE_INFINITY : (f.polls ?? 1),
    ...(f.status === 'Failed'
      ? {error: f.error ?? {code: 'InternalOperationError', message: 'Injected fault: the operation failed.'}}
      : {}),
  })
  const location = typeof req.body.location === 'string' ? req.body.location : 'westeurope'
  return lroAccepted(req.baseUrl, sub ?? 'unknown', location, {}, opId)
}
