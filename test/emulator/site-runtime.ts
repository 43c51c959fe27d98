// Simulated App Service container runtime for one site or slot: its own HTTPS listener on 127.0.0.1 (the
// defaultHostName), a "current" container that serves requests and a "pending" one that starts after
// behavior.startDelayMs. Overlapped recycle like App Service: the old container keeps serving until the new one
// is warm (answers its ping on the configured port); a new one that never gets warm leaves the old one serving,
// and the platform log (platform-log.ts, in the site's log family) says why.
import {randomBytes} from 'node:crypto'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {
  type FailureScenario,
  failureLines,
  type LogFormat,
  platformLine,
  type StartFacts,
  startLines,
  stdoutLine,
  successLines,
} from './platform-log.js'
import type {ScmHandler} from './scm.js'
import type {SiteBehavior} from './state.js'

export interface Container {
  id: string
  name: string
  image: string
  port: number
}

const APPLICATION_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>' +
  '<h1>:( Application Error</h1><p>If you are the application administrator, you can access the ' +
  '<a href="https://portal.azure.com">diagnostic resources</a>.</p></body></html>'

/** Port the platform pings: WEBSITES_PORT, else auto-detection of 80 and 8080 (reference §3.3). */
export function configuredPort(appSettings: Record<string, string>, listenPort?: number): number {
  const set = Number.parseInt(appSettings.WEBSITES_PORT ?? '', 10)
  if (set) return set
  return listenPort === 8080 ? 8080 : 80
}

/** Why a start with this behavior fails, if it does. */
export function failureOf(b: SiteBehavior, port: number): FailureScenario | undefined {
  if (b.failure) return b.failure
  if (b.neverStarts) return 'wrong-port'
  if (b.listenPort !== undefined && b.listenPort !== port) return 'wrong-port'
  return undefined
}

export class SiteRuntime {
  private server: Server
  private current: Container | null = null
  private pending: {container: Container; timer: NodeJS.Timeout; done: (ok: boolean) => void} | null = null
  private logLines: string[] = []
  /** The container's stdout (App Service's `_default_docker.log`): a line when it starts and per request. */
  private appLines: string[] = []
  port = 0
  /** Restarts begun on this runtime (every config/settings write that recycles, restart, swap warm-up). */
  restarts = 0
  /** Starts whose pull failed as unauthorized because of behavior.unauthorizedPulls. */
  private refusedPulls = 0

  constructor(
    /** Site name as the platform names it in logs (`app`, or `app__slot` for a slot). */
    readonly site: string,
    tls: {cert: string; key: string},
    private readonly behavior: () => SiteBehavior,
    scm?: ScmHandler,
  ) {
    this.server = createServer({cert: tls.cert, key: tls.key}, (req, res) => {
      if (scm?.(req, res, this)) return
      const c = this.current
      if (!c) {
        res.writeHead(503, {'content-type': 'text/html'})
        res.end(APPLICATION_ERROR_PAGE)
        return
      }
      const b = this.behavior()
      const path = (req.url ?? '/').split('?')[0]
      const status = !b.healthPath || b.healthPath === path ? (b.status ?? 200) : 200
      res.writeHead(status, {'content-type': 'application/json', 'x-container-name': c.name})
      res.end(JSON.stringify({image: c.image, port: c.port}))
      this.containerOutput(`${req.method} ${path} ${status}`)
    })
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve())
    })
    this.port = (this.server.address() as AddressInfo).port
  }

  get host(): string {
    return `127.0.0.1:${this.port}`
  }

  /** Image currently serving requests ('' when nothing serves yet). */
  get servingImage(): string {
    return this.current?.image ?? ''
  }

  /** Name of the container serving requests ('' when none). */
  get servingContainer(): string {
    return this.current?.name ?? ''
  }

  get starting(): boolean {
    return this.pending !== null
  }

  get logs(): string {
    return this.logLines.join('')
  }

  /** The last `lines` lines of the platform log (what ARM `containerlogs` returns). */
  tail(lines: number): string {
    return this.logLines.slice(-lines).join('')
  }

  get appLogs(): string {
    return this.appLines.join('')
  }

  private get format(): LogFormat {
    return this.behavior().logFormat ?? 'docker'
  }

  /** A line on the container's stdout, timestamped like App Service does. */
  containerOutput(msg: string): void {
    this.appLines.push(stdoutLine(this.format, msg))
  }

  private log(level: 'INFO' | 'ERROR', msg: string): void {
    this.logLines.push(platformLine(this.format, level, msg))
  }

  /**
   * Begins a (re)start with the given linuxFxVersion and app settings. Resolves true once the new container
   * serves, false when it failed (the previous one keeps serving) or was superseded by a later restart.
   */
  restart(linuxFxVersion: string, appSettings: Record<string, string>): Promise<boolean> {
    // A site without an image (no linuxFxVersion yet) runs nothing and logs nothing (containerlogs: 204).
    if (!linuxFxVersion) return Promise.resolve(false)
    if (this.pending) {
      clearTimeout(this.pending.timer)
      this.pending.done(false)
    }
    this.restarts++
    const b = this.behavior()
    const port = configuredPort(appSettings, b.listenPort)
    const hex = randomBytes(4).toString('hex')
    const container: Container = {id: hex, name: `${this.site}_0_${hex}`, image: linuxFxVersion, port}
    const limit = Number.parseInt(appSettings.WEBSITES_CONTAINER_START_TIME_LIMIT ?? '', 10) || 230
    const facts: StartFacts = {
      site: this.site,
      container: container.name,
      ref: linuxFxVersion.replace(/^DOCKER\|/i, ''),
      port,
      listenPort: b.listenPort,
      host: this.host,
      startLimitSec: limit,
    }
    let failure = b.failureImage && !linuxFxVersion.includes(b.failureImage) ? undefined : failureOf(b, port)
    if (!failure && this.refusedPulls < (b.unauthorizedPulls ?? 0)) {
      this.refusedPulls++
      failure = 'pull-unauthorized'
    }
    for (const [level, msg] of startLines(this.format, facts, failure)) this.log(level, msg)
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        this.pending = null
        resolve(ok)
      }
      const timer = setTimeout(
        () => {
          if (failure) {
            const {log, stdout} = failureLines(this.format, facts, failure)
            for (const line of stdout) this.containerOutput(line)
            for (const [level, msg] of log) this.log(level, msg)
            done(false)
            return
          }
          this.current = container
          this.containerOutput(`Listening on port ${port}`)
          for (const [level, msg] of successLines(this.format, facts)) this.log(level, msg)
          done(true)
        },
        b.staysStarting ? 2 ** 31 - 1 : (b.startDelayMs ?? 30),
      )
      // staysStarting: the container keeps starting until the emulator closes (interrupt tests need a wait that
      // does not end by itself).
      this.pending = {container, timer, done}
    })
  }

  /** Swaps the serving containers of two runtimes (slot swap: the host names stay, the containers move). */
  swapContainers(other: SiteRuntime): void {
    const mine = this.current
    this.current = other.current
    other.current = mine
  }

  async close(): Promise<void> {
    if (this.pending) {
      clearTimeout(this.pending.timer)
      this.pending.done(false)
    }
    this.pending = null
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    await closed
  }
}
