// Simulated App Service container runtime for one site: its own HTTPS listener on 127.0.0.1 (the site's
// defaultHostName), a "current" container that serves requests and a "pending" one that starts after
// behavior.startDelayMs. Like App Service, the old container keeps serving until the new one is ready.
import {randomBytes} from 'node:crypto'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import type {ScmHandler} from './scm.js'
import type {SiteBehavior} from './state.js'

interface Container {
  id: string
  name: string
  image: string
  port: number
}

const APPLICATION_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>' +
  '<h1>:( Application Error</h1><p>If you are the application administrator, you can access the ' +
  '<a href="https://portal.azure.com">diagnostic resources</a>.</p></body></html>'

export class SiteRuntime {
  private server: Server
  private current: Container | null = null
  private pending: {container: Container; timer: NodeJS.Timeout | undefined} | null = null
  private logLines: string[] = []
  /** The container's stdout (App Service's `_default_docker.log`): a line when it starts and per request. */
  private appLines: string[] = []
  port = 0

  constructor(
    private readonly site: string,
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

  get starting(): boolean {
    return this.pending !== null
  }

  get logs(): string {
    return this.logLines.join('')
  }

  get appLogs(): string {
    return this.appLines.join('')
  }

  /** A line on the container's stdout, timestamped like App Service does. */
  containerOutput(msg: string): void {
    this.appLines.push(`${new Date().toISOString()} ${msg}\n`)
  }

  private log(level: 'INFO' | 'ERROR', msg: string): void {
    this.logLines.push(`${new Date().toISOString()} ${level === 'INFO' ? 'INFO  -' : 'ERROR -'} ${msg}\n`)
  }

  /** Begins a (re)start with the given linuxFxVersion and app settings. */
  restart(linuxFxVersion: string, appSettings: Record<string, string>): void {
    if (this.pending) clearTimeout(this.pending.timer)
    const b = this.behavior()
    const port = Number.parseInt(appSettings.WEBSITES_PORT ?? '', 10) || 80
    const image = linuxFxVersion
    const ref = linuxFxVersion.replace(/^DOCKER\|/i, '')
    const hex = randomBytes(4).toString('hex')
    const name = `${this.site}_0_${hex}`
    const container: Container = {id: hex, name, image, port}
    this.log('INFO', `Pulling image: ${ref}`)
    this.log('INFO', 'Pull Image successful, Time taken: 0 Seconds')
    this.log('INFO', 'Starting container for site')
    this.log(
      'INFO',
      `docker run -d -p 8080:${port} --name ${name} -e WEBSITES_PORT=${port} -e WEBSITE_SITE_NAME=${this.site} ` +
        `-e WEBSITE_AUTH_ENABLED=False -e PORT=${port} -e WEBSITE_ROLE_INSTANCE_ID=0 -e WEBSITE_HOSTNAME=${this.host} ` +
        `-e WEBSITE_INSTANCE_ID=${randomBytes(16).toString('hex')} ${ref}`,
    )
    this.log('INFO', `Initiating warmup request to container ${name} for site ${this.site}`)
    if (b.staysStarting) {
      this.pending = {container, timer: undefined}
      return
    }
    const timer = setTimeout(() => {
      this.pending = null
      if (b.neverStarts) {
        this.log(
          'ERROR',
          `Container ${name} didn't respond to HTTP pings on port: ${port}, failing site start. ` +
            'See container logs for debugging.',
        )
        return
      }
      this.current = container
      this.containerOutput(`Listening on port ${port}`)
      this.log(
        'INFO',
        `Container ${name} for site ${this.site} initialized successfully and is ready to serve requests.`,
      )
    }, b.startDelayMs ?? 30)
    this.pending = {container, timer}
  }

  async close(): Promise<void> {
    if (this.pending) clearTimeout(this.pending.timer)
    this.pending = null
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    await closed
  }
}
