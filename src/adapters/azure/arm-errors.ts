/**
 * ARM error bodies → AzdeployError, once, at the adapter boundary. Microsoft.Web answers in PascalCase without the
 * `error` wrapper, which the SDK's RestError loses, so a per-call pipeline policy keeps the parsed body of every
 * failed response, keyed by its request, for `toAzdeployError` to read.
 */
import {AuthError, AzdeployError, InterruptedError, RejectedError} from '../../core/errors.js'
import {redactText} from '../../core/redact.js'

export interface ArmErrorBody {
  code?: string
  message?: string
  extendedCode?: string
}

const captured = new WeakMap<object, ArmErrorBody>()

/** Reads `{error:{code,message}}`, `{Code,Message,Details:[{ErrorEntity:{ExtendedCode}}]}` and nested details. */
export function parseArmErrorBody(text: string | undefined): ArmErrorBody {
  if (!text) return {}
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return {message: text.slice(0, 300)}
  }
  const obj = (raw ?? {}) as Record<string, unknown>
  const inner = (obj['error'] ?? obj['Error'] ?? obj) as Record<string, unknown>
  const get = (o: Record<string, unknown>, k: string) => (o[k] ?? o[k[0]!.toUpperCase() + k.slice(1)]) as unknown
  const out: ArmErrorBody = {}
  const code = get(inner, 'code')
  const message = get(inner, 'message')
  if (typeof code === 'string') out.code = code
  if (typeof message === 'string') out.message = message
  const details = get(inner, 'details')
  if (Array.isArray(details)) {
    for (const d of details as Array<Record<string, unknown>>) {
      const entity = get(d, 'errorEntity') as Record<string, unknown> | undefined
      const ext = entity ? get(entity, 'extendedCode') : undefined
      if (typeof ext === 'string') out.extendedCode = ext
      const dc = get(d, 'code')
      if (!out.code && typeof dc === 'string') out.code = dc
      const dm = get(d, 'message')
      if (!out.message && typeof dm === 'string') out.message = dm
    }
  }
  return out
}

export function rememberErrorBody(request: object, text: string | undefined): void {
  captured.set(request, parseArmErrorBody(text))
}

interface RestLike {
  name?: string
  message?: string
  code?: string
  statusCode?: number
  request?: object
  response?: {status?: number; bodyAsText?: string | null; headers?: {get(name: string): string | undefined}}
}

export function armStatus(e: unknown): number | undefined {
  const r = e as RestLike
  return r?.statusCode ?? r?.response?.status
}

export function isNotFound(e: unknown): boolean {
  return armStatus(e) === 404
}

