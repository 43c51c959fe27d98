// Injected faults: the next matching ARM request(s) get a canned response instead of the emulated one.
export interface Fault {
  /** HTTP method to match (case-insensitive); any when omitted. */
  method?: string
  /** Case-insensitive substring of the request path (no query string). */
  pathIncludes?: string
  /** Tested against the request path (no query string). */
  pathRegex?: RegExp
  /** Also asked, when given: the fault applies only to requests it returns true for (e.g. by body). */
  when?: (req: {method: string; path: string; body: Record<string, unknown>}) => boolean
  /** The answer's status (required unless `hang`, `reset` or `lro`). */
  status?: number
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
  /** Destroy the connection once the request is read, without any answer (ECONNRESET; status is then ignored). */
  reset?: boolean
  /**
   * Answer as a long-running operation that ends badly: 202 + `Azure-AsyncOperation` (status ignored) whose
   * monitor reads `InProgress` for `polls` polls (default 1), then `Failed` (with `error`) or `Canceled`; `InProgress`
   * never ends. The write itself is not applied (Azure gave up on it).
   */
  lro?: LroFault
}

export interface FaultHandle {
  /** Requests this fault answered. */
  readonly taken: number
}

export interface LroFault {
  status: 'Failed' | 'Canceled' | 'InProgress'
  /** The operation's error when it ends Failed (default {code: 'InternalOperationError', message: ...}). */
  error?: {code: string; message: string}
  /** Polls that read InProgress before the end (default 1). */
  polls?: number
}

export interface ArmResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Never send this response. */
  hang?: boolean
  /** Destroy the socket instead of answering. */
  reset?: boolean
  /** A long-running-operation fault: the dispatcher turns it into 202 + its monitor. */
  lro?: LroFault
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
  private faults: Array<Fault & {left: number; taken: number}> = []

  /** Adds a fault; the handle counts the requests it has answered so far. */
  add(fault: Fault): FaultHandle {
    if (!fault.pathIncludes && !fault.pathRegex) throw new Error('addFault: pathIncludes or pathRegex is required')
    const entry = {...fault, left: fault.times ?? 1, taken: 0}
    this.faults.push(entry)
    return {
      get taken() {
        return entry.taken
      },
    }
  }

  clear(): void {
    this.faults = []
  }

  /** Consumes and returns the response of the first fault matching the request, if any. */
  take(method: string, path: string, reqBody: Record<string, unknown> = {}): ArmResponse | undefined {
    const idx = this.faults.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
        (!f.pathIncludes || path.toLowerCase().includes(f.pathIncludes.toLowerCase())) &&
        (!f.pathRegex || f.pathRegex.test(path)) &&
        (!f.when || f.when({method, path, body: reqBody})),
    )
    if (idx < 0) return undefined
    const f = this.faults[idx]!
    f.left--
    f.taken++
    if (f.left <= 0) this.faults.splice(idx, 1)
    const status = f.status ?? (f.lro ? 202 : 500)
    const body =
      f.body === undefined ? {error: {code: DEFAULT_CODES[status] ?? 'Error', message: 'Injected fault.'}} : f.body
    return {
      status,
      body,
      headers: f.headers,
      ...(f.hang ? {hang: true} : {}),
      ...(f.reset ? {reset: true} : {}),
      ...(f.lro ? {lro: f.lro} : {}),
    }
  }
}
