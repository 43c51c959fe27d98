/**
 * The one retry rule for HTTP calls. What is retried: 408, 429 and 5xx answers, and connection failures
 * (`HttpFailure` of kind network). Never another 4xx (a permanent refusal stays permanent), never a too-large
 * answer, never a wall-clock timeout (the deadline is the caller's bound; retrying would multiply it), never an
 * abort. How long to wait: the server's `retry-after-ms` / `x-ms-retry-after-ms` / `Retry-After` (seconds or an HTTP
 * date) when present, else exponential backoff with full jitter; either way CAPPED at `maxDelayMs` (60 s), and a
 * capped server hint is reported through `debug`. Waits end at once when the signal aborts.
 */
import type {IncomingHttpHeaders} from 'node:http'
import {formatMs, HttpFailure, type HttpResult} from './request.js'

export const MAX_RETRY_DELAY_MS = 60_000

export interface RetryOptions {
  /** Total attempts, the first included (default 4). */
  attempts?: number
  /** First backoff step (default 500 ms); step n waits a random time in [0, base·2ⁿ]. */
  baseDelayMs?: number
  /** Cap for any wait, server-requested or computed (default and maximum 60 s). */
  maxDelayMs?: number
  signal?: AbortSignal
  /** Gets a line per retry ("HTTP 503, retry 1/3 in 812 ms") and per capped Retry-After. */
  debug?: (line: string) => void
  /** Test seam; defaults to Math.random. */
  random?: () => number
}

/** Statuses worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599)
}

/** Errors worth another attempt: connection failures only. */
export function isRetryableError(err: unknown): boolean {
  return err instanceof HttpFailure && err.kind === 'network'
}

type HeaderSource = IncomingHttpHeaders | {get(name: string): string | undefined | null}

function header(h: HeaderSource, name: string): string | undefined {
  const v =
    typeof (h as {get?: unknown}).get === 'function'
      ? (h as {get(n: string): unknown}).get(name)
      : (h as IncomingHttpHeaders)[name]
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined
}

/**
 * The wait a server asks for, in ms, uncapped: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` as
 * seconds or an HTTP date. Undefined when none is usable.
 */
export function serverRetryAfterMs(headers: HeaderSource, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = header(headers, name)
    if (v !== undefined && /^\d+(\.\d+)?$/.test(v)) return Number(v)
  }
  const ra = header(headers, 'retry-after')
  if (ra === undefined) return undefined
  if (/^\d+(\.\d+)?$/.test(ra)) return Number(ra) * 1000
  if (!/^[A-Za-z]{3},/.test(ra)) return undefined
  const at = Date.parse(ra)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** Backoff for retry number `retry` (0-based): full jitter in [0, base·2^retry], capped. */
export function backoffMs(retry: number, o: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {}): number {
  const cap = capOf(o)
  const ceiling = Math.min(cap, (o.baseDelayMs ?? 500) * 2 ** retry)
  return Math.round((o.random ?? Math.random)() * ceiling)
}

function capOf(o: Pick<RetryOptions, 'maxDelayMs'>): number {
  return Math.min(Math.max(o.maxDelayMs ?? MAX_RETRY_DELAY_MS, 0), MAX_RETRY_DELAY_MS)
}

/**
 * The wait before retry number `retry`: the server's hint capped at `maxDelayMs` (reported through debug when cut),
 * else `backoffMs`.
 */
export function retryDelayMs(retry: number, headers: HeaderSource | undefined, o: RetryOptions = {}): number {
  const cap = capOf(o)
  const asked = headers ? serverRetryAfterMs(headers) : undefined
  if (asked === undefined) return backoffMs(retry, o)
  if (asked > cap) {
    o.debug?.(`server asked to retry after ${formatMs(Math.round(asked))}; capped at ${formatMs(cap)}`)
    return cap
  }
  return Math.round(asked)
}

/** Waits `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

/**
 * Runs `send` (a fresh request each call) until it answers with a non-retryable status, throws a non-retryable
 * error, or the attempts run out. Resolves with the last answer (a retryable status after the last attempt
 * included: the caller decides what a 503 means); rejects with the last error.
 */
export async function withRetry(
  send: (attempt: number) => Promise<HttpResult>,
  o: RetryOptions = {},
): Promise<HttpResult> {
  const attempts = Math.max(1, o.attempts ?? 4)
  for (let attempt = 0; ; attempt++) {
    let res: HttpResult | undefined
    try {
      res = await send(attempt)
    } catch (e) {
      if (o.signal?.aborted || !isRetryableError(e) || attempt + 1 >= attempts) throw e
      const wait = backoffMs(attempt, o)
      o.debug?.(`${(e as HttpFailure).code}, retry ${attempt + 1}/${attempts - 1} in ${formatMs(wait)}`)
      await abortableSleep(wait, o.signal)
      continue
    }
    if (!isRetryableStatus(res.status) || attempt + 1 >= attempts) return res
    const wait = retryDelayMs(attempt, res.headers, o)
    o.debug?.(`HTTP ${res.status}, retry ${attempt + 1}/${attempts - 1} in ${formatMs(wait)}`)
    await abortableSleep(wait, o.signal)
  }
}
