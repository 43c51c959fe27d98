/**
 * Our own small OAuth 2.0 client for Entra ID (v2 endpoints) over plain node:https: device code and refresh
 * (the browser flow is in entra-browser.ts). No MSAL, no token cache on disk, no native keychain module.
 * Tokens only ever travel in request bodies (never URLs or argv) and come back wrapped in Secret.
 */
import https from 'node:https'
import {setTimeout as delay} from 'node:timers/promises'
import {AuthError} from '../../core/errors.js'
import {Secret} from '../../core/secret.js'

/** The Azure CLI's public client id, as the Azure SDK's interactive credentials use it. */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

export interface OAuthEndpoint {
  authorityHost: string
  tenant: string
  clientId: string
}

export interface TokenSet {
  accessToken: Secret
  refreshToken?: Secret
  expiresOnTimestamp: number
  /** Decoded id_token payload (not a secret: names the account). */
  idTokenClaims?: Record<string, unknown>
}

/** An error answer from Entra ID. `description` is Entra's own text (AADSTS code, trace id), never a token. */
export class EntraError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status: number,
  ) {
    super(`${error}: ${description}`)
    this.name = 'EntraError'
  }
}

export const HINT_RETRY = 'Run `azdeploy login` again'

export function endpointUrl(o: OAuthEndpoint, path: 'devicecode' | 'token' | 'authorize'): string {
  const host = o.authorityHost.replace(/\/+$/, '')
  return `${host}/${encodeURIComponent(o.tenant)}/oauth2/v2.0/${path}`
}

/** POST a form and parse the JSON answer; a 4xx with `{error}` becomes EntraError. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const body = new URLSearchParams(form).toString()
  const {origin} = new URL(url)
  const {status, text} = await new Promise<{status: number; text: string}>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          accept: 'application/json',
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8')}))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', (e) =>
      reject(
        new AuthError('ENTRA_UNREACHABLE', `Cannot reach Entra ID at ${origin}: ${e.message}`, 'Check the network'),
      ),
    )
    req.end(body)
  })
  let json: Record<string, unknown> | undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>
  } catch {
    json = undefined
  }
  if (json && typeof json['error'] === 'string') {
    const description = typeof json['error_description'] === 'string' ? json['error_description'] : ''
    throw new EntraError(json['error'], description.split(/\r?\n/)[0] ?? '', status)
  }
  if (!json || status < 200 || status >= 300) {
    throw new AuthError(
      'ENTRA_BAD_RESPONSE',
      `Entra ID answered ${origin} with HTTP ${status} and no token`,
      HINT_RETRY,
    )
  }
  return json
}

export function decodeJwtClaims(jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split('.')[1]
  if (!payload) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export function toTokenSet(json: Record<string, unknown>, now: number): TokenSet {
  const access = json['access_token']
  if (typeof access !== 'string' || access === '') {
    throw new AuthError('ENTRA_BAD_RESPONSE', 'Entra ID answered without an access token', HINT_RETRY)
  }
  const expiresIn = Number(json['expires_in'] ?? 3600)
  const out: TokenSet = {
    accessToken: new Secret(access),
    expiresOnTimestamp: now + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000,
  }
  if (typeof json['refresh_token'] === 'string') out.refreshToken = new Secret(json['refresh_token'])
  if (typeof json['id_token'] === 'string') {
    const claims = decodeJwtClaims(json['id_token'])
    if (claims) out.idTokenClaims = claims
  }
  return out
}

export function failed(e: EntraError, what: string): AuthError {
  return new AuthError('LOGIN_FAILED', `Entra ID refused the ${what} (${e.error}): ${e.description}`, HINT_RETRY, {
    cause: e,
  })
}

export interface RefreshOptions extends OAuthEndpoint {
  refreshToken: Secret
  scopes: string[]
  now?: () => number
}

/** refresh_token grant. Lets EntraError through so the caller can tell invalid_grant apart. */
export async function redeemRefreshToken(o: RefreshOptions): Promise<TokenSet> {
  const json = await postForm(endpointUrl(o, 'token'), {
    grant_type: 'refresh_token',
    client_id: o.clientId,
    refresh_token: o.refreshToken.reveal(),
    scope: o.scopes.join(' '),
  })
  return toTokenSet(json, (o.now ?? Date.now)())
}

export interface DeviceCodePrompt {
  userCode: string
  verificationUri: string
  /** Entra's ready-made sentence ("To sign in, use a web browser to open ... and enter the code ..."). */
  message: string
  expiresOnTimestamp: number
}

export interface DeviceCodeOptions extends OAuthEndpoint {
  scopes: string[]
  onPrompt: (p: DeviceCodePrompt) => void
  /** Waits between polls; tests pass one that records and returns at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
  signal?: AbortSignal
}

const defaultSleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? {signal} : {})

/** RFC 8628 device authorization grant, honouring interval, authorization_pending, slow_down and expiry. */
export async function deviceCodeFlow(o: DeviceCodeOptions): Promise<TokenSet> {
  const now = o.now ?? Date.now
  const sleep = o.sleep ?? defaultSleep
  let start: Record<string, unknown>
  try {
    start = await postForm(endpointUrl(o, 'devicecode'), {client_id: o.clientId, scope: o.scopes.join(' ')})
  } catch (e) {
    throw e instanceof EntraError ? failed(e, 'device code request') : e
  }
  const deviceCode = String(start['device_code'] ?? '')
  const expiresOnTimestamp = now() + Number(start['expires_in'] ?? 900) * 1000
  let intervalMs = Number(start['interval'] ?? 5) * 1000
  o.onPrompt({
    userCode: String(start['user_code'] ?? ''),
    verificationUri: String(start['verification_uri'] ?? start['verification_url'] ?? ''),
    message: String(start['message'] ?? ''),
    expiresOnTimestamp,
  })
  const expired = () =>
    new AuthError('DEVICE_CODE_EXPIRED', 'The device code expired before sign-in finished', HINT_RETRY)
  for (;;) {
    await sleep(intervalMs, o.signal)
    if (now() >= expiresOnTimestamp) throw expired()
    try {
      const json = await postForm(endpointUrl(o, 'token'), {
        grant_type: DEVICE_CODE_GRANT,
        client_id: o.clientId,
        device_code: deviceCode,
      })
      return toTokenSet(json, now())
    } catch (e) {
      if (!(e instanceof EntraError)) throw e
      if (e.error === 'authorization_pending') continue
      if (e.error === 'slow_down') {
        intervalMs += 5000
        continue
      }
      if (e.error === 'expired_token' || e.error === 'code_expired') throw expired()
      if (e.error === 'access_denied' || e.error === 'authorization_declined') {
        throw new AuthError('LOGIN_DECLINED', 'Sign-in was declined', HINT_RETRY)
      }
      throw failed(e, 'device code sign-in')
    }
  }
}
