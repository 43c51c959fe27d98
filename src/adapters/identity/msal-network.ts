/**
 * MSAL's HTTP client (its INetworkModule), on the project's one HTTP helper: a wall-clock deadline, a size cap and
 * no retries of its own. MSAL turns any failure of this module into a bare "network_error", so the module keeps the
 * last failure (host and reason) for the caller to name in its error ("cannot reach the sign-in service").
 */
import type {INetworkModule, NetworkRequestOptions, NetworkResponse} from '@azure/msal-node'
import {HttpFailure, httpRequest, networkReason} from '../http/request.js'

export interface NetworkFailure {
  host: string
  reason: string
}

export class MsalNetwork implements INetworkModule {
  lastFailure: NetworkFailure | undefined
  readonly #timeoutMs: number
  readonly #ca: string | undefined
  readonly #signal: AbortSignal | undefined

  constructor(o: {timeoutMs?: number; ca?: string; signal?: AbortSignal} = {}) {
    this.#timeoutMs = o.timeoutMs ?? 30_000
    this.#ca = o.ca
    this.#signal = o.signal
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.#send<T>('GET', url, options, timeout)
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.#send<T>('POST', url, options)
  }

  async #send<T>(
    method: string,
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    let result: Awaited<ReturnType<typeof httpRequest>>
    try {
      result = await httpRequest({
        method,
        url,
        headers: {...options?.headers},
        ...(options?.body !== undefined ? {body: options.body} : {}),
        timeoutMs: timeout && timeout > 0 ? Math.min(timeout, this.#timeoutMs) : this.#timeoutMs,
        maxBytes: 1024 * 1024,
        ...(this.#ca ? {ca: this.#ca} : {}),
        ...(this.#signal ? {signal: this.#signal} : {}),
      })
    } catch (e) {
      if (e instanceof HttpFailure) this.lastFailure = {host: e.url.host, reason: networkReason(e)}
      throw e
    }
    this.lastFailure = undefined
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(result.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
    }
    let body: unknown
    try {
      body = JSON.parse(result.body.toString('utf8'))
    } catch {
      body = {}
    }
    return {headers, body: body as T, status: result.status}
  }
}
