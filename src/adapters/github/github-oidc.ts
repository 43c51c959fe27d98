/**
 * GitHub Actions OIDC for workload identity federation: the job's id token (audience api://AzureADTokenExchange)
 * is the client assertion Entra exchanges for an access token.
 */
import https from 'node:https'
import {AuthError} from '../../core/errors.js'
import {decodeJwtClaims} from '../identity/entra-oauth.js'
import {CredentialUnavailable} from '../identity/login-store.js'

export const GITHUB_OIDC_HINT =
  'Check the federated credential (subject repo:<org>/<repo>:...) and `permissions: id-token: write`'

/**
 * MSAL asks for the assertion more than once per token; reuse a GitHub id token while it has over 2 minutes left
 * (per its `exp` claim) instead of asking GitHub each time.
 */
export function cachedAssertion(fetch: () => Promise<string>): () => Promise<string> {
  let last: {value: string; exp: number} | undefined
  return async () => {
    if (last && last.exp - 120_000 > Date.now()) return last.value
    const value = await fetch()
    const exp = Number(decodeJwtClaims(value)?.['exp'])
    last = Number.isFinite(exp) ? {value, exp: exp * 1000} : undefined
    return value
  }
}

/** GitHub Actions OIDC: a fresh id token with audience api://AzureADTokenExchange, for each assertion. */
export function fetchGitHubOidcToken(
  requestUrl: string,
  bearer: string,
  audience = 'api://AzureADTokenExchange',
): Promise<string> {
  const url = `${requestUrl}${requestUrl.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {method: 'GET', timeout: 30_000, headers: {authorization: `Bearer ${bearer}`, accept: 'application/json'}},
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          let value: unknown
          try {
            value = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as {value?: unknown}).value
          } catch {
            value = undefined
          }
          if (res.statusCode === 200 && typeof value === 'string' && value) return resolve(value)
          reject(
            new AuthError(
              'GITHUB_OIDC_FAILED',
              `GitHub Actions did not issue an OIDC token (HTTP ${res.statusCode})`,
              GITHUB_OIDC_HINT,
            ),
          )
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', (e) => reject(new CredentialUnavailable(`GitHub OIDC token request failed: ${e.message}`)))
    req.end()
  })
}
