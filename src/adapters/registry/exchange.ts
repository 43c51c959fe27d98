/** One registry HTTP exchange as the session and the auth flow see it. */
import type {IncomingHttpHeaders} from 'node:http'
import type {Readable} from 'node:stream'

export interface HttpRequest {
  method: string
  url: URL
  headers?: Record<string, string>
  /** A buffer, or a factory of a fresh stream (called once per attempt; set content-length in `headers`). */
  body?: RequestBody
  /** Response bodies above this are refused (default 4 MiB). */
  maxBytes?: number
  /** Abort ends the exchange at once, rejecting with the signal's reason. */
  signal?: AbortSignal | undefined
}

export type RequestBody = Buffer | (() => Readable)

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  url: URL
}
