/**
 * The one HTTP exchange every adapter uses (node:http/node:https, not fetch: it honours NODE_EXTRA_CA_CERTS and is
 * what nock intercepts). Three bounds every call gets:
 * - a WALL-CLOCK deadline (`timeoutMs`) from the first byte sent to the last byte read. A server that trickles a
 *   byte every few hundred milliseconds cannot hold the call open past it (a socket idle timeout would never fire).
 * - a response size cap (`maxBytes`, default 16 MiB): a bigger body is an error, never buffered.
 * - an AbortSignal: abort ends the exchange at once and rejects with `signal.reason` (e.g. the CLI's
 *   InterruptedError), so Ctrl-C never waits for a socket.
 * Failures reject with `HttpFailure` (`kind`: timeout, too-large, network); callers translate it into their own
 * domain error (REGISTRY_UNREACHABLE, SCM_UNREACHABLE, ...). HTTP statuses are not errors here: any answer resolves.
 * `debug` gets one line per exchange (method, redacted URL, status or failure, elapsed ms); pass `redact` for the
 * URL (adapters do not import output/, so the composition root hands in the redaction).
 */
import http, {type IncomingHttpHeaders} from 'node:http'
import https from 'node:https'
import type {Readable} from 'node:stream'

export const DEFAULT_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024

export type RequestBody = Buffer | string | (() => Readable)

export interface HttpRequestOptions {
  method?: string
  url: URL | string
  headers?: Record<string, string>
  /** A buffer/string, or a factory of a fresh stream (set content-length in `headers`). */
  body?: RequestBody
  /** Wall-clock deadline for the whole exchange, connect to last body byte (default 30 s). */
  timeoutMs?: number
  /** Response bodies above this many bytes are refused with `HttpFailure('too-large')` (default 16 MiB). */
  maxBytes?: number
  /** Resolve at the status line and headers (status probes): the body is not read and the connection is closed. */
  headersOnly?: boolean
  signal?: AbortSignal
  /** One trace line per exchange, for --verbose. */
  debug?: (line: string) => void
  /** Applied to the URL before it reaches `debug` (default: query string dropped). */
  redact?: (url: string) => string
  /** Extra trusted CA (PEM) for https; tests use it. */
  ca?: string | Buffer
  /** Passed to node (false: no keep-alive pool). */
  agent?: http.Agent | false
}

export interface HttpResult {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  url: URL
}

export type HttpFailureKind = 'timeout' | 'too-large' | 'network'

/** A request that got no complete answer. `code` is the node error code for network failures (ECONNREFUSED, ...). */
export class HttpFailure extends Error {
  readonly kind: HttpFailureKind
  readonly code: string
  readonly url: URL

  constructor(kind: HttpFailureKind, url: URL, message: string, code?: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'HttpFailure'
    this.kind = kind
    this.url = url
    this.code = code ?? (kind === 'timeout' ? 'ETIMEDOUT' : kind === 'too-large' ? 'ETOOLARGE' : 'ENETWORK')
  }
}

/** Short human reason for a network failure: "connection refused", "TLS certificate problem (...)", ... */
export function networkReason(err: {code?: string; kind?: string; message?: string}): string {
  const code = err.code ?? ''
  if (err.kind === 'timeout') return err.message ?? 'timed out'
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve'
  if (code === 'ETIMEDOUT') return 'the connection timed out'
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was reset'
  if (/CERT|SSL|TLS|SELF_SIGNED|VERIFY|ISSUER|SIGNATURE/i.test(code)) return `TLS certificate problem (${code})`
  return code || 'network error'
}

const defaultRedact = (u: string) => u.replace(/[?#].*$/, '')

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason
  if (r instanceof Error) return r
  return Object.assign(new Error('The operation was aborted'), {name: 'AbortError'})
}

/** One exchange; resolves with any HTTP answer, rejects with `HttpFailure` or the abort reason. */
export function httpRequest(o: HttpRequestOptions): Promise<HttpResult> {
  const url = typeof o.url === 'string' ? new URL(o.url) : o.url
  const method = o.method ?? 'GET'
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES
  const started = performance.now()
  const trace = (outcome: string) =>
    o.debug?.(
      `${method} ${(o.redact ?? defaultRedact)(url.href)} → ${outcome} (${Math.round(performance.now() - started)} ms)`,
    )

  return new Promise<HttpResult>((resolve, reject) => {
    if (o.signal?.aborted) {
      trace('aborted')
      return reject(abortReason(o.signal))
    }
    let settled = false
    let req: http.ClientRequest | undefined
    const finish = (err: Error | undefined, value?: HttpResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      o.signal?.removeEventListener('abort', onAbort)
      if (err) {
        trace(err instanceof HttpFailure ? `${err.kind}: ${err.code}` : err.name)
        req?.destroy()
        reject(err)
      } else if (value) {
        trace(String(value.status))
        resolve(value)
      }
    }
    const onAbort = () => finish(abortReason(o.signal as AbortSignal))
    const timer = setTimeout(
      () => finish(new HttpFailure('timeout', url, `no complete answer within ${formatMs(timeoutMs)}`)),
      Math.max(1, timeoutMs),
    )
    o.signal?.addEventListener('abort', onAbort, {once: true})

    const headers: Record<string, string> = {...o.headers}
    if (typeof o.body === 'string' || Buffer.isBuffer(o.body))
      headers['content-length'] = String(Buffer.byteLength(o.body))
    const lib = url.protocol === 'http:' ? http : https
    try {
      req = lib.request(url, {
        method,
        headers,
        ...(o.ca !== undefined && url.protocol === 'https:' ? {ca: o.ca} : {}),
        ...(o.agent !== undefined ? {agent: o.agent} : {}),
      })
    } catch (e) {
      return finish(
        new HttpFailure('network', url, (e as Error).message, (e as NodeJS.ErrnoException).code, {cause: e}),
      )
    }
    req.on('error', (e: NodeJS.ErrnoException) =>
      finish(new HttpFailure('network', url, networkReason(e), e.code, {cause: e})),
    )
    req.on('response', (res) => {
      if (o.headersOnly) {
        finish(undefined, {status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0), url})
        req?.destroy()
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > maxBytes) {
          finish(new HttpFailure('too-large', url, `the response is larger than ${maxBytes} bytes`))
        } else chunks.push(c)
      })
      res.on('error', (e: NodeJS.ErrnoException) =>
        finish(new HttpFailure('network', url, networkReason(e), e.code, {cause: e})),
      )
      res.on('end', () => {
        if (!res.complete) {
          return finish(new HttpFailure('network', url, 'the connection closed mid-response', 'ECONNRESET'))
        }
        finish(undefined, {status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url})
      })
    })
    if (typeof o.body === 'function') {
      let src: Readable
      try {
        src = o.body()
      } catch (e) {
        return finish(e as Error)
      }
      src.on('error', (e) => finish(e))
      req.on('close', () => src.destroy())
      src.pipe(req)
    } else req.end(o.body)
  })
}

export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`
}
