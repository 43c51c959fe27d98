/**
 * GitHub Actions OIDC for workload identity federation: the job's ID token (audience api://AzureADTokenExchange,
 * or AZDEPLOY_OIDC_AUDIENCE for a sovereign cloud) is the client assertion Entra exchanges for an access token.
 * The ID token is requested from ACTIONS_ID_TOKEN_REQUEST_URL with the bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN (both
 * present only with `permissions: id-token: write`), kept until 60 s before its `exp`, then fetched afresh: MSAL
 * asks for the assertion on every token request.
 */
import {AuthError} from '../../core/errors.js'
import {HttpFailure, httpRequest, networkReason} from '../http/request.js'
import {decodeJwtClaims} from '../identity/jwt.js'

type Env = Record<string, string | undefined>

export const DEFAULT_OIDC_AUDIENCE = 'api://AzureADTokenExchange'
export const GITHUB_OIDC_HINT =
  'Check the federated credential of AZURE_CLIENT_ID (subject repo:<owner>/<repo>:...) and `permissions: id-token: write`'
/** An ID token this close to its `exp` is not used again. */
export const OIDC_REFRESH_MARGIN_MS = 60_000

const truthy = (v: string | undefined) => /^(1|true)$/i.test(v ?? '')

/**
 * A GitHub Actions job that should sign in with its own OIDC token: GITHUB_ACTIONS=true, AZURE_CLIENT_ID and
 * AZURE_TENANT_ID set, and no client secret, certificate or federated token file (those mean the workflow chose
 * another way).
 */
export function isGitHubOidcRun(env: Env): boolean {
  return (
    truthy(env['GITHUB_ACTIONS']) &&
    Boolean(env['AZURE_CLIENT_ID'] && env['AZURE_TENANT_ID']) &&
    !env['AZURE_CLIENT_SECRET'] &&
    !env['AZURE_CLIENT_CERTIFICATE_PATH'] &&
    !env['AZURE_FEDERATED_TOKEN_FILE']
  )
}

/** The job was not given `id-token: write`: GitHub then sets neither request variable. */
export function missingIdTokenPermission(): AuthError {
  return new AuthError(
    'GITHUB_OIDC_NO_PERMISSION',
    'This GitHub Actions job cannot request an OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set',
    'Add `permissions: id-token: write` (and `contents: read`) to the workflow or job',
  )
}

export interface GitHubOidcOptions {
  requestUrl: string
  requestToken: string
  audience?: string
  timeoutMs?: number
  /** Extra trusted CA (PEM); tests pass their CA. */
  ca?: string
  now?: () => number
  /** Called with each ID token fetched, before anything can print it (the run registers it as a secret). */
  onToken?: (token: string) => void
}

/** One GET for a fresh ID token. Never echoes the request token. */
export async function fetchGitHubOidcToken(o: GitHubOidcOptions): Promise<string> {
  const audience = o.audience || DEFAULT_OIDC_AUDIENCE
  const sep = o.requestUrl.includes('?') ? '&' : '?'
  let url: URL
  try {
    url = new URL(`${o.requestUrl}${sep}audience=${encodeURIComponent(audience)}`)
    if (url.protocol !== 'https:') throw new Error('not https')
  } catch {
    throw new AuthError(
      'GITHUB_OIDC_FAILED',
      'ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL (its bearer token must not travel in clear)',
      'Let GitHub set it: do not override it in the workflow',
    )
  }
  let res: Awaited<ReturnType<typeof httpRequest>>
  try {
    res = await httpRequest({
      url,
      headers: {authorization: `Bearer ${o.requestToken}`, accept: 'application/json'},
      timeoutMs: o.timeoutMs ?? 30_000,
      maxBytes: 64 * 1024,
      ...(o.ca ? {ca: o.ca} : {}),
    })
  } catch (e) {
    if (e instanceof HttpFailure && e.kind === 'too-large') {
      throw new AuthError(
        'GITHUB_OIDC_FAILED',
        `GitHub's OIDC token service at ${url.host} answered with more than 64 KiB; that is no ID token`,
        'Let GitHub set ACTIONS_ID_TOKEN_REQUEST_URL: do not override it in the workflow',
        {cause: e},
      )
    }
    const reason = e instanceof HttpFailure ? networkReason(e) : String((e as Error)?.message ?? e)
    throw new AuthError(
      'GITHUB_OIDC_UNREACHABLE',
      `Cannot reach GitHub's OIDC token service (network) at ${url.host}: ${reason}`,
      'Retry the job; check the runner can reach GitHub (proxy settings on self-hosted runners)',
      {cause: e},
    )
  }
  let value: unknown
  try {
    value = (JSON.parse(res.body.toString('utf8')) as {value?: unknown}).value
  } catch {
    value = undefined
  }
  if (res.status === 200 && typeof value === 'string' && value.split('.').length === 3) return value
  throw new AuthError(
    'GITHUB_OIDC_FAILED',
    `GitHub Actions did not issue an OIDC token (HTTP ${res.status} from ${url.host})`,
    res.status === 401 || res.status === 403
      ? 'Add `permissions: id-token: write` to the workflow or job'
      : GITHUB_OIDC_HINT,
  )
}

