/**
 * The HTTP core every registry call goes through. `send` is one node:https exchange (node:https, not fetch: it
 * honours NODE_EXTRA_CA_CERTS and is what nock intercepts). `RegistrySession` adds the auth dance (401 challenge →
 * token → one retry), 429/5xx retries honouring Retry-After, and redirects that never carry the Authorization
 * header to another origin (blob storage). Read (oci-registry.ts) and a later push share it.
 */
import {createHash} from 'node:crypto'
import type {IncomingHttpHeaders} from 'node:http'
import https from 'node:https'
import type {Readable} from 'node:stream'
import {RejectedError} from '../../core/errors.js'
import {registryApiHost} from '../../core/image-ref.js'
import {parseWwwAuthenticate, RegistryAuth, type RegistryCredentials} from './registry-auth.js'

export interface TransportOptions {
  userAgent: string
  timeoutMs: number
  /** Extra trusted CA (PEM); replaces the default roots for this client. Tests use it; production leaves it unset. */
  ca?: string | Buffer
}

export interface HttpRequest {
  method: string
  url: URL
  headers?: Record<string, string>
  /** A buffer, or a factory of a fresh stream (called once per attempt; set content-length in `headers`). */
  body?: RequestBody
  /** Response bodies above this are refused (default 4 MiB). */
  maxBytes?: number
}

export type RequestBody = Buffer | (() => Readable)

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  url: URL
}

export interface RegistryClientOptions {
  userAgent?: string
  timeoutMs?: number
  /** Extra CA (PEM) to trust, for tests against a loopback registry; production uses the system roots. */
  ca?: string | Buffer
}

const NET_HINT =
  'Check the registry name, your network, proxy and firewall; for a private CA set NODE_EXTRA_CA_CERTS to its PEM file'

function netReason(err: NodeJS.ErrnoException): string {
  const code = err.code ?? ''
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve'
  if (code === 'ETIMEDOUT' || code === 'TIMEOUT') return 'the connection timed out'
  if (code === 'ECONNRESET') return 'the connection was reset'
  if (/CERT|SSL|TLS|SELF_SIGNED|VERIFY|ISSUER|SIGNATURE/i.test(code)) return `TLS certificate problem (${code})`
  return code || 'network error'
}

/** One HTTPS exchange, body buffered. Network and TLS failures become `RejectedError('REGISTRY_UNREACHABLE')`. */
export function send(req: HttpRequest, opts: TransportOptions): Promise<HttpResponse> {
  const maxBytes = req.maxBytes ?? 4 * 1024 * 1024
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {'user-agent': opts.userAgent, ...req.headers}
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length)
    const r = https.request(req.url, {method: req.method, headers, timeout: opts.timeoutMs, ca: opts.ca}, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > maxBytes) {
          res.destroy()
          reject(
            new RejectedError(
              'REGISTRY_RESPONSE_TOO_LARGE',
              `Registry host ${req.url.host} sent more than ${maxBytes} bytes for ${req.url.pathname}`,
            ),
          )
        } else chunks.push(c)
      })
      res.on('error', (err: NodeJS.ErrnoException) => reject(unreachable(req.url, err)))
      res.on('end', () =>
        resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: req.url}),
      )
    })
    r.on('timeout', () => r.destroy(Object.assign(new Error('timeout'), {code: 'TIMEOUT'})))
    r.on('error', (err: NodeJS.ErrnoException) => reject(unreachable(req.url, err)))
    if (typeof req.body === 'function') {
      const src = req.body()
      src.on('error', (err) => {
        reject(err)
        r.destroy(err)
      })
      src.pipe(r)
    } else r.end(req.body)
  })
}

function unreachable(url: URL, err: NodeJS.ErrnoException): RejectedError {
  return new RejectedError(
    'REGISTRY_UNREACHABLE',
    `Could not reach registry host ${url.host}: ${netReason(err)}`,
    NET_HINT,
    {cause: err},
  )
}

/** `sha256:<hex>` (or sha512) of some bytes, for digest checks. */
export function digestOf(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}

const MAX_RETRIES = 3

export interface SessionRequest {
  method: string
  /** Path on the registry (`/v2/...`) or an absolute URL (e.g. an upload Location). */
  path: string
  /** Token scopes this call needs, e.g. ['repository:api:pull']. */
  scopes: string[]
  headers?: Record<string, string>
  body?: RequestBody
  maxBytes?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function retryDelayMs(res: HttpResponse, attempt: number): number {
  const h = res.headers['retry-after']
  if (h !== undefined) {
    const secs = Number(h)
    const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(h) - Date.now()
    if (!Number.isNaN(ms)) return Math.min(Math.max(ms, 0), 30_000)
  }
  return 250 * 2 ** attempt
}

/** Authenticated, retrying requests to one registry. Throws `REGISTRY_UNAUTHORIZED` on 401/403. */
export class RegistrySession {
  readonly registry: string
  readonly origin: string
  readonly auth: RegistryAuth
  readonly #opts: TransportOptions

  constructor(registry: string, creds: RegistryCredentials, opts: RegistryClientOptions = {}) {
    this.registry = registry
    this.origin = `https://${registryApiHost(registry)}`
    this.#opts = {userAgent: opts.userAgent ?? 'azdeploy', timeoutMs: opts.timeoutMs ?? 30_000}
    if (opts.ca !== undefined) this.#opts.ca = opts.ca
    this.auth = new RegistryAuth(registry, creds, (req) => send(req, this.#opts))
  }

  async request(req: SessionRequest): Promise<HttpResponse> {
    let authorization = this.auth.cached(req.scopes)
    let answered = false
    for (let attempt = 0; ; ) {
      const res = await this.#follow(req, authorization)
      if (res.status === 401 && !answered && res.url.origin === this.origin) {
        const challenge = parseWwwAuthenticate(res.headers['www-authenticate'])
        if (!challenge) throw this.auth.unauthorized(`HTTP 401 without a usable challenge for ${req.path}`)
        authorization = await this.auth.authenticate(challenge, req.scopes)
        answered = true
        continue
      }
      if (res.status === 401 || res.status === 403) {
        this.auth.invalidate(req.scopes)
        throw this.auth.unauthorized(`HTTP ${res.status} for ${describeScopes(req.scopes)}`)
      }
      if ((res.status === 429 || res.status >= 500) && attempt < MAX_RETRIES) {
        await sleep(retryDelayMs(res, attempt))
        attempt++
        continue
      }
      return res
    }
  }

  /** Sends, following up to 5 redirects; the Authorization header only ever goes to the registry's own origin. */
  async #follow(req: SessionRequest, authorization: string | undefined): Promise<HttpResponse> {
    let url = new URL(req.path, this.origin)
    let method = req.method
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {...req.headers}
      if (authorization && url.origin === this.origin) headers['authorization'] = authorization
      const body = method === req.method ? req.body : undefined
      const res = await send({method, url, headers, body, maxBytes: req.maxBytes}, this.#opts)
      const location = res.headers.location
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res
      if (hop >= 5) throw new RejectedError('REGISTRY_REDIRECT_LOOP', `Registry ${this.registry} redirected too often`)
      url = new URL(location, url)
      if (url.protocol !== 'https:') {
        throw new RejectedError('REGISTRY_INSECURE_REDIRECT', `Registry ${this.registry} redirected to plain http`)
      }
      if (res.status === 303) method = 'GET'
    }
  }
}

function describeScopes(scopes: string[]): string {
  return scopes.map((s) => s.replace(/^repository:/, 'repository ')).join(', ') || 'the registry API'
}
