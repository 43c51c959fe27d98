// Injected faults: the next matching ARM request(s) get a canned response instead of the emulated one.
export interface Fault {
  /** HTTP method to match (case-insensitive); any when omitted. */
  method?: string
  /** Case-insensitive substring of the request path (no query string). */
  pathIncludes?: string
  /** Tested against the request path (no query string). */
  pathRegex?: RegExp
  status: number
  /** How many requests to fault (default 1; Infinity for a persistent fault). */
  times?: number
  headers?: Record<string, string>
  /**
   * Object bodies are sent as JSON, strings as-is ('' = empty body). When omitted, an ARM error body
   * `{error: {code, message}}` is sent: the SDK throws a TypeError (not a RestError) on an empty error body.
   */
  body?: unknown
  /** Accept the request and never answer (status is then ignored). */
  hang?: boolean
}

export interface ArmResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Never send this response. */
  hang?: boolean
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'AuthorizationFailed',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
}

export class FaultList {
  private faults: Array<Fault & {left: number}> = []

  add(fault: Fault): void {
    if (!fault.pathIncludes && !fault.pathRegex) throw new Error('addFault: pathIncludes or pathRegex is required')
    this.faults.push({...fault, left: fault.times ?? 1})
  }

  clear(): void {
    this.faults = []
  }

  /** Consumes and returns the response of the first fault matching the request, if any. */
  take(method: string, path: string): ArmResponse | undefined {
    const idx = this.faults.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
        (!f.pathIncludes || path.toLowerCase().includes(f.pathIncludes.toLowerCase())) &&
        (!f.pathRegex || f.pathRegex.test(path)),
    )
    if (idx < 0) return undefined
    const f = this.faults[idx]!
    f.left--
    if (f.left <= 0) this.faults.splice(idx, 1)
    const body =
      f.body === undefined ? {error: {code: DEFAULT_CODES[f.status] ?? 'Error', message: 'Injected fault.'}} : f.body
    return {status: f.status, body, headers: f.headers, ...(f.hang ? {hang: true} : {})}
  }
}
