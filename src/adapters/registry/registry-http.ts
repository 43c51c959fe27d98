/**
 * The HTTP core every registry call goes through. `send` is one node:https exchange (node:https, not fetch: it
 * honours NODE_EXTRA_CA_CERTS and is what nock intercepts). `RegistrySession` adds the auth dance (401 challenge →
 * token → one retry), 429/5xx retries honouring Retry-After, and redirects that never carry the Authorization
 * header to another origin (blob storage). Read (oci-registry.ts) and a later push share it.
 */
import {createHash} from 'node:crypto'
import {RejectedError} from '../../core/errors.js'
import {registryApiHost} from '../../core/image-ref.js'
import {formatMs, HttpFailure, httpRequest, networkReason} from '../http/request.js'
import {abortableSleep, isRetryableStatus, retryDelayMs} from '../http/retry.js'
import type {HttpRequest, HttpResponse, RequestBody} from './exchange.js'
import {parseWwwAuthenticate, RegistryAuth, type RegistryCredentials} from './registry-auth.js'

export interface TransportOptions {
  userAgent: string
  timeoutMs: number
  /** Extra trusted CA (PEM); replaces the default roots for this client. Tests use it; production leaves it unset. */
  ca?: string | Buffer
  /** --verbose trace: one line per exchange and per retry. */
  debug?: (line: string) => void
  /** Applied to URLs before they reach `debug`. */
  redact?: (url: string) => string
}

export type {HttpRequest, HttpResponse, RequestBody}

export interface RegistryClientOptions {
  userAgent?: string
  /** Wall-clock deadline per exchange (default 30 s; env AZDEPLOY_REGISTRY_TIMEOUT_MS in the composition root). */
  timeoutMs?: number
  /** Extra CA (PEM) to trust, for tests against a loopback registry; production uses the system roots. */
  ca?: string | Buffer
  /** Ends every request of this client (Ctrl-C); requests may add their own. */
  signal?: AbortSignal
  debug?: (line: string) => void
  redact?: (url: string) => string
  /** Attempts per request on 408/429/5xx (and connection errors for requests without a body); default 4. */
  attempts?: number
  /** First backoff step (default 250 ms). */
  retryBaseMs?: number
}

const NET_HINT =
  'Check the registry name, your network, proxy and firewall; for a private CA set NODE_EXTRA_CA_CERTS to its PEM file'

/** A streamed body may take this long per byte on top of `timeoutMs` (an upload at 128 KiB/s still finishes). */
const MIN_UPLOAD_BYTES_PER_SEC = 128 * 1024

/** Deadline for one exchange: `timeoutMs`, plus time to stream a body of `content-length` bytes. */
function deadlineFor(req: HttpRequest, timeoutMs: number): number {
  if (typeof req.body !== 'function') return timeoutMs
  const len = Number(req.headers?.['content-length'] ?? 0)
  return timeoutMs + (Number.isFinite(len) ? Math.ceil((len / MIN_UPLOAD_BYTES_PER_SEC) * 1000) : 0)
}

/**
 * One HTTP(S) exchange, body buffered, with a wall-clock deadline (`timeoutMs`, longer for a streamed upload), a
 * response cap (`maxBytes`, default 4 MiB) and the request's abort signal (rejects with its reason). Network and
 * TLS failures become `RejectedError('REGISTRY_UNREACHABLE')`, the deadline `REGISTRY_TIMEOUT`.
 */
export async function send(req: HttpRequest, opts: TransportOptions): Promise<HttpResponse> {
  const maxBytes = req.maxBytes ?? 4 * 1024 * 1024
  const timeoutMs = deadlineFor(req, opts.timeoutMs)
  try {
    return await httpRequest({
      method: req.method,
      url: req.url,
      headers: {'user-agent': opts.userAgent, ...req.headers},
      ...(req.body !== undefined ? {body: req.body} : {}),
      timeoutMs,
      maxBytes,
      ...(req.signal ? {signal: req.signal} : {}),
      ...(opts.debug ? {debug: opts.debug} : {}),
      ...(opts.redact ? {redact: opts.redact} : {}),
      ...(opts.ca !== undefined ? {ca: opts.ca} : {}),
    })
  } catch (err) {
    if (!(err instanceof HttpFailure)) throw err
    if (err.kind === 'too-large') {
      throw new RejectedError(
        'REGISTRY_RESPONSE_TOO_LARGE',
        `Registry host ${req.url.host} sent more than ${maxBytes} bytes for ${req.url.pathname}`,
      )
    }
    if (err.kind === 'timeout') {
      throw new RejectedError(
        'REGISTRY_TIMEOUT',
        `Registry host ${req.url.host} gave no complete answer to ${req.method} ${req.url.pathname} within ${formatMs(timeoutMs)}`,
        NET_HINT,
        {cause: err},
      )
    }
    throw new RejectedError(
      'REGISTRY_UNREACHABLE',
      `Could not reach registry host ${req.url.host}: ${networkReason(err)}`,
      NET_HINT,
      {cause: err},
    )
  }
}