/**
 * The assertion callback for ClientAssertionCredential: the ID token in hand while it has over 60 s left (its
 * `exp`), else a fresh one. `claims` are those of the last token (its `sub` names the federated subject).
 */
export class GitHubOidcAssertion {
  fetches = 0
  claims: Record<string, unknown> | undefined
  readonly #o: GitHubOidcOptions
  #last: {value: string; expMs: number} | undefined
  #pending: Promise<string> | undefined

  constructor(o: GitHubOidcOptions) {
    this.#o = o
  }

  readonly get = async (): Promise<string> => {
    const now = (this.#o.now ?? Date.now)()
    if (this.#last && this.#last.expMs - OIDC_REFRESH_MARGIN_MS > now) return this.#last.value
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  async #fetch(): Promise<string> {
    this.fetches++
    const value = await fetchGitHubOidcToken(this.#o)
    this.#o.onToken?.(value)
    this.claims = decodeJwtClaims(value)
    const exp = Number(this.claims?.['exp'])
    this.#last = Number.isFinite(exp) ? {value, expMs: exp * 1000} : undefined
    return value
  }
}

/**
 * The subject this run presents to Entra: the ID token's `sub` when known, else built from the job's variables
 * (the environment part only the token can show).
 */
export function presentedSubject(env: Env, claims: Record<string, unknown> | undefined): string {
  const sub = claims?.['sub']
  if (typeof sub === 'string' && sub) return sub
  const repo = env['GITHUB_REPOSITORY'] || '<owner>/<repo>'
  if (env['GITHUB_EVENT_NAME'] === 'pull_request' || env['GITHUB_EVENT_NAME'] === 'pull_request_target') {
    return `repo:${repo}:pull_request`
  }
  return `repo:${repo}:ref:${env['GITHUB_REF'] || 'refs/heads/<branch>'}`
}

const NO_FEDERATION = /AADSTS70021|No matching federated identity record/i

/** Entra found no federated credential for this run's subject: say which subject and where to add it. */
export function federationMismatch(
  e: unknown,
  env: Env,
  claims: Record<string, unknown> | undefined,
): AuthError | undefined {
  const message = e instanceof Error ? e.message : String(e)
  if (!NO_FEDERATION.test(message)) return undefined
  const subject = presentedSubject(env, claims)
  const client = env['AZURE_CLIENT_ID'] ?? '<AZURE_CLIENT_ID>'
  const issuer = typeof claims?.['iss'] === 'string' ? claims['iss'] : 'https://token.actions.githubusercontent.com'
  return new AuthError(
    'GITHUB_OIDC_NO_FEDERATION',
    `Entra ID has no federated credential for subject "${subject}" on app ${client} (AADSTS70021)`,
    `Add a federated credential to app ${client} with issuer ${issuer}, subject "${subject}" and audience ${env['AZDEPLOY_OIDC_AUDIENCE'] || DEFAULT_OIDC_AUDIENCE} (az ad app federated-credential create --id ${client} ...)`,
    {cause: e},
  )
}