/** Translates anything an ARM call threw. `what` names the operation, e.g. "create web app shop-api". */
export function toAzdeployError(e: unknown, what: string): AzdeployError {
  if (e instanceof AzdeployError) return e
  const r = (e ?? {}) as RestLike
  if (r.name === 'AbortError')
    return new InterruptedError(`Interrupted while waiting to ${what}`, undefined, undefined, what)
  const status = armStatus(e)
  const body: ArmErrorBody =
    (r.request && captured.get(r.request)) || parseArmErrorBody(r.response?.bodyAsText ?? undefined)
  const code = body.code ?? r.code
  const message = redactText(body.message ?? r.message ?? 'unknown error')
  const cause = {cause: e}
  const says = (re: RegExp) => re.test(message) || re.test(code ?? '')

  if (status === undefined) {
    const lro = lroOutcome(r.message)
    if (lro) return lro(what, cause)
    const errno = (e as {code?: string}).code
    if (errno && /^E[A-Z]+$/.test(errno)) {
      return new RejectedError(
        'ARM_UNREACHABLE',
        `Could not reach Azure Resource Manager to ${what}: ${errno}`,
        'Check your network, proxy, or AZURE_RESOURCE_MANAGER_ENDPOINT',
        cause,
      )
    }
    if (
      r.name === 'CredentialUnavailableError' ||
      r.name === 'AuthenticationError' ||
      r.name === 'AggregateAuthenticationError'
    ) {
      return new AuthError(
        'NOT_LOGGED_IN',
        `Could not get an Azure token to ${what}: ${message}`,
        'Run `azdeploy login` or `az login`',
        cause,
      )
    }
    return new AzdeployError('UNEXPECTED', 1, `Failed to ${what}: ${message}`, undefined, cause)
  }
  if (code === 'MissingSubscriptionRegistration' || code === 'NoRegisteredProviderFound') {
    const ns = /namespace '([^']+)'/i.exec(message)?.[1] ?? 'Microsoft.Web'
    return new RejectedError(
      'PROVIDER_NOT_REGISTERED',
      `The subscription is not registered for ${ns} (${what})`,
      `Run \`az provider register --namespace ${ns}\` (takes a few minutes), then retry`,
      cause,
    )
  }
  if (status === 401 && says(/quota/i)) {
    return new RejectedError(
      'QUOTA_EXCEEDED',
      `Azure refused to ${what}: ${message}`,
      'Pick another --location or --sku, or request a quota increase in the Azure portal',
      cause,
    )
  }
  if (status === 401) {
    return new AuthError(
      'NOT_AUTHENTICATED',
      `Azure did not accept the token to ${what}: ${message}`,
      'Run `azdeploy login` (or `az login`) again; check --subscription and --cloud',
      cause,
    )
  }
  if (status === 403 || code === 'AuthorizationFailed' || code === 'LinkedAuthorizationFailed') {
    const action = /action '([^']+)'/i.exec(message)?.[1]
    const scope = /scope '([^']+)'/i.exec(message)?.[1]
    return new AuthError(
      'AUTHORIZATION_FAILED',
      `Not allowed to ${what}${action ? `: missing permission '${action}'` : ''}${scope ? ` on ${scope}` : ''}`,
      action?.startsWith('Microsoft.Authorization/')
        ? 'Ask for Owner, User Access Administrator or Role Based Access Control Administrator on that scope'
        : 'Ask for the Contributor (or Website Contributor) role on the resource group',
      cause,
    )
  }
  if (status === 409 && (body.extendedCode === '54001' || says(/already exists/i))) {
    return new RejectedError(
      'NAME_TAKEN',
      `${message}`,
      'App names are global across Azure: choose another --app name',
      cause,
    )
  }
  if (
    code === 'SkuNotAvailable' ||
    says(/not available in (the )?(location|region)|is not supported in this region/i)
  ) {
    return new RejectedError(
      'SKU_NOT_AVAILABLE',
      `Azure refused to ${what}: ${message}`,
      'Pick another --sku or --location',
      cause,
    )
  }
  if (status === 429) {
    return new RejectedError(
      'THROTTLED',
      `Azure throttled the request to ${what} after retries`,
      'Wait a minute and retry; another tool may be making many calls in this subscription',
      cause,
    )
  }
  if (status >= 500) {
    return new RejectedError(
      'AZURE_SERVICE_ERROR',
      `Azure failed to ${what} (HTTP ${status}${code ? ` ${code}` : ''}): ${message}`,
      "This is on Azure's side; retry in a few minutes (https://status.azure.com)",
      cause,
    )
  }
  return new RejectedError(
    code ? `AZURE_${code.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}` : `AZURE_HTTP_${status}`,
    `Azure refused to ${what} (HTTP ${status}${code ? ` ${code}` : ''}): ${message}`,
    undefined,
    cause,
  )
}

/**
 * A long-running operation that ended `Failed` or `Canceled` (core-lro throws a plain Error without a status:
 * "The long-running operation has failed. CODE. message", "Operation was canceled").
 */
function lroOutcome(
  message: string | undefined,
): ((what: string, cause: {cause: unknown}) => AzdeployError) | undefined {
  if (message === 'Operation was canceled') {
    return (what, cause) =>
      new RejectedError(
        'AZURE_OPERATION_CANCELED',
        `Azure canceled the operation to ${what}`,
        'Something else canceled it (another deployment, a policy, the portal): run `azdeploy status`, then retry',
        cause,
      )
  }
  const failed = /^The long-running operation has failed(?:\. ([^.\s]+)\. ([\s\S]*))?$/.exec(message ?? '')
  if (!failed) return undefined
  const [, code, text] = failed
  return (what, cause) =>
    new RejectedError(
      code && code !== 'undefined'
        ? `AZURE_${code.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`
        : 'AZURE_OPERATION_FAILED',
      `Azure failed to ${what}: the operation ended Failed${code && code !== 'undefined' ? ` (${code})` : ''}${text ? `: ${redactText(text)}` : ''}`,
      "Azure's operation failed: retry; if it fails again, look at the resource group's activity log in the portal",
      cause,
    )
}