/** `sha256:<hex>` (or sha512) of some bytes, for digest checks. */
export function digestOf(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}

export interface SessionRequest {
  method: string
  /** Path on the registry (`/v2/...`) or an absolute URL (e.g. an upload Location). */
  path: string
  /** Token scopes this call needs, e.g. ['repository:api:pull']. */
  scopes: string[]
  headers?: Record<string, string>
  body?: RequestBody
  /** The body may be sent again after a connection error: the same bytes do the same thing (a manifest PUT). */
  replayable?: boolean
  maxBytes?: number
  /** Ends this request (and its waits) at once, in addition to the session's signal. */
  signal?: AbortSignal | undefined
}

/**
 * Authenticated, retrying requests to one registry. Throws `REGISTRY_UNAUTHORIZED` on 401/403. Retries follow
 * adapters/http/retry.ts: 408/429/5xx (Retry-After capped at 60 s), connection errors only for requests without a
 * body or with a `replayable` one (a manifest; a half-sent upload is resumed by the push, not replayed), never
 * another 4xx.
 */
export class RegistrySession {
  readonly registry: string
  readonly origin: string
  readonly auth: RegistryAuth
  readonly #opts: TransportOptions
  readonly #signal: AbortSignal | undefined
  readonly #attempts: number
  readonly #retryBaseMs: number

  constructor(registry: string, creds: RegistryCredentials, opts: RegistryClientOptions = {}) {
    this.registry = registry
    this.origin = `https://${registryApiHost(registry)}`
    this.#opts = {userAgent: opts.userAgent ?? 'azdeploy', timeoutMs: opts.timeoutMs ?? 30_000}
    if (opts.ca !== undefined) this.#opts.ca = opts.ca
    if (opts.debug) this.#opts.debug = opts.debug
    if (opts.redact) this.#opts.redact = opts.redact
    this.#signal = opts.signal
    this.#attempts = Math.max(1, opts.attempts ?? 4)
    this.#retryBaseMs = opts.retryBaseMs ?? 250
    this.auth = new RegistryAuth(registry, creds, (req) =>
      send({...req, signal: this.signalFor(req.signal)}, this.#opts),
    )
  }

  /** The session's signal combined with a request's own. */
  signalFor(own: AbortSignal | undefined): AbortSignal | undefined {
    if (!own) return this.#signal
    if (!this.#signal) return own
    return AbortSignal.any([this.#signal, own])
  }

  async request(req: SessionRequest): Promise<HttpResponse> {
    const signal = this.signalFor(req.signal)
    const r = {...req, signal}
    let authorization = this.auth.cached(req.scopes)
    let answered = false
    const retry = {baseDelayMs: this.#retryBaseMs, ...(this.#opts.debug ? {debug: this.#opts.debug} : {})}
    for (let attempt = 1; ; ) {
      let res: HttpResponse
      try {
        res = await this.#follow(r, authorization)
      } catch (err) {
        const again =
          (req.body === undefined || req.replayable === true) &&
          err instanceof RejectedError &&
          err.code === 'REGISTRY_UNREACHABLE'
        if (!again || signal?.aborted || attempt >= this.#attempts) throw err
        await abortableSleep(retryDelayMs(attempt - 1, undefined, retry), signal)
        attempt++
        continue
      }
      if (res.status === 401 && !answered && res.url.origin === this.origin) {
        const challenge = parseWwwAuthenticate(res.headers['www-authenticate'])
        if (!challenge) throw this.auth.unauthorized(`HTTP 401 without a usable challenge for ${req.path}`)
        authorization = await this.auth.authenticate(challenge, req.scopes, signal)
        answered = true
        continue
      }
      if (res.status === 401 || res.status === 403) {
        this.auth.invalidate(req.scopes)
        throw this.auth.unauthorized(`HTTP ${res.status} for ${describeScopes(req.scopes)}`)
      }
      if (isRetryableStatus(res.status) && attempt < this.#attempts) {
        const wait = retryDelayMs(attempt - 1, res.headers, retry)
        this.#opts.debug?.(
          `${req.method} ${res.url.pathname}: HTTP ${res.status}, attempt ${attempt + 1} in ${wait} ms`,
        )
        await abortableSleep(wait, signal)
        attempt++
        continue
      }
      return res
    }
  }

  /** Sends, following up to 5 redirects; the Authorization header only ever goes to the registry's own origin. */
  async #follow(req: SessionRequest, authorization: string | undefined): Promise<HttpResponse> {
    const signal = req.signal
    let url = new URL(req.path, this.origin)
    let method = req.method
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {...req.headers}
      if (authorization && url.origin === this.origin) headers['authorization'] = authorization
      const body = method === req.method ? req.body : undefined
      const res = await send({method, url, headers, body, maxBytes: req.maxBytes, signal}, this.#opts)
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
